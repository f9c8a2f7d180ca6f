"""A table model over a list of plain records (needle rows, adverse events), edited undoably.

Subclasses say how a record shows in each column (:meth:`cell`) and how an edited value
changes it (:meth:`with_value`). Edits made through ``setData`` (by a delegate) are pushed to
the model's undo stack as :class:`~acujournal.ui.editor_commands.ReplaceRowCommand`, so every
change of a cell can be undone; the commands then call the plain mutators below.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QUndoStack

from acujournal.ui.editor_commands import (
    InsertRowsCommand,
    RemoveRowsCommand,
    ReplaceRowCommand,
    ResetRowsCommand,
)

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """Rows are records; columns are subclass-defined views of a record."""

    HEADERS: tuple[object, ...] = ()  # QT_TR_NOOP strings, translated when shown
    READ_ONLY_COLUMNS: frozenset[int] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self.undo_stack: QUndoStack | None = None
        self.read_only = False

    # Subclass hooks --------------------------------------------------------------------------
    def cell(self, item: Any, row: int, column: int, role: int) -> Any:
        raise NotImplementedError

    def with_value(self, item: Any, column: int, value: Any) -> Any:
        """A copy of ``item`` with ``value`` put in ``column``, or None if the value is refused."""
        raise NotImplementedError

    def header_tooltip(self, section: int) -> str | None:
        return None

    def rows_changed(self) -> None:
        """Called after any change of the rows (to refresh derived state)."""

    # Reading ---------------------------------------------------------------------------------
    def items(self) -> list[Any]:
        """Copies of every record, in table order."""
        return copy.deepcopy(self._rows)

    def item(self, row: int) -> Any:
        return copy.deepcopy(self._rows[row])

    # Undoable edits ----------------------------------------------------------------------------
    def push_insert(self, position: int, items: list[Any], text: str) -> None:
        self._push(InsertRowsCommand(text, self, position, items))

    def push_remove(self, rows: Iterable[int], text: str) -> None:
        rows = sorted({r for r in rows if 0 <= r < len(self._rows)})
        if rows:
            self._push(RemoveRowsCommand(text, self, rows))

    def push_replace(self, row: int, new: Any, text: str) -> None:
        self._push(ReplaceRowCommand(text, self, row, self._rows[row], new))

    def push_reset(self, items: list[Any], text: str) -> None:
        self._push(ResetRowsCommand(text, self, items))

    def _push(self, command: Any) -> None:
        if self.undo_stack is not None:
            self.undo_stack.push(command)
        else:
            command.redo()

    # Plain mutators (called by the commands) ------------------------------------------------
    def set_items(self, items: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()
        self.rows_changed()

    def insert_items(self, position: int, items: list[Any]) -> None:
        if not items:
            return
        position = max(0, min(position, len(self._rows)))
        self.beginInsertRows(QModelIndex(), position, position + len(items) - 1)
        self._rows[position:position] = items
        self.endInsertRows()
        self.rows_changed()

    def remove_rows(self, rows: Iterable[int]) -> None:
        # Highest first, so earlier indexes stay valid while removing.
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        self.rows_changed()

    def replace_item(self, row: int, item: Any) -> None:
        self._rows[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.rows_changed()

    # QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(section + 1)
            return None
        if not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(str(self.HEADERS[section]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.header_tooltip(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.HEADERS):
            return None
        return self.cell(self._rows[index.row()], index.row(), index.column(), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only and index.column() not in self.READ_ONLY_COLUMNS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(  # noqa: N802
        self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not self.flags(index) & Qt.ItemFlag.ItemIsEditable
        ):
            return False
        old = self._rows[index.row()]
        new = self.with_value(copy.deepcopy(old), index.column(), value)
        if new is None:
            return False
        if new != old:
            header = self.tr(str(self.HEADERS[index.column()]))
            self.push_replace(index.row(), new, self.tr("Change %1").replace("%1", header))
        return True
