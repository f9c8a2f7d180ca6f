"""A patient's session history as a Qt table model (newest first)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from acujournal.storage.repository import SessionSummary

Index = QModelIndex | QPersistentModelIndex

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the row's session


def _pain(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before} → {'–' if after is None else after}"


class SessionHistoryModel(QAbstractTableModel):
    """Date (in the zone the session happened in), practitioner, points, pain back and leg."""

    DATE, PRACTITIONER, POINTS, BACK, LEG, STATUS = range(6)
    HEADERS = ("Date", "Practitioner", "Points", "Back pain", "Leg pain", "Status")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sessions: list[SessionSummary] = []

    def set_sessions(self, sessions: list[SessionSummary]) -> None:
        self.beginResetModel()
        self._sessions = list(sessions)
        self.endResetModel()

    def session_at(self, row: int) -> SessionSummary:
        return self._sessions[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._sessions)

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
        if not index.isValid() or not 0 <= index.row() < len(self._sessions):
            return None
        session = self._sessions[index.row()]
        if role == SESSION_ID_ROLE:
            return session.id
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.POINTS:
            return ", ".join(session.points)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == self.DATE:
            local = session.started_at.astimezone(ZoneInfo(session.time_zone))
            return local.strftime("%Y-%m-%d %H:%M")
        if column == self.PRACTITIONER:
            return session.practitioner_name
        if column == self.POINTS:
            return ", ".join(session.points)
        if column == self.BACK:
            return _pain(session.pain_before_back, session.pain_after_back)
        if column == self.LEG:
            return _pain(session.pain_before_leg, session.pain_after_leg)
        if column == self.STATUS:
            return self.tr("signed") if session.status == "signed" else self.tr("draft")
        return None
