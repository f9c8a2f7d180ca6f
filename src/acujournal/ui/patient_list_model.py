"""The patient list as a Qt table model, with forgiving search."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from acujournal.storage.repository import PatientSummary
from acujournal.ui.list_table_model import Index, ListTableModel

# Custom roles, documented where they are defined:
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the row's patient
SEARCH_KEY_ROLE = Qt.ItemDataRole.UserRole + 2  # folded text the search box matches against


def fold(text: str) -> str:
    """Lower-case, accent-free text: "Åse Bjørnstad" matches "ase bjornstad"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters that do not decompose into base + accent in Unicode.
    return stripped.translate(_EXTRA_FOLDS)


_EXTRA_FOLDS = str.maketrans(
    {"ø": "o", "æ": "ae", "ð": "d", "þ": "th", "ł": "l", "ß": "ss", "đ": "d"}
)


class PatientListModel(ListTableModel):
    """Patients, most recently seen first: name, birth date, phone, last visit."""

    NAME, BIRTH_DATE, PHONE, LAST_VISIT = range(4)
    HEADERS = ("Name", "Born", "Phone", "Last visit")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keys: list[str] = []

    def set_patients(self, patients: list[PatientSummary]) -> None:
        self.set_items(patients)

    def items_reset(self) -> None:
        self._keys = [
            fold(f"{p.name} {p.birth_date.isoformat() if p.birth_date else ''} {p.phone}")
            + " "
            + "".join(ch for ch in p.phone if ch.isdigit())
            for p in self._items
        ]

    def patient_at(self, row: int) -> PatientSummary:
        patient: PatientSummary = self.item_at(row)
        return patient

    def row_of(self, patient_id: uuid.UUID) -> int | None:
        for row, patient in enumerate(self._items):
            if patient.id == patient_id:
                return row
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


class PatientFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose folded name, birth date or phone contain every typed word."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if not self._words:
            return True
        model = self.sourceModel()
        key = model.data(model.index(source_row, 0, source_parent), SEARCH_KEY_ROLE)
        return all(word in key for word in self._words)
