"""The needling part of the editor: point entry, needle table, warnings and needle counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.catalogue import AcuPoint, PointCatalogue
from acujournal.domain.model import CaseSide, NeedleInsertion, Practitioner, Side
from acujournal.domain.validation import NEEDLE_COUNT_RANGE
from acujournal.ui.editor_labels import with_shortcut
from acujournal.ui.needle_delegates import NOT_RECORDED, NeedleDelegate, RecordTableView
from acujournal.ui.needle_table_model import NeedleTableModel, default_side
from acujournal.ui.point_entry import PointDetailsPrompt, PointEntry

WARNING_STYLE = "color: #8a5a00; background: rgba(255, 196, 0, 0.25); padding: 3px;"


class CountSpinBox(QSpinBox):
    """A needle count; its lowest position, "–", means not counted yet."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        low, high = NEEDLE_COUNT_RANGE
        self.setRange(low - 1, high)
        self.setSpecialValueText(NOT_RECORDED)
        self.setMinimumHeight(36)
        self.setMinimumWidth(80)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def count(self) -> int | None:
        return None if self.value() < NEEDLE_COUNT_RANGE[0] else self.value()

    def set_count(self, count: int | None) -> None:
        blocked = self.blockSignals(True)
        self.setValue(self.minimum() if count is None else count)
        self.blockSignals(blocked)


