"""Editors for the needle and adverse-event tables, and a keyboard-first table view.

Numbers are edited in spin boxes bounded by the ranges in ``domain/validation.py``, so a value
the validation would refuse cannot be typed; the lowest position of each spin box is "–" (not
recorded). Enumerations are edited in combo boxes (type the first letter to pick). Enter and
Tab both commit and move to the next cell; Delete removes the selected rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from acujournal.domain import validation as v
from acujournal.ui.combo import index_of_data
from acujournal.ui.editor_labels import deqi_labels, method_labels, side_labels
from acujournal.ui.needle_table_model import NeedleTableModel, format_frequency
from acujournal.ui.row_table_model import RowTableModel

Index = QModelIndex | QPersistentModelIndex

NOT_RECORDED = "–"


class OptionalDoubleSpinBox(QDoubleSpinBox):
    """A spin box whose minimum means "not recorded" and whose empty text means the same."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if not text.strip() or text == self.specialValueText():
            return (QValidator.State.Acceptable, text, pos)
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        if not text.strip() or text == self.specialValueText():
            return self.minimum()
        return super().valueFromText(text.replace(",", "."))

    def optional_value(self) -> float | None:
        value = self.value()
        return None if value <= self.minimum() else value

    def set_optional_value(self, value: float | None) -> None:
        self.setValue(self.minimum() if value is None else value)


def optional_spin_box(
    parent: QWidget | None, bounds: tuple[float, float], decimals: int, step: float
) -> OptionalDoubleSpinBox:
    """A spin box over ``bounds`` with one extra position below them meaning "not recorded"."""
    box = OptionalDoubleSpinBox(parent)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setRange(bounds[0] - step, bounds[1])
    box.setSpecialValueText(NOT_RECORDED)
    box.setAccelerated(True)
    return box


# column -> (bounds, decimals, step): the validation ranges, never restated here.
NEEDLE_NUMBERS: dict[int, tuple[tuple[float, float], int, float]] = {
    NeedleTableModel.DEPTH: (v.DEPTH_MM_RANGE, 1, 0.5),
    NeedleTableModel.GAUGE: (v.GAUGE_MM_RANGE, 2, 0.01),
    NeedleTableModel.LENGTH: (v.LENGTH_MM_RANGE, 1, 1.0),
    NeedleTableModel.INTENSITY: (v.INTENSITY_MA_RANGE, 1, 0.1),
    NeedleTableModel.RETENTION: (v.RETENTION_MIN_RANGE, 0, 1.0),
}


def choice_combo(parent: QWidget | None, choices: dict[Any, str]) -> QComboBox:
    combo = QComboBox(parent)
    for value, label in choices.items():
        combo.addItem(label, value)
    return combo


class KeyboardDelegate(QStyledItemDelegate):
    """Commits on Enter and moves to the next cell, as a spreadsheet does."""

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(editor, QWidget)
            and not (isinstance(editor, QComboBox) and editor.view().isVisible())
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, OptionalDoubleSpinBox):
            editor.interpretText()
            model.setData(index, editor.optional_value())
        else:
            super().setModelData(editor, model, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            found = index_of_data(editor, value)
            editor.setCurrentIndex(max(found, 0))
        elif isinstance(editor, OptionalDoubleSpinBox):
            editor.set_optional_value(value)
            editor.selectAll()  # typing replaces the value, as in a spreadsheet
        else:
            super().setEditorData(editor, index)


class NeedleDelegate(KeyboardDelegate):
    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        column = index.column()
        editor: QWidget
        if column == NeedleTableModel.SIDE:
            editor = choice_combo(parent, side_labels())
        elif column == NeedleTableModel.METHOD:
            editor = choice_combo(parent, method_labels())
        elif column == NeedleTableModel.DEQI:
            editor = choice_combo(parent, deqi_labels())
        elif column in NEEDLE_NUMBERS:
            bounds, decimals, step = NEEDLE_NUMBERS[column]
            editor = optional_spin_box(parent, bounds, decimals, step)
        elif column == NeedleTableModel.FREQUENCY:
            line = QLineEdit(parent)
            low, high = v.FREQUENCY_HZ_RANGE
            line.setPlaceholderText(self.tr("2 or 2/100"))
            line.setToolTip(
                self.tr("Frequency in Hz from %1 to %2; dense-disperse as 2/100")
                .replace("%1", f"{low:g}")
                .replace("%2", f"{high:g}")
            )
            editor = line
        else:
            return super().createEditor(parent, option, index)
        editor.setAccessibleName(str(index.model().headerData(column, Qt.Orientation.Horizontal)))
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QLineEdit) and index.column() == NeedleTableModel.FREQUENCY:
            low, high = index.data(Qt.ItemDataRole.EditRole)
            editor.setText(format_frequency(low, high))
            editor.selectAll()
            return
        super().setEditorData(editor, index)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QLineEdit) and index.column() == NeedleTableModel.FREQUENCY:
            model.setData(index, editor.text())
            return
        super().setModelData(editor, model, index)


class RecordTableView(QTableView):
    """A table edited from the keyboard: type to edit, Enter/Tab to move on, Delete to remove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # Rows tall enough to hit with a finger at the treatment table.
        self.verticalHeader().setDefaultSectionSize(34)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.remove_text: Callable[[], str] = lambda: self.tr("Remove row")

    def selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.selectionModel().selectedIndexes()}
        if not rows and self.currentIndex().isValid():
            rows = {self.currentIndex().row()}
        return sorted(rows)

    def remove_selected(self) -> None:
        model = self.model()
        if not isinstance(model, RowTableModel) or model.read_only:
            return
        rows = self.selected_rows()
        if not rows:
            return
        next_row = min(rows[0], model.rowCount() - len(rows) - 1)
        column = max(self.currentIndex().column(), 0)
        model.push_remove(rows, self.remove_text())
        if next_row >= 0:
            self.setCurrentIndex(model.index(next_row, column))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.remove_selected()
            event.accept()
            return
        # Enter on a cell starts editing it (Enter inside an editor commits and moves on).
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.currentIndex().isValid()
            and self.state() != QAbstractItemView.State.EditingState
            and self.edit(self.currentIndex(), QAbstractItemView.EditTrigger.EditKeyPressed, event)
        ):
            event.accept()
            return
        super().keyPressEvent(event)
