"""The patient list as a Qt table model, with forgiving search that keeps up with typing.

Every patient gets a search key when the list is loaded: name, birth date and phone folded to
lower-case text without accents, plus the phone's digits alone. A query matches the patients
whose key contains every word of it. The filter (:class:`PatientFilterModel`) keeps the list of
matching rows itself and asks the list model to match words against its keys in one pass;
a query that only extends the previous one (typing on) is matched against the previous result
only. No per-row call goes through Qt's model interface, so a keystroke costs about the same
as a scan of a Python list of strings, even with a hundred thousand patients.
"""

from __future__ import annotations

import unicodedata
import uuid
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar, cast

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QMetaObject,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtWidgets import QHeaderView, QTableView

from acujournal.storage.repository import PatientSummary
from acujournal.ui.list_table_model import Index, ListTableModel

# Custom roles, documented where they are defined:
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the row's patient
SEARCH_KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # folded text the search box matches against


def fold(text: str) -> str:
    """Lower-case, accent-free text: "Åse Bjørnstad" matches "ase bjornstad"."""
    if text.isascii():
        return text.lower()  # the same as the full fold below, for plain ASCII
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters that do not decompose into base + accent in Unicode.
    return stripped.translate(_EXTRA_FOLDS)


_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ł": "l", "ß": "ss", "đ": "d"}
)
_DIGITS = frozenset("0123456789")
_DISPLAY_ROLE = int(Qt.ItemDataRole.DisplayRole)
# The overload of the layout signals that carries a hint (rows only: the columns stay).
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")


def search_key(patient: PatientSummary) -> str:
    """What a query is matched against: folded name, birth date and phone, then phone digits."""
    born = patient.birth_date.isoformat() if patient.birth_date else ""
    digits = "".join(ch for ch in patient.phone if ch in _DIGITS)
    return f"{fold(f'{patient.name} {born} {patient.phone}')} {digits}"


def query_words(text: str) -> list[str]:
    """The folded words of a query; a patient must match every one."""
    return fold(text).split()


class PatientListModel(ListTableModel):
    """Patients, most recently seen first: name, birth date, phone, last visit."""

    NAME, BIRTH_DATE, PHONE, LAST_VISIT = range(4)
    HEADERS = ("Name", "Born", "Phone", "Last visit")
    # The widest text of the fixed-width columns (Born, Phone, Last visit), for sizing them.
    WIDEST: ClassVar[dict[int, str]] = {
        BIRTH_DATE: "8888-88-88",
        PHONE: "+88 888 88 8888",
        LAST_VISIT: "8888-88-88",
    }

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []

    def set_patients(self, patients: list[PatientSummary]) -> None:
        self.set_items(patients)

    def items_reset(self) -> None:
        self._keys = [search_key(p) for p in self._items]

    def patient_at(self, row: int) -> PatientSummary:
        patient: PatientSummary = self.item_at(row)
        return patient

    def row_of(self, patient_id: uuid.UUID) -> int | None:
        for row, patient in enumerate(self._items):
            if patient.id == patient_id:
                return row
        return None

    def matching_rows(self, words: Sequence[str], rows: Iterable[int] | None = None) -> list[int]:
        """The rows (of ``rows``, default all, in their order) whose key contains every word."""
        keys = self._keys
        if not words:
            return list(range(len(keys)) if rows is None else rows)
        first, *others = sorted(words, key=len, reverse=True)  # the longest word rules out most
        if rows is None:
            found = [row for row, key in enumerate(keys) if first in key]
        else:
            found = [row for row in rows if first in keys[row]]
        for word in others:
            found = [row for row in found if word in keys[row]]
        return found

    def value(self, row: int, column: int, role: int) -> Any:
        """``data()`` of a cell by row and column, for the filter (no index to make)."""
        if not 0 <= row < len(self._items):
            return None
        if role == _DISPLAY_ROLE:
            return self.display(self._items[row], column)
        if role == PATIENT_ID_ROLE:
            return self._items[row].id
        if role == SEARCH_KEY_ROLE:
            return self._keys[row]
        return None

    def display(self, item: Any, column: int) -> Any:
        patient: PatientSummary = item
        if column == self.NAME:
            return patient.name
        if column == self.BIRTH_DATE:
            return patient.birth_date.isoformat() if patient.birth_date else ""
        if column == self.PHONE:
            return patient.phone
        if column == self.LAST_VISIT:
            return patient.last_visit_at.date().isoformat() if patient.last_visit_at else ""
        return None

    def role_data(self, item: Any, row: int, column: int, role: int) -> Any:
        if role == PATIENT_ID_ROLE:
            return item.id
        if role == SEARCH_KEY_ROLE:
            return self._keys[row]
        return None


