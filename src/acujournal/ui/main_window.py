"""The main window: patient list on the left, the chosen patient's page on the right."""

from __future__ import annotations

import hmac
import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import Practitioner
from acujournal.domain.validation import ValidationError
from acujournal.services.conflicts import ConflictError
from acujournal.services.patients import (
    create_patient,
    list_patients,
    open_case,
    patient_overview,
    set_archived,
    update_patient,
)
from acujournal.services.practitioners import add_practitioner, list_practitioners
from acujournal.services.sessions import needle_sites
from acujournal.services.settings import (
    get_clinic_measures,
    get_idle_lock_minutes,
    get_outcome_thresholds,
)
from acujournal.storage.cipher import WRONG_PASSPHRASE
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from acujournal.ui.about_dialog import HelpMenu
from acujournal.ui.audit_actions import AuditActions
from acujournal.ui.backup_scheduler import BackupScheduler
from acujournal.ui.combo import index_of_data
from acujournal.ui.editor_tabs import EditorTabs, editor_class
from acujournal.ui.idle_lock import IdleLock
from acujournal.ui.intake_actions import IntakeActions
from acujournal.ui.journal_actions import JournalActions
from acujournal.ui.live_refresh import LiveRefresh
from acujournal.ui.passphrase_dialog import PassphraseDialog, PassphraseMode
from acujournal.ui.patient_dialog import CaseDialog, PatientDialog
from acujournal.ui.patient_list_model import (
    PATIENT_ID_ROLE,
    PatientFilterModel,
    PatientListModel,
    size_patient_columns,
)
from acujournal.ui.patient_page import PatientPage
from acujournal.ui.report_actions import PatientRef, ReportActions
from acujournal.ui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from acujournal.ui.session_editor import SessionEditor

PRACTITIONER_SETTING = "session/practitioner"


