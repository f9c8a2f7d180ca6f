"""Undo commands of the session editor: every edit goes through the editor's QUndoStack.

Two kinds of commands exist:

- row commands change a :class:`~acujournal.ui.row_table_model.RowTableModel` (needles,
  adverse events): insert, remove, replace one row, replace all rows;
- :class:`SetValueCommand` sets one value through a setter (a pain score, a count, a text).

A widget that the user has just changed (a pain button clicked, text typed) already shows the
new value, so its command is pushed with ``already_applied=True``: the first ``redo`` that
``QUndoStack.push`` performs does nothing, and only undo/redo set the widget.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from acujournal.ui.row_table_model import RowTableModel

# QUndoStack merges only commands whose id() is equal and not -1.
_SET_VALUE_ID = 1001


class SetValueCommand(QUndoCommand):
    """Set a value through ``setter``; undo sets the old one back.

    With a ``merge_key``, consecutive commands with the same key become one (typing a word
    in a note is one undo step, not one per letter). The key includes a generation the
    editor bumps when a field loses focus, so separate bursts of typing stay separate.
    """

    def __init__(
        self,
        text: str,
        setter: Callable[[Any], None],
        old: Any,
        new: Any,
        *,
        merge_key: Hashable | None = None,
        already_applied: bool = True,
    ) -> None:
        super().__init__(text)
        self.setter = setter
        self.old = old
        self.new = new
        self.merge_key = merge_key
        self._skip_redo = already_applied

    def id(self) -> int:
        return _SET_VALUE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802
        if not isinstance(other, SetValueCommand) or other.merge_key != self.merge_key:
            return False
        self.new = other.new
        if self.new == self.old:
            self.setObsolete(True)  # typed and deleted again: nothing left to undo
        return True

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self.setter(self.new)

    def undo(self) -> None:
        self.setter(self.old)


class InsertRowsCommand(QUndoCommand):
    def __init__(
        self, text: str, model: RowTableModel, position: int, items: Sequence[Any]
    ) -> None:
        super().__init__(text)
        self.model = model
        self.position = position
        self.items = [copy.deepcopy(item) for item in items]

    def redo(self) -> None:
        self.model.insert_items(self.position, copy.deepcopy(self.items))

    def undo(self) -> None:
        self.model.remove_rows(range(self.position, self.position + len(self.items)))


class RemoveRowsCommand(QUndoCommand):
    def __init__(self, text: str, model: RowTableModel, rows: Sequence[int]) -> None:
        super().__init__(text)
        self.model = model
        self.rows = sorted(set(rows))
        self.removed: list[Any] = [model.item(row) for row in self.rows]

    def redo(self) -> None:
        self.model.remove_rows(self.rows)

    def undo(self) -> None:
        # Ascending order puts every row back at its original index.
        for row, item in zip(self.rows, self.removed, strict=True):
            self.model.insert_items(row, [copy.deepcopy(item)])


class ReplaceRowCommand(QUndoCommand):
    def __init__(self, text: str, model: RowTableModel, row: int, old: Any, new: Any) -> None:
        super().__init__(text)
        self.model = model
        self.row = row
        self.old = copy.deepcopy(old)
        self.new = copy.deepcopy(new)

    def redo(self) -> None:
        self.model.replace_item(self.row, copy.deepcopy(self.new))

    def undo(self) -> None:
        self.model.replace_item(self.row, copy.deepcopy(self.old))


class ResetRowsCommand(QUndoCommand):
    """Replace every row at once ("repeat last session", "apply protocol")."""

    def __init__(self, text: str, model: RowTableModel, new_items: Sequence[Any]) -> None:
        super().__init__(text)
        self.model = model
        self.old = model.items()
        self.new = [copy.deepcopy(item) for item in new_items]

    def redo(self) -> None:
        self.model.set_items(copy.deepcopy(self.new))

    def undo(self) -> None:
        self.model.set_items(copy.deepcopy(self.old))