class PatientFilterModel(QAbstractTableModel):
    """The rows of a :class:`PatientListModel` whose key contains every typed word, in order.

    Offers the mapping part of ``QAbstractProxyModel`` (``setSourceModel``, ``sourceModel``,
    ``mapToSource``, ``mapFromSource``). A new query rearranges the rows with ``layoutChanged``
    and moves persistent indexes (a view's selection and current row) along, so a chosen
    patient who still matches stays chosen. Any change of the source's rows filters again.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: QAbstractItemModel | None = None
        self._words: list[str] = []
        self._rows: Sequence[int] = range(0)  # source rows shown, ascending
        self._resetting = False
        self._connections: list[QMetaObject.Connection] = []
        self._value: Callable[[int, int, int], Any] | None = None

    # The proxy interface ----------------------------------------------------------------------
    def sourceModel(self) -> QAbstractItemModel | None:  # noqa: N802
        return self._source

    def setSourceModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802
        self.beginResetModel()
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        self._source = model
        self._value = getattr(model, "value", None)
        if model is not None:
            follow = [
                (model.modelAboutToBeReset, self._source_about_to_reset),
                (model.modelReset, self._source_reset),
                (model.dataChanged, self._source_data_changed),
                (model.headerDataChanged, self.headerDataChanged),
            ]
            follow += [
                (changed, self._source_changed)
                for changed in (
                    model.rowsInserted,
                    model.rowsRemoved,
                    model.rowsMoved,
                    model.columnsInserted,
                    model.columnsRemoved,
                    model.columnsMoved,
                    model.layoutChanged,
                )
            ]
            self._connections = [signal.connect(slot) for signal, slot in follow]
        self._rows = self._match(self._words, None)
        self.endResetModel()

    def mapToSource(self, index: Index) -> QModelIndex:  # noqa: N802
        if self._source is None or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return QModelIndex()
        return self._source.index(self._rows[index.row()], index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid():
            return QModelIndex()
        row = self._proxy_row(source_index.row())
        return QModelIndex() if row is None else self.index(row, source_index.column())

    # Searching -------------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        """Show the patients matching every word of ``text`` (all of them when it is blank)."""
        words = query_words(text)
        if words == self._words:
            return
        # A row matching the new words matches the old ones when each old word lies inside a
        # new one ("jo" -> "jos", "jo" -> "jos nu"): only the rows shown now need checking.
        narrowing = bool(self._words) and all(
            any(old in new for new in words) for old in self._words
        )
        rows = self._match(words, self._rows if narrowing else None)
        self._words = words
        self._show(rows)

    def _match(self, words: Sequence[str], rows: Sequence[int] | None) -> Sequence[int]:
        source = self._source
        if source is None:
            return range(0)
        if not words and rows is None:
            return range(source.rowCount())
        matching_rows = getattr(source, "matching_rows", None)
        if matching_rows is not None:
            found: list[int] = matching_rows(words, rows)
            return found
        # Any other list model: its search keys one by one (slower, same answer).
        candidates = range(source.rowCount()) if rows is None else rows
        return [
            row
            for row in candidates
            if all(word in str(source.index(row, 0).data(SEARCH_KEY_ROLE)) for word in words)
        ]

    def _show(self, rows: Sequence[int]) -> None:
        """Replace the rows shown, keeping persistent indexes on the rows still shown."""
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        cast(Any, self.layoutAboutToBeChanged)[_LAYOUT_SIGNATURE].emit([], hint)
        old = [index for index in self.persistentIndexList() if index.isValid()]
        kept = [(self._rows[index.row()], index.column()) for index in old]
        self._rows = rows
        new = []
        for source_row, column in kept:
            row = self._proxy_row(source_row)
            new.append(QModelIndex() if row is None else self.index(row, column))
        self.changePersistentIndexList(old, new)
        cast(Any, self.layoutChanged)[_LAYOUT_SIGNATURE].emit([], hint)

    def _proxy_row(self, source_row: int) -> int | None:
        rows = self._rows
        if isinstance(rows, range):
            return source_row if source_row in rows else None
        at = bisect_left(rows, source_row)
        return at if at < len(rows) and rows[at] == source_row else None

    # Following the source --------------------------------------------------------------------
    def _source_about_to_reset(self) -> None:
        self._resetting = True
        self.beginResetModel()

    def _source_reset(self) -> None:
        self._rows = self._match(self._words, None)
        self._resetting = False
        self.endResetModel()

    def _source_changed(self, *_args: object) -> None:
        if self._resetting:
            return
        self.beginResetModel()
        self._rows = self._match(self._words, None)
        self.endResetModel()

    def _source_data_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, roles: list[int] | None = None
    ) -> None:
        shown = [
            row
            for source_row in range(top_left.row(), bottom_right.row() + 1)
            if (row := self._proxy_row(source_row)) is not None
        ]
        if shown:
            self.dataChanged.emit(
                self.index(shown[0], top_left.column()),
                self.index(shown[-1], bottom_right.column()),
                roles or [],
            )

    # Qt's interface --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() or self._source is None:
            return 0
        return self._source.columnCount()

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._source is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return None
        return self._source.headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell on each repaint: kept short.
        source = self._source
        if source is None:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None  # also an invalid index (row -1)
        if self._value is not None:
            return self._value(self._rows[row], index.column(), role)
        return source.data(source.index(self._rows[row], index.column()), role)


def size_patient_columns(view: QTableView) -> None:
    """Size the patient list's columns once, from the font, never from every row's text.

    Call it after the view has its model. Born, phone and last visit get the width of their
    widest possible text (a longer phone number is elided) and can be widened by hand; the
    name takes the rest. Every row has the same height. Sizing to contents would ask the model
    for many rows' text on every reset and every keystroke of a search.
    """
    metrics = view.fontMetrics()
    model = view.model()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(PatientListModel.NAME, QHeaderView.ResizeMode.Stretch)
    padding = 2 * metrics.averageCharWidth()
    for column, widest in PatientListModel.WIDEST.items():
        label = model.headerData(column, Qt.Orientation.Horizontal) if model is not None else ""
        width = max(metrics.horizontalAdvance(widest), metrics.horizontalAdvance(str(label or "")))
        header.resizeSection(column, width + padding)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
