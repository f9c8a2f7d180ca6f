"""Bulk inserts into a SQLite journal store what a Core INSERT of the same rows stores."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from acujournal.services.sessions import record_session
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import database_url, open_database
from acujournal.storage.models import MeasurementRow, PatientRow
from tests.builders import make_journal, make_session


def _rows(case_id: uuid.UUID, session_id: uuid.UUID) -> list[dict[str, Any]]:
    taken = datetime(2026, 3, 29, 7, 15, 30, 123456, tzinfo=UTC)
    return [
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "session_id": session_id,
            "instrument": "odi",
            "taken_at": taken,
            "time_zone": "Europe/Oslo",
            "answers": {"q1": 3, "q2": [1, None], "note": "Åse"},
            "value": 42.5,
            "score": None,
            "note": "",
        },
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "session_id": None,
            "instrument": "nrs_back",
            "taken_at": taken,
            "time_zone": "UTC",
            "answers": None,  # JSON null, as the Core INSERT writes it
            "value": None,
            "score": 7.0,
            "note": "after the course",
        },
    ]


def _stored(path: Path, ids: list[uuid.UUID]) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(measurements)")]
        shown = ", ".join(f"quote({c})" for c in columns if c != "id")
        return [
            connection.execute(
                f"SELECT {shown} FROM measurements WHERE id = ?", (i.hex,)
            ).fetchone()
            for i in ids
        ]
    finally:
        connection.close()


def test_bulk_rows_are_stored_byte_for_byte_as_a_core_insert_stores_them(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    db = open_database(database_url(path))
    try:
        journal = make_journal(db)
        session = record_session(db, make_session(journal)).id
        bulk, core = _rows(journal.case.id, session), _rows(journal.case.id, session)
        with unit_of_work(db) as repo:
            repo.bulk_insert(MeasurementRow, bulk)
            repo.session.execute(insert(MeasurementRow.__table__), core)
    finally:
        db.dispose()
    assert _stored(path, [r["id"] for r in bulk]) == _stored(path, [r["id"] for r in core])


def test_rows_that_leave_out_a_column_with_a_default_get_the_default(tmp_path: Path) -> None:
    db = open_database(database_url(tmp_path / "journal.sqlite3"))
    try:
        patient_id = uuid.uuid4()
        row = {"id": patient_id, "name": "Kari Nordmann", "created_at": datetime.now(UTC)}
        with unit_of_work(db) as repo:
            repo.bulk_insert(PatientRow, [row])
        with db.engine.connect() as connection:
            phone, archived = connection.exec_driver_sql(
                "SELECT phone, archived FROM patients WHERE id = ?", (patient_id.hex,)
            ).one()
        assert (phone, archived) == ("", 0)
    finally:
        db.dispose()
