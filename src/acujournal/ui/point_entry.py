"""Typing a point: a line edit completing over the catalogue's forgiving search.

The completion list is :meth:`PointCatalogue.search` itself ("ub40", "weizhong", "three li"
all find their point), not a prefix filter over names, so the model below is refilled on
every keystroke and the completer shows it unfiltered. Enter takes the highlighted
suggestion (the best one is highlighted as you type), or resolves the typed text.

Points that need more than a code get a small inline prompt under the entry: Jiaji (EX-B2)
asks for spinal levels ("L4", "L3 L4", "L3-L5"), Ashi and free-named points for a body region
and a description.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from acujournal.domain.catalogue import AcuPoint, PointCatalogue, UnknownPointError
from acujournal.domain.validation import SPINAL_LEVELS, normalize_spinal_level
from acujournal.ui.combo import index_of_data
from acujournal.ui.editor_labels import BODY_REGION_ORDER, region_label

Index = QModelIndex | QPersistentModelIndex

CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # str: the WHO code of the row's point

_RANGE_RE = re.compile(r"^\s*([TtLl]\s*\d{1,2})\s*(?:-|–|to)\s*([TtLl]?\s*\d{1,2})\s*$")


def parse_spinal_levels(text: str) -> list[str] | None:
    """Levels in ``text``: "L4", "l3 l4", "L3, L4", "L3-L5", "T12-L2"; None if any is not one.

    A range's end may leave out the letter ("L3-5"); levels come back in spinal order.
    """
    text = text.strip()
    if not text:
        return None
    range_match = _RANGE_RE.match(text)
    if range_match is not None:
        start = normalize_spinal_level(range_match[1])
        end_text = range_match[2].strip()
        if end_text[0].isdigit() and start is not None:
            end_text = start[0] + end_text
        end = normalize_spinal_level(end_text)
        if start is None or end is None:
            return None
        first, last = sorted((SPINAL_LEVELS.index(start), SPINAL_LEVELS.index(end)))
        return list(SPINAL_LEVELS[first : last + 1])
    levels = [normalize_spinal_level(part) for part in re.split(r"[,;\s]+", text) if part]
    if not levels or any(level is None for level in levels):
        # "L 4" splits into "L" and "4": try the whole text as one level before giving up.
        single = normalize_spinal_level(text)
        return [single] if single else None
    return sorted(dict.fromkeys(levels), key=SPINAL_LEVELS.index)  # type: ignore[arg-type]


class PointCompletionModel(QAbstractListModel):
    """The catalogue's ranked search results for the text typed so far."""

    def __init__(self, catalogue: PointCatalogue, limit: int = 12, parent: QObject | None = None):
        super().__init__(parent)
        self.catalogue = catalogue
        self.limit = limit
        self._points: list[AcuPoint] = []

    def set_query(self, text: str) -> None:
        self.beginResetModel()
        self._points = self.catalogue.search(text, self.limit)
        self.endResetModel()

    def point_at(self, row: int) -> AcuPoint:
        return self._points[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._points)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._points):
            return None
        point = self._points[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{point.label}  {point.hanzi}".rstrip()
        if role in (Qt.ItemDataRole.EditRole, CODE_ROLE):
            return point.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return region_label(point.region) if point.region else point.english
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return point.label
        return None


def _is_undo_key(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo) or event.matches(
        QKeySequence.StandardKey.Redo
    )


class PointEntry(QLineEdit):
    """Type a point; Enter adds it. ``pointChosen(AcuPoint)``; ``problem(str)`` when unknown."""

    pointChosen = Signal(object)  # noqa: N815
    problem = Signal(str)

    def __init__(self, catalogue: PointCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.completion_model = PointCompletionModel(catalogue, parent=self)
        self.completer_ = QCompleter(self.completion_model, self)
        self.completer_.setWidget(self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(10)
        self.completer_.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.textEdited.connect(self._text_edited)

    def _popup(self) -> QAbstractItemView:
        popup = self.completer_.popup()
        assert popup is not None  # QCompleter always creates one
        return popup

    def popup_visible(self) -> bool:
        return self._popup().isVisible()

    def _text_edited(self, text: str) -> None:
        self.problem.emit("")
        self.completion_model.set_query(text)
        if self.completion_model.rowCount() == 0:
            self._popup().hide()
            return
        self.completer_.complete()
        popup = self._popup()
        popup.setCurrentIndex(self.completer_.completionModel().index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        code = index.data(CODE_ROLE)
        point = self.catalogue.get(code) if code else None
        if point is not None:
            self._choose(point)

    def _choose(self, point: AcuPoint) -> None:
        self._popup().hide()
        self.clear()
        self.completion_model.set_query("")
        self.pointChosen.emit(point)

    def take_input(self) -> None:
        """Add the highlighted suggestion, or the point the text names, or say what is wrong."""
        popup = self._popup()
        current = popup.currentIndex()
        if popup.isVisible() and current.isValid():
            self._activated(current)
            return
        text = self.text()
        if not text.strip():
            return
        try:
            point = self.catalogue.resolve(text)
        except UnknownPointError as error:
            self.problem.emit(str(error))
            return
        self._choose(point)

    def event(self, event: QEvent) -> bool:
        # Undo belongs to the session (the editor's stack), not to this transient text.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _is_undo_key(event)
        ):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        popup = self._popup()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.take_input()
            event.accept()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and popup.isVisible():
            # Reached only when the key was sent here directly rather than via the popup.
            step = 1 if key == Qt.Key.Key_Down else -1
            rows = self.completer_.completionModel().rowCount()
            row = (popup.currentIndex().row() + step) % max(rows, 1)
            popup.setCurrentIndex(self.completer_.completionModel().index(row, 0))
            event.accept()
            return
        if key == Qt.Key.Key_Escape and (popup.isVisible() or self.text()):
            popup.hide()
            self.clear()
            self.problem.emit("")
            event.accept()
            return
        super().keyPressEvent(event)


class PointDetailsPrompt(QFrame):
    """The inline question a point needs before it can be added (level, or region)."""

    levelsChosen = Signal(object, list)  # noqa: N815  (AcuPoint, ["L3", "L4"])
    regionChosen = Signal(object, str, str)  # noqa: N815  (AcuPoint, region, description)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pointDetailsPrompt")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.point: AcuPoint | None = None
        self.question = QLabel()
        self.level_edit = QLineEdit()
        self.level_edit.setAccessibleName(self.tr("Spinal levels"))
        self.level_edit.setPlaceholderText(self.tr("L4, or L3 L4 L5, or L3-L5"))
        self.level_edit.setMinimumWidth(220)
        self.level_edit.returnPressed.connect(self._take_levels)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName(self.tr("Body region"))
        for region in BODY_REGION_ORDER:
            self.region_combo.addItem(region_label(region), region)
        self.description_edit = QLineEdit()
        self.description_edit.setAccessibleName(self.tr("Description of the point"))
        self.description_edit.setMinimumWidth(260)
        self.description_edit.returnPressed.connect(self._take_region)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for widget in (self.question, self.level_edit, self.region_combo, self.description_edit):
            layout.addWidget(widget)
        layout.addWidget(self.error, 1)
        self.hide()

    def ask_levels(self, point: AcuPoint) -> None:
        self._show(point, self.tr("Spinal level for %1:").replace("%1", point.label))
        self.level_edit.clear()
        self.level_edit.show()
        self.level_edit.setFocus()

    def ask_region(self, point: AcuPoint, region: str) -> None:
        self._show(point, self.tr("%1: region and description").replace("%1", point.english))
        self.region_combo.setCurrentIndex(max(index_of_data(self.region_combo, region), 0))
        self.description_edit.clear()
        self.description_edit.setPlaceholderText(
            self.tr("e.g. Shenmen (ear)") if point.code == "FREE" else self.tr("e.g. tender spot")
        )
        self.region_combo.show()
        self.description_edit.show()
        self.description_edit.setFocus()

    def _show(self, point: AcuPoint, question: str) -> None:
        self.point = point
        self.question.setText(question)
        self.error.clear()
        for widget in (self.level_edit, self.region_combo, self.description_edit):
            widget.hide()
        self.show()

    def _take_levels(self) -> None:
        if self.point is None:  # already taken (the completer can repeat the Enter)
            return
        levels = parse_spinal_levels(self.level_edit.text())
        if levels is None:
            self.error.setText(self.tr("Write levels from T1 to L5, e.g. L4 or L3-L5"))
            return
        point, self.point = self.point, None
        self.hide()
        self.levelsChosen.emit(point, levels)

    def _take_region(self) -> None:
        if self.point is None:
            return
        region = self.region_combo.currentData()
        point, self.point = self.point, None
        self.hide()
        self.regionChosen.emit(point, region, self.description_edit.text().strip())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.point = None
            self.hide()
            self.cancelled.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.region_combo.isVisible():
            self._take_region()
            event.accept()
            return
        super().keyPressEvent(event)