class MainWindow(QMainWindow):
    def __init__(self, db: Database, *, is_demo: bool = False) -> None:
        super().__init__()
        self.db = db
        self.is_demo = is_demo
        self.current_patient_id: uuid.UUID | None = None
        self.current_patient_name = ""
        self.backups: BackupScheduler | None = None
        self._closing_after_backup = False
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
        self.patient_view.setWordWrap(False)
        self.patient_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.patient_view.verticalHeader().hide()
        size_patient_columns(self.patient_view)
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
        self.page.new_session_requested.connect(self.new_session)
        self.page.session_opened.connect(self.open_session)
        self.tabs = EditorTabs(db, self.page)
        self.tabs.session_changed.connect(self._session_changed)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([450, 830])
        self.setCentralWidget(splitter)

        self._build_menus()
        self.reports = ReportActions(self, db, self._report_subject, self.listed_patients)
        self._build_practitioner_chooser()
        self.reload_patients()
        self._build_idle_lock()
        self.journal_actions = JournalActions(self)
        self.audit = AuditActions(self, db, self.journal_menu, self.practitioner_combo)
        self.help_menu = HelpMenu(self)
        self.live = LiveRefresh(db, self)
        self.live.patients_changed.connect(self._changed_elsewhere)

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
        journal = self.journal_menu = self.menuBar().addMenu(self.tr("&Journal"))
        self.new_patient_action = self._action(
            self.tr("&New patient…"), QKeySequence.StandardKey.New, self.new_patient
        )
        self.find_action = self._action(
            self.tr("&Find patient"), QKeySequence.StandardKey.Find, self._focus_search
        )
        quit_action = self.quit_action = self._action(
            self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close
        )
        self.settings_action = self._action(
            self.tr("Clinic &settings…"), QKeySequence.StandardKey.Preferences, self.edit_settings
        )
        if self.settings_action.shortcut().isEmpty():
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        for action in (self.new_patient_action, self.find_action, self.settings_action):
            journal.addAction(action)
        clinic_end = journal.addSeparator()
        journal.addAction(quit_action)

        patient = self.menuBar().addMenu(self.tr("&Patient"))
        self.edit_patient_action = self._action(
            self.tr("&Edit patient…"), "Ctrl+Shift+E", self.edit_patient
        )
        self.new_session_action = self._action(
            self.tr("New &session"), "Ctrl+Shift+N", self._new_session_for_selected_case
        )
        self.new_case_action = self._action(self.tr("New &case…"), "Ctrl+Shift+C", self.new_case)
        self.archive_action = self._action(self.tr("&Archive patient"), None, self.toggle_archive)
        for action in (
            self.new_session_action,
            self.edit_patient_action,
            self.new_case_action,
            self.archive_action,
        ):
            patient.addAction(action)
        patient.addSeparator()
        self.intakes = IntakeActions(
            self,
            self.db,
            self.page,
            self.tabs,
            patient,
            self._report_subject,
            self.current_practitioner_id,
        )
        self.intakes.intake_saved.connect(self._session_changed)
        journal.insertMenu(clinic_end, self.intakes.questionnaire_menu)
        self._update_patient_actions()

    def _update_patient_actions(self) -> None:
        chosen = self.current_patient_id is not None
        for action in (
            self.new_session_action,
            self.edit_patient_action,
            self.new_case_action,
            self.archive_action,
        ):
            action.setEnabled(chosen)
        self.intakes.update_enabled()
        if hasattr(self, "reports"):
            self.reports.update_enabled()

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

    def listed_patients(self) -> list[PatientRef]:
        """The patients the list shows now (search and archive filter applied), in order."""
        listed = []
        for row in range(self.filtered.rowCount()):
            index = self.filtered.index(row, PatientListModel.NAME)
            listed.append((index.data(PATIENT_ID_ROLE), str(index.data())))
        return listed

    def _report_subject(self) -> tuple[uuid.UUID, str, uuid.UUID | None] | None:
        if self.current_patient_id is None:
            return None
        return self.current_patient_id, self.current_patient_name, self.page.selected_case_id()

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
        self.current_patient_name = overview.patient.name
        self.page.set_outcome_settings(
            get_outcome_thresholds(self.db), get_clinic_measures(self.db)
        )
        self.page.show_patient(overview, overview.measurements)
        self.intakes.show_screening(patient_id)
        self.archive_action.setText(
            self.tr("Bring &back from archive")
            if overview.patient.archived
            else self.tr("&Archive patient")
        )
        self._update_patient_actions()

    def _needles_of_session(self, session_id: uuid.UUID) -> list[tuple[str, str, str | None]]:
        return [(s.label, s.side, s.region) for s in needle_sites(self.db, session_id)]

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
        except ConflictError as error:
            # Shown as the other room left it; the practitioner edits again from there.
            self._report_problem(error)
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

    def edit_settings(self) -> SettingsDialog:
        """The clinic's settings; practitioners chosen here appear in the chooser at once."""
        dialog = SettingsDialog(self.db, self)
        dialog.accepted.connect(self.reload_practitioners)
        dialog.open()
        return dialog

    # Practitioner and sessions ------------------------------------------------------------
    def _build_practitioner_chooser(self) -> None:
        toolbar = self.addToolBar(self.tr("Practitioner"))
        toolbar.setObjectName("practitionerToolbar")
        toolbar.setMovable(False)
        label = QLabel(self.tr("Practitioner:"))
        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setObjectName("practitionerChooser")
        self.practitioner_combo.setAccessibleName(self.tr("Practitioner recording sessions"))
        self.practitioner_combo.setMinimumContentsLength(18)
        label.setBuddy(self.practitioner_combo)
        toolbar.addWidget(label)
        toolbar.addWidget(self.practitioner_combo)
        self.reload_practitioners()
        self.practitioner_combo.currentIndexChanged.connect(self._practitioner_chosen)

    def reload_practitioners(self) -> None:
        remembered = QSettings().value(PRACTITIONER_SETTING, "")
        self.practitioner_combo.blockSignals(True)
        self.practitioner_combo.clear()
        for practitioner in list_practitioners(self.db):
            if practitioner.active:
                self.practitioner_combo.addItem(practitioner.name, practitioner.id)
        index = max(0, index_of_data(self.practitioner_combo, _uuid_or_none(remembered)))
        self.practitioner_combo.setCurrentIndex(index)
        self.practitioner_combo.blockSignals(False)

    def _practitioner_chosen(self, _index: int) -> None:
        chosen = self.practitioner_combo.currentData()
        if isinstance(chosen, uuid.UUID):
            QSettings().setValue(PRACTITIONER_SETTING, str(chosen))

    def current_practitioner_id(self) -> uuid.UUID | None:
        """The practitioner sessions are recorded for; asks for a name in an empty journal."""
        chosen = self.practitioner_combo.currentData()
        if isinstance(chosen, uuid.UUID):
            return chosen
        name, ok = QInputDialog.getText(
            self,
            self.tr("Who is treating?"),
            self.tr(
                "This journal has no practitioner yet. Your name, as it should appear on "
                "records and reports:"
            ),
        )
        if not ok or not name.strip():
            return None
        practitioner = add_practitioner(self.db, Practitioner(name=name.strip()))
        self.reload_practitioners()
        self.practitioner_combo.setCurrentIndex(
            index_of_data(self.practitioner_combo, practitioner.id)
        )
        return practitioner.id

    def restore_drafts(self) -> int:
        """Reopen editors whose work was not saved when the app last stopped."""
        practitioner = self.practitioner_combo.currentData()
        restored = self.tabs.restore_drafts(
            practitioner if isinstance(practitioner, uuid.UUID) else None
        )
        if restored:
            self.statusBar().showMessage(
                self.tr("Reopened %n session(s) that had not been saved.", "", restored), 15000
            )
        return restored

    def new_session(self, case_id: uuid.UUID) -> SessionEditor | None:
        practitioner_id = self.current_practitioner_id()
        if practitioner_id is None:
            return None
        return self.tabs.add_editor(editor_class().new(self.db, practitioner_id, case_id))

    def _new_session_for_selected_case(self) -> None:
        case_id = self.page.selected_case_id()
        if case_id is None:
            self.statusBar().showMessage(self.tr("Open a case for this patient first."), 8000)
            return
        self.new_session(case_id)

    def open_session(self, session_id: uuid.UUID) -> SessionEditor:
        existing = self.tabs.editor_of(session_id)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        practitioner = self.practitioner_combo.currentData()
        editor = editor_class().open(
            self.db, session_id, practitioner if isinstance(practitioner, uuid.UUID) else None
        )
        return self.tabs.add_editor(editor)

    def _session_changed(self, _session_id: uuid.UUID) -> None:
        self.reload_patients()
        self._show_current_patient_again()

    def _changed_elsewhere(self, patient_ids: set[uuid.UUID]) -> None:
        """Another room changed these patients: show the list and the open page as they are."""
        current = self.current_patient_id
        self.reload_patients()
        if current in patient_ids:
            self._show_current_patient_again()

    def _show_current_patient_again(self) -> None:
        """Read the patient shown afresh, keeping the case chosen."""
        if self.current_patient_id is None:
            return
        case_id = self.page.selected_case_id()
        try:
            self.show_patient(self.current_patient_id)
        except NotFoundError:  # erased in another room
            return
        if case_id is not None:
            self.page.select_case(case_id)

    # Idle lock ----------------------------------------------------------------------------
    def _build_idle_lock(self) -> None:
        """Hide patient data after a spell without input, until the practitioner unlocks."""
        minutes = get_idle_lock_minutes(self.db)
        self.idle_lock = IdleLock(minutes * 60_000, parent=self)
        self.idle_lock.locked.connect(self._lock_screen)
        self.lock_action = self._action(self.tr("&Lock now"), "Ctrl+L", self.idle_lock.lock)
        self.journal_menu.insertAction(self.quit_action, self.lock_action)
        self.idle_lock.install()
        self.screen_locked = False

    def _unlock_dialog(self) -> PassphraseDialog:
        passphrase = self.db.passphrase
        if passphrase:

            def check(typed: str) -> str | None:
                same = hmac.compare_digest(typed.encode(), passphrase.encode())
                return None if same else WRONG_PASSPHRASE

            return PassphraseDialog(
                PassphraseMode.ASK, journal=self.db.location, check=check, parent=self
            )
        return PassphraseDialog(PassphraseMode.CONFIRM, parent=self)

    def _lock_screen(self) -> None:
        if self.screen_locked:
            return
        if QApplication.activeModalWidget() is not None:
            # A dialog is open (it may be mid-question): lock once it is answered.
            QTimer.singleShot(30_000, self.idle_lock.lock)
            return
        self.screen_locked = True
        central = self.centralWidget()
        central.hide()
        self.menuBar().setEnabled(False)
        for toolbar in self.findChildren(QToolBar):
            toolbar.setEnabled(False)
        self.statusBar().showMessage(self.tr("Locked: patient data is hidden."))
        while True:
            dialog = self._unlock_dialog()
            if dialog.exec():
                break
            if dialog.attempts_exhausted:
                # Every editor's draft is already stored; nothing is lost by stopping here.
                app = QApplication.instance()
                if app is not None:
                    app.quit()
                return
        central.show()
        self.menuBar().setEnabled(True)
        for toolbar in self.findChildren(QToolBar):
            toolbar.setEnabled(True)
        self.screen_locked = False
        self.statusBar().clearMessage()
        self.idle_lock.unlock()

    # Backups ------------------------------------------------------------------------------
    def attach_backups(self, scheduler: BackupScheduler) -> None:
        """Make automatic backups (daily, and on close) and offer "Back up now"."""
        self.backups = scheduler
        scheduler.backed_up.connect(self._backed_up)
        scheduler.failed.connect(self._backup_failed)
        self.backup_action = self._action(self.tr("&Back up now"), "Ctrl+Shift+B", self.back_up_now)
        self.backup_action.setEnabled(scheduler.enabled)
        self.journal_menu.insertAction(self.quit_action, self.backup_action)
        self.journal_menu.insertSeparator(self.quit_action)
        scheduler.start()

    def back_up_now(self) -> None:
        if self.backups is not None and self.backups.back_up_now():
            self.statusBar().showMessage(self.tr("Backing up the journal…"))

    def _backed_up(self, record: object) -> None:
        path = getattr(record, "path", "")
        self.statusBar().showMessage(
            self.tr("Journal backed up and checked: %1").replace("%1", str(path)), 10_000
        )

    def _backup_failed(self, reason: str) -> None:
        self.statusBar().showMessage(self.tr("Backup failed: %1").replace("%1", reason))
        if not self._closing_after_backup:
            QMessageBox.warning(self, self.tr("Backup failed"), reason)

    def _back_up_before_closing(self) -> bool:
        """Start the closing backup; True when the window must wait for it."""
        backups = self.backups
        if backups is None or self._closing_after_backup:
            return False
        if backups.running == 0 and not backups.changed_since_last_backup():
            return False
        self._closing_after_backup = True
        dialog = QProgressDialog(self.tr("Backing up the journal before closing…"), "", 0, 0, self)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        backups.idle.connect(dialog.reset)
        backups.idle.connect(self.close)
        if backups.running == 0:
            backups.back_up_now()
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Every open editor either saves, keeps its draft for later, or discards on request;
        # none is dropped silently. Then the journal is backed up if it changed.
        if self._closing_after_backup and self.backups is not None and self.backups.running:
            event.ignore()
            return
        if not self.tabs.close_all():
            event.ignore()
            return
        self.reports.wait()
        self.audit.wait()
        if self._back_up_before_closing():
            event.ignore()
            return
        if self.backups is not None:
            self.backups.stop()
        self.idle_lock.uninstall()
        self.live.stop()
        event.accept()


def _uuid_or_none(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
