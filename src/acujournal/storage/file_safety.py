"""Small file operations that journals, backups and re-encrypted copies share.

A replaced file is only safe once its bytes and its folder entry have reached the disk, and a
failed attempt must not leave half-written files behind.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def error_reason(error: BaseException) -> str:
    """An error's reason in a few lower-case words, to end a sentence with."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error).rstrip(".")


def fsync_file(path: Path) -> None:
    """Push a written file's bytes to the disk."""
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where folders cannot be opened)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_quietly(*paths: Path) -> None:
    """Remove what a failed attempt left; a file already gone is no problem."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
