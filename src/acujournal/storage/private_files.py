"""Files and folders that only their owner may read: journals, backups, keys.

A journal holds medical records. On a computer shared by several people (a clinic's front desk,
a family laptop) the usual permissions of a new file (``rw-r--r--``) would let every other
account read it. Everything AcuJournal creates that holds patient data or a key is therefore
made readable and writable by its owner only: files ``0600``, folders ``0700``. Folders that
already exist are left as they are (a USB stick or a clinic's shared backup folder is the
person's choice).

SQLite gives the ``-wal``, ``-shm`` and ``-journal`` files of a database the permissions of the
database file itself, so creating the database file owner-only is enough for its side files.

On Windows these modes mean little (access is governed by the folder's access control list,
which for the per-user data folder is already the user's own); the calls are harmless there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents as owner-only folders.

    Folders that exist already keep their permissions. Raises OSError when a folder cannot
    be created.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    if not current.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(current))
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER_MODE)
        except FileExistsError:
            continue
        # mkdir's mode is filtered by the umask, which may only remove bits; chmod makes the
        # intent explicit whatever the umask is.
        os.chmod(path, PRIVATE_FOLDER_MODE)


def create_private_file(path: Path) -> None:
    """Create ``path`` as a new, empty, owner-only file; FileExistsError when it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(descriptor)
    os.chmod(path, PRIVATE_FILE_MODE)


def restrict_to_owner(path: Path) -> None:
    """Take read and write access away from group and others on a file this user owns.

    Used on journals made by earlier versions, which were created with the default
    permissions. Best effort: a file that belongs to someone else, or a file system without
    permissions, is left as it is.
    """
    with contextlib.suppress(OSError):
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return
        if info.st_mode & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
