"""Addenda of a signed session: the original stays as signed; additions carry author and time."""

from __future__ import annotations

import uuid
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import Amendment


class AddendaPanel(QWidget):
    """Existing addenda (oldest first) and a field to write a new one."""

    addRequested = Signal(str)  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = QTextBrowser()
        self.history.setObjectName("addendaHistory")
        self.history.setAccessibleName(self.tr("Addenda"))
        self.history.setOpenLinks(False)
        self.text = QPlainTextEdit()
        self.text.setObjectName("addendumText")
        self.text.setAccessibleName(self.tr("New addendum"))
        self.text.setPlaceholderText(
            self.tr("A correction or addition; the signed record itself stays unchanged")
        )
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(90)
        self.add_button = QPushButton(self.tr("Add addendum"))
        self.add_button.setObjectName("addAddendum")
        self.add_button.clicked.connect(self._add)
        self.hint = QLabel(self.tr("Addenda can be added once the session is signed."))
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.history, 1)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        self.set_signed(False)

    def set_signed(self, signed: bool) -> None:
        self.hint.setVisible(not signed)
        self.text.setEnabled(signed)
        self.add_button.setEnabled(signed)

    def show_addenda(
        self, amendments: list[Amendment], names: dict[uuid.UUID, str], time_zone: str
    ) -> None:
        zone = ZoneInfo(time_zone)
        if not amendments:
            self.history.setHtml(f"<i>{escape(self.tr('No addenda.'))}</i>")
            return
        parts = []
        for amendment in amendments:
            when = amendment.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            author = names.get(amendment.author_id, str(amendment.author_id))
            parts.append(
                f"<p><b>{escape(when)} · {escape(author)}</b><br>"
                f"{escape(amendment.text).replace(chr(10), '<br>')}</p>"
            )
        self.history.setHtml("".join(parts))

    def _add(self) -> None:
        text = self.text.toPlainText().strip()
        if text:
            self.addRequested.emit(text)

    def clear_text(self) -> None:
        self.text.clear()
