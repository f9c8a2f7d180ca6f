"""What the session editor does with a session: drafts, repeat, protocols, save, sign, amend.

A mixin of :class:`~acujournal.ui.session_editor.SessionEditor`. Every database call goes
through the services; each is one short transaction on the UI thread (a draft write or a
12-needle save takes milliseconds with synchronous=FULL).
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from acujournal.domain.model import TreatmentSession
from acujournal.domain.validation import Problem, ValidationError, signing_problems
from acujournal.domain.wording import plural
from acujournal.services import drafts, protocols, sessions, settings
from acujournal.services.conflicts import ConflictError, field_label
from acujournal.ui.editor_commands import SetValueCommand
from acujournal.ui.problem_text import describe_problems
from acujournal.ui.protocol_dialogs import ProtocolChooser, SaveProtocolDialog
from acujournal.ui.snippets import SnippetsDialog

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction, QUndoStack

    from acujournal.services.drafts import EditorContext
    from acujournal.storage.db import Database
    from acujournal.ui.session_editor_layout import EditorWidgets


class CloseChoice(enum.Enum):
    """What to do with changes the journal lacks when the editor closes."""

    SAVE = "save"  # store them as an unsigned session in the journal
    KEEP = "keep"  # close; the editor draft stays and is offered again at the next start
    DISCARD = "discard"
    CANCEL = "cancel"


class ConflictChoice(enum.Enum):
    """What to do when another room changed the session since this editor read it."""

    OVERWRITE = "overwrite"  # save this editor's session over the other room's version
    KEEP_EDITING = "keep"  # save nothing now; the practitioner's text stays in the editor


class SessionWorkflow:
    db: Database
    ui: EditorWidgets
    context: EditorContext
    undo_stack: QUndoStack
    actions_: dict[str, QAction]
    _session: TreatmentSession
    _repeat_template: TreatmentSession | None
    _snippets: dict[str, str]
    _dirty: bool
    _draft_pending: bool
    _loading: bool

    if TYPE_CHECKING:  # provided by QWidget and the other parts of SessionEditor
        saved: SignalInstance
        signed: SignalInstance
        amended: SignalInstance
        draftWritten: SignalInstance  # noqa: N815
        _draft_timer: Any

        def tr(
            self,
            sourceText: str,  # noqa: N803 (Qt's own name)
            disambiguation: str | None = None,
            n: int = -1,
        ) -> str: ...
        def isAncestorOf(self, child: QWidget) -> bool: ...  # noqa: N802
        def current_session(self) -> TreatmentSession: ...
        def draft_payload(self) -> dict[str, Any]: ...
        def is_signed(self) -> bool: ...
        def has_unsaved_changes(self) -> bool: ...
        def _update_title(self) -> None: ...

    # Drafts ----------------------------------------------------------------------------------
    def _schedule_draft(self) -> None:
        if self._loading or self.is_signed():
            return
        self._draft_pending = True
        self._draft_timer.start()

    def flush_draft(self) -> None:
        """Write the pending draft now (the debounce timer and focus-out call this)."""
        self._draft_timer.stop()
        if not self._draft_pending or self.is_signed():
            return
        try:
            drafts.save_editor_draft(
                self.db, self._session.id, self.context.patient.id, self.draft_payload()
            )
        except Exception as error:
            # A failed draft write must not lose what is on screen: keep it pending, say so,
            # and try again on the next edit.
            self.ui.status.setText(
                self.tr("Could not keep the draft: %1").replace("%1", str(error))
            )
            return
        self._draft_pending = False
        self.ui.status.setText(
            self.tr("Draft kept at %1").replace("%1", QTime.currentTime().toString("HH:mm:ss"))
        )
        self.draftWritten.emit(self._session.id)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        # Leaving the editor (another tab, another window) writes the draft at once.
        if not self._draft_pending or old is None:
            return
        if self._contains(old) and not self._contains(new):
            self.flush_draft()

    def _widget(self) -> QWidget:
        return cast("QWidget", self)  # the mixin is always part of the editor widget

    def _contains(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self._widget() or self.isAncestorOf(widget))

    def _forget_draft(self) -> None:
        self._draft_timer.stop()
        self._draft_pending = False
        drafts.discard_editor_draft(self.db, self._session.id)

    # Starting points -------------------------------------------------------------------------
    def repeat_last(self) -> None:
        """Replace the table with the points of the case's last session (undoable)."""
        template = self._repeat_template
        if self.is_signed() or template is None or not template.needles:
            return
        self._replace_needles(
            self.tr("Repeat last session"), template.needles, template.protocol_id
        )
        self.ui.pain.before_back.setFocus()

    def choose_protocol(self) -> None:
        """Pick a protocol and put its points in the table, with this practitioner's needle."""
        if self.is_signed():
            return
        chooser = ProtocolChooser(protocols.list_protocols(self.db), self._widget())
        if chooser.exec() != QDialog.DialogCode.Accepted or chooser.chosen() is None:
            return
        protocol = chooser.chosen()
        assert protocol is not None
        needles = protocols.apply_protocol(protocol, self.context.practitioner)
        self._replace_needles(
            self.tr("Apply protocol %1").replace("%1", protocol.name), needles, protocol.id
        )
        self.ui.pain.before_back.setFocus()

    def _replace_needles(
        self, text: str, needles: list[Any], protocol_id: uuid.UUID | None
    ) -> None:
        self.undo_stack.beginMacro(text)
        self.ui.needle_model.push_reset(needles, text)
        self.undo_stack.push(
            SetValueCommand(
                text,
                lambda value: setattr(self._session, "protocol_id", value),
                self._session.protocol_id,
                protocol_id,
                already_applied=False,
            )
        )
        self.undo_stack.endMacro()

    def save_as_protocol(self) -> None:
        """Save the table's points as a new protocol, or as a new version of one."""
        needles = self.ui.needle_model.needles()
        if not needles:
            self.show_problems(
                self.tr("No protocol saved"), [Problem("needles", self.tr("add points first"))]
            )
            return
        dialog = SaveProtocolDialog(
            protocols.list_protocols(self.db),
            self.context.case.condition,
            self._widget(),
        )
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                family = dialog.family_id()
                if family is None:
                    saved = protocols.save_protocol_from_session(
                        self.db, dialog.name.text(), needles, dialog.condition.text()
                    )
                else:
                    saved = protocols.revise_protocol(
                        self.db,
                        family,
                        protocols.protocol_points_from_needles(needles),
                        dialog.name.text(),
                    )
            except ValidationError as error:
                dialog.error.setText("\n".join(describe_problems(error.problems, needles)))
                continue
            if not self.is_signed():
                self._replace_protocol_id(saved.id)
            self.ui.show_banner(
                "info",
                self.tr("Saved protocol “%1”, version %2.")
                .replace("%1", saved.name)
                .replace("%2", str(saved.version)),
            )
            return

    def _replace_protocol_id(self, protocol_id: uuid.UUID) -> None:
        self.undo_stack.push(
            SetValueCommand(
                self.tr("Follow protocol"),
                lambda value: setattr(self._session, "protocol_id", value),
                self._session.protocol_id,
                protocol_id,
                already_applied=False,
            )
        )

    def edit_snippets(self) -> None:
        dialog = SnippetsDialog(self._snippets, self._widget())
        if dialog.exec() == QDialog.DialogCode.Accepted:
            settings.set_snippets(self.db, dialog.result_snippets)
            self._snippets = settings.get_snippets(self.db)
            self.ui.notes.refresh_tooltips()

    # Saving, signing, amending ------------------------------------------------------------
    def show_problems(self, title: str, problems: list[Problem]) -> None:
        lines = describe_problems(problems, self.ui.needle_model.needles())
        self.ui.show_banner("error", "\n".join([title, *(f"• {line}" for line in lines)]))

    def save(self) -> bool:
        """Store the session in the journal as an unsigned draft session."""
        if self.is_signed():
            return False
        record = self.current_session()
        try:
            sessions.record_session(self.db, record)
        except ConflictError as error:
            if self._overwrite_after_conflict(error):
                return self.save()
            return False
        except (ValidationError, sessions.SignedSessionError) as error:
            problems = getattr(error, "problems", [Problem("session", str(error))])
            self.show_problems(self.tr("Not saved:"), problems)
            return False
        self._session.entered_at = record.entered_at
        self._session.version, self._session.read_state = record.version, record.read_state
        self._forget_draft()
        self._dirty = False
        self.undo_stack.setClean()
        self.ui.show_banner("info", self.tr("Saved in the journal (not signed yet)."))
        self._update_title()
        self.saved.emit(record.id)
        return True

    def sign(self) -> bool:
        """Sign and lock the session; refused, naming the problem, while anything is missing."""
        if self.is_signed():
            return False
        record = self.current_session()
        problems = signing_problems(record)
        if not problems:
            try:
                sessions.sign_session(self.db, record, self.context.practitioner.id)
            except ConflictError as error:
                if self._overwrite_after_conflict(error):
                    return self.sign()
                return False
            except ValidationError as error:
                problems = error.problems
            except sessions.SignedSessionError as error:
                problems = [Problem("session", str(error))]
        if problems:
            self.show_problems(self.tr("Not signed:"), problems)
            return False
        self._forget_draft()
        self._session = record
        self._dirty = False
        self._enter_signed_mode()
        self._update_title()
        self.signed.emit(record.id)
        return True

    def _overwrite_after_conflict(self, error: ConflictError) -> bool:
        """Tell what the other room changed; True when the practitioner keeps this version.

        Either way nothing in the editor changes: the practitioner's text stays where it is.
        """
        choice = self.ask_conflict_choice(error)
        if choice is ConflictChoice.OVERWRITE and error.stored is not None:
            # From now on this editor's session counts as read at the other room's version.
            self._session.version = error.stored.version
            self._session.read_state = error.stored.read_state
            return True
        self.ui.show_banner(
            "error",
            self.tr("Not saved: another room changed this session. Your text is kept here."),
        )
        return False

    def ask_conflict_choice(self, error: ConflictError) -> ConflictChoice:
        """Show what the other room changed and ask what to do (a modal question)."""
        box = QMessageBox(self._widget())
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Changed in another room"))
        box.setText(str(error))
        box.setInformativeText(
            self.tr(
                "Keep your version and save it over theirs, or go on editing without saving "
                "(see the details for what the other room wrote)."
            )
        )
        details = conflict_details(error)
        if details:
            box.setDetailedText(details)
        overwrite = box.addButton(
            self.tr("Keep mine and overwrite"), QMessageBox.ButtonRole.DestructiveRole
        )
        keep = box.addButton(self.tr("Go on editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        if box.clickedButton() is overwrite:
            return ConflictChoice.OVERWRITE
        return ConflictChoice.KEEP_EDITING

    def _enter_signed_mode(self) -> None:
        ui, record = self.ui, self._session
        self.undo_stack.clear()
        ui.needles.set_read_only(True)
        ui.adverse.set_read_only(True)
        ui.notes.set_read_only(True)
        ui.started.setReadOnly(True)
        for scale in ui.pain.scales():
            scale.setEnabled(False)
        for name in ("repeat", "apply_protocol", "save", "sign", "all_out", "adverse"):
            self.actions_[name].setEnabled(False)
        names = self.context.practitioner_names
        signer = names.get(record.signed_by, "?") if record.signed_by else "?"
        when = (record.signed_at or datetime.now(UTC)).astimezone(ZoneInfo(record.time_zone))
        ui.show_banner(
            "signed",
            self.tr("Signed by %1 on %2 and locked. To correct or add something, add an addendum.")
            .replace("%1", signer)
            .replace("%2", f"{when:%Y-%m-%d %H:%M}"),
        )
        ui.addenda.set_signed(True)
        ui.tabs.setCurrentWidget(ui.addenda)

    def add_addendum(self, text: str) -> bool:
        """Add an addendum to the signed session; the original stays as signed."""
        try:
            sessions.amend_session(self.db, self._session.id, self.context.practitioner.id, text)
        except ValidationError as error:
            self.show_problems(self.tr("Addendum not added:"), error.problems)
            return False
        self._session = sessions.get_session(self.db, self._session.id)
        self.ui.addenda.show_addenda(
            self._session.amendments, self.context.practitioner_names, self._session.time_zone
        )
        self.ui.addenda.clear_text()
        self.amended.emit(self._session.id)
        return True

    # Closing ----------------------------------------------------------------------------------
    def maybe_close(self) -> bool:
        """True when the editor may close; asks first when the journal lacks some changes.

        The draft is written before asking, so even a crash while the question is open
        loses nothing.
        """
        self.flush_draft()
        if not self.has_unsaved_changes():
            return True
        choice = self.ask_close_choice()
        if choice is CloseChoice.SAVE:
            return self.save()
        if choice is CloseChoice.KEEP:
            return True
        if choice is CloseChoice.DISCARD:
            self._forget_draft()
            self._dirty = False
            return True
        return False

    def ask_close_choice(self) -> CloseChoice:
        """Ask what to do with unsaved changes (a modal question; tests answer it)."""
        box = QMessageBox(self._widget())
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved session"))
        box.setText(self.tr("This session has changes the journal does not have yet."))
        box.setInformativeText(
            self.tr(
                "Save it as an unsigned session, keep the draft to finish later "
                "(it comes back when AcuJournal starts), or discard the changes."
            )
        )
        save = box.addButton(self.tr("Save draft"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep for later"), QMessageBox.ButtonRole.ActionRole)
        discard = box.addButton(self.tr("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        answers = {save: CloseChoice.SAVE, keep: CloseChoice.KEEP, discard: CloseChoice.DISCARD}
        return next((c for b, c in answers.items() if b is clicked), CloseChoice.CANCEL)


def conflict_details(error: ConflictError) -> str:
    """What the other room's version holds in each field that differs, one line each."""
    state = getattr(error.stored, "read_state", None) or {}
    lines = []
    for name in error.fields:
        value = state.get(name)
        if isinstance(value, list):
            shown = plural(len(value), "item")
        else:
            shown = "—" if value in (None, "") else str(value)
        lines.append(f"{field_label(name)}: {shown}")
    return "\n".join(lines)
