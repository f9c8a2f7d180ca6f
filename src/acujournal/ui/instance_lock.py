"""One writer per journal: a lock file beside the database, held while the app has it open.

Two AcuJournal windows on the same SQLite file would each cache what they read and save over
each other's work, and on a network share they can corrupt it outright; the second one is
refused, with a message naming who holds the journal.

``QLockFile`` writes the holder's process id, host and boot id into ``<journal>.lock``. Its
default stale time of 30 seconds suits short critical sections, not an app that stays open all
day: after 30 seconds another instance would call a living holder's lock stale and take it. The
lock is therefore only ever treated as stale when its holder is gone (the process no longer
runs on this host, or the machine has rebooted since), never by age.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from PySide6.QtCore import QLockFile

UNREADABLE_LOCK_GRACE_S = 10


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """The lock file of a journal: ``journal.sqlite3`` -> ``journal.sqlite3.lock``."""
    return Path(f"{os.fspath(db_path)}.lock")


def acquire_journal_lock(db_path: str | os.PathLike[str]) -> QLockFile | None:
    """Lock the journal for this process, or None when another live process holds it.

    Keep the returned object for as long as the journal is open: the lock is released when
    it is unlocked or garbage-collected. A lock left behind by a crashed process is removed
    and taken over. When None is returned, ``lock_refusal_message(db_path)`` says who holds
    the journal.
    """
    lock = QLockFile(str(lock_path(db_path)))
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError and _holder_is_gone(lock, db_path):
        # Qt's own stale detection (a dead holder on this host) already ran inside tryLock;
        # this also takes over a lock file Qt cannot read, which it would respect forever.
        lock.removeStaleLockFile()
        if lock.tryLock(0):
            return lock
    return None


def lock_refusal_message(db_path: str | os.PathLike[str]) -> str:
    """Why the journal could not be locked, in one sentence for the person at the screen."""
    probe = QLockFile(str(lock_path(db_path)))
    probe.setStaleLockTime(0)
    if probe.tryLock(0):
        probe.unlock()
        return f"The journal {db_path} was locked a moment ago, but is free now; try again."
    if probe.error() != QLockFile.LockError.LockFailedError:
        return (
            f"AcuJournal cannot create the lock file {lock_path(db_path)} (the folder may be "
            "read-only), so it cannot make sure no other window is writing to this journal."
        )
    pid, host = _lock_holder(probe)
    if pid <= 0:
        return f"The journal {db_path} is in use by another AcuJournal window."
    if not host or host == socket.gethostname():
        where = f"on this computer (process {pid})"
    else:
        where = f"on the computer {host} (process {pid})"
    return (
        f"The journal {db_path} is already open in another AcuJournal window {where}; "
        "close that window first, or switch to it."
    )


def _holder_is_gone(lock: QLockFile, db_path: str | os.PathLike[str]) -> bool:
    pid, host = _lock_holder(lock)
    if pid <= 0:
        # Unreadable: left empty or garbled by a power cut, which Qt never calls stale when
        # stale-by-age is off. A lock being written this very moment is younger than this.
        try:
            age = time.time() - lock_path(db_path).stat().st_mtime
        except OSError:
            return False
        return age > UNREADABLE_LOCK_GRACE_S
    if host and host != socket.gethostname():
        # A process on another machine cannot be checked from here: assume it is alive.
        return False
    if os.name != "posix":
        # On Windows os.kill() terminates the process; Qt's own check has to do there.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, owned by someone else
    except OSError:
        return False
    return False


def _lock_holder(lock: QLockFile) -> tuple[int, str]:
    """(pid, host name) written in the lock file; pid 0 when there is none to read."""
    info = lock.getLockInfo()
    # PySide6 drops the C++ bool result and returns (pid, hostname, appname); older
    # bindings put the bool first.
    values = [value for value in info if not isinstance(value, bool)]
    if len(values) < 2 or not isinstance(values[0], int):
        return 0, ""
    return values[0], str(values[1])
