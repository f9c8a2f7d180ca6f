"""Adverse events of a session: category, severity, action taken, description."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.model import AdverseEvent, AdverseEventCategory, Severity
from acujournal.ui.editor_labels import category_labels, severity_labels
from acujournal.ui.needle_delegates import KeyboardDelegate, RecordTableView, choice_combo
from acujournal.ui.row_table_model import RowTableModel

Index = QModelIndex | QPersistentModelIndex


class AdverseEventModel(RowTableModel):
    CATEGORY, SEVERITY, ACTION, DESCRIPTION = range(4)
    HEADERS = (
        QT_TR_NOOP("Event"),
        QT_TR_NOOP("Severity"),
        QT_TR_NOOP("Action taken"),
        QT_TR_NOOP("Description"),
    )

    def events(self) -> list[AdverseEvent]:
        return self.items()

    def header_tooltip(self, section: int) -> str | None:
        if section == self.ACTION:
            return self.tr("What you did about it (pressure, rest, referral…)")
        return None

    def cell(self, item: Any, row: int, column: int, role: int) -> Any:
        event: AdverseEvent = item
        values: dict[int, Any] = {
            self.CATEGORY: event.category,
            self.SEVERITY: event.severity,
            self.ACTION: event.action,
            self.DESCRIPTION: event.description,
        }
        if role == Qt.ItemDataRole.EditRole:
            return values[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.CATEGORY:
                return category_labels()[event.category]
            if column == self.SEVERITY:
                return severity_labels()[event.severity]
            return values[column]
        return None

    def with_value(self, item: Any, column: int, value: Any) -> Any:
        event: AdverseEvent = item
        try:
            if column == self.CATEGORY:
                return dataclasses.replace(event, category=AdverseEventCategory(value))
            if column == self.SEVERITY:
                return dataclasses.replace(event, severity=Severity(value))
        except ValueError:
            return None
        if not isinstance(value, str):
            return None
        if column == self.ACTION:
            return dataclasses.replace(event, action=value)
        if column == self.DESCRIPTION:
            return dataclasses.replace(event, description=value)
        return None


class AdverseEventDelegate(KeyboardDelegate):
    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        if index.column() == AdverseEventModel.CATEGORY:
            return choice_combo(parent, category_labels())
        if index.column() == AdverseEventModel.SEVERITY:
            return choice_combo(parent, severity_labels())
        return super().createEditor(parent, option, index)


class AdverseEventsPanel(QWidget):
    """The table of events and buttons to add and remove them."""

    def __init__(self, model: AdverseEventModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.view = RecordTableView()
        self.view.setObjectName("adverseEvents")
        self.view.setAccessibleName(self.tr("Adverse events"))
        self.view.setModel(model)
        self.view.setItemDelegate(AdverseEventDelegate(self.view))
        self.view.remove_text = lambda: self.tr("Remove adverse event")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.add_button = QPushButton(self.tr("Add event"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Remove the selected event (Delete)"))
        self.add_button.clicked.connect(self.add_event)
        self.remove_button.clicked.connect(self.view.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def add_event(self) -> None:
        """Add an event row and open its category for choosing."""
        if self.model.read_only:
            return
        row = self.model.rowCount()
        self.model.push_insert(
            row,
            [AdverseEvent(AdverseEventCategory.BLEEDING_BRUISING)],
            self.tr("Add adverse event"),
        )
        index = self.model.index(row, AdverseEventModel.CATEGORY)
        self.view.setCurrentIndex(index)
        self.view.setFocus()
        self.view.edit(index)

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)
