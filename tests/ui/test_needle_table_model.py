"""The needle table: model, delegates and keyboard, and the other models of the editor."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acujournal.domain import validation as v
from acujournal.domain.catalogue import default_catalogue
from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    NeedleInsertion,
    Severity,
    Side,
    StimulationMethod,
)
from acujournal.domain.needle_sizes import NeedleSizeNames
from acujournal.ui.adverse_events import AdverseEventModel
from acujournal.ui.needle_delegates import NEEDLE_NUMBERS, NeedleDelegate, RecordTableView
from acujournal.ui.needle_table_model import NeedleTableModel, parse_frequency, point_text
from acujournal.ui.point_entry import CODE_ROLE, PointCompletionModel, parse_spinal_levels
from tests.builders import sciatica_needles

M = NeedleTableModel


def _model(needles: list[NeedleInsertion] | None = None) -> NeedleTableModel:
    model = M()
    model.undo_stack = QUndoStack(model)
    model.set_items(sciatica_needles() if needles is None else needles)
    return model


def test_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = _model(
        [
            *sciatica_needles(("GB21", "BL40")),
            NeedleInsertion("EX-B2", Side.BILATERAL, spinal_level="L4"),
            NeedleInsertion("ASHI", Side.LEFT, region="buttock", description="piriformis"),
        ]
    )
    model.set_caution_depths({"GB21": 15})
    qtmodeltester.check(model)
    events = AdverseEventModel()
    events.set_items([AdverseEvent(AdverseEventCategory.PAIN_AT_SITE, Severity.MODERATE, "rest")])
    qtmodeltester.check(events)
    completion = PointCompletionModel(default_catalogue())
    completion.set_query("ub4")
    qtmodeltester.check(completion)
    assert completion.index(0, 0).data(CODE_ROLE) == "BL4"
    completion.set_query("weizhong")
    assert completion.index(0, 0).data(Qt.ItemDataRole.EditRole) == "BL40"
    assert "Weizhong" in completion.index(0, 0).data()


def test_cells_show_points_sides_and_numbers() -> None:
    model = _model(
        [
            NeedleInsertion("EX-B2", Side.BILATERAL, spinal_level="L4", depth_mm=12.5),
            NeedleInsertion("ASHI", Side.LEFT, region="buttock", description="piriformis"),
        ]
    )
    assert model.index(0, M.POINT).data() == "EX-B2 L4 · Jiaji"
    assert model.index(1, M.POINT).data() == "Ashi · buttock · piriformis"
    assert model.index(0, M.SIDE).data() == "both"
    assert model.index(0, M.DEPTH).data() == "12.5"
    assert model.index(0, M.DEPTH).data(Qt.ItemDataRole.EditRole) == 12.5
    assert model.insertion_count() == 3
    assert point_text(NeedleInsertion("BL40", Side.LEFT)) == "BL40 · Weizhong"
    assert not model.flags(model.index(0, M.POINT)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, M.DEPTH)) & Qt.ItemFlag.ItemIsEditable


def test_needle_sizes_show_the_clinics_names_beside_millimetres() -> None:
    model = _model([NeedleInsertion("BL40", Side.LEFT, gauge_mm=0.25, length_mm=40)])
    assert model.index(0, M.GAUGE).data() == "0.25"
    model.set_needle_size_names(NeedleSizeNames.CHINESE)
    assert model.index(0, M.GAUGE).data() == "0.25 (32G)"
    assert model.index(0, M.LENGTH).data() == "40 (1.5 cun)"
    model.set_needle_size_names(NeedleSizeNames.JAPANESE)
    assert model.index(0, M.GAUGE).data() == "0.25 (No. 5)"
    # Editing is in millimetres whatever the names shown.
    assert model.index(0, M.GAUGE).data(Qt.ItemDataRole.EditRole) == 0.25


def test_edits_are_undoable_commands() -> None:
    model = _model()
    stack = model.undo_stack
    assert stack is not None
    assert model.setData(model.index(0, M.DEPTH), 30.0)
    assert model.setData(model.index(0, M.SIDE), Side.LEFT)
    assert model.item(0).depth_mm == 30.0
    assert model.item(0).side is Side.LEFT
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert model.item(0) == sciatica_needles()[0]
    stack.redo()
    assert model.item(0).depth_mm == 30.0
    # Setting the same value again is no edit; a refused value changes nothing.
    assert model.setData(model.index(0, M.DEPTH), 30.0)
    assert not model.setData(model.index(0, M.FREQUENCY), "fast")
    assert (stack.index(), stack.count()) == (1, 2)


def test_frequency_switches_to_electro_and_manual_clears_it() -> None:
    model = _model()
    assert parse_frequency("2/100") == (2.0, 100.0)
    assert parse_frequency("2,5 Hz") == (2.5, None)
    assert parse_frequency("") == (None, None)
    model.setData(model.index(0, M.FREQUENCY), "2/100")
    model.setData(model.index(0, M.INTENSITY), 1.5)
    needle = model.item(0)
    assert needle.stimulation.method is StimulationMethod.ELECTRO
    assert (needle.stimulation.frequency_hz, needle.stimulation.frequency_high_hz) == (2, 100)
    assert model.index(0, M.FREQUENCY).data() == "2/100"
    assert list(v.validate_needle("n", needle)) == []
    model.setData(model.index(0, M.METHOD), StimulationMethod.MANUAL)
    needle = model.item(0)
    assert needle.stimulation.frequency_hz is None
    assert needle.stimulation.intensity_ma is None


def test_caution_depth_shows_a_warning_icon_and_tooltip(qapp: QApplication) -> None:
    model = _model(sciatica_needles(("GB21", "BL40")))  # 25 mm each
    assert model.caution_warnings() == []
    model.set_caution_depths({"GB21": 15})
    depth = model.index(0, M.DEPTH)
    assert depth.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "caution depth of 15 mm" in depth.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, M.DEPTH).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.caution_warnings() == [
        "GB21 at 25 mm is deeper than the clinic's caution depth of 15 mm"
    ]
    model.setData(depth, 10.0)
    assert depth.data(Qt.ItemDataRole.DecorationRole) is None


def test_spin_boxes_use_the_validation_ranges(qtbot: QtBot) -> None:
    view = RecordTableView()
    qtbot.addWidget(view)
    view.setModel(_model())
    delegate = NeedleDelegate(view)
    for column, (bounds, _decimals, step) in NEEDLE_NUMBERS.items():
        editor = delegate.createEditor(view.viewport(), None, view.model().index(0, column))  # type: ignore[arg-type]
        assert editor.maximum() == bounds[1]
        assert editor.minimum() == pytest.approx(bounds[0] - step)  # "–": not recorded
    assert (
        NEEDLE_NUMBERS[M.DEPTH][0],
        NEEDLE_NUMBERS[M.GAUGE][0],
        NEEDLE_NUMBERS[M.RETENTION][0],
    ) == (v.DEPTH_MM_RANGE, v.GAUGE_MM_RANGE, v.RETENTION_MIN_RANGE)


def test_keyboard_editing_moves_on_and_delete_removes_rows(qtbot: QtBot) -> None:
    model = _model()
    view = RecordTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setItemDelegate(NeedleDelegate(view))
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.setCurrentIndex(model.index(0, M.DEPTH))
    view.setFocus()
    # Typing starts editing (the value is replaced); Enter commits and opens the next cell.
    qtbot.keyClicks(view, "3")
    qtbot.keyClicks(QApplication.focusWidget(), "0")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert model.item(0).depth_mm == 30.0
    assert view.currentIndex() == model.index(0, M.GAUGE)
    editor = QApplication.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    # A combo editor: the first letter picks the choice.
    view.setCurrentIndex(model.index(1, M.SIDE))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    qtbot.keyClicks(combo, "l")
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert model.item(1).side is Side.LEFT
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    view.setCurrentIndex(model.index(2, M.POINT))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert model.rowCount() == 7
    assert [n.point for n in model.needles()][:3] == ["BL23", "BL25", "BL40"]
    assert model.undo_stack is not None
    model.undo_stack.undo()
    assert model.item(2).point == "GB30"


def test_adverse_event_edits() -> None:
    model = AdverseEventModel()
    model.set_items([AdverseEvent(AdverseEventCategory.BLEEDING_BRUISING)])
    model.setData(model.index(0, model.SEVERITY), Severity.MODERATE)
    model.setData(model.index(0, model.ACTION), "pressure for 1 minute")
    event = model.events()[0]
    assert (event.severity, event.action) == (Severity.MODERATE, "pressure for 1 minute")
    assert model.index(0, model.CATEGORY).data() == "bleeding / bruising"
    assert not model.setData(model.index(0, model.CATEGORY), "no such category")
    assert not model.setData(QModelIndex(), "x")


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("L4", ["L4"]),
        ("l 4", ["L4"]),
        ("L5, L3 L4", ["L3", "L4", "L5"]),
        ("L3-L5", ["L3", "L4", "L5"]),
        ("L3-5", ["L3", "L4", "L5"]),
        ("T12-L1", ["T12", "L1"]),
        ("L6", None),
        ("", None),
    ],
)
def test_spinal_levels_are_read_forgivingly(text: str, levels: list[str] | None) -> None:
    assert parse_spinal_levels(text) == levels
