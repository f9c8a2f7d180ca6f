"""Sessions across daylight-saving changes and time zones: stored in UTC with the zone's name,
shown in the local time they happened, ordered by the instant they happened.

SQLite has no time zone type and would silently drop one; the journal stores every instant
as UTC and keeps the IANA zone beside it. Around a daylight-saving change the wall clock
skips an hour (spring) or passes through one twice (autumn), so wall-clock order and the
order in which sessions really happened differ; the journal orders by the instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Uuid, bindparam, text

from acujournal.domain.model import TreatmentSession
from acujournal.services.patients import patient_overview
from acujournal.services.sessions import get_session, record_session
from acujournal.storage.db import Database, open_database
from tests.builders import Journal, make_journal, make_session

OSLO = ZoneInfo("Europe/Oslo")
NEW_YORK = ZoneInfo("America/New_York")


def session_at(journal: Journal, local: datetime) -> TreatmentSession:
    """A session that started at the aware local time ``local``, in that time's zone."""
    assert isinstance(local.tzinfo, ZoneInfo)
    session = make_session(journal, local)
    # Set again: date arithmetic in the builder drops ``fold``, which tells the two 02:30s of
    # an autumn night apart.
    session.started_at = local
    session.time_zone = local.tzinfo.key
    return session


# (started_at, time_zone) as the database holds them: SQLite's text as it is; PostgreSQL's
# timestamptz spelled in UTC, whatever the time zone of the connection.
STORED = {
    "sqlite": "SELECT started_at, time_zone FROM sessions WHERE id = :id",
    "postgresql": "SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
    "time_zone FROM sessions WHERE id = :id",
}


def stored(db: Database, session: TreatmentSession) -> tuple[str, str]:
    """(started_at, time_zone) exactly as the database holds them, read with raw SQL."""
    query = text(STORED[db.engine.dialect.name]).bindparams(
        bindparam("id", session.id, type_=Uuid())
    )
    with db.engine.connect() as connection:
        row = connection.execute(query).one()
    return str(row[0]), str(row[1])


