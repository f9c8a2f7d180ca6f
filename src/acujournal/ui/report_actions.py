"""The Reports menu: preview, print and save any report; export many patient summaries.

Reports are built off the UI thread (a 300-session progress report takes seconds), with a
busy dialog that can be cancelled; the batch export shows how far it got and stops cleanly on
Cancel, keeping the summaries already written.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from acujournal.services.report_files import (
    BatchResult,
    ReportKind,
    ReportRequest,
    clinic_period,
    export_summaries,
    render_report,
)
from acujournal.storage.db import Database

PatientRef = tuple[uuid.UUID, str]


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int, str)


class _Task(QRunnable):
    """Runs ``work`` on the thread pool; the result or a one-sentence error comes back."""

    def __init__(self, work: Callable[[_Signals], object]) -> None:
        super().__init__()
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work(self.signals)
        except (LookupError, ValueError, OSError) as error:
            self.signals.failed.emit(str(error))
        except Exception as error:  # shown to the user, never lost in a thread
            self.signals.failed.emit(f"Unexpected problem: {error!r}")
        else:
            self.signals.done.emit(result)


@dataclass(frozen=True, slots=True)
class _Subject:
    """Whose report: the patient (id and name) and, when one is chosen, the case."""

    patient_id: uuid.UUID
    patient_name: str
    case_id: uuid.UUID | None


class PeriodDialog(QDialog):
    """Asks for the first and last day of a report's period (default: the last 12 months)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Clinic report period"))
        first, last = clinic_period(None, None)
        self.first = self._date_edit(first, self.tr("First day of the period"))
        self.last = self._date_edit(last, self.tr("Last day of the period"))
        form = QFormLayout(self)
        form.addRow(self.tr("&From:"), self.first)
        form.addRow(self.tr("&To:"), self.last)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(name)
        return edit

    def period(self) -> tuple[date, date]:
        first, last = self.first.date(), self.last.date()
        return (
            date(first.year(), first.month(), first.day()),
            date(last.year(), last.month(), last.day()),
        )


