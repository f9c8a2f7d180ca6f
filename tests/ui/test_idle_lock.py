"""The idle lock: locked after a while without input; any input counts as presence."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from acujournal.ui.idle_lock import DEFAULT_IDLE_MS, IdleLock


def test_the_default_is_ten_minutes() -> None:
    assert DEFAULT_IDLE_MS == 10 * 60 * 1000


def test_it_locks_after_the_idle_time(qtbot: QtBot) -> None:
    lock = IdleLock(idle_ms=50)
    lock.install(QApplication.instance())
    try:
        with qtbot.waitSignal(lock.locked, timeout=5000):
            pass
        assert lock.is_locked
        assert lock.remaining_ms() == -1
    finally:
        lock.uninstall()


def test_input_anywhere_starts_the_count_again(qtbot: QtBot) -> None:
    lock = IdleLock(idle_ms=60_000)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    lock.install()
    try:
        time.sleep(0.3)
        assert lock.remaining_ms() <= 60_000 - 250
        qtbot.keyClick(field, Qt.Key.Key_A)
        assert lock.remaining_ms() > 60_000 - 200
        time.sleep(0.3)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        assert lock.remaining_ms() > 60_000 - 200
        assert not lock.is_locked
    finally:
        lock.uninstall()


def test_while_locked_input_does_not_unlock_and_unlock_counts_again(qtbot: QtBot) -> None:
    lock = IdleLock(idle_ms=60_000)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    lock.install()
    emitted: list[str] = []
    lock.locked.connect(lambda: emitted.append("locked"))
    lock.unlocked.connect(lambda: emitted.append("unlocked"))
    try:
        lock.lock()
        lock.lock()  # once is enough
        qtbot.keyClicks(field, "typing the passphrase")
        assert lock.is_locked
        assert lock.remaining_ms() == -1
        lock.unlock()
        assert not lock.is_locked
        assert lock.remaining_ms() > 60_000 - 200
        assert emitted == ["locked", "unlocked"]
        # Events still reach the widgets: the filter only watches.
        assert field.text() == "typing the passphrase"
    finally:
        lock.uninstall()


def test_the_idle_time_can_be_changed_or_switched_off(qtbot: QtBot) -> None:
    lock = IdleLock(idle_ms=60_000)
    lock.install()
    try:
        lock.set_idle_ms(120_000)
        assert lock.idle_ms == 120_000
        assert lock.remaining_ms() > 60_000
        lock.set_idle_ms(0)
        assert lock.remaining_ms() == -1
        qtbot.wait(50)
        assert not lock.is_locked
    finally:
        lock.uninstall()
    assert lock.remaining_ms() == -1
