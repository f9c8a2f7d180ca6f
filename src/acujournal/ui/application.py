"""Creating the QApplication and running the main window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QLockFile, QTimer
from PySide6.QtWidgets import QApplication

from acujournal import __version__
from acujournal.storage.db import Database
from acujournal.ui import pyside_import_hook
from acujournal.ui.app_icon import app_icon
from acujournal.ui.translations import install_translations

if TYPE_CHECKING:
    from acujournal.ui.main_window import MainWindow


def application() -> QApplication:
    """The process's QApplication, created once with the app's names set."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    pyside_import_hook.lighten()
    app = QApplication(sys.argv[:1])
    app.setApplicationName("AcuJournal")
    app.setApplicationDisplayName("AcuJournal")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("AcuJournal")
    app.setWindowIcon(app_icon())
    install_translations(app)
    return app


def open_main_window(
    db: Database, *, is_demo: bool, lock: QLockFile | None = None, backups: bool = True
) -> MainWindow:
    """Show a main window on ``db``, holding the journal's ``lock`` while it has it open.

    Editors left unsaved last time come back; with ``backups`` the journal is backed up
    automatically while the window is open, and its audit trail is checked once it shows.
    """
    from acujournal.ui.backup_scheduler import BackupScheduler
    from acujournal.ui.main_window import MainWindow

    application()
    window = MainWindow(db, is_demo=is_demo)
    window.journal_actions.adopt_lock(lock)
    window.show()
    window.restore_drafts()
    if backups:
        window.attach_backups(BackupScheduler(db, parent=window))
        # A journal worked in for real gets its audit trail checked, without waiting for it.
        window.audit.check_in_background()
    return window


def run_main_window(
    db: Database, *, is_demo: bool, quit_after_load: bool, lock: QLockFile | None = None
) -> int:
    """Show the main window and run the event loop until it closes."""
    app = application()
    # Referenced until the event loop ends, or the window would be destroyed at once.
    _window = open_main_window(db, is_demo=is_demo, lock=lock, backups=not quit_after_load)
    if quit_after_load:
        # The patient list is filled in the constructor; quit once the window is on screen.
        QTimer.singleShot(0, app.quit)
    return app.exec()
