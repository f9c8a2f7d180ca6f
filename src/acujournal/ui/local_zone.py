"""The computer's time zone, as the journal stores it with every visit and intake."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimeZone


def local_time_zone() -> str:
    """The computer's IANA time zone ("Europe/Oslo"), or UTC when it has none usable."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return "UTC"
    return name
