"""A change another room commits shows in this room's window (PostgreSQL only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from acujournal.services.patients import patient_overview, update_patient
from acujournal.services.sessions import record_session
from acujournal.storage.db import Database, open_database
from acujournal.ui.live_refresh import LiveRefresh
from acujournal.ui.main_window import MainWindow
from tests.backends import PostgresJournals, dropped_at_exit
from tests.builders import make_journal, make_session


@pytest.fixture
def rooms(postgres_journals: PostgresJournals) -> Iterator[tuple[Database, Database]]:
    """Two windows' journals: one PostgreSQL database, opened twice."""
    with dropped_at_exit(postgres_journals, postgres_journals.new_migrated()) as url:
        first, second = open_database(url), open_database(url)
        yield first, second
        first.dispose()
        second.dispose()


def test_a_change_in_another_room_shows_on_the_open_patient_page_within_two_seconds(
    qtbot: QtBot, rooms: tuple[Database, Database]
) -> None:
    mine, theirs = rooms
    journal = make_journal(mine)
    window = MainWindow(mine)
    qtbot.addWidget(window)
    window.show()
    window.select_patient(journal.patient.id)
    assert window.live.active
    assert window.page.name_label.text() == "Åse Bjørnstad"

    patient = patient_overview(theirs, journal.patient.id).patient
    patient.name = "Åse Bjørnstad-Lie"
    update_patient(theirs, patient)
    qtbot.waitUntil(lambda: window.page.name_label.text() == "Åse Bjørnstad-Lie", timeout=2000)

    record_session(theirs, make_session(journal))
    qtbot.waitUntil(lambda: window.page.history.rowCount() == 1, timeout=2000)
    window.close()
    assert not window.live.active


def test_on_sqlite_nothing_listens(qtbot: QtBot, db: Database) -> None:
    refresh = LiveRefresh(db)
    assert not refresh.active
    refresh.poll()
    refresh.stop()
