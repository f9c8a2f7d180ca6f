"""One writer per journal: a second instance is refused; a crashed one's lock is taken over."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from acujournal.ui.instance_lock import acquire_journal_lock, lock_path, lock_refusal_message

HOLD_LOCK = """
import sys
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
print("locked" if lock.tryLock(0) else "refused", flush=True)
sys.stdin.read()  # hold the lock until killed
"""
DEADLINE_S = 60


@pytest.fixture
def holder(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the journal's lock (killed at the end if still alive)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_path(db_path))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert read_line(child) == "locked"
        yield child
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=DEADLINE_S)


def read_line(child: subprocess.Popen[str]) -> str:
    """The child's next line, waiting at most DEADLINE_S."""
    assert child.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    try:
        assert selector.select(timeout=DEADLINE_S), "the child did not answer in time"
        return child.stdout.readline().strip()
    finally:
        selector.close()


def test_a_second_lock_on_the_same_journal_is_refused_with_a_clear_message(
    db_path: Path,
) -> None:
    first = acquire_journal_lock(db_path)
    assert first is not None
    try:
        assert acquire_journal_lock(db_path) is None
        message = lock_refusal_message(db_path)
        assert message == (
            f"The journal {db_path} is already open in another AcuJournal window on this "
            f"computer (process {os.getpid()}); close that window first, or switch to it."
        )
    finally:
        first.unlock()
    again = acquire_journal_lock(db_path)
    assert again is not None
    again.unlock()
    assert not lock_path(db_path).exists()


def test_a_lock_held_by_another_live_process_is_refused_however_old_it_is(
    db_path: Path, holder: subprocess.Popen[str]
) -> None:
    # Qt's default would call a lock stale after 30 seconds without a touch; a journal
    # stays open all day, so only a dead holder makes a lock stale.
    two_hours_ago = time.time() - 7200
    os.utime(lock_path(db_path), (two_hours_ago, two_hours_ago))
    assert acquire_journal_lock(db_path) is None
    assert f"(process {holder.pid})" in lock_refusal_message(db_path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_the_lock_of_a_killed_process_is_taken_over(
    db_path: Path, holder: subprocess.Popen[str]
) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=DEADLINE_S)  # reaped: its pid is gone, not a zombie
    assert lock_path(db_path).exists()

    lock = acquire_journal_lock(db_path)
    assert lock is not None
    try:
        assert lock_path(db_path).read_text().splitlines()[0] == str(os.getpid())
    finally:
        lock.unlock()


def test_an_old_unreadable_lock_file_is_replaced(db_path: Path) -> None:
    # What a power cut can leave: the lock file created, its content never written.
    lock_path(db_path).write_bytes(b"")
    a_minute_ago = time.time() - 60
    os.utime(lock_path(db_path), (a_minute_ago, a_minute_ago))
    lock = acquire_journal_lock(db_path)
    assert lock is not None
    lock.unlock()


def test_a_fresh_unreadable_lock_file_is_respected(db_path: Path) -> None:
    # Another instance may be writing it this very moment.
    lock_path(db_path).write_bytes(b"")
    assert acquire_journal_lock(db_path) is None
    assert "in use by another AcuJournal window" in lock_refusal_message(db_path)
