"""The audit trail viewer: who did what to which record, filtered by patient and period.

Opened from the main window with ``AuditViewerDialog(db, parent).exec()``. At the top it says
whether the whole trail checks out against its seals; below, the entries of the chosen patient
and period, newest first, and the before and after of the selected entry. "Export audit
report…" writes the same entries as a PDF (and that export is itself recorded).

Reading the trail and checking its seals happen on the UI thread: both take well under a
second for the tens of thousands of entries a practice makes in years.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.audit import verify_audit_chain
from acujournal.services.audit_report import (
    MAX_LINES,
    AuditLine,
    audit_lines,
    count_audit_lines,
    write_audit_report,
)
from acujournal.services.patients import list_patients
from acujournal.services.reporting import ReportError
from acujournal.storage.db import Database
from acujournal.ui.list_table_model import ListTableModel

SEQ_ROLE = Qt.ItemDataRole.UserRole + 1  # int: the entry's number in the trail
DEFAULT_DAYS = 30


class AuditTableModel(ListTableModel):
    """Audit entries: time (local), who, action, record, patient and what changed."""

    TIME, ACTOR, ACTION, RECORD, PATIENT, CHANGES = range(6)
    HEADERS = ("Time", "Who", "Action", "Record", "Patient", "What changed")

    def set_lines(self, lines: list[AuditLine]) -> None:
        self.set_items(lines)

    def line_at(self, row: int) -> AuditLine:
        line: AuditLine = self.item_at(row)
        return line

    def role_data(self, item: Any, row: int, column: int, role: int) -> Any:
        if role == SEQ_ROLE:
            return item.seq
        if role == Qt.ItemDataRole.ToolTipRole and column == self.CHANGES:
            return item.summary
        return None

    def display(self, item: Any, column: int) -> Any:
        line: AuditLine = item
        if column == self.TIME:
            return line.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if column == self.ACTOR:
            return line.actor
        if column == self.ACTION:
            return line.action
        if column == self.RECORD:
            return line.record
        if column == self.PATIENT:
            return line.patient_name
        if column == self.CHANGES:
            return line.summary
        return None


def describe(line: AuditLine) -> str:
    """The full text of one entry for the detail pane (before and after as JSON)."""
    when = line.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    head = [f"#{line.seq} · {when} · {line.actor} · {line.action} · {line.record}"]
    if line.patient_name:
        head.append(f"Patient: {line.patient_name}")
    if line.redacted:
        head.append("The content of this entry was removed when the patient was erased.")
        return "\n".join(head)
    for title, value in (("Before", line.before), ("After", line.after)):
        if value is not None:
            text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
            head.append(f"\n{title}:\n{text}")
    return "\n".join(head)


class AuditViewerDialog(QDialog):
    """The audit trail of the journal ``db``, with filters, details and the PDF export."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("Audit trail"))
        self.resize(1100, 650)
        self.model = AuditTableModel(self)

        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.patient = QComboBox()
        self.patient.setAccessibleName(self.tr("Patient"))
        self.patient.addItem(self.tr("All patients"), None)
        for summary in sorted(list_patients(db, include_archived=True), key=lambda p: p.name):
            self.patient.addItem(summary.name, summary.id)
        today = date.today()
        self.date_from = self._date_edit(today - timedelta(days=DEFAULT_DAYS), self.tr("From"))
        self.date_to = self._date_edit(today, self.tr("To"))

        filters = QHBoxLayout()
        for label, widget in (
            (self.tr("&Patient:"), self.patient),
            (self.tr("&From:"), self.date_from),
            (self.tr("&To:"), self.date_to),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addStretch(1)
        self.count = QLabel()
        filters.addWidget(self.count)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for column, width in ((0, 150), (1, 150), (2, 80), (3, 150), (4, 170)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(
            AuditTableModel.CHANGES, QHeaderView.ResizeMode.Stretch
        )
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("Before and after"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.export_button = QPushButton(self.tr("&Export audit report…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self._ask_export)

        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.patient.currentIndexChanged.connect(self.refresh)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.check_trail()
        self.refresh()

    def _date_edit(self, day: date, name: str) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(name)
        return edit

    # Filters ---------------------------------------------------------------------------------
    def patient_id(self) -> uuid.UUID | None:
        value = self.patient.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def period(self) -> tuple[date, date]:
        first, last = self.date_from.date(), self.date_to.date()
        return (
            date(first.year(), first.month(), first.day()),
            date(last.year(), last.month(), last.day()),
        )

    def select_patient(self, patient_id: uuid.UUID | None) -> None:
        """Show the entries of one patient (None: all patients)."""
        # findData cannot compare Python objects kept as item data; compare here instead.
        found = (i for i in range(self.patient.count()) if self.patient.itemData(i) == patient_id)
        self.patient.setCurrentIndex(next(found, 0))

    def set_period(self, first: date, last: date) -> None:
        """Show the entries of these local days (both inclusive)."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        self.refresh()

    # Content ---------------------------------------------------------------------------------
    def check_trail(self) -> None:
        """Check the whole trail against its seals and say what was found."""
        verdict = verify_audit_chain(self.db)
        self.verdict.setText(verdict.message)
        colour = "" if verdict.ok else "color: #b3261e; font-weight: bold;"
        self.verdict.setStyleSheet(colour)

    def refresh(self) -> None:
        """Load the entries of the chosen patient and period."""
        first, last = self.period()
        try:
            lines = audit_lines(
                self.db, patient_id=self.patient_id(), date_from=first, date_to=last
            )
        except ReportError as error:
            self.model.set_lines([])
            self.count.setText(str(error))
            self.detail.clear()
            return
        self.model.set_lines(lines)
        if len(lines) < MAX_LINES:
            self.count.setText(self.tr("%n entries", "", len(lines)))
        else:
            total = count_audit_lines(
                self.db, patient_id=self.patient_id(), date_from=first, date_to=last
            )
            self.count.setText(self.tr("the newest %1 of %2 entries").arg(len(lines)).arg(total))
        self.detail.clear()
        if lines:
            self.table.selectRow(0)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.detail.setPlainText(describe(self.model.line_at(current.row())))
        else:
            self.detail.clear()

    # Export ----------------------------------------------------------------------------------
    def export_report(self, path: Path) -> int:
        """Write the shown entries as the PDF audit report; how many entries it lists."""
        first, last = self.period()
        data = write_audit_report(
            self.db, path, patient_id=self.patient_id(), date_from=first, date_to=last
        )
        self.refresh()  # the export is an entry of its own
        return len(data.lines)

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export audit report"), "audit-report.pdf", self.tr("PDF (*.pdf)")
        )
        if not name:
            return
        path = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")
        try:
            count = self.export_report(path)
        except (OSError, ValueError, LookupError) as error:
            QMessageBox.warning(
                self, self.tr("Export audit report"), self.tr("Not written: %1").arg(str(error))
            )
            return
        self.count.setText(self.tr("Wrote %n entries to %1", "", count).arg(str(path)))
