"""Fixtures shared by the window tests."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from acujournal.storage.db import Database
from acujournal.ui.main_window import MainWindow
from tests.builders import Journal, make_journal


@pytest.fixture
def journal(db: Database) -> Journal:
    """A practitioner and one sciatica patient with an open case."""
    return make_journal(db)


@pytest.fixture
def window(qtbot: QtBot, db: Database, journal: Journal) -> MainWindow:
    """The main window on the journal, shown."""
    main = MainWindow(db)
    qtbot.addWidget(main)
    main.show()
    return main
