"""Counted texts read as English: "1 patient", "2 patients", never "1 patient(s)"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from acujournal.domain.wording import plural
from acujournal.storage.db import Database
from acujournal.ui.main_window import MainWindow
from tests.builders import make_journal

ROOT = Path(__file__).resolve().parents[2]


def test_every_counted_text_of_the_window_has_its_english_forms() -> None:
    """A new ``tr("%n ...")`` without its English forms compiled fails here, by name."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "english-plurals.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_the_status_bar_counts_patients_in_english(qtbot: QtBot, db: Database) -> None:
    make_journal(db, "Åse Bjørnstad")
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert window.statusBar().currentMessage().startswith("1 patient · journal:")
    make_journal(db, "Mark Olsen")
    window.reload_patients()
    assert window.statusBar().currentMessage().startswith("2 patients · journal:")


def test_counted_nouns_outside_the_window() -> None:
    assert plural(1, "needle") == "1 needle"
    assert plural(0, "needle") == "0 needles"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(1204, "entry", "entries") == "1,204 entries"
