"""The embedded default data set (synthetic, see README.md here) and its generator."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_FILE = "sample.parquet"


def sample_path() -> Path:
    """Where the embedded sample lives, in a source checkout or an installed package."""
    return Path(str(resources.files(__name__).joinpath(SAMPLE_FILE)))
