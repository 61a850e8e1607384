"""The embedded synthetic sample: a Parquet file shipped with the program, already in canonical columns
(categoricals stored as dictionaries), so loading it is one Parquet read and one Dataset.from_frame.

It is read apart from the importers of users' files (core.sources, which re-exports it), so that the
window opening on the sample does not load the readers of every file format."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .dataset import Dataset, SourceFile
from .errors import LoadError

NAME = "Synthetic sample"
NOTE = ("synthetic data made up for trying the program; the figures are not real and must not be "
        "published or used for decisions")


def load_parquet_sample(path: Path) -> Dataset:
    """Load a sample-shaped Parquet file (canonical columns) as a synthetic Dataset."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise LoadError(f"The built-in sample data is missing from this installation ({path}). "
                        "Reinstall the program, or open a data file instead.") from None
    except OSError as e:
        raise LoadError(f"The built-in sample data ({path}) cannot be read ({e.strerror or e}).") from None
    try:
        frame = pq.ParquetFile(pa.BufferReader(data)).read().to_pandas()  # no pyarrow.dataset import
    except Exception as e:  # a damaged or truncated file can raise several pyarrow errors
        raise LoadError(f"The built-in sample data ({path}) is damaged ({type(e).__name__}). "
                        "Reinstall the program, or open a data file instead.") from None
    source = SourceFile(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="sample",
                        rows=len(frame), mapping={c: c for c in frame.columns}, notes=(NOTE,))
    return Dataset.from_frame(frame, name=NAME, sources=(source,), synthetic=True, notes=(NOTE,))


def load_sample() -> Dataset:
    """The synthetic sample that ships with the program."""
    from .. import data as _data

    return load_parquet_sample(_data.sample_path())
