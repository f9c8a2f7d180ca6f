"""The main window: patient list on the left, the chosen patient's page on the right."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelection, QModelIndex
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.validation import ValidationError
from acujournal.services.patients import (
    create_patient,
    list_patients,
    open_case,
    patient_overview,
    set_archived,
    update_patient,
)
from acujournal.services.sessions import get_session
from acujournal.storage.db import Database
from acujournal.ui.patient_dialog import CaseDialog, PatientDialog
from acujournal.ui.patient_list_model import (
    PATIENT_ID_ROLE,
    PatientFilterModel,
    PatientListModel,
)
from acujournal.ui.patient_page import PatientPage


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, is_demo: bool = False) -> None:
        super().__init__()
        self.db = db
        self.is_demo = is_demo
        self.current_patient_id: uuid.UUID | None = None
        title = self.tr("AcuJournal")
        self.setWindowTitle(f"{title} – {self.tr('demo clinic')}" if is_demo else title)
        self.resize(1280, 800)

        self.patients = PatientListModel(self)
        self.filtered = PatientFilterModel(self)
        self.filtered.setSourceModel(self.patients)

        self.search = QLineEdit()
        self.search.setObjectName("patientSearch")
        self.search.setPlaceholderText(self.tr("Search patients by name, birth date or phone"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search patients"))
        self.search.textChanged.connect(self.filtered.set_query)
        self.search.returnPressed.connect(self._open_first_match)

        self.show_archived = QCheckBox(self.tr("Show archived patients"))
        self.show_archived.toggled.connect(self.reload_patients)

        self.patient_view = QTableView()
        self.patient_view.setObjectName("patientList")
        self.patient_view.setModel(self.filtered)
        self.patient_view.setAccessibleName(self.tr("Patients"))
        self.patient_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.patient_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.patient_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.patient_view.setAlternatingRowColors(True)
        self.patient_view.verticalHeader().hide()
        header = self.patient_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PatientListModel.NAME, QHeaderView.ResizeMode.Stretch)
        self.patient_view.selectionModel().selectionChanged.connect(self._patient_selected)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.patient_view, 1)
        left_layout.addWidget(self.show_archived)

        self.page = PatientPage()
        self.page.set_needles_provider(self._needles_of_session)
        self.page.new_case_requested.connect(self.new_case)
        self.page.edit_patient_requested.connect(self.edit_patient)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([360, 920])
        self.setCentralWidget(splitter)

        self._build_menus()
        self.reload_patients()

    # Menus --------------------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | str | None, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setToolTip(
                f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})"
            )
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        journal = self.menuBar().addMenu(self.tr("&Journal"))
        self.new_patient_action = self._action(
            self.tr("&New patient…"), QKeySequence.StandardKey.New, self.new_patient
        )
        self.find_action = self._action(
            self.tr("&Find patient"), QKeySequence.StandardKey.Find, self._focus_search
        )
        quit_action = self._action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        for action in (self.new_patient_action, self.find_action):
            journal.addAction(action)
        journal.addSeparator()
        journal.addAction(quit_action)

        patient = self.menuBar().addMenu(self.tr("&Patient"))
        self.edit_patient_action = self._action(
            self.tr("&Edit patient…"), "Ctrl+E", self.edit_patient
        )
        self.new_case_action = self._action(self.tr("New &case…"), "Ctrl+Shift+C", self.new_case)
        self.archive_action = self._action(self.tr("&Archive patient"), None, self.toggle_archive)
        for action in (self.edit_patient_action, self.new_case_action, self.archive_action):
            patient.addAction(action)
        self._update_patient_actions()

    def _update_patient_actions(self) -> None:
        chosen = self.current_patient_id is not None
        for action in (self.edit_patient_action, self.new_case_action, self.archive_action):
            action.setEnabled(chosen)

    # Patient list -------------------------------------------------------------------------
    def reload_patients(self) -> None:
        self.patients.set_patients(
            list_patients(self.db, include_archived=self.show_archived.isChecked())
        )
        count = self.patients.rowCount()
        self.statusBar().showMessage(
            self.tr("%n patient(s)", "", count) + " · " + self.tr("journal: ") + self.db.location
        )
        if self.current_patient_id is not None:
            self.select_patient(self.current_patient_id)

    def select_patient(self, patient_id: uuid.UUID) -> None:
        row = self.patients.row_of(patient_id)
        if row is None:
            return
        index = self.filtered.mapFromSource(self.patients.index(row, 0))
        if index.isValid():
            self.patient_view.selectRow(index.row())
        else:
            self.show_patient(patient_id)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_first_match(self) -> None:
        if self.filtered.rowCount() > 0:
            self.patient_view.selectRow(0)
            self.patient_view.setFocus()

    def _patient_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        index: QModelIndex = indexes[0]
        self.show_patient(index.data(PATIENT_ID_ROLE))

    # Patient page -------------------------------------------------------------------------
    def show_patient(self, patient_id: uuid.UUID) -> None:
        overview = patient_overview(self.db, patient_id)
        self.current_patient_id = patient_id
        self.page.show_patient(overview, overview.measurements)
        self.archive_action.setText(
            self.tr("Bring &back from archive")
            if overview.patient.archived
            else self.tr("&Archive patient")
        )
        self._update_patient_actions()

    def _needles_of_session(self, session_id: uuid.UUID) -> list[tuple[str, str, str | None]]:
        session = get_session(self.db, session_id)
        return [
            (f"{n.point} {n.spinal_level}" if n.spinal_level else n.point, n.side.value, n.region)
            for n in session.needles
        ]

    def _report_problem(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("Not saved"), str(error))

    def new_patient(self) -> None:
        dialog = PatientDialog(parent=self)
        if not dialog.exec():
            return
        try:
            patient = create_patient(self.db, dialog.patient())
        except ValidationError as error:
            self._report_problem(error)
            return
        self.search.clear()
        self.current_patient_id = patient.id
        self.reload_patients()

    def edit_patient(self) -> None:
        if self.current_patient_id is None:
            return
        overview = patient_overview(self.db, self.current_patient_id)
        dialog = PatientDialog(overview.patient, parent=self)
        if not dialog.exec():
            return
        try:
            update_patient(self.db, dialog.patient())
        except ValidationError as error:
            self._report_problem(error)
            return
        self.reload_patients()
        self.show_patient(self.current_patient_id)

    def new_case(self) -> None:
        if self.current_patient_id is None:
            return
        dialog = CaseDialog(self.current_patient_id, parent=self)
        if not dialog.exec():
            return
        try:
            case = open_case(self.db, dialog.case())
        except ValidationError as error:
            self._report_problem(error)
            return
        self.show_patient(self.current_patient_id)
        self.page.select_case(case.id)

    def toggle_archive(self) -> None:
        """Archive hides a patient from the list; nothing is deleted and it can be undone."""
        if self.current_patient_id is None:
            return
        patient = patient_overview(self.db, self.current_patient_id).patient
        set_archived(self.db, patient.id, not patient.archived)
        template = (
            self.tr("%1 brought back from the archive")
            if patient.archived
            else self.tr("%1 archived: tick “Show archived patients” to see them again")
        )
        self.reload_patients()
        self.statusBar().showMessage(template.replace("%1", patient.name), 8000)