class NeedlePanel(QWidget):
    def __init__(
        self,
        model: NeedleTableModel,
        catalogue: PointCatalogue,
        practitioner: Practitioner,
        case_side: CaseSide = CaseSide.UNKNOWN,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.catalogue = catalogue
        self.practitioner = practitioner
        self.case_side = case_side
        self._last_region = "low_back"

        self.entry = PointEntry(catalogue)
        self.entry.setObjectName("pointEntry")
        self.entry.setAccessibleName(self.tr("Add point"))
        self.entry.setPlaceholderText(
            self.tr("Add point: code, alias, pinyin or English (UB40, weizhong, three li)…")
        )
        self.entry.setToolTip(
            with_shortcut(self.tr("Type a point and press Enter to add it"), "Ctrl+P")
        )
        self.entry.setMinimumHeight(34)
        self.entry_problem = QLabel()
        self.entry_problem.setObjectName("pointProblem")
        self.entry_problem.setWordWrap(True)
        self.entry_problem.setStyleSheet("color: #b00020;")
        self.entry_problem.hide()
        self.entry.problem.connect(self._show_problem)
        self.prompt = PointDetailsPrompt()
        self.entry.pointChosen.connect(self.point_chosen)
        self.prompt.levelsChosen.connect(self._levels_chosen)
        self.prompt.regionChosen.connect(self._region_chosen)
        self.prompt.cancelled.connect(self.entry.setFocus)

        self.view = RecordTableView()
        self.view.setObjectName("needleTable")
        self.view.setAccessibleName(self.tr("Needles"))
        self.view.setModel(model)
        self.view.setItemDelegate(NeedleDelegate(self.view))
        self.view.remove_text = lambda: self.tr("Remove needle")
        self.view.setToolTip(
            self.tr("Type to edit a cell; Enter or Tab moves on; Delete removes the selected rows")
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NeedleTableModel.POINT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(44)

        self.caution_label = QLabel()
        self.caution_label.setObjectName("cautionWarning")
        self.caution_label.setWordWrap(True)
        self.caution_label.setStyleSheet(WARNING_STYLE)
        self.caution_label.hide()

        self.summary = QLabel()
        self.summary.setObjectName("needleSummary")
        self.needles_in = CountSpinBox(self.tr("Needles in"))
        self.needles_in.setObjectName("needlesIn")
        self.needles_in.setToolTip(
            self.tr("Needles inserted; follows the table (both sides = 2) until you change it")
        )
        self.needles_out = CountSpinBox(self.tr("Needles out"))
        self.needles_out.setObjectName("needlesOut")
        self.needles_out.setToolTip(self.tr("Needles counted out at the end of the session"))
        self.all_out_button = QPushButton(self.tr("✓ All out"))
        self.all_out_button.setObjectName("allOut")
        self.all_out_button.setAccessibleName(self.tr("All needles out"))
        self.all_out_button.setAutoDefault(True)  # Enter presses it when it has the focus
        self.all_out_button.setMinimumHeight(36)
        self.all_out_button.setToolTip(
            with_shortcut(self.tr("Every needle is counted out: out = in"), "Ctrl+Shift+O")
        )

        counts = QHBoxLayout()
        counts.addWidget(self.summary, 1)
        for text, box in (
            (self.tr("Needles &in"), self.needles_in),
            (self.tr("&out"), self.needles_out),
        ):
            label = QLabel(text)
            label.setBuddy(box)
            counts.addWidget(label)
            counts.addWidget(box)
        counts.addWidget(self.all_out_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.entry)
        layout.addWidget(self.entry_problem)
        layout.addWidget(self.prompt)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caution_label)
        layout.addLayout(counts)

    # Adding points --------------------------------------------------------------------------
    def new_needle(self, point: AcuPoint, **details: object) -> NeedleInsertion:
        """A needle row for ``point`` with the practitioner's needle and the usual side.

        Retention is taken from the row above: needles of one session usually stay in
        together, so typing it once is enough.
        """
        side = default_side(point.code)
        if point.needs_region and self.case_side in (CaseSide.LEFT, CaseSide.RIGHT):
            side = Side(self.case_side.value)
        rows = self.model.rowCount()
        retention = self.model.item(rows - 1).retention_min if rows else None
        needle = NeedleInsertion(
            point=point.code,
            side=side,
            gauge_mm=self.practitioner.default_gauge_mm,
            length_mm=self.practitioner.default_length_mm,
            needle_brand=self.practitioner.default_needle_brand,
            retention_min=retention,
        )
        for name, value in details.items():
            setattr(needle, name, value)
        return needle

    def add_needles(self, needles: list[NeedleInsertion], label: str) -> None:
        self.model.push_insert(
            self.model.rowCount(), needles, self.tr("Add %1").replace("%1", label)
        )
        self.view.scrollToBottom()

    def point_chosen(self, point: AcuPoint) -> None:
        if point.needs_spinal_level:
            self.prompt.ask_levels(point)
        elif point.needs_region:
            self.prompt.ask_region(point, self._last_region)
        else:
            self.add_needles([self.new_needle(point)], point.code)
            self.entry.setFocus()

    def _levels_chosen(self, point: AcuPoint, levels: list[str]) -> None:
        needles = [self.new_needle(point, spinal_level=level) for level in levels]
        self.add_needles(needles, f"{point.code} {', '.join(levels)}")
        self.entry.setFocus()

    def _region_chosen(self, point: AcuPoint, region: str, description: str) -> None:
        self._last_region = region
        self.add_needles(
            [self.new_needle(point, region=region, description=description)], point.code
        )
        self.entry.setFocus()

    def _show_problem(self, message: str) -> None:
        self.entry_problem.setText(message)
        self.entry_problem.setVisible(bool(message))

    # Derived display ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Update the summary line and the caution warnings after the rows changed."""
        points = self.model.rowCount()
        needles = self.model.insertion_count()
        self.summary.setText(
            self.tr("%n point(s)", "", points) + " · " + self.tr("%n needle(s)", "", needles)
        )
        warnings = self.model.caution_warnings()
        self.caution_label.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.caution_label.setVisible(bool(warnings))

    def set_read_only(self, read_only: bool) -> None:
        self.model.read_only = read_only
        for widget in (self.entry, self.needles_in, self.needles_out, self.all_out_button):
            widget.setEnabled(not read_only)
        self.entry.setVisible(not read_only)
        self.prompt.hide()
