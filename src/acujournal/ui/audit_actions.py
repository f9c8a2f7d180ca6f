"""The audit trail in the window: who is acting, the viewer, and the check at start-up.

Changes are recorded in the audit trail as done by the practitioner chosen in the toolbar.
After the window shows, the whole trail is checked on a worker thread (about a second per
100,000 entries); a trail whose entries were altered or removed, or whose key is missing,
is reported in a dialog that cannot be missed, an intact one in the status bar.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QMainWindow, QMenu, QMessageBox

from acujournal.services.audit import Actor, AuditVerdict, set_actor, verify_audit_chain
from acujournal.storage.db import Database

if TYPE_CHECKING:
    from acujournal.ui.audit_viewer import AuditViewerDialog


class _Signals(QObject):
    checked = Signal(object)


class _CheckTask(QRunnable):
    def __init__(self, check: Callable[[], AuditVerdict]) -> None:
        super().__init__()
        self.check = check
        self.signals = _Signals()

    def run(self) -> None:
        self.signals.checked.emit(self.check())


class AuditActions(QObject):
    """Keeps the audit actor in step with the practitioner chooser; offers the viewer."""

    checked = Signal(object)
    """The AuditVerdict of the start-up check, once it is known."""

    def __init__(self, window: QMainWindow, db: Database, menu: QMenu, chooser: QComboBox) -> None:
        super().__init__(window)
        self.window = window
        self.db = db
        self.chooser = chooser
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.verdict: AuditVerdict | None = None
        self.viewer_action = QAction(self.tr("&Audit trail…"), window)
        self.viewer_action.setToolTip(self.tr("Who did what to which record, and when"))
        self.viewer_action.triggered.connect(self.show_viewer)
        menu.addAction(self.viewer_action)
        chooser.currentIndexChanged.connect(self.follow_chooser)
        self.follow_chooser()

    def follow_chooser(self, _index: int = -1) -> None:
        """Record what is done from now on as done by the chosen practitioner."""
        chosen = self.chooser.currentData()
        if isinstance(chosen, uuid.UUID):
            set_actor(self.db, Actor.practitioner(chosen, self.chooser.currentText()))
        else:
            set_actor(self.db, None)

    def show_viewer(self) -> AuditViewerDialog:
        from acujournal.ui.audit_viewer import AuditViewerDialog

        dialog = AuditViewerDialog(self.db, self.window)
        dialog.open()
        return dialog

    def check_in_background(self) -> None:
        """Check the whole trail without holding up the window."""
        task = _CheckTask(lambda: verify_audit_chain(self.db))
        task.signals.checked.connect(self._report)
        self.pool.start(task)

    def wait(self) -> None:
        """Let a running check finish (before the database is closed)."""
        self.pool.waitForDone()

    def _report(self, verdict: AuditVerdict) -> None:
        self.verdict = verdict
        if verdict.ok:
            self.window.statusBar().showMessage(verdict.message, 10_000)
        else:
            box = QMessageBox(self.window)
            box.setIcon(QMessageBox.Icon.Critical if verdict.tampered else QMessageBox.Icon.Warning)
            box.setWindowTitle(self.tr("The audit trail does not check out"))
            box.setText(verdict.message)
            if verdict.problems:
                box.setDetailedText("\n".join(verdict.problems))
            box.setInformativeText(
                self.tr(
                    "The journal can be used as usual. Keep this computer as it is and tell "
                    "whoever looks after the clinic's records; Journal > Audit trail shows "
                    "the entries."
                )
            )
            box.open()
        self.checked.emit(verdict)
