"""Where the shipped resources (point catalogue, schemas, icons) are found.

An installed wheel carries them inside the package (``acujournal/resources``); a source
checkout keeps them in the repository's top-level ``resources/`` folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding AcuJournal's resources."""
    packaged = Path(__file__).with_name("resources")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    """The path of one resource file, e.g. ``resource_path("points", "classical.csv")``."""
    return resources_dir().joinpath(*parts)
