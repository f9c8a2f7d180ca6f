"""Pain scores as big 0-10 buttons that also take number keys (NRS, back and leg).

A :class:`PainScale` is one focusable widget holding 11 touch-sized buttons (at least 44 px,
the usual minimum touch target). With the keyboard focus on it:

- a digit sets the score and hands the focus on, so "6 7 3 4" fills four scales in a row;
- "1" waits a moment for a "0" (typing "10" quickly gives 10); any other key, or the moment
  passing, keeps 1 and moves on; "+" / "=" gives 10 at once;
- arrow keys step the score without moving on; Enter or Space moves on; Backspace clears.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from acujournal.domain.validation import PAIN_RANGE

TOUCH_SIZE = 44
"""Height of a score button: a comfortable finger target."""
TOUCH_WIDTH = 38
"""Narrowest a score button gets, so both scales fit beside each other at 1280 px."""
LOW, HIGH = PAIN_RANGE

# Green -> amber -> red, so the score reads at a glance; text stays black for contrast.
_HUES = [120, 110, 96, 80, 64, 48, 36, 24, 12, 4, 0]


class PainScale(QFrame):
    """One 0-10 pain score. ``valueEdited(old, new)`` fires for user changes only."""

    valueEdited = Signal(object, object)  # noqa: N815 (Qt signal naming)
    committed = Signal()  # a score was entered from the keyboard: move on

    ten_window_ms = 700
    """How long "1" waits for a "0" to make 10."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("painScale")
        self.setAccessibleName(accessible_name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            self.tr(
                "%1: type 0-9 (1 then 0 for 10, or +), arrows to step, Backspace to clear"
            ).replace("%1", accessible_name)
        )
        self._value: int | None = None
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(2)
        for score in range(LOW, HIGH + 1):
            button = QPushButton(str(score))
            button.setCheckable(True)
            # The scale, not each button, holds the focus, so number keys always reach it.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumSize(QSize(TOUCH_WIDTH, TOUCH_SIZE))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setAccessibleName(f"{accessible_name} {score}")
            hue = _HUES[score]
            button.setStyleSheet(
                "QPushButton { font-size: 15px; border: 1px solid palette(mid);"
                " border-radius: 5px; background: palette(button); }"
                f" QPushButton:checked {{ background: hsl({hue}, 75%, 55%); color: black;"
                " font-weight: bold; border: 2px solid palette(text); }"
            )
            self.group.addButton(button, score)
            layout.addWidget(button)
        self.group.idClicked.connect(self._clicked)
        self._pending_one = QTimer(self)
        self._pending_one.setSingleShot(True)
        self._pending_one.timeout.connect(self._finish_one)
        self.setStyleSheet(
            "#painScale { border: 2px solid transparent; border-radius: 7px; }"
            " #painScale:focus { border: 2px solid palette(highlight); }"
        )

    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        """Show ``value`` without signalling (used by undo/redo and when loading)."""
        self._value = value
        if value is None:
            # An exclusive group cannot uncheck its last button, so lift exclusivity briefly.
            checked = self.group.checkedButton()
            if checked is not None:
                self.group.setExclusive(False)
                checked.setChecked(False)
                self.group.setExclusive(True)
        else:
            self.group.button(value).setChecked(True)

    def button(self, score: int) -> QPushButton:
        button = self.group.button(score)
        assert isinstance(button, QPushButton)
        return button

    def _edit(self, value: int | None) -> None:
        old = self._value
        self.set_value(value)
        if old != value:
            self.valueEdited.emit(old, value)

    def _clicked(self, score: int) -> None:
        self._pending_one.stop()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._edit(score)

    def _finish_one(self) -> None:
        self.committed.emit()

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802
        self._pending_one.stop()
        super().setEnabled(enabled)

    def focusOutEvent(self, event: QEvent) -> None:  # noqa: N802
        self._pending_one.stop()
        super().focusOutEvent(event)  # type: ignore[arg-type]

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        text = event.text()
        waiting_for_zero = self._pending_one.isActive()
        self._pending_one.stop()
        if waiting_for_zero:
            if text == "0":
                self._edit(10)
                self.committed.emit()
                return
            # "1" was meant as 1: move on, then let the key act where the focus went.
            self.committed.emit()
            target = QApplication.focusWidget()
            if target is not None and target is not self:
                QApplication.sendEvent(
                    target, QKeyEvent(event.type(), key, event.modifiers(), text)
                )
                return
        command_keys = (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if len(text) == 1 and text.isdigit() and not event.modifiers() & command_keys:
            self._edit(int(text))
            if text == "1":
                self._pending_one.start(self.ten_window_ms)
            else:
                self.committed.emit()
        elif text in ("+", "="):
            self._edit(HIGH)
            self.committed.emit()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
            self._edit(LOW if self._value is None else min(HIGH, self._value + 1))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
            self._edit(LOW if self._value is None else max(LOW, self._value - 1))
        elif key == Qt.Key.Key_Home:
            self._edit(LOW)
        elif key == Qt.Key.Key_End:
            self._edit(HIGH)
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._edit(None)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.committed.emit()
        else:
            super().keyPressEvent(event)


class PainPanel(QGroupBox):
    """Pain before and after the needles, back and leg: four scales in reading order.

    Entering a score moves the focus to the next scale (before-back, before-leg, after-back,
    after-leg) and from the last one to ``after_last`` (the "all needles out" button).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Pain, 0 = none, 10 = worst imaginable"), parent)
        self.before_back = PainScale(self.tr("Back pain before"))
        self.before_leg = PainScale(self.tr("Leg pain before"))
        self.after_back = PainScale(self.tr("Back pain after"))
        self.after_leg = PainScale(self.tr("Leg pain after"))
        self.after_last: QWidget | None = None
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 4, 8, 6)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        for column, text in ((1, self.tr("Back")), (2, self.tr("Leg"))):
            label = QLabel(f"<b>{text}</b>")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(label, 0, column)
        for row, (text, scales) in enumerate(
            (
                (self.tr("Before"), (self.before_back, self.before_leg)),
                (self.tr("After"), (self.after_back, self.after_leg)),
            ),
            start=1,
        ):
            label = QLabel(f"<b>{text}</b>")
            label.setBuddy(scales[0])
            grid.addWidget(label, row, 0)
            for column, scale in enumerate(scales, start=1):
                grid.addWidget(scale, row, column)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        chain = self.scales()
        for scale, following in itertools.pairwise(chain):
            scale.committed.connect(lambda following=following: following.setFocus())
        self.after_leg.committed.connect(self._after_last)

    def scales(self) -> list[PainScale]:
        return [self.before_back, self.before_leg, self.after_back, self.after_leg]

    def _after_last(self) -> None:
        if self.after_last is not None:
            self.after_last.setFocus()
