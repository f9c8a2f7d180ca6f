"""A patient's session history as a Qt table model (newest first)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from acujournal.storage.repository import SessionSummary
from acujournal.ui.list_table_model import ListTableModel

SESSION_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # uuid.UUID of the row's session


def _pain(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before} → {'–' if after is None else after}"


class SessionHistoryModel(ListTableModel):
    """Date (in the zone the session happened in), practitioner, points, pain back and leg."""

    DATE, PRACTITIONER, POINTS, BACK, LEG, STATUS = range(6)
    HEADERS = ("Date", "Practitioner", "Points", "Back pain", "Leg pain", "Status")

    def set_sessions(self, sessions: list[SessionSummary]) -> None:
        self.set_items(sessions)

    def session_at(self, row: int) -> SessionSummary:
        summary: SessionSummary = self.item_at(row)
        return summary

    def role_data(self, item: Any, row: int, column: int, role: int) -> Any:
        if role == SESSION_ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole and column == self.POINTS:
            return ", ".join(item.points)
        return None

    def display(self, item: Any, column: int) -> Any:
        session: SessionSummary = item
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
