"""The Journal menu's own journal and encryption actions.

Starting the clinic's journal (from the demo clinic)
    The demo clinic's window shows a notice above the patient list and offers "New clinic
    journal…". The journal is created at the default journal path (owner-only; encrypted
    from its first page when a passphrase is chosen), the clinic's name and first
    practitioner are stored in it, and a new main window opens on it, holding its lock; the
    demo's window closes, its database is closed and its lock released. From then on
    AcuJournal opens that journal when it starts. An existing journal is never overwritten.

    A new window, rather than the demo's window re-pointed: everything in a main window (the
    title, the notice, the editors, the reports, the backups) is built for one journal in
    its constructor, and a fresh window leaves nothing of the demo behind.

Encryption ("Journal ▸ Encryption")
    "Protect with a passphrase…" (plain → encrypted), "Change passphrase…" and "Remove
    passphrase…" run the storage functions (``storage.encryption``) on the closed journal:
    every editor is closed first (saved or kept as a draft), reports and backups are waited
    for, the database is closed, converted (a converted copy is checked before it replaces
    the journal; the previous file is kept aside) and opened again with its new passphrase.

    Here the window is re-pointed instead: the same journal stays open in it, so the
    :class:`~acujournal.storage.db.Database` object the window and its parts share is given
    the new engine in place, and everything holding it (editors, reports, backups, the idle
    lock) follows without being rebuilt. Backups made afterwards are encrypted (or not) like
    the journal; the ones made before stay as they were made.

    None of this applies to a PostgreSQL server (its storage is the server's to encrypt) or
    to the demo clinic (its patients are made up).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLockFile, QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from acujournal.domain.validation import ValidationError
from acujournal.services.audit import current_actor, set_actor
from acujournal.services.settings import save_settings
from acujournal.storage.audit_keys import AuditKeyError
from acujournal.storage.cipher import UNAVAILABLE, WRONG_PASSPHRASE
from acujournal.storage.db import (
    SIDE_FILES,
    Database,
    DatabaseOpenError,
    JournalWriteError,
    database_url,
    default_database_path,
    open_database,
)
from acujournal.storage.encryption import (
    EncryptionError,
    EncryptionUnavailableError,
    change_passphrase,
    decrypt_journal,
    encrypt_journal,
    encryption_available,
)
from acujournal.storage.file_safety import remove_quietly
from acujournal.ui.application import open_main_window
from acujournal.ui.new_journal_dialog import NewJournal, NewJournalDialog, NewPassphraseDialog
from acujournal.ui.passphrase_dialog import PassphraseDialog, PassphraseMode
from acujournal.ui.startup import DialogPrompt, prepare_journal_file

if TYPE_CHECKING:
    from acujournal.ui.main_window import MainWindow

# Windows opened on a newly created journal: kept referenced while they exist, since the
# window that opened them closes and nothing else holds them.
_opened_windows: dict[int, QWidget] = {}


class JournalExistsError(Exception):
    """A journal is already kept where a new one was to be created; it was left alone."""


def existing_journal_message(path: Path) -> str:
    return (
        f"There is already a clinic journal at {path}. AcuJournal never overwrites a "
        "journal: start AcuJournal again to open it, or move that file elsewhere first."
    )


def journal_exists(path: Path) -> bool:
    """Whether anything of a journal (the file, or its write-ahead log) is at ``path``."""
    return any(Path(f"{path}{side}").exists() for side in ("", *SIDE_FILES))


def create_clinic_journal(path: Path, new: NewJournal) -> Database:
    """Create the journal at ``path`` with the clinic's details and first practitioner.

    The journal is encrypted from its first page when ``new.passphrase`` is given, and is
    readable by its owner only. Raises JournalExistsError when a journal is already there
    (it is left alone), and DatabaseOpenError, JournalWriteError, ValidationError,
    AuditKeyError or SQLAlchemyError when the journal could not be made; a file this call
    started is removed again then.
    """
    if journal_exists(path):
        raise JournalExistsError(existing_journal_message(path))
    try:
        db = open_database(database_url(path), passphrase=new.passphrase)
    except DatabaseOpenError:
        _remove_started_journal(path)
        raise
    try:
        save_settings(db, new.clinic, [new.practitioner], {})
    except BaseException:
        # Half a journal would open at the next start as if it were the clinic's.
        db.dispose()
        _remove_started_journal(path)
        raise
    return db


def _remove_started_journal(path: Path) -> None:
    remove_quietly(*(Path(f"{path}{side}") for side in ("", *SIDE_FILES)))


class DemoNotice(QFrame):
    """The bar above the demo clinic's patient list: made-up patients, and the way out."""

    create_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoNotice")
        self.setAccessibleName(self.tr("Demo clinic notice"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#demoNotice { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 4px; }"
        )
        self.text = QLabel(
            self.tr(
                "This is a demo clinic with made-up patients, for trying AcuJournal out. "
                "Create your clinic's journal when you are ready; the demo stays as it is."
            )
        )
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.button = QPushButton(self.tr("Create your clinic's journal…"))
        self.button.setObjectName("createClinicJournal")
        self.button.clicked.connect(self.create_requested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.text)
        layout.addLayout(row)


class JournalActions(QObject):
    """The journal and encryption actions of one main window (see the module's description)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.lock: QLockFile | None = None
        self.notice: DemoNotice | None = None
        menu = window.journal_menu

        self.new_journal_action = QAction(self.tr("New clinic &journal…"), window)
        self.new_journal_action.setStatusTip(
            self.tr("Create your clinic's own journal and switch to it")
        )
        self.new_journal_action.triggered.connect(lambda _checked=False: self.new_clinic_journal())
        if window.is_demo:
            first = menu.actions()[0]  # the menu is built before this: never empty
            menu.insertAction(first, self.new_journal_action)
            menu.insertSeparator(first)
            self.notice = DemoNotice()
            self.notice.create_requested.connect(self.new_clinic_journal)
            left = window.search.parentWidget()
            layout = left.layout() if left is not None else None
            if isinstance(layout, QVBoxLayout):
                layout.insertWidget(0, self.notice)

        self.encryption_menu = QMenu(self.tr("&Encryption"), window)
        self.encryption_menu.setObjectName("encryptionMenu")
        self.protect_action = self._add(
            self.tr("&Protect with a passphrase…"), self.protect_with_passphrase
        )
        self.change_action = self._add(self.tr("&Change passphrase…"), self.change_passphrase)
        self.remove_action = self._add(self.tr("&Remove passphrase…"), self.remove_passphrase)
        actions = menu.actions()
        after_settings = actions.index(window.settings_action) + 1
        if after_settings < len(actions):
            menu.insertMenu(actions[after_settings], self.encryption_menu)
        else:
            menu.addMenu(self.encryption_menu)
        self.update_state()

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        self.encryption_menu.addAction(action)
        return action

    # The journal's lock ----------------------------------------------------------------------
    def adopt_lock(self, lock: QLockFile | None) -> None:
        """Hold the journal's lock for as long as this window has it open."""
        self.lock = lock
        if lock is not None:
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.release)

    def release(self) -> None:
        """Close this window's journal and let go of its lock (calling it again is harmless)."""
        self.window.db.dispose()
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None

    # State -----------------------------------------------------------------------------------
    def update_state(self) -> None:
        """Offer only what applies to the journal as it is now."""
        db = self.window.db
        self.encryption_menu.menuAction().setVisible(db.is_sqlite)
        usable = db.is_sqlite and not self.window.is_demo
        available = encryption_available()
        self.protect_action.setEnabled(usable and available and not db.encrypted)
        self.change_action.setEnabled(usable and db.encrypted)
        self.remove_action.setEnabled(usable and db.encrypted)
        if self.window.is_demo:
            tip = self.tr(
                "The demo clinic's patients are made up: create your clinic's journal to "
                "protect it with a passphrase."
            )
        elif not available:
            tip = UNAVAILABLE
        elif db.encrypted:
            tip = self.tr("This journal is protected with a passphrase.")
        else:
            tip = self.tr("This journal is not protected with a passphrase.")
        self.encryption_menu.menuAction().setStatusTip(tip)
        self.encryption_menu.setToolTip(tip)

    def _journal_file(self) -> Path:
        return Path(str(self.window.db.engine.url.database))

    # A new clinic journal --------------------------------------------------------------------
    def new_clinic_journal(self) -> MainWindow | None:
        """Ask for the clinic's details, create its journal and switch to it.

        Returns the window opened on the new journal, or None when nothing was created.
        """
        window = self.window
        path = default_database_path().expanduser().resolve()
        if journal_exists(path):
            self._refuse_existing(path)
            return None
        available = encryption_available()
        dialog = NewJournalDialog(
            path,
            encryption_available=available,
            unavailable_reason="" if available else UNAVAILABLE,
            parent=window,
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        new = dialog.new_journal()
        dialog.deleteLater()
        if not accepted or new is None:
            return None
        if journal_exists(path):  # made meanwhile, by another window
            self._refuse_existing(path)
            return None
        preparation = prepare_journal_file(path, DialogPrompt(window))
        lock = preparation.lock
        if not preparation.proceed or lock is None:
            return None
        # Every editor is saved or kept as a draft before the window goes.
        if not window.tabs.close_all():
            lock.unlock()
            return None
        window.reports.wait()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            db = create_clinic_journal(path, new)
        except (
            JournalExistsError,
            DatabaseOpenError,
            JournalWriteError,
            ValidationError,
            AuditKeyError,
            SQLAlchemyError,
        ) as error:
            lock.unlock()
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(window, self.tr("Journal not created"), str(error))
            window.restore_drafts()
            return None
        QApplication.restoreOverrideCursor()

        with_backups = window.backups is not None
        if window.backups is not None:
            # The demo's made-up patients need no closing backup.
            window.backups.stop()
            window.backups = None
        successor = open_main_window(db, is_demo=False, lock=lock, backups=with_backups)
        key = id(successor)
        _opened_windows[key] = successor
        successor.destroyed.connect(lambda _object=None, key=key: _opened_windows.pop(key, None))
        window.close()
        self.release()
        protected = (
            self.tr("It is protected with a passphrase, asked for each time AcuJournal starts.")
            if db.encrypted
            else self.tr("It is not protected with a passphrase.")
        )
        successor.statusBar().showMessage(
            self.tr("Your clinic's journal is ready in %1 and opens from now on. ").replace(
                "%1", str(path)
            )
            + protected,
            20_000,
        )
        successor.activateWindow()
        return successor

    def _refuse_existing(self, path: Path) -> None:
        QMessageBox.information(
            self.window, self.tr("A clinic journal exists"), existing_journal_message(path)
        )

    # Encryption ------------------------------------------------------------------------------
    def _check_current(self, typed: str) -> str | None:
        passphrase = self.window.db.passphrase
        if passphrase is None:
            return WRONG_PASSPHRASE
        same = hmac.compare_digest(typed.encode(), passphrase.encode())
        return None if same else WRONG_PASSPHRASE

    def protect_with_passphrase(self) -> bool:
        """Encrypt the (plain) journal with a new passphrase; True when it was done."""
        journal = self._journal_file()
        dialog = NewPassphraseDialog(
            self.tr("Protect the journal with a passphrase"),
            self.tr(
                "The journal %1 is encrypted with the passphrase chosen here, and AcuJournal "
                "asks for it each time it starts. The unencrypted file is kept beside it, "
                "for you to delete once the encrypted journal has opened."
            ).replace("%1", journal.name),
            self.tr("&Protect"),
            parent=self.window,
        )
        chosen = dialog.passphrases() if dialog.exec() == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        if chosen is None:
            return False
        new = chosen[1]

        def work() -> str:
            conversion = encrypt_journal(journal, new)
            return self.tr(
                "The journal is protected with its passphrase now, and its check passed.\n\n"
                "The unencrypted journal was kept as %1. It still holds every record in plain "
                "text: once AcuJournal has opened the encrypted journal at its next start, "
                "delete that file securely. Backups made before now are not encrypted; "
                "backups made from now on are."
            ).replace("%1", str(conversion.set_aside))

        return self._while_closed(work, new, self.tr("Journal protected"))

    def change_passphrase(self) -> bool:
        """Give the encrypted journal a new passphrase; True when it was done."""
        dialog = NewPassphraseDialog(
            self.tr("Change the journal's passphrase"),
            self.tr(
                "Type the journal's passphrase, then the new one twice. Backups made before "
                "keep the passphrase they were made with."
            ),
            self.tr("&Change passphrase"),
            check_current=self._check_current,
            parent=self.window,
        )
        chosen = dialog.passphrases() if dialog.exec() == QDialog.DialogCode.Accepted else None
        dialog.deleteLater()
        old = chosen[0] if chosen is not None else None
        if chosen is None or old is None:
            return False
        new = chosen[1]
        journal = self._journal_file()

        def work() -> str:
            change_passphrase(journal, old, new)
            return self.tr(
                "The journal has its new passphrase, and its check passed. Backups made "
                "before keep the passphrase they were made with."
            )

        return self._while_closed(work, new, self.tr("Passphrase changed"))

    def remove_passphrase(self) -> bool:
        """Store the encrypted journal unencrypted again; True when it was done."""
        journal = self._journal_file()
        dialog = PassphraseDialog(
            PassphraseMode.ASK,
            journal=journal.name,
            check=self._check_current,
            message=self.tr(
                "Without a passphrase anyone who can read this computer's files can read the "
                "journal %1, and backups made from now on are not encrypted either. Type the "
                "journal's passphrase to remove it."
            ).replace("%1", journal.name),
            parent=self.window,
        )
        dialog.setWindowTitle(self.tr("Remove the journal's passphrase"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("&Remove passphrase")
        )
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        current = dialog.passphrase()
        dialog.deleteLater()
        if not accepted or current is None:
            return False

        def work() -> str:
            conversion = decrypt_journal(journal, current)
            return self.tr(
                "The journal is stored without a passphrase now, and its check passed. The "
                "encrypted journal was kept as %1."
            ).replace("%1", str(conversion.set_aside))

        return self._while_closed(work, None, self.tr("Passphrase removed"))

    def _while_closed(self, work: Callable[[], str], passphrase: str | None, done: str) -> bool:
        """Run ``work`` on the closed journal, then open it again in this window.

        ``work`` returns the sentence reporting its success; ``passphrase`` is the one the
        journal has after it. When it fails the journal is opened again as it was.
        """
        window = self.window
        if not window.tabs.close_all():
            return False
        window.reports.wait()
        backups = window.backups
        if backups is not None:
            backups.stop()
        db = window.db
        before = db.passphrase
        actor = current_actor(db)
        db.dispose()
        problem: str | None = None
        report = ""
        reopened: Database | None = None
        reopen_problem = ""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            try:
                report = work()
            except (EncryptionError, EncryptionUnavailableError, DatabaseOpenError) as error:
                problem = str(error)
                passphrase = before
            try:
                reopened = open_database(database_url(self._journal_file()), passphrase=passphrase)
            except DatabaseOpenError as error:
                reopen_problem = str(error)
        finally:
            QApplication.restoreOverrideCursor()
        if reopened is None:
            self._cannot_reopen(problem or report, reopen_problem)
            return False
        db.engine, db.sessions, db.passphrase = (
            reopened.engine,
            reopened.sessions,
            reopened.passphrase,
        )
        set_actor(db, actor)
        window.reload_patients()
        window.reload_practitioners()
        window.restore_drafts()
        if backups is not None:
            if problem is None:
                backups.back_up_now()  # a first backup with the journal's new passphrase
            backups.start()
        self.update_state()
        if problem is not None:
            QMessageBox.warning(window, self.tr("Nothing was changed"), problem)
            return False
        window.statusBar().showMessage(done, 10_000)
        QMessageBox.information(window, done, report)
        return True

    def _cannot_reopen(self, what_happened: str, why: str) -> None:
        window = self.window
        QMessageBox.critical(
            window,
            self.tr("The journal cannot be opened again"),
            " ".join(
                part
                for part in (
                    what_happened,
                    self.tr("AcuJournal could not open the journal again: %1").replace("%1", why),
                    self.tr("It will close now; start it again to open the journal."),
                )
                if part
            ),
        )
        window.backups = None
        window.close()
