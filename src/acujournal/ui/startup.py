"""Before a journal file opens: is it ours alone, is it sound, is it somewhere safe?

Three checks, in this order, each with a clear dialog:

1. one writer: another AcuJournal window on the same journal is refused (a lock left by a
   crashed one is taken over);
2. integrity: a damaged, truncated or foreign file is never opened, changed or deleted; the
   newest backup that passed its check is offered instead (the damaged file is kept aside);
3. location: a journal in a cloud-synced folder or on a network drive gets a warning.

The questions go through a :class:`Prompt`, so tests answer them without dialogs.

Checking the pages of a large journal takes a noticeable part of a start (SQLite reads every
page). It stays before the journal opens: from the first keystroke on, the app writes (drafts,
the audit trail, the daily backup that rotates older ones away), and a damaged file must be
caught before any of that. The caller may hand in other start-up work (``meanwhile``, such as
loading the window's code) to do on this thread while the check runs on another; the journal
is not opened until the check has finished.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QLockFile, QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from acujournal.storage.backup import BackupError, BackupRecord
from acujournal.storage.cipher import WRONG_PASSPHRASE, is_encrypted
from acujournal.storage.integrity import (
    FileState,
    IntegrityReport,
    check_database_file,
    location_warning,
)
from acujournal.storage.private_files import make_private_folder
from acujournal.ui.instance_lock import acquire_journal_lock, lock_refusal_message
from acujournal.ui.passphrase_dialog import ask_passphrase


class Prompt(Protocol):
    def refused(self, message: str) -> None:
        """Another window holds the journal: say so."""

    def passphrase(self, journal: str, check: Callable[[str], str | None]) -> str | None:
        """The journal is encrypted: a passphrase ``check`` accepts, or None to stop."""

    def damaged(self, report: IntegrityReport, backup: BackupRecord | None) -> bool:
        """The file is damaged: True to restore ``backup`` (offered only when not None)."""

    def risky_location(self, warning: str) -> bool:
        """The journal sits somewhere unsafe: True to open it anyway."""

    def problem(self, message: str) -> None:
        """Something went wrong that the person must know about."""


@dataclass(slots=True)
class Preparation:
    """The outcome: go on (holding ``lock``) or stop with ``message``."""

    lock: QLockFile | None
    message: str | None = None
    restored_from: Path | None = None
    passphrase: str | None = None

    @property
    def proceed(self) -> bool:
        return self.message is None


def prepare_journal_file(
    path: Path, prompt: Prompt, *, meanwhile: Callable[[], object] | None = None
) -> Preparation:
    """Lock, check and (if the person agrees) restore the journal at ``path`` before opening.

    A journal that does not exist yet is only locked: opening creates it, and its folder is
    created here (owner-only) so that the lock file has somewhere to go. ``meanwhile`` is
    called (on this thread) while the file's pages are being checked, once the lock is held.
    """
    try:
        make_private_folder(path.parent)
    except OSError as error:
        message = f"AcuJournal cannot create the folder {path.parent}: {error.strerror}."
        prompt.problem(message)
        return Preparation(None, message)
    lock = acquire_journal_lock(path)
    if lock is None:
        message = lock_refusal_message(path)
        prompt.refused(message)
        return Preparation(None, message)
    result = Preparation(lock)
    if path.exists() and is_encrypted(path):

        def check(passphrase: str) -> str | None:
            state = check_database_file(path, passphrase=passphrase).state
            return WRONG_PASSPHRASE if state is FileState.ENCRYPTED else None

        # A plain journal whose first page was overwritten looks encrypted too: without a
        # passphrase the file is checked as it is, and a damaged one gets the restore offer.
        result.passphrase = prompt.passphrase(path.name, check)
    report = _check_while(path, result.passphrase, meanwhile)
    if not report.ok and report.state is not FileState.MISSING:
        # Loaded only here: it brings the journal's whole data model, which a sound start
        # loads while the pages are being checked.
        from acujournal.services.backups import newest_good_backup, restore_journal

        backup = newest_good_backup(path)
        if not prompt.damaged(report, backup) or backup is None:
            lock.unlock()
            return Preparation(None, f"{report.message} The file was left as it is.")
        try:
            restore_journal(backup.path, path, passphrase=result.passphrase)
        except BackupError as error:
            prompt.problem(str(error))
            lock.unlock()
            return Preparation(None, str(error))
        result.restored_from = backup.path
    warning = location_warning(path)
    if warning is not None and not prompt.risky_location(warning):
        lock.unlock()
        return Preparation(None, warning)
    return result


def _check_while(
    path: Path, passphrase: str | None, meanwhile: Callable[[], object] | None
) -> IntegrityReport:
    """Check the file on a worker thread while ``meanwhile`` runs here; wait for both."""
    if meanwhile is None:
        return check_database_file(path, passphrase=passphrase)
    outcome: list[IntegrityReport | BaseException] = []

    def check() -> None:
        try:
            outcome.append(check_database_file(path, passphrase=passphrase))
        except BaseException as error:  # handed to the waiting thread below
            outcome.append(error)

    worker = threading.Thread(target=check, name="journal-check", daemon=True)
    worker.start()
    try:
        meanwhile()
    finally:
        worker.join()
    found = outcome[0]
    if isinstance(found, BaseException):
        raise found
    return found


class DialogPrompt(QObject):
    """The real questions, as message boxes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__()
        self.parent_widget = parent

    def refused(self, message: str) -> None:
        QMessageBox.warning(self.parent_widget, self.tr("Journal already open"), message)

    def passphrase(self, journal: str, check: Callable[[str], str | None]) -> str | None:
        return ask_passphrase(journal, check, parent=self.parent_widget)

    def damaged(self, report: IntegrityReport, backup: BackupRecord | None) -> bool:
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(self.tr("The journal file is damaged"))
        text = report.message + " " + self.tr("The file has not been changed.")
        if report.details:
            box.setDetailedText("\n".join(report.details))
        if backup is None:
            box.setText(text + " " + self.tr("No checked backup of it was found."))
            box.setStandardButtons(QMessageBox.StandardButton.Close)
            box.exec()
            return False
        when = backup.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        box.setText(
            text
            + " "
            + self.tr(
                "Restore the newest checked backup, from %1? The damaged file is kept beside "
                "the journal, renamed, so nothing is lost."
            ).replace("%1", when)
        )
        restore = box.addButton(self.tr("&Restore backup"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Quit"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore

    def risky_location(self, warning: str) -> bool:
        box = QMessageBox(self.parent_widget)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Risky place for a journal"))
        box.setText(warning)
        open_anyway = box.addButton(self.tr("&Open anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Quit"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is open_anyway

    def problem(self, message: str) -> None:
        QMessageBox.critical(self.parent_widget, self.tr("AcuJournal"), message)
