"""How the session editor turns widget changes into undoable edits.

A mixin of :class:`~acujournal.ui.session_editor.SessionEditor`, kept apart so each file
reads in one sitting. Pain scores, counts, start time and note text arrive here as
"old -> new" changes the widgets already show; they go onto the undo stack as
:class:`~acujournal.ui.editor_commands.SetValueCommand` so Ctrl+Z can set them back.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, QTime

from acujournal.ui.editor_commands import SetValueCommand

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from acujournal.domain.model import TreatmentSession
    from acujournal.ui.session_editor_layout import EditorWidgets


class EditorEdits:
    ui: EditorWidgets
    undo_stack: QUndoStack
    _session: TreatmentSession
    _loading: bool
    _dirty: bool
    _typing_generation: int
    _needles_in_follows: bool
    _counts: dict[str, int | None]

    if TYPE_CHECKING:  # provided by QWidget and the other parts of SessionEditor

        def tr(
            self,
            sourceText: str,  # noqa: N803 (Qt's own name)
            disambiguation: str | None = None,
            n: int = -1,
        ) -> str: ...
        def is_signed(self) -> bool: ...
        def _schedule_draft(self) -> None: ...
        def _update_title(self) -> None: ...

    # Edits -------------------------------------------------------------------------------------
    def _push_value(
        self,
        what: str,
        setter: Callable[[Any], None],
        old: Any,
        new: Any,
        *,
        merge: Hashable | None = None,
        already_applied: bool = True,
    ) -> None:
        if self._loading:
            return
        key = (merge, self._typing_generation) if merge is not None else None
        text = self.tr("Change %1").replace("%1", what)
        self.undo_stack.push(
            SetValueCommand(text, setter, old, new, merge_key=key, already_applied=already_applied)
        )

    def _end_typing(self) -> None:
        self._typing_generation += 1

    def _edited(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._schedule_draft()
        self._update_title()

    # Needle counts: "in" follows the table until typed; "out" is counted by the practitioner.
    def _apply_count(self, which: str, count: int | None) -> None:
        box = self.ui.needles.needles_in if which == "in" else self.ui.needles.needles_out
        self._counts[which] = count
        box.set_count(count)

    def _apply_needles_in(self, state: tuple[int | None, bool]) -> None:
        count, follows = state
        self._needles_in_follows = follows
        self._apply_count("in", self._table_count() if follows else count)

    def _table_count(self) -> int | None:
        count = self.ui.needle_model.insertion_count()
        return count if self.ui.needle_model.rowCount() else None

    def _needles_in_typed(self) -> None:
        new = self.ui.needles.needles_in.count()
        old = (self._counts["in"], self._needles_in_follows)
        self._counts["in"] = new
        self._needles_in_follows = False
        self._push_value(
            self.ui.needles.needles_in.accessibleName(),
            self._apply_needles_in,
            old,
            (new, False),
            merge="needles_in",
        )

    def _needles_out_typed(self) -> None:
        new = self.ui.needles.needles_out.count()
        old, self._counts["out"] = self._counts["out"], new
        self._push_value(
            self.ui.needles.needles_out.accessibleName(),
            lambda value: self._apply_count("out", value),
            old,
            new,
            merge="needles_out",
        )

    def _needles_changed(self) -> None:
        if self._needles_in_follows and not self._loading:
            self._apply_count("in", self._table_count())
        self.ui.needles.refresh()

    def all_out(self) -> None:
        """Every needle is counted out: set "out" to "in" (one click closes the count)."""
        if self.is_signed():
            return
        count = self.ui.needles.needles_in.count()
        old = self._counts["out"]
        if count != old:
            self._push_value(
                self.tr("needles out"),
                lambda value: self._apply_count("out", value),
                old,
                count,
                already_applied=False,
            )
        self.ui.sign_button.setFocus()

    # Start time, shown in the session's own time zone.
    def _apply_started(self, moment: datetime) -> None:
        local = moment.astimezone(ZoneInfo(self._session.time_zone))
        shown = QDateTime(
            QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)
        )
        self._session.started_at = moment
        blocked = self.ui.started.blockSignals(True)
        self.ui.started.setDateTime(shown)
        self.ui.started.blockSignals(blocked)

    def _started_typed(self, shown: QDateTime) -> None:
        date, time = shown.date(), shown.time()
        local = datetime(
            date.year(),
            date.month(),
            date.day(),
            time.hour(),
            time.minute(),
            tzinfo=ZoneInfo(self._session.time_zone),
        )
        old, new = self._session.started_at, local.astimezone(UTC)
        self._session.started_at = new
        self._push_value(self.tr("start time"), self._apply_started, old, new, merge="started")
