"""A read-only table model over a list of records (patients, sessions, audit entries).

Subclasses name their columns in ``HEADERS`` and say what a record shows in each column
(:meth:`display`) and, for other roles (ids, tool tips, search keys), :meth:`role_data`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class ListTableModel(QAbstractTableModel):
    """Rows are records, replaced all at once; columns are subclass-defined views of one."""

    HEADERS: tuple[str, ...] = ()  # translated when shown

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Any] = []

    # Subclass hooks --------------------------------------------------------------------------
    def display(self, item: Any, column: int) -> Any:
        """The text of ``item`` in ``column``."""
        raise NotImplementedError

    def role_data(self, item: Any, row: int, column: int, role: int) -> Any:
        """Data of any role other than display (None: nothing)."""
        return None

    # Records ---------------------------------------------------------------------------------
    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.items_reset()
        self.endResetModel()

    def items_reset(self) -> None:
        """Called inside a reset, after the records were replaced (to rebuild derived data)."""

    def item_at(self, row: int) -> Any:
        return self._items[row]

    # Qt's interface --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, index.column())
        return self.role_data(item, index.row(), index.column(), role)
