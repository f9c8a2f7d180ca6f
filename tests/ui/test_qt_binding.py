"""The Qt binding in use must not leak references (PySide6 6.12.0 on CPython 3.11 does)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_calls_do_not_consume_references_to_none() -> None:
    # A broken binding loses one reference to None per call and aborts the app within
    # minutes of use; pyproject.toml pins Qt below that release.
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        probe.setObjectName("probe")
    assert sys.getrefcount(None) >= before - 50
