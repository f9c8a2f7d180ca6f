"""Showing what other treatment rooms change, within a second or so, on a shared journal.

A :class:`LiveRefresh` asks the journal's change notices every half second on the GUI
thread (asking never blocks) and tells which patients another room changed. On SQLite there
are no notices and it never starts its timer.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from acujournal.services.change_notices import ChangeNotices
from acujournal.storage.db import Database

POLL_MS = 500


class LiveRefresh(QObject):
    """Emits ``patients_changed`` with the ids of the patients changed since the last poll."""

    patients_changed = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.notices = ChangeNotices(db)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        if self.notices.listening:
            self.timer.start()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def poll(self) -> None:
        changed: set[uuid.UUID] = self.notices.poll()
        if not self.notices.listening:
            self.timer.stop()  # the server went away; the window works on without notices
        if changed:
            self.patients_changed.emit(changed)

    def stop(self) -> None:
        self.timer.stop()
        self.notices.close()
