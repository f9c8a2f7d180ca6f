"""The session editor: record one treatment at the table in seconds, and never lose a word.

Open it with :meth:`SessionEditor.new` (a new session of a case), :meth:`SessionEditor.open`
(a stored session; a signed one opens read-only with addenda) or
:meth:`SessionEditor.restore_from_draft` (after a crash: see ``services.drafts``).

Every edit goes through one QUndoStack (Ctrl+Z / Ctrl+Shift+Z) and, 300 ms after the last
one (at once when the focus leaves the editor), the whole state is written as a draft to
``editor_drafts``. Closing with changes asks: save as a draft session, keep the draft for
later, or discard. A repeat visit takes seven key presses: Enter (repeat last session, which
has the focus), four pain digits (the focus moves on by itself), Enter on "All out", Ctrl+Enter.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from acujournal.domain.catalogue import default_catalogue
from acujournal.domain.intake import ScreeningStatus
from acujournal.domain.model import PainScores, SoapNotes, TreatmentSession, new_id
from acujournal.services import drafts, sessions, settings
from acujournal.services.intake import screening_status
from acujournal.storage.db import Database
from acujournal.ui.editor_labels import with_shortcut
from acujournal.ui.local_zone import local_time_zone
from acujournal.ui.session_editor_layout import EditorWidgets, add_action, attach
from acujournal.ui.session_edits import EditorEdits
from acujournal.ui.session_workflow import CloseChoice, SessionWorkflow

__all__ = ["CloseChoice", "SessionEditor", "local_time_zone"]


class SessionEditor(EditorEdits, SessionWorkflow, QWidget):
    saved = Signal(object)  # session id: stored as a draft session in the journal
    signed = Signal(object)  # session id: signed and locked
    amended = Signal(object)  # session id: an addendum was added
    draftWritten = Signal(object)  # noqa: N815  session id: the editor draft was written
    titleChanged = Signal(str)  # noqa: N815
    review_intake_requested = Signal(object)  # intake id: "Review intake…" on the banner

    DRAFT_DELAY_MS = 300

    # Opening ---------------------------------------------------------------------------------
    @classmethod
    def new(
        cls,
        db: Database,
        practitioner_id: uuid.UUID,
        case_id: uuid.UUID,
        *,
        started_at: datetime | None = None,
        time_zone: str | None = None,
        parent: QWidget | None = None,
    ) -> SessionEditor:
        """A blank session of ``case_id`` by the practitioner, starting now."""
        started_at = started_at or datetime.now(UTC).replace(second=0, microsecond=0)
        session = TreatmentSession(
            case_id=case_id,
            practitioner_id=practitioner_id,
            started_at=started_at,
            time_zone=time_zone or local_time_zone(),
            id=new_id(),
        )
        return cls(db, session, practitioner_id, parent=parent)

    @classmethod
    def open(
        cls,
        db: Database,
        session_id: uuid.UUID,
        practitioner_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> SessionEditor:
        """A stored session; its unsaved editor draft, if one exists, is restored instead."""
        draft = drafts.load_editor_draft(db, session_id)
        if draft is not None:
            return cls.restore_from_draft(db, draft, practitioner_id, parent=parent)
        session = sessions.get_session(db, session_id)
        return cls(db, session, practitioner_id or session.practitioner_id, parent=parent)

    @classmethod
    def restore_from_draft(
        cls,
        db: Database,
        draft: drafts.EditorDraft,
        practitioner_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> SessionEditor:
        """An editor showing exactly what a draft holds (DraftFormatError if unreadable)."""
        session = draft.session()
        return cls(
            db,
            session,
            practitioner_id or session.practitioner_id,
            editor_state=draft.editor_state(),
            restored=True,
            parent=parent,
        )

    def __init__(
        self,
        db: Database,
        session: TreatmentSession,
        practitioner_id: uuid.UUID,
        *,
        editor_state: dict[str, Any] | None = None,
        restored: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionEditor")
        self.db = db
        self.context = drafts.editor_context(db, session.case_id, practitioner_id)
        self.practitioner = self.context.practitioner
        self._snippets = settings.get_snippets(db)
        self.undo_stack = QUndoStack(self)
        self._dirty = restored  # changes the journal does not have yet
        self._draft_pending = False
        self._typing_generation = 0
        self._loading = False
        self._focused_once = False
        self._needles_in_follows = True
        self._counts: dict[str, int | None] = {"in": None, "out": None}
        self._session = session
        self._repeat_template: TreatmentSession | None = None

        self.ui = EditorWidgets(self.context, default_catalogue(), lambda: self._snippets)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ui)
        self.ui.needle_model.undo_stack = self.undo_stack
        self.ui.adverse_model.undo_stack = self.undo_stack
        self.ui.needle_model.set_caution_depths(settings.get_caution_depths(db))
        self.ui.needle_model.set_needle_size_names(settings.get_needle_size_names(db))
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(self.DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.flush_draft)
        self._create_actions()
        self._connect()
        self._load(session, editor_state or {})
        if not session.is_signed:
            self._repeat_template = sessions.repeat_last_session(
                db, session.case_id, session.practitioner_id, session.started_at, session.time_zone
            )
        self.actions_["repeat"].setEnabled(
            bool(self._repeat_template and self._repeat_template.needles)
        )
        if session.is_signed:
            self._enter_signed_mode()
        self.ui.screening.review_requested.connect(self.review_intake_requested)
        self.refresh_screening()
        self._update_title()

    # Set-up ----------------------------------------------------------------------------------
    def _create_actions(self) -> None:
        ui = self.ui
        tr = self.tr
        self.actions_ = {
            "add_point": add_action(self, tr("Add point"), ["Ctrl+P"], self.focus_point_entry),
            "repeat": add_action(self, tr("Repeat last session"), ["Ctrl+R"], self.repeat_last),
            "apply_protocol": add_action(
                self, tr("Apply protocol…"), ["Ctrl+Shift+P"], self.choose_protocol
            ),
            "save_protocol": add_action(
                self, tr("Save points as protocol…"), ["Ctrl+Shift+S"], self.save_as_protocol
            ),
            "save": add_action(self, tr("Save draft"), ["Ctrl+S"], self.save),
            "sign": add_action(self, tr("Sign & lock"), ["Ctrl+Return", "Ctrl+Enter"], self.sign),
            "all_out": add_action(self, tr("All needles out"), ["Ctrl+Shift+O"], self.all_out),
            "pain_before": add_action(
                self, tr("Pain before"), ["Ctrl+1"], lambda: ui.pain.before_back.setFocus()
            ),
            "pain_after": add_action(
                self, tr("Pain after"), ["Ctrl+2"], lambda: ui.pain.after_back.setFocus()
            ),
            "notes": add_action(self, tr("Notes"), ["Ctrl+3"], self.focus_notes),
            "adverse": add_action(
                self, tr("Add adverse event"), ["Ctrl+E"], self.add_adverse_event
            ),
        }
        undo = self.undo_stack.createUndoAction(self, tr("Undo"))
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, tr("Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        for button, action in ((ui.undo_button, undo), (ui.redo_button, redo)):
            button.setToolTip(with_shortcut(button.text(), *action.shortcuts()))
            button.clicked.connect(action.trigger)
        self.undo_stack.canUndoChanged.connect(ui.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(ui.redo_button.setEnabled)
        self.actions_["undo"], self.actions_["redo"] = undo, redo
        attach(ui.repeat_button, self.actions_["repeat"])
        attach(ui.protocol_button, self.actions_["apply_protocol"])
        attach(ui.save_protocol_button, self.actions_["save_protocol"])
        attach(ui.save_button, self.actions_["save"])
        attach(ui.sign_button, self.actions_["sign"])
        attach(ui.needles.all_out_button, self.actions_["all_out"])
        ui.snippets_button.clicked.connect(self.edit_snippets)
        ui.snippets_button.setToolTip(tr("Define text snippets: an abbreviation, then Tab"))

    def _connect(self) -> None:
        ui = self.ui
        self.undo_stack.indexChanged.connect(self._edited)
        for scale in ui.pain.scales():
            scale.valueEdited.connect(
                lambda old, new, s=scale: self._push_value(
                    s.accessibleName(), s.set_value, old, new
                )
            )
        for name, field in ui.notes.fields.items():
            field.edited.connect(
                lambda old, new, n=name, f=field: self._push_value(
                    f.accessibleName(), f.set_text, old, new, merge=n
                )
            )
            field.typingPaused.connect(self._end_typing)
        ui.needles.needles_in.valueChanged.connect(self._needles_in_typed)
        ui.needles.needles_out.valueChanged.connect(self._needles_out_typed)
        ui.started.dateTimeChanged.connect(self._started_typed)
        model = ui.needle_model
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self._needles_changed)
        ui.needles.entry.textEdited.connect(self._schedule_draft)
        ui.addenda.addRequested.connect(self.add_addendum)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # Loading and reading the state ---------------------------------------------------------
    def _load(self, session: TreatmentSession, editor_state: dict[str, Any]) -> None:
        ui = self.ui
        self._loading = True
        try:
            self._session = copy.deepcopy(session)
            read_version = editor_state.get("read_version")
            if self._session.version is None and isinstance(read_version, int):
                # A restored draft still counts as read at the version it was opened at, so
                # a change another room saved meanwhile is not overwritten unasked.
                self._session.version = read_version
            follows = editor_state.get("needles_in_follows_table")
            if follows is None:
                count = sum(n.needle_count for n in session.needles)
                follows = session.needles_in in (None, count)
            self._needles_in_follows = bool(follows)
            for scale, value in zip(
                ui.pain.scales(),
                (
                    session.pain_before.back,
                    session.pain_before.leg,
                    session.pain_after.back,
                    session.pain_after.leg,
                ),
                strict=True,
            ):
                scale.set_value(value)
            ui.needle_model.set_items(copy.deepcopy(session.needles))
            ui.adverse_model.set_items(copy.deepcopy(session.adverse_events))
            self._apply_count("in", session.needles_in)
            self._apply_count("out", session.needles_out)
            texts = {
                "subjective": session.notes.subjective,
                "objective": session.notes.objective,
                "assessment": session.notes.assessment,
                "plan": session.notes.plan,
                "patient_advice": session.patient_advice,
                "internal_note": session.internal_note,
            }
            for name, text in texts.items():
                ui.notes.fields[name].set_text(text)
            ui.needles.entry.setText(str(editor_state.get("point_entry", "")))
            self._apply_started(session.started_at)
            ui.zone_label.setText(session.time_zone)
            ui.addenda.show_addenda(
                session.amendments, self.context.practitioner_names, session.time_zone
            )
        finally:
            self._loading = False
        self.undo_stack.clear()
        ui.needles.refresh()

    def current_session(self) -> TreatmentSession:
        """The session as the editor shows it now (valid or not)."""
        ui = self.ui
        record = copy.deepcopy(self._session)
        back_before, leg_before, back_after, leg_after = (s.value() for s in ui.pain.scales())
        record.pain_before = PainScores(back_before, leg_before)
        record.pain_after = PainScores(back_after, leg_after)
        record.needles = ui.needle_model.needles()
        record.needles_in = ui.needles.needles_in.count()
        record.needles_out = ui.needles.needles_out.count()
        text = {name: field.toPlainText() for name, field in ui.notes.fields.items()}
        record.notes = SoapNotes(
            text["subjective"], text["objective"], text["assessment"], text["plan"]
        )
        record.patient_advice = text["patient_advice"]
        record.internal_note = text["internal_note"]
        record.adverse_events = ui.adverse_model.events()
        return record

    def editor_state(self) -> dict[str, Any]:
        """The editor's own state a draft keeps beside the session."""
        state: dict[str, Any] = {
            "point_entry": self.ui.needles.entry.text(),
            "needles_in_follows_table": self._needles_in_follows,
        }
        if self._session.version is not None:
            state["read_version"] = self._session.version
        return state

    def draft_payload(self) -> dict[str, Any]:
        return drafts.draft_payload(self.current_session(), self.editor_state())

    @property
    def session_id(self) -> uuid.UUID:
        return self._session.id

    def is_signed(self) -> bool:
        return self._session.is_signed

    @property
    def patient_id(self) -> uuid.UUID:
        return self.context.patient.id

    # The patient's intake screening ----------------------------------------------------------
    def set_screening(self, status: ScreeningStatus | None) -> None:
        """Show the patient's intake screening (None: no intake) above the session."""
        self.ui.screening.set_status(status)

    def refresh_screening(self) -> None:
        """Show the patient's current screening, read from the journal."""
        self.set_screening(screening_status(self.db, self.patient_id))

    def has_unsaved_changes(self) -> bool:
        return self._dirty and not self.is_signed()

    # Focus helpers for shortcuts ------------------------------------------------------------
    def focus_point_entry(self) -> None:
        self.ui.needles.entry.setFocus()
        self.ui.needles.entry.selectAll()

    def focus_notes(self) -> None:
        self.ui.tabs.setCurrentWidget(self.ui.notes.soap_page)
        self.ui.notes.fields["subjective"].setFocus()

    def add_adverse_event(self) -> None:
        self.ui.tabs.setCurrentWidget(self.ui.adverse)
        self.ui.adverse.add_event()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            self.focus_first()

    def focus_first(self) -> None:
        """Put the focus where the next step starts: repeat last, the pain, or a point."""
        ui = self.ui
        if self.is_signed():
            ui.addenda.text.setFocus()
        elif not ui.needle_model.rowCount() and self.actions_["repeat"].isEnabled():
            ui.repeat_button.setFocus()
        elif ui.pain.before_back.value() is None:
            ui.pain.before_back.setFocus()
        else:
            ui.needles.entry.setFocus()

    def _update_title(self) -> None:
        ui, patient = self.ui, self.context.patient
        ui.title.setText(patient.name)
        ui.case_label.setText(f"· {self.context.case.title}")
        local = self._session.started_at.astimezone(ZoneInfo(self._session.time_zone))
        title = f"{patient.name} – {local:%Y-%m-%d}"
        if self.is_signed():
            title += " " + self.tr("(signed)")
        elif self._dirty:
            title += " *"
        self.setWindowTitle(title)
        self.titleChanged.emit(title)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Reached when the editor is its own window; in a tab, the main window calls
        # maybe_close() before removing it.
        if self.maybe_close():
            event.accept()
        else:
            event.ignore()

    def hideEvent(self, event: Any) -> None:  # noqa: N802
        self.flush_draft()
        super().hideEvent(event)
