"""Notices of changes committed through another connection to the same journal."""

from __future__ import annotations

import time

from acujournal.services.change_notices import ChangeNotices
from acujournal.services.patients import patient_overview, update_patient
from acujournal.services.sessions import record_session
from acujournal.storage.db import Database
from tests.builders import make_journal, make_session


def _heard(notices: ChangeNotices, wanted: int) -> set[object]:
    heard: set[object] = set()
    deadline = time.monotonic() + 5
    while len(heard) < wanted and time.monotonic() < deadline:
        heard |= notices.poll(timeout=0.2)
    return heard


def test_a_committed_change_elsewhere_is_heard_with_its_patient(
    db: Database, other_room: Database
) -> None:
    journal = make_journal(db)
    notices = ChangeNotices(db)
    try:
        if db.is_sqlite:
            assert not notices.listening
            assert notices.poll() == set()
            return
        assert notices.poll() == set()
        patient = patient_overview(other_room, journal.patient.id).patient
        patient.phone = "+47 11 22 33 44"
        update_patient(other_room, patient)
        assert _heard(notices, 1) == {journal.patient.id}
        record_session(other_room, make_session(journal))
        assert _heard(notices, 1) == {journal.patient.id}
    finally:
        notices.close()
