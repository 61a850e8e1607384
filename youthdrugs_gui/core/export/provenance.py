"""The provenance record beside every export: what wrote it, when, from which data, with which filters.

Next to each export, ``<file name>.provenance.json`` (``out.csv`` -> ``out.csv.provenance.json``, so
exports to ``out.csv`` and ``out.xlsx`` keep separate records) says what program wrote it, when, from
which data set and source files (with SHA-256), with which filters, which columns and how many rows,
whether small numbers were suppressed and the SHA-256 of the export itself. The record of a protected
table (suppressed or rounded) holds no count of the data: no rows per source or in all, no load notes
(they count rows), so it cannot give away a count the table hides."""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..dataset import Dataset

PROGRAM = "youthdrugs-gui"

SYNTHETIC_NOTE = ("These figures come from the synthetic sample data set shipped with the program: they are "
                  "made up for demonstration and describe no real child, force or period.")


def program_version() -> str:
    """The installed program's version, or "unknown" when it is run from a source tree."""
    try:
        from importlib.metadata import version

        return version("youthdrugs-gui")
    except Exception:
        return "unknown"


def json_default(o: object) -> object:
    """JSON for what `json.dumps` does not know: numpy numbers and arrays, sets, dates, paths."""
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (set, frozenset)):
        return sorted(o, key=str)
    if isinstance(o, (_dt.datetime, _dt.date)):
        return o.isoformat()
    if isinstance(o, Path):
        return str(o)
    return str(o)


WITHHELD = ("Row counts and load notes are not given in the record of a protected table: they count rows of the "
            "data and could give away counts the table hides. The command 'youthdrugs-gui info' shows them.")


def _dataset_provenance(ds: "Dataset | None", *, protected: bool = False) -> dict:
    """The data set's part of the record. `protected` (the table is suppressed or rounded): no count of
    the data at all, only what identifies the sources (path, SHA-256, format, mapping)."""
    if ds is None:
        return {"name": None, "synthetic": None, "sources": []}
    out: dict[str, object] = {
        "name": ds.name,
        "synthetic": bool(ds.synthetic),
    }
    if ds.synthetic:
        out["synthetic_note"] = SYNTHETIC_NOTE
    if protected:
        out["sources"] = [{"path": str(s.path), "sha256": s.sha256, "format": s.format, "mapping": dict(s.mapping)}
                          for s in ds.sources]
        out["withheld"] = WITHHELD
        return out
    out["rows"] = int(ds.n_rows)
    out["sources"] = [
        {"path": str(s.path), "sha256": s.sha256, "format": s.format, "rows": int(s.rows),
         "mapping": dict(s.mapping), "notes": list(s.notes)}
        for s in ds.sources
    ]
    if ds.notes:
        out["notes"] = list(ds.notes)
    return out


def provenance_record(*, kind: str, ds: "Dataset | None", target: Path, fmt: str, bom: bool, rows: int,
                      headers: list[str], column_names: list[str], suppression: str, size: int, sha256: str,
                      caller: dict | None, seconds: float) -> dict:
    """The record of one export of `size` bytes with SHA-256 `sha256` at `target`: the facts of what
    was written, over the JSON-able facts the `caller` passed (filters, selection ...)."""
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    rule = suppression if suppression != "none" else (caller or {}).get("suppression") or "none"
    facts: dict[str, object] = {
        "program": PROGRAM,
        "version": program_version(),
        "created_utc": now.isoformat().replace("+00:00", "Z"),
        "export_kind": kind,
        "output": {
            "file": target.name,
            "format": fmt,
            "utf8_bom": bool(bom) if fmt == "csv" else None,
            "bytes": size,
            "sha256": sha256,
        },
        "dataset": _dataset_provenance(ds, protected=str(rule).strip().lower() not in ("", "none")),
        "rows_written": int(rows),
        "columns_written": list(headers),
        "column_names": list(column_names),
        "suppression": suppression,
        "seconds": round(seconds, 3),
    }
    merged: dict[str, object] = {}
    for key, value in (caller or {}).items():
        merged[str(key)] = value
    # facts about what was written win over anything the caller passed, except a suppression rule the
    # caller applied itself to a plain table
    for key, value in facts.items():
        if key == "suppression" and value == "none" and merged.get("suppression"):
            continue
        merged[key] = value
    merged.setdefault("filter_state", None)
    return merged


def record_bytes(record: dict) -> bytes:
    """The record as the file holds it: indented UTF-8 JSON ending in a newline."""
    return (json.dumps(record, indent=2, ensure_ascii=False, default=json_default) + "\n").encode("utf-8")
