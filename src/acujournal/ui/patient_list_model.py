"""The patient list as a Qt table model, with forgiving search."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from acujournal.storage.repository import PatientSummary

Index = QModelIndex | QPersistentModelIndex

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


class PatientListModel(QAbstractTableModel):
    """Patients, most recently seen first: name, birth date, phone, last visit."""

    NAME, BIRTH_DATE, PHONE, LAST_VISIT = range(4)
    HEADERS = ("Name", "Born", "Phone", "Last visit")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._patients: list[PatientSummary] = []
        self._keys: list[str] = []

    def set_patients(self, patients: list[PatientSummary]) -> None:
        self.beginResetModel()
        self._patients = list(patients)
        self._keys = [
            fold(f"{p.name} {p.birth_date.isoformat() if p.birth_date else ''} {p.phone}")
            + " "
            + "".join(ch for ch in p.phone if ch.isdigit())
            for p in self._patients
        ]
        self.endResetModel()

    def patient_at(self, row: int) -> PatientSummary:
        return self._patients[row]

    def row_of(self, patient_id: uuid.UUID) -> int | None:
        for row, patient in enumerate(self._patients):
            if patient.id == patient_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._patients)

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
        if not index.isValid() or not 0 <= index.row() < len(self._patients):
            return None
        patient = self._patients[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.NAME:
                return patient.name
            if column == self.BIRTH_DATE:
                return patient.birth_date.isoformat() if patient.birth_date else ""
            if column == self.PHONE:
                return patient.phone
            if column == self.LAST_VISIT:
                return patient.last_visit_at.date().isoformat() if patient.last_visit_at else ""
            return None
        if role == PATIENT_ID_ROLE:
            return patient.id
        if role == SEARCH_KEY_ROLE:
            return self._keys[index.row()]
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
