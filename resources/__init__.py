"""Icons, style and the desktop entry, shipped inside the installed package."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    """Path of a file in resources/, in a source checkout or an installed package."""
    return Path(str(resources.files(__name__).joinpath(name)))
