"""Locking the app after a while without use (automatic log-off).

A treatment room is left with the computer on: a patient, a cleaner or the next practitioner
should not find the last patient's record open. ``IdleLock`` watches every key press, click,
wheel turn, touch and mouse movement in the application (as an application-wide event filter)
and, after ``idle_ms`` without any, emits ``locked``. The main window then hides the patient
data and asks for the passphrase again (for an unencrypted journal, the practitioner's
confirmation), and calls ``unlock()`` when it was given, which emits ``unlocked`` and starts
counting again.

The filter never swallows an event: it only notes that someone is there. While locked,
activity does not count (typing the passphrase must not look like a return to work before
the passphrase is right).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

DEFAULT_IDLE_MS = 10 * 60 * 1000

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.InputMethod,
    }
)


class IdleLock(QObject):
    """Emits ``locked`` after ``idle_ms`` milliseconds without user input (0: never)."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, idle_ms: int = DEFAULT_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._idle_ms = max(0, idle_ms)
        self._locked = False
        self._installed_on: QCoreApplication | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # Precise: a coarse timer may fire up to 5 % late (30 s of a 10-minute lock).
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.lock)

    # Set-up ------------------------------------------------------------------------------------

    def install(self, application: QCoreApplication | None = None) -> None:
        """Start watching the application's input (the running one when none is given)."""
        app = application or QCoreApplication.instance()
        if app is None:
            raise RuntimeError("IdleLock needs a running QApplication")
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
        app.installEventFilter(self)
        self._installed_on = app
        self._restart()

    def uninstall(self) -> None:
        """Stop watching; the lock no longer fires."""
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None
        self._timer.stop()

    @property
    def idle_ms(self) -> int:
        return self._idle_ms

    def set_idle_ms(self, idle_ms: int) -> None:
        """Change the idle time (from the settings); 0 switches the lock off."""
        self._idle_ms = max(0, idle_ms)
        if not self._locked:
            self._restart()

    # State -------------------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        return self._locked

    def remaining_ms(self) -> int:
        """Milliseconds until the lock (-1 when it is not counting: locked, off, uninstalled)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def lock(self) -> None:
        """Lock now (the timer's end, or a "Lock" command); emits ``locked`` once."""
        if self._locked:
            return
        self._locked = True
        self._timer.stop()
        self.locked.emit()

    def unlock(self) -> None:
        """The practitioner is back (passphrase or confirmation given): count again."""
        if not self._locked:
            return
        self._locked = False
        self._restart()
        self.unlocked.emit()

    # Watching ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self._locked and event.type() in _ACTIVITY:
            self._restart()
        return False

    def _restart(self) -> None:
        if self._idle_ms > 0 and self._installed_on is not None:
            self._timer.start(self._idle_ms)
        else:
            self._timer.stop()