class ReportActions(QObject):
    """Owns the Reports menu of the main window and the work behind it.

    ``subject()`` names the patient (and case) shown in the window, or None; ``listed()``
    gives the patients the list currently shows, for the batch export.
    """

    report_ready = Signal(object)
    """A finished report's preview dialog (emitted before it is shown)."""
    batch_finished = Signal(object)
    """The BatchResult of a finished or cancelled batch export."""
    report_failed = Signal(str)
    """Why a report or batch could not be made (one sentence)."""

    def __init__(
        self,
        window: QMainWindow,
        db: Database,
        subject: Callable[[], tuple[uuid.UUID, str, uuid.UUID | None] | None],
        listed: Callable[[], Sequence[PatientRef]],
    ) -> None:
        super().__init__(window)
        self.window, self.db = window, db
        self._subject, self._listed = subject, listed
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.show_dialogs = True
        """False in tests: results are emitted but no modal dialog is opened."""
        self._running: list[_Task] = []

        self.menu = QMenu(self.tr("&Reports"), window)
        self.progress_action = self._add(
            self.tr("&Progress report…"), "Ctrl+Alt+P", self.progress_report
        )
        self.internal_action = self._add(
            self.tr("Progress report with &internal notes…"),
            None,
            lambda: self.progress_report(include_internal=True),
        )
        self.summary_action = self._add(
            self.tr("Patient &summary…"), "Ctrl+Alt+S", self.patient_summary
        )
        self.menu.addSeparator()
        self.clinic_action = self._add(self.tr("&Clinic report…"), None, self.clinic_report)
        self.batch_action = self._add(
            self.tr("&Export summaries of listed patients…"), None, self.ask_batch_export
        )
        window.menuBar().addMenu(self.menu)
        self.update_enabled()

    def _add(self, text: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        self.window.addAction(action)
        return action

    def update_enabled(self) -> None:
        """Patient reports need a patient on screen."""
        chosen = self._subject() is not None
        for action in (self.progress_action, self.internal_action, self.summary_action):
            action.setEnabled(chosen)

    def _current(self) -> _Subject | None:
        subject = self._subject()
        return _Subject(*subject) if subject is not None else None

    # One report ----------------------------------------------------------------------------
    def progress_report(self, *, include_internal: bool = False) -> _Task | None:
        subject = self._current()
        if subject is None:
            return None
        request = ReportRequest(
            ReportKind.PROGRESS,
            subject.patient_id,
            subject.case_id,
            include_internal=include_internal,
        )
        name = self.tr("Progress report")
        return self.build(request, f"{subject.patient_name} - {name}")

    def patient_summary(self) -> _Task | None:
        subject = self._current()
        if subject is None:
            return None
        request = ReportRequest(ReportKind.SUMMARY, subject.patient_id, subject.case_id)
        return self.build(request, f"{subject.patient_name} - {self.tr('summary')}")

    def clinic_report(self, period: tuple[date, date] | None = None) -> _Task | None:
        if period is None:
            dialog = PeriodDialog(self.window)
            if not dialog.exec():
                return None
            period = dialog.period()
        first, last = period
        request = ReportRequest(ReportKind.CLINIC, date_from=first, date_to=last)
        return self.build(request, f"{self.tr('Clinic report')} {first} - {last}")

    def build(self, request: ReportRequest, title: str) -> _Task:
        """Build the report off the UI thread, then open it in the preview."""
        busy = self._progress_dialog(self.tr("Building the report…"), 0)
        task = _Task(lambda _signals: render_report(self.db, request))
        cancelled = threading.Event()
        busy.canceled.connect(cancelled.set)

        def done(pdf: object) -> None:
            self._finish(task, busy)
            if cancelled.is_set() or not isinstance(pdf, bytes):
                return
            # Qt's PDF and print modules load with the first report, not with the window.
            from acujournal.ui.report_preview import ReportPreviewDialog

            preview = ReportPreviewDialog(pdf, title, self.window)
            preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.report_ready.emit(preview)
            if self.show_dialogs:
                preview.open()

        task.signals.done.connect(done)
        task.signals.failed.connect(lambda reason: self._failed(task, busy, reason))
        self._start(task, busy)
        return task

    # Many summaries ------------------------------------------------------------------------
    def ask_batch_export(self) -> _Task | None:
        patients = list(self._listed())
        if not patients:
            self._tell(self.tr("Export summaries"), self.tr("The patient list is empty."))
            return None
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Folder for %n patient summaries", "", len(patients))
        )
        return self.export_batch(patients, Path(folder)) if folder else None

    def export_batch(self, patients: Sequence[PatientRef], folder: Path) -> _Task:
        """Write a summary for each patient into ``folder``, with progress and Cancel."""
        dialog = self._progress_dialog(self.tr("Writing patient summaries…"), len(patients))
        cancelled = threading.Event()
        dialog.canceled.connect(cancelled.set)

        def work(signals: _Signals) -> BatchResult:
            return export_summaries(
                self.db,
                patients,
                folder,
                progress=signals.progress.emit,
                cancelled=cancelled.is_set,
            )

        task = _Task(work)

        def step(done: int, total: int, name: str) -> None:
            dialog.setValue(done)
            text = self.tr("Written %1 of %2: %3")
            dialog.setLabelText(
                text.replace("%1", str(done)).replace("%2", str(total)).replace("%3", name)
            )

        def finished(result: object) -> None:
            self._finish(task, dialog)
            assert isinstance(result, BatchResult)
            self._tell(self.tr("Export summaries"), result.sentence(), result.failed)
            self.batch_finished.emit(result)

        task.signals.progress.connect(step)
        task.signals.done.connect(finished)
        task.signals.failed.connect(lambda reason: self._failed(task, dialog, reason))
        self._start(task, dialog)
        return task

    # Plumbing ------------------------------------------------------------------------------
    def _progress_dialog(self, label: str, maximum: int) -> QProgressDialog:
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, maximum, self.window)
        dialog.setWindowTitle(self.tr("Reports"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def _start(self, task: _Task, dialog: QProgressDialog) -> None:
        task.setAutoDelete(False)
        self._running.append(task)
        self.pool.start(task)

    def _finish(self, task: _Task, dialog: QProgressDialog) -> None:
        dialog.reset()
        dialog.deleteLater()
        if task in self._running:
            self._running.remove(task)

    def _failed(self, task: _Task, dialog: QProgressDialog, reason: str) -> None:
        self._finish(task, dialog)
        self._tell(self.tr("Report not made"), reason)
        self.report_failed.emit(reason)

    def _tell(self, title: str, text: str, details: Sequence[str] = ()) -> None:
        if isinstance(self.window, QMainWindow):
            self.window.statusBar().showMessage(text, 10_000)
        if not self.show_dialogs:
            return
        box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=self.window)
        if details:
            box.setDetailedText("\n".join(details))
        box.open()

    def wait(self) -> None:
        """Block until queued work is done (closing the window, tests)."""
        self.pool.waitForDone()
