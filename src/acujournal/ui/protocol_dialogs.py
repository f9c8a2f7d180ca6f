"""Choosing a protocol to apply, and saving the table's points as a protocol."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import Protocol


def _points_summary(protocol: Protocol, limit: int = 10) -> str:
    names = [f"{p.point} {p.spinal_level}" if p.spinal_level else p.point for p in protocol.points]
    shown = ", ".join(names[:limit])
    return shown + (" …" if len(names) > limit else "")


class ProtocolChooser(QDialog):
    """A list of the current protocols; type to jump, Enter to apply."""

    def __init__(self, protocols: list[Protocol], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Apply protocol"))
        self.resize(520, 360)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Protocols"))
        for protocol in protocols:
            text = (
                self.tr("%1 (version %2)")
                .replace("%1", protocol.name)
                .replace("%2", str(protocol.version))
            )
            if protocol.condition:
                text += f" · {protocol.condition}"
            item = QListWidgetItem(f"{text}\n    {_points_summary(protocol)}")
            item.setData(Qt.ItemDataRole.UserRole, protocol)
            self.list.addItem(item)
        if protocols:
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Apply"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not protocols:
            layout.addWidget(
                QLabel(self.tr("No protocols yet. Save a session's points as a protocol first."))
            )
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def chosen(self) -> Protocol | None:
        item = self.list.currentItem()
        protocol = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return protocol if isinstance(protocol, Protocol) else None


class SaveProtocolDialog(QDialog):
    """A name and condition for a new protocol, or a protocol to revise (a new version)."""

    def __init__(
        self, protocols: list[Protocol], condition: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save points as protocol"))
        self.target = QComboBox()
        self.target.setAccessibleName(self.tr("Save as"))
        self.target.addItem(self.tr("A new protocol"), None)
        for protocol in protocols:
            self.target.addItem(
                self.tr("New version of “%1”").replace("%1", protocol.name), protocol.family_id
            )
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Protocol name"))
        self.name.setPlaceholderText(self.tr("e.g. Sciatica, acute phase"))
        self.condition = QLineEdit(condition)
        self.condition.setAccessibleName(self.tr("Condition"))
        self.target.currentIndexChanged.connect(self._target_changed)
        form = QFormLayout()
        form.addRow(self.tr("Save as"), self.target)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Condition"), self.condition)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._names = {p.family_id: p.name for p in protocols}

    def _target_changed(self) -> None:
        family = self.family_id()
        self.condition.setEnabled(family is None)
        if family is not None:
            self.name.setText(self._names[family])

    def family_id(self) -> uuid.UUID | None:
        value = self.target.currentData()
        return value if isinstance(value, uuid.UUID) else None