# (local wall-clock time in its zone, the same instant in UTC)
AROUND_DST = [
    # Oslo, spring: 02:00 CET jumps to 03:00 CEST on 29 March 2026.
    (datetime(2026, 3, 29, 1, 30, tzinfo=OSLO), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
    (datetime(2026, 3, 29, 3, 30, tzinfo=OSLO), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    # Oslo, autumn: 03:00 CEST falls back to 02:00 CET on 25 October 2026; 02:30 happens twice.
    (datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=OSLO), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    (datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=OSLO), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    # New York, spring: 02:00 EST jumps to 03:00 EDT on 8 March 2026.
    (datetime(2026, 3, 8, 1, 45, tzinfo=NEW_YORK), datetime(2026, 3, 8, 6, 45, tzinfo=UTC)),
    (datetime(2026, 3, 8, 3, 15, tzinfo=NEW_YORK), datetime(2026, 3, 8, 7, 15, tzinfo=UTC)),
    # New York, autumn: 02:00 EDT falls back to 01:00 EST on 1 November 2026.
    (
        datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
    ),
    (
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("local", "utc"), AROUND_DST, ids=lambda v: v.isoformat())
def test_a_session_around_a_dst_change_is_stored_in_utc_with_its_zone(
    db: Database, local: datetime, utc: datetime
) -> None:
    journal = make_journal(db)
    session = record_session(db, session_at(journal, local))

    assert stored(db, session) == (
        utc.strftime("%Y-%m-%d %H:%M:%S.000000"),
        local.tzinfo.key,  # type: ignore[union-attr]
    )
    loaded = get_session(db, session.id)
    assert loaded.started_at == utc
    assert loaded.started_at.tzinfo is UTC
    assert loaded.time_zone == local.tzinfo.key  # type: ignore[union-attr]
    # Shown in its own zone, it is the local time it happened, on the right side of the change.
    shown = loaded.started_at.astimezone(ZoneInfo(loaded.time_zone))
    assert shown.replace(tzinfo=None) == local.replace(tzinfo=None)
    assert shown.utcoffset() == local.utcoffset()


def test_sessions_are_ordered_by_the_instant_not_the_wall_clock(db: Database) -> None:
    journal = make_journal(db)
    # Entered in a scrambled order.
    sessions = [record_session(db, session_at(journal, local)) for local, _ in AROUND_DST[::-1]]
    # A session in New York at 09:00 EST happened after one in Oslo at 14:30 CET the same day,
    # although its wall clock shows the earlier hour.
    oslo_afternoon = record_session(
        db, session_at(journal, datetime(2026, 2, 10, 14, 30, tzinfo=OSLO))
    )
    new_york_morning = record_session(
        db, session_at(journal, datetime(2026, 2, 10, 9, 0, tzinfo=NEW_YORK))
    )
    sessions += [oslo_afternoon, new_york_morning]

    history = patient_overview(db, journal.patient.id).history
    instants = [h.started_at for h in history]
    assert instants == sorted(instants, reverse=True)  # newest first, by instant
    assert len(set(instants)) == len(sessions)  # the repeated 02:30 and 01:30 stay apart
    order = [h.id for h in history]
    assert order.index(new_york_morning.id) < order.index(oslo_afternoon.id)
    # The autumn repeat: the second 02:30 in Oslo (CET) is newer than the first (CEST).
    first_0230, second_0230 = (s for s in sessions if s.started_at.month == 10)
    # Compared in UTC: Python compares and subtracts two times of one zone by their wall
    # clocks, which cannot tell the two 02:30s apart (one reason the journal keeps UTC).
    assert first_0230.started_at == second_0230.started_at
    newer, older = sorted(
        [first_0230, second_0230], key=lambda s: s.started_at.astimezone(UTC), reverse=True
    )
    assert newer.started_at.fold == 1
    assert order.index(newer.id) < order.index(older.id)
    assert newer.started_at.astimezone(UTC) - older.started_at.astimezone(UTC) == timedelta(hours=1)
    for entry in history:
        assert entry.started_at.tzinfo is UTC
        assert entry.time_zone in ("Europe/Oslo", "America/New_York")


def test_a_nonexistent_local_time_keeps_the_instant_it_was_given(db: Database) -> None:
    # 02:30 on 29 March 2026 never happened in Oslo; Python resolves it with the offset before
    # the change (CET), and the journal keeps exactly that instant.
    journal = make_journal(db)
    gap = datetime(2026, 3, 29, 2, 30, tzinfo=OSLO)
    session = record_session(db, session_at(journal, gap))
    loaded = get_session(db, session.id)
    assert loaded.started_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert loaded.started_at.astimezone(OSLO).hour == 3  # shown as 03:30 CEST, a real time


def test_the_time_zone_of_a_server_connection_changes_nothing(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite connections have no time zone")
    # A clinic's server, or one room's connection, may be set to any zone; timestamptz
    # values then come back in that zone, and must still be the same instants in UTC.
    tokyo = open_database(db.engine.url.update_query_dict({"options": "-c TimeZone=Asia/Tokyo"}))
    try:
        with tokyo.engine.connect() as connection:
            assert connection.execute(text("SHOW TIME ZONE")).scalar() == "Asia/Tokyo"
        journal = make_journal(tokyo)
        local, utc = AROUND_DST[2]
        session = record_session(tokyo, session_at(journal, local))
        assert stored(db, session)[0] == utc.strftime("%Y-%m-%d %H:%M:%S.000000")
        for database in (tokyo, db):
            loaded = get_session(database, session.id)
            assert loaded.started_at == utc
            assert loaded.started_at.tzinfo is UTC
            assert loaded.started_at.astimezone(OSLO).fold == local.fold
    finally:
        tokyo.dispose()
