"""Pain scales: big buttons, and number keys that flow from one scale to the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from acujournal.ui.pain_scale import TOUCH_SIZE, TOUCH_WIDTH, PainPanel, PainScale


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[PainPanel]:
    window = QWidget()
    layout = QVBoxLayout(window)
    pain = PainPanel()
    after = QPushButton("next")
    pain.after_last = after
    layout.addWidget(pain)
    layout.addWidget(after)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    pain.before_back.setFocus()
    # yield, not return: the generator keeps the window (and so the panel) alive.
    yield pain  # noqa: PT022


def _type(qtbot: QtBot, text: str) -> None:
    for char in text:
        qtbot.keyClick(QApplication.focusWidget(), char)


def test_buttons_are_touch_sized_and_clicks_report_edits(qtbot: QtBot) -> None:
    scale = PainScale("Back pain before")
    qtbot.addWidget(scale)
    scale.show()
    edits: list[tuple[object, object]] = []
    scale.valueEdited.connect(lambda old, new: edits.append((old, new)))
    for score in range(11):
        button = scale.button(score)
        assert button.height() >= TOUCH_SIZE
        assert button.width() >= TOUCH_WIDTH
    qtbot.mouseClick(scale.button(6), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(scale.button(3), Qt.MouseButton.LeftButton)
    assert scale.value() == 3
    assert scale.button(3).isChecked()
    assert edits == [(None, 6), (6, 3)]
    scale.set_value(None)  # programmatic: no edit reported
    assert scale.value() is None
    assert scale.group.checkedButton() is None
    assert edits == [(None, 6), (6, 3)]


def test_digits_fill_the_four_scales_in_reading_order(qtbot: QtBot, panel: PainPanel) -> None:
    _type(qtbot, "6734")
    assert [s.value() for s in panel.scales()] == [6, 7, 3, 4]
    assert QApplication.focusWidget() is panel.after_last


def test_one_then_zero_is_ten_and_one_alone_moves_on_after_a_moment(
    qtbot: QtBot, panel: PainPanel
) -> None:
    for scale in panel.scales():
        scale.ten_window_ms = 30
    _type(qtbot, "10")
    assert panel.before_back.value() == 10
    assert QApplication.focusWidget() is panel.before_leg
    _type(qtbot, "1")
    assert panel.before_leg.value() == 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.after_back)
    # "1" followed by another digit: 1 here, the digit goes to the next scale.
    _type(qtbot, "15")
    assert (panel.after_back.value(), panel.after_leg.value()) == (1, 5)


def test_arrows_plus_and_backspace(qtbot: QtBot, panel: PainPanel) -> None:
    scale = panel.before_back
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Left):
        qtbot.keyClick(scale, key)
    assert scale.value() == 1  # the first step from "not scored" is 0
    assert QApplication.focusWidget() is scale  # stepping does not move on
    qtbot.keyClick(scale, Qt.Key.Key_Backspace)
    assert scale.value() is None
    qtbot.keyClick(scale, "+")
    assert scale.value() == 10
    assert QApplication.focusWidget() is panel.before_leg
