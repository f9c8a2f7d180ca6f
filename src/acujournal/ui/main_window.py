"""The main window: patient list on the left, the chosen patient on the right."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acujournal.services.patients import list_patients, patient_overview
from acujournal.storage.db import Database
from acujournal.ui.history_model import SessionHistoryModel
from acujournal.ui.patient_list_model import (
    PATIENT_ID_ROLE,
    PatientFilterModel,
    PatientListModel,
)


def _table(model: object, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, is_demo: bool = False) -> None:
        super().__init__()
        self.db = db
        self.is_demo = is_demo
        title = self.tr("AcuJournal")
        self.setWindowTitle(f"{title} – {self.tr('demo clinic')}" if is_demo else title)
        self.resize(1280, 800)

        self.patients = PatientListModel(self)
        self.filtered = PatientFilterModel(self)
        self.filtered.setSourceModel(self.patients)
        self.history = SessionHistoryModel(self)

        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(self.tr("Search patients by name, birth date or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.textChanged.connect(self.filtered.set_query)

        self.patient_view = _table(self.filtered, "patientList")
        self.patient_view.setAccessibleName(self.tr("Patients"))
        self.patient_view.selectionModel().selectionChanged.connect(self._patient_selected)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.patient_view)

        self.patient_title = QLabel(self.tr("Choose a patient"))
        self.patient_title.setObjectName("patientTitle")
        font = self.patient_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.patient_title.setFont(font)
        self.patient_details = QLabel()
        self.patient_details.setObjectName("patientDetails")
        self.patient_details.setWordWrap(True)
        self.patient_details.setTextFormat(Qt.TextFormat.PlainText)
        self.history_view = _table(self.history, "sessionHistory")
        self.history_view.setAccessibleName(self.tr("Session history"))

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.patient_title)
        right_layout.addWidget(self.patient_details)
        right_layout.addWidget(self.history_view, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 860])
        self.setCentralWidget(splitter)

        find = QAction(self.tr("Find patient"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        self.addAction(find)
        quit_action = QAction(self.tr("Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

        self.statusBar().showMessage(self.tr("Journal: %s") % db.location)
        self.reload_patients()

    def reload_patients(self) -> None:
        self.patients.set_patients(list_patients(self.db))
        self.statusBar().showMessage(
            self.tr("%n patient(s) · journal: %1", "", self.patients.rowCount()).replace(
                "%1", self.db.location
            )
        )

    def select_patient(self, patient_id: uuid.UUID) -> None:
        row = self.patients.row_of(patient_id)
        if row is None:
            return
        index = self.filtered.mapFromSource(self.patients.index(row, 0))
        self.patient_view.selectRow(index.row())

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _patient_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        index: QModelIndex = indexes[0]
        self.show_patient(index.data(PATIENT_ID_ROLE))

    def show_patient(self, patient_id: uuid.UUID) -> None:
        overview = patient_overview(self.db, patient_id)
        patient = overview.patient
        self.patient_title.setText(patient.name)
        born = patient.birth_date.isoformat() if patient.birth_date else self.tr("unknown")
        cases = "; ".join(f"{c.title} ({c.condition})" for c in overview.cases)
        self.patient_details.setText(
            self.tr("Born %1 · phone %2\nCases: %3")
            .replace("%1", born)
            .replace("%2", patient.phone or "–")
            .replace("%3", cases or self.tr("none yet"))
        )
        self.history.set_sessions(overview.history)
