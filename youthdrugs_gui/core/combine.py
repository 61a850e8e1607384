"""Several loaded data sets (several files) as one."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .coverage import merge_gaps
from .dataset import Dataset
from .periods import PERIOD_COLUMNS
from .schema import NOT_RECORDED, Role


def concat(datasets: list[Dataset], name: str | None = None) -> Dataset:
    """Append several loaded data sets (several files) into one; columns are unioned."""
    if len(datasets) == 1:
        return datasets[0]
    frames = []
    for ds in datasets:
        f = ds.frame.copy()
        if ds.role(schema.DATE) is Role.DATE:  # made again from the dates of every file together
            f = f.drop(columns=[p for p in PERIOD_COLUMNS if p in f.columns])
        for c in ds.categorical_columns:
            if c in f.columns:
                f[c] = f[c].astype(object)
        frames.append(f)
    _fill_levels(frames)
    df = pd.concat(frames, ignore_index=True, sort=False)
    labels: dict[str, str] = {}
    for ds in datasets:
        labels.update(ds.labels)
    return Dataset.from_frame(
        df,
        name=name or " + ".join(ds.name for ds in datasets),
        sources=tuple(s for ds in datasets for s in ds.sources),
        synthetic=any(ds.synthetic for ds in datasets),
        labels=labels,
        notes=tuple(n for ds in datasets for n in ds.notes),
        gaps=merge_gaps([ds.gaps for ds in datasets]),
        covered=tuple(c for ds in datasets for c in ds.covered),
    )


def _fill_levels(frames: list[pd.DataFrame]) -> None:
    """When some files have area levels and others do not, the others' rows get theirs: a row with a
    police force is about that force's area."""
    if not any(schema.AREA_LEVEL in f.columns for f in frames):
        return
    for i, f in enumerate(frames):
        if schema.AREA_LEVEL in f.columns:
            continue
        if schema.FORCE in f.columns:
            force = f[schema.FORCE].astype(object)
            known = force.notna() & (force != NOT_RECORDED)
            frames[i] = f.assign(**{
                schema.AREA_LEVEL: np.where(known, schema.FORCE_AREA, None),
                schema.AREA: force.where(known, None),
            })

