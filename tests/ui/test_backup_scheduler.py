"""Automatic backups: made off the UI thread, daily while open, and when the window closes."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from acujournal.services.backups import journal_backups
from acujournal.services.sessions import record_session
from acujournal.storage.backup import BackupRecord
from acujournal.storage.db import Database
from acujournal.ui.backup_scheduler import BackupScheduler
from acujournal.ui.main_window import MainWindow
from tests.builders import make_journal, make_session


def test_a_first_start_makes_a_checked_backup_and_a_second_is_not_due(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    make_journal(db, "Åse Bjørnstad")
    scheduler = BackupScheduler(db, tmp_path / "backups")
    with qtbot.waitSignal(scheduler.backed_up, timeout=20_000) as made:
        scheduler.start()
    record = made.args[0]
    assert isinstance(record, BackupRecord)
    assert record.verified
    assert record.counts["patients"] == 1
    assert scheduler.timer.isActive()
    assert not scheduler.back_up_if_due() or scheduler.running == 1
    with qtbot.waitSignal(scheduler.idle, timeout=20_000, raising=False):
        pass
    assert len(journal_backups(db_path, tmp_path / "backups")) == 1, "a day has not passed"
    scheduler.stop()


def test_a_backup_that_cannot_be_written_is_reported(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the backup folder should be")
    scheduler = BackupScheduler(db, blocker)
    with qtbot.waitSignal(scheduler.failed, timeout=20_000) as failed:
        scheduler.back_up_now()
    assert str(blocker) in failed.args[0]
    scheduler.stop()


def test_closing_after_a_change_backs_up_first(
    qtbot: QtBot, db: Database, db_path: Path, tmp_path: Path
) -> None:
    journal = make_journal(db, "Åse Bjørnstad")
    folder = tmp_path / "backups"
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    scheduler = BackupScheduler(db, folder, parent=window)
    with qtbot.waitSignal(scheduler.backed_up, timeout=20_000):
        window.attach_backups(scheduler)
    assert window.backup_action.isEnabled()
    record_session(db, make_session(journal))  # a change after the backup
    assert scheduler.changed_since_last_backup()

    with qtbot.waitSignal(scheduler.backed_up, timeout=20_000):
        assert not window.close(), "the window waits for the backup"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20_000)
    newest = journal_backups(db_path, folder)[0]
    assert newest.counts["sessions"] == 1
