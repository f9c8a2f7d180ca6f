"""The session editor's needle table: one row per needled point (STRICTA 2b-2g).

Edit roles hold plain values the delegates edit: floats (None when empty) for measurements,
enum members for side and method, ``True``/``False``/``None`` for de qi and a
``(low, high)`` pair for the frequency (``(2.0, 100.0)`` is dense-disperse 2/100 Hz).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from PySide6.QtCore import QT_TR_NOOP, QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QApplication, QStyle

from acujournal.domain.catalogue import PointKind, default_catalogue
from acujournal.domain.model import NeedleInsertion, Side, StimulationMethod
from acujournal.domain.needle_sizes import NeedleSizeNames, gauge_name, length_name, with_name
from acujournal.domain.validation import Problem, validate_needle
from acujournal.services.settings import caution_depth_exceeded
from acujournal.ui.editor_labels import (
    deqi_labels,
    format_number,
    method_labels,
    region_label,
    side_labels,
)
from acujournal.ui.row_table_model import RowTableModel

_FREQUENCY_RE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+(?:[.,]\d+)?))?\s*(?:hz)?\s*$", re.I
)

# Amber, readable on light and dark palettes, for a depth beyond the clinic's caution depth.
CAUTION_BACKGROUND = QColor(255, 196, 0, 90)


def parse_frequency(text: str) -> tuple[float | None, float | None] | None:
    """ "2" -> (2, None); "2/100" -> (2, 100); "" -> (None, None); nonsense -> None."""
    if not text.strip():
        return (None, None)
    match = _FREQUENCY_RE.match(text)
    if match is None:
        return None
    low = float(match[1].replace(",", "."))
    high = float(match[2].replace(",", ".")) if match[2] else None
    return (low, high)


def format_frequency(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    return f"{low:g}/{high:g}" if high is not None else f"{low:g}"


def point_text(needle: NeedleInsertion) -> str:
    """How a needle's point reads in the table: "BL40 · Weizhong", "EX-B2 L4 · Jiaji",
    "Ashi · buttock · piriformis"."""
    if needle.point in ("ASHI", "FREE"):
        name = QApplication.translate("NeedleTableModel", "Ashi") if needle.point == "ASHI" else ""
        place = region_label(needle.region) if needle.region else ""
        parts = [p for p in (name, place, needle.description) if p]
        return " · ".join(parts) or needle.point
    code = f"{needle.point} {needle.spinal_level}" if needle.spinal_level else needle.point
    point = default_catalogue().get(needle.point)
    return f"{code} · {point.pinyin}" if point is not None and point.pinyin else code


def default_side(code: str) -> Side:
    """Governor and Conception vessel points lie on the midline; the others are paired."""
    point = default_catalogue().get(code)
    if point is not None and point.meridian in ("GV", "CV"):
        return Side.MIDLINE
    if point is not None and point.kind in (PointKind.ASHI, PointKind.FREE):
        return Side.LEFT
    return Side.BILATERAL


class NeedleTableModel(RowTableModel):
    POINT, SIDE, DEPTH, GAUGE, LENGTH, METHOD, FREQUENCY, INTENSITY, RETENTION, DEQI = range(10)
    HEADERS = (
        QT_TR_NOOP("Point"),
        QT_TR_NOOP("Side"),
        QT_TR_NOOP("Depth\nmm"),
        QT_TR_NOOP("Gauge\nmm"),
        QT_TR_NOOP("Length\nmm"),
        QT_TR_NOOP("Stim."),
        QT_TR_NOOP("Hz"),
        QT_TR_NOOP("mA"),
        QT_TR_NOOP("Retain\nmin"),
        QT_TR_NOOP("De qi"),
    )
    READ_ONLY_COLUMNS = frozenset({POINT})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._caution_depths: dict[str, float] = {}
        self._problems: list[list[Problem]] = []
        self._size_names = NeedleSizeNames.MILLIMETRES

    # State -----------------------------------------------------------------------------------
    def set_needle_size_names(self, names: NeedleSizeNames) -> None:
        """Show gauge numbers and lengths as the clinic names them, beside millimetres."""
        self._size_names = names
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.GAUGE), self.index(len(self._rows) - 1, self.LENGTH)
            )

    def set_caution_depths(self, depths: dict[str, float]) -> None:
        self._caution_depths = dict(depths)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.DEPTH), self.index(len(self._rows) - 1, self.DEPTH)
            )

    def needles(self) -> list[NeedleInsertion]:
        return self.items()

    def insertion_count(self) -> int:
        """Needles the table puts in, bilateral points counting twice (STRICTA 2a)."""
        return sum(needle.needle_count for needle in self._rows)

    def caution_warnings(self) -> list[str]:
        """One sentence per row needled deeper than the clinic's caution depth for its point."""
        warnings = []
        for needle in self._rows:
            limit = caution_depth_exceeded(self._caution_depths, needle.point, needle.depth_mm)
            if limit is not None:
                warnings.append(self._caution_text(needle, limit))
        return warnings

    def _caution_text(self, needle: NeedleInsertion, limit: float) -> str:
        return (
            self.tr("%1 at %2 mm is deeper than the clinic's caution depth of %3 mm")
            .replace("%1", needle.point)
            .replace("%2", format_number(needle.depth_mm))
            .replace("%3", format_number(limit))
        )

    def rows_changed(self) -> None:
        self._problems = [
            list(validate_needle(f"row {row + 1}", needle)) for row, needle in enumerate(self._rows)
        ]

    def header_tooltip(self, section: int) -> str | None:
        tips = {
            self.POINT: self.tr("The needled point; Jiaji carries its spinal level"),
            self.SIDE: self.tr("Left, right, both sides (two needles) or midline"),
            self.METHOD: self.tr("Stimulation: manual, electro or none"),
            self.DEPTH: self.tr("Insertion depth in millimetres"),
            self.GAUGE: self.tr("Needle diameter in millimetres"),
            self.LENGTH: self.tr("Needle length in millimetres"),
            self.FREQUENCY: self.tr("Electro frequency; write 2/100 for dense-disperse"),
            self.INTENSITY: self.tr("Electro intensity in milliamperes"),
            self.RETENTION: self.tr("Minutes the needle stayed in"),
            self.DEQI: self.tr("Was de qi obtained?"),
        }
        return tips.get(section)

    # Cells -----------------------------------------------------------------------------------
    def cell(self, item: Any, row: int, column: int, role: int) -> Any:
        needle: NeedleInsertion = item
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(needle, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(needle, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.tr(str(self.HEADERS[column]))}: {self._display(needle, column)}"
        limit = None
        if column == self.DEPTH:
            limit = caution_depth_exceeded(self._caution_depths, needle.point, needle.depth_mm)
        if role == Qt.ItemDataRole.ToolTipRole:
            if limit is not None:
                return self._caution_text(needle, limit)
            if column == self.POINT:
                return self._point_tooltip(needle, row)
            return self.header_tooltip(column)
        if role == Qt.ItemDataRole.DecorationRole and limit is not None:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.BackgroundRole and limit is not None:
            return QBrush(CAUTION_BACKGROUND)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column == self.POINT
            and self._row_problems(row)
        ):
            return QBrush(QColor(200, 0, 0))
        if role == Qt.ItemDataRole.TextAlignmentRole and column not in (
            self.POINT,
            self.SIDE,
            self.METHOD,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _row_problems(self, row: int) -> list[Problem]:
        return self._problems[row] if row < len(self._problems) else []

    def _point_tooltip(self, needle: NeedleInsertion, row: int) -> str:
        point = default_catalogue().get(needle.point)
        lines = [point.label if point else needle.point]
        if point is not None and point.hanzi:
            lines[0] += f" {point.hanzi}"
        lines += [problem.message for problem in self._row_problems(row)]
        return "\n".join(lines)

    def _display(self, needle: NeedleInsertion, column: int) -> str:
        stim = needle.stimulation
        if column == self.POINT:
            return point_text(needle)
        if column == self.SIDE:
            return side_labels()[needle.side]
        if column == self.METHOD:
            return method_labels()[stim.method]
        if column == self.FREQUENCY:
            return format_frequency(stim.frequency_hz, stim.frequency_high_hz)
        if column == self.DEQI:
            return deqi_labels()[needle.deqi] if needle.deqi is not None else ""
        if column == self.GAUGE:
            name = gauge_name(needle.gauge_mm, self._size_names)
            return with_name(format_number(needle.gauge_mm), name)
        if column == self.LENGTH:
            name = length_name(needle.length_mm, self._size_names)
            return with_name(format_number(needle.length_mm), name)
        return format_number(self._edit_value(needle, column))

    def _edit_value(self, needle: NeedleInsertion, column: int) -> Any:
        stim = needle.stimulation
        values: dict[int, Any] = {
            self.POINT: needle.point,
            self.SIDE: needle.side,
            self.DEPTH: needle.depth_mm,
            self.GAUGE: needle.gauge_mm,
            self.LENGTH: needle.length_mm,
            self.METHOD: stim.method,
            self.FREQUENCY: (stim.frequency_hz, stim.frequency_high_hz),
            self.INTENSITY: stim.intensity_ma,
            self.RETENTION: needle.retention_min,
            self.DEQI: needle.deqi,
        }
        return values[column]

    def with_value(self, item: Any, column: int, value: Any) -> Any:
        needle: NeedleInsertion = item
        stim = needle.stimulation
        try:
            if column == self.SIDE:
                return dataclasses.replace(needle, side=Side(value))
            if column == self.METHOD:
                method = StimulationMethod(value)
                stim.method = method
                if method is not StimulationMethod.ELECTRO:
                    # Frequency and intensity mean nothing without electro; keeping them would
                    # leave a record that fails validation for a reason the user cannot see.
                    stim.frequency_hz = stim.frequency_high_hz = stim.intensity_ma = None
                return needle
            if column == self.FREQUENCY:
                pair = parse_frequency(value) if isinstance(value, str) else tuple(value)
                if pair is None:
                    return None
                stim.frequency_hz, stim.frequency_high_hz = pair
                if stim.frequency_hz is not None:
                    stim.method = StimulationMethod.ELECTRO
                return needle
            if column == self.DEQI:
                return dataclasses.replace(needle, deqi=None if value is None else bool(value))
            number = None if value is None or value == "" else float(value)
        except (TypeError, ValueError):
            return None
        if column == self.DEPTH:
            needle.depth_mm = number
        elif column == self.GAUGE:
            needle.gauge_mm = number
        elif column == self.LENGTH:
            needle.length_mm = number
        elif column == self.INTENSITY:
            stim.intensity_ma = number
            if number is not None:
                stim.method = StimulationMethod.ELECTRO
        elif column == self.RETENTION:
            needle.retention_min = number
        else:
            return None
        return needle
