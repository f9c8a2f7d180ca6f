"""Creating the QApplication and running the main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from acujournal import __version__
from acujournal.storage.db import Database
from acujournal.ui.app_icon import app_icon


def application() -> QApplication:
    """The process's QApplication, created once with the app's names set."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("AcuJournal")
    app.setApplicationDisplayName("AcuJournal")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("AcuJournal")
    app.setWindowIcon(app_icon())
    return app


def run_main_window(db: Database, *, is_demo: bool, quit_after_load: bool) -> int:
    """Show the main window and run the event loop until it closes."""
    from acujournal.ui.backup_scheduler import BackupScheduler
    from acujournal.ui.main_window import MainWindow

    app = application()
    window = MainWindow(db, is_demo=is_demo)
    window.show()
    window.restore_drafts()
    if not quit_after_load:
        window.attach_backups(BackupScheduler(db, parent=window))
    if quit_after_load:
        # The patient list is filled in the constructor; quit once the window is on screen.
        QTimer.singleShot(0, app.quit)
    return app.exec()
