"""The body chart: every region can be marked by click, key or menu; needles land right."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from acujournal.domain.model import Radiation
from acujournal.ui.body_chart import (
    BACK,
    BACK_OFFSET,
    FIGURE_WIDTH,
    FRONT,
    REGION_CODES,
    REGION_PATHS,
    BodyChart,
    NeedleDot,
    figure_regions,
    region_label,
)


@pytest.fixture
def chart(qtbot: QtBot) -> BodyChart:
    widget = BodyChart()
    qtbot.addWidget(widget)
    widget.resize(360, 400)
    return widget


def test_the_region_table_covers_the_sciatica_path_on_both_sides() -> None:
    for radiation in Radiation:
        if radiation is Radiation.LOW_BACK:
            assert "low_back" in REGION_PATHS
        else:
            assert {f"left_{radiation}", f"right_{radiation}"} <= set(REGION_PATHS)
    for code in ("head", "neck", "chest", "abdomen", "upper_back", "left_shoulder"):
        assert code in REGION_PATHS
    assert all(not REGION_PATHS[code]().isEmpty() for code in REGION_CODES)
    assert region_label("left_thigh") == "left thigh"
    assert region_label("low_back") == "low back"


def test_clicking_each_region_centre_toggles_it(qtbot: QtBot, chart: BodyChart) -> None:
    for code in REGION_CODES:
        centre = chart.region_centre(code)
        with qtbot.waitSignal(chart.regions_changed) as marked:
            qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=centre)
        assert marked.args == [[code]], code
        with qtbot.waitSignal(chart.regions_changed) as unmarked:
            qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=centre)
        assert unmarked.args == [[]], code


@pytest.mark.parametrize("size", [(180, 200), (900, 320), (300, 900)])
def test_regions_are_hit_where_drawn_at_any_size(chart: BodyChart, size: tuple[int, int]) -> None:
    chart.resize(*size)
    for code in REGION_CODES:
        centre = chart.region_centre(code)
        assert chart.rect().contains(centre), code
        hit = chart.region_at(centre)
        assert hit is not None, code
        assert hit[0] == code, code


def test_regions_keep_to_the_patient_sides(chart: BodyChart) -> None:
    # Front figure faces the viewer: the patient's left thigh is on the viewer's right.
    front = figure_regions(FRONT)
    assert front["left_thigh"].boundingRect().center().x() > FIGURE_WIDTH / 2
    back = figure_regions(BACK)
    assert back["left_thigh"].boundingRect().center().x() < BACK_OFFSET + FIGURE_WIDTH / 2
    assert "low_back" in back
    assert "low_back" not in front
    assert "chest" in front
    assert "chest" not in back
    assert "left_buttock" in back
    assert "left_buttock" not in front


def test_clicking_outside_the_figures_changes_nothing(qtbot: QtBot, chart: BodyChart) -> None:
    with qtbot.assertNotEmitted(chart.regions_changed):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))
    assert chart.marked_regions() == []


def test_set_marked_regions_shows_them_without_a_signal(qtbot: QtBot, chart: BodyChart) -> None:
    with qtbot.assertNotEmitted(chart.regions_changed):
        chart.set_marked_regions(["left_calf", "low_back"])
    assert chart.marked_regions() == ["low_back", "left_calf"]
    assert "left calf" in chart.accessibleDescription()
    with pytest.raises(ValueError, match="elbow"):
        chart.set_marked_regions(["elbow"])


def test_keyboard_moves_between_regions_and_space_marks(qtbot: QtBot, chart: BodyChart) -> None:
    chart.show()
    chart.setFocus()
    with qtbot.waitSignal(chart.regions_changed) as first:
        qtbot.keyClick(chart, Qt.Key.Key_Space)
    assert first.args == [["low_back"]]  # the chart starts on the low back
    qtbot.keyClick(chart, Qt.Key.Key_Down)
    with qtbot.waitSignal(chart.regions_changed) as second:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    marked = second.args[0]
    assert len(marked) == 2
    assert "buttock" in marked[1]
    # Arrow keys reach the other figure too.
    for _ in range(6):
        qtbot.keyClick(chart, Qt.Key.Key_Left)
    assert "Current region" in chart.accessibleDescription()


def test_menu_lists_every_region_as_a_checkable_action(qtbot: QtBot, chart: BodyChart) -> None:
    chart.set_marked_regions(["neck"])
    menu = chart.build_menu()
    actions = menu.actions()
    assert [a.data() for a in actions] == list(REGION_CODES)
    assert [a.data() for a in actions if a.isChecked()] == ["neck"]
    right_foot = next(a for a in actions if a.data() == "right_foot")
    assert right_foot.text() == "right foot"
    with qtbot.waitSignal(chart.regions_changed) as changed:
        right_foot.trigger()
    assert changed.args == [["neck", "right_foot"]]


def _dots(chart: BodyChart, point: str) -> list[NeedleDot]:
    return [d for d in chart.needle_dots() if d.point == point]


def test_needled_points_land_on_the_right_figure_and_side(chart: BodyChart) -> None:
    chart.set_needled_points(
        [
            ("BL23", "bilateral"),
            ("GB30", "left"),
            ("ST36", "right"),
            ("CV4", "midline"),
            ("LI4", "left"),
            ("EX-B2 T5", "left"),
            ("ASHI", "right", "thigh"),
        ]
    )
    spine_x = BACK_OFFSET + FIGURE_WIDTH / 2
    bl23 = _dots(chart, "BL23")
    assert {(d.figure, d.region) for d in bl23} == {(BACK, "low_back")}
    # One dot each side of the spine.
    assert sorted(d.position.x() < spine_x for d in bl23) == [False, True]

    (gb30,) = _dots(chart, "GB30")
    assert (gb30.figure, gb30.region) == (BACK, "left_buttock")
    assert gb30.position.x() < spine_x  # the patient's left is on the left, seen from behind

    (st36,) = _dots(chart, "ST36")
    assert (st36.figure, st36.region) == (FRONT, "right_calf")
    assert st36.position.x() < FIGURE_WIDTH / 2  # seen from the front: the viewer's left

    (cv4,) = _dots(chart, "CV4")
    assert (cv4.figure, cv4.region) == (FRONT, "abdomen")
    assert cv4.position.x() == pytest.approx(FIGURE_WIDTH / 2, abs=1.0)

    (li4,) = _dots(chart, "LI4")
    assert (li4.figure, li4.region) == (BACK, "left_hand")  # back of the hand
    (jiaji,) = _dots(chart, "EX-B2 T5")
    assert jiaji.region == "upper_back"
    (ashi,) = _dots(chart, "ASHI")
    assert (ashi.figure, ashi.region) == (FRONT, "right_thigh")

    for dot in chart.needle_dots():
        path = figure_regions(dot.figure)[dot.region]
        assert path.contains(dot.position), dot
        assert dot.side_known


def test_points_without_a_side_are_rings_on_both_sides(chart: BodyChart) -> None:
    chart.set_needled_points([("GB34", ""), ("NOT-A-POINT", "left")])
    dots = chart.needle_dots()
    assert {d.region for d in dots} == {"left_calf", "right_calf"}
    assert not any(d.side_known for d in dots)


def test_points_in_one_region_are_spread_out(chart: BodyChart) -> None:
    chart.set_needled_points([("BL23", "left"), ("BL25", "left"), ("BL26", "left")])
    positions = {(round(d.position.x()), round(d.position.y())) for d in chart.needle_dots()}
    assert len(positions) == 3


def test_marked_regions_are_painted_red_in_light_and_dark_palettes(chart: BodyChart) -> None:
    chart.set_marked_regions(["low_back", "left_thigh"])
    chart.set_needled_points([("BL23", "bilateral"), ("GB34", "")])
    for base in ("#ffffff", "#1e1e1e"):
        palette = chart.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(base))
        palette.setColor(
            QPalette.ColorRole.Text, QColor("#000000" if base == "#ffffff" else "#eeeeee")
        )
        chart.setPalette(palette)
        image = chart.grab().toImage()
        marked = image.pixelColor(chart.region_centre("left_thigh"))
        unmarked = image.pixelColor(chart.region_centre("right_thigh"))
        assert marked.red() > marked.green() + 80, base
        assert abs(unmarked.red() - unmarked.green()) < 20, base
        assert image.pixelColor(2, 2) == QColor(base)
