"""Automatic backups while the app runs: daily while open, and when it closes.

Backups run on a worker thread (a ten-year clinic takes a few seconds to copy and check); the
results arrive as signals on the UI thread. Only SQLite journals are backed up here: a server
database is the server's job.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from acujournal.services.backups import (
    back_up_if_due,
    back_up_journal,
    default_backup_folder,
    journal_path,
    newest_good_backup,
)
from acujournal.storage.backup import BackupError, BackupRecord
from acujournal.storage.db import Database

CHECK_EVERY_MS = 60 * 60 * 1000
"""How often the app asks whether a daily backup is due."""


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _BackupTask(QRunnable):
    def __init__(self, work: Callable[[], BackupRecord | None]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            record = self.work()
        except (BackupError, OSError) as error:
            self.signals.failed.emit(str(error))
        else:
            self.signals.done.emit(record)


class BackupScheduler(QObject):
    """Makes the automatic backups of one open journal."""

    backed_up = Signal(object)
    """A BackupRecord that passed its check."""
    failed = Signal(str)
    """Why a backup could not be made or failed its check (one sentence)."""
    idle = Signal()
    """Emitted when a requested backup has finished, whatever its outcome."""

    def __init__(
        self, db: Database, folder: Path | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.folder = folder if folder is not None else default_backup_folder()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.back_up_if_due)
        self.running = 0
        self._tasks: list[_BackupTask] = []

    @property
    def enabled(self) -> bool:
        return self.db.is_sqlite

    def start(self) -> None:
        """Check now whether a backup is due, then every hour."""
        if self.enabled:
            self.timer.start()
            self.back_up_if_due()

    def back_up_if_due(self) -> bool:
        """Start a backup when the newest good one is a day old; False when none started."""
        if not self.enabled or self.running:
            return False
        return self._run(lambda: back_up_if_due(self.db, self.folder))

    def back_up_now(self) -> bool:
        if not self.enabled or self.running:
            return False
        return self._run(lambda: back_up_journal(self.db, self.folder))

    def changed_since_last_backup(self) -> bool:
        """True when the journal was written after its newest good backup was made."""
        if not self.enabled:
            return False
        journal = journal_path(self.db)
        newest = newest_good_backup(journal, self.folder)
        if newest is None:
            return True
        written = max(
            (p.stat().st_mtime for p in (journal, Path(f"{journal}-wal")) if p.exists()),
            default=0.0,
        )
        return datetime.fromtimestamp(written, UTC) > newest.created_at

    def _run(self, work: Callable[[], BackupRecord | None]) -> bool:
        task = _BackupTask(work)
        task.setAutoDelete(False)
        task.signals.done.connect(lambda record: self._done(task, record))
        task.signals.failed.connect(lambda reason: self._failed(task, reason))
        self._tasks.append(task)
        self.running += 1
        self.pool.start(task)
        return True

    def _done(self, task: _BackupTask, record: object) -> None:
        self._settle(task)
        if isinstance(record, BackupRecord):
            self.backed_up.emit(record)
        self.idle.emit()

    def _failed(self, task: _BackupTask, reason: str) -> None:
        self._settle(task)
        self.failed.emit(reason)
        self.idle.emit()

    def _settle(self, task: _BackupTask) -> None:
        self.running -= 1
        if task in self._tasks:
            self._tasks.remove(task)

    def stop(self) -> None:
        self.timer.stop()
        self.pool.waitForDone()
