"""What the file exports share: reading the journal in batches of patients, and writing files.

The FHIR, CSV and research exports read the journal the way the ``acujournal/1`` export does
(one query per table, plain column rows instead of ORM objects: a ten-year clinic has 60,000
sessions and 600,000 needle rows), but a batch of patients at a time, so what is held in
memory stays small however large the journal is and the files are written as rows arrive.

Files are written beside their final names and renamed into place only when everything is
written, so a failed export never leaves a half-written file under a name a person would open.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, Select, select
from sqlalchemy.orm import Session

from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    Base,
    CaseRow,
    IntakeRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    SessionRow,
)
from acujournal.storage.private_files import make_private_folder
from acujournal.storage.repository import NotFoundError

Row = RowMapping

BATCH_PATIENTS = 200
"""Patients read per batch: a few thousand sessions and tens of thousands of needle rows."""


@cache
def zone_of(name: str) -> tzinfo:
    """The IANA zone ``name``; UTC for a name this computer does not know."""
    try:
        return ZoneInfo(name)
    except (ValueError, LookupError):
        # Stored zones were checked on the way in; should one be unknown here, the instant
        # is still exact when written in UTC.
        return UTC


def local_time(moment: datetime, zone: str) -> datetime:
    """``moment`` as the clock showed it in ``zone``."""
    return moment.astimezone(zone_of(zone))


def instant_text(moment: datetime, zone: str = "UTC") -> str:
    """ISO 8601 with the offset the clock showed in ``zone``: 2026-03-30T09:00:00+02:00."""
    return local_time(moment, zone).isoformat()


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day of ``moment`` in ``zone``."""
    return local_time(moment, zone).date()


def _grouped(rows: Iterable[Row], key: str) -> dict[Any, list[Row]]:
    groups: dict[Any, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def _sort_key(row: Row, *keys: str) -> tuple[Any, ...]:
    # (is-None, value): None sorts last and is never compared with a value.
    return tuple(
        part for k in keys for part in (row[k] is None, row[k] if row[k] is not None else 0)
    )


@dataclass(slots=True)
class PatientBatch:
    """The rows of a few patients, grouped by parent and sorted as the exports list them.

    Cases by the day they were opened, sessions by start, measurements by when they were
    taken, needles in recorded order; ties broken by id so the same journal reads the same.
    """

    patients: list[Row]
    cases: dict[uuid.UUID, list[Row]]
    """By patient id."""
    sessions: dict[uuid.UUID, list[Row]]
    """By case id."""
    needles: dict[uuid.UUID, list[Row]]
    """By session id."""
    adverse_events: dict[uuid.UUID, list[Row]]
    """By session id."""
    amendments: dict[uuid.UUID, list[Row]]
    """By session id (empty unless asked for)."""
    measurements: dict[uuid.UUID, list[Row]]
    """By case id."""
    intakes: dict[uuid.UUID, list[Row]]
    """By patient id (empty unless asked for)."""


class JournalBatches:
    """The journal, or one patient, as batches of :class:`PatientBatch`.

    Patients come in the order of their names (ties by id), as in the ``acujournal/1`` file.
    ``practitioners`` holds every practitioner by id (a few rows, read once). A NotFoundError
    (LookupError) is raised at once for a ``patient_id`` the journal does not hold.
    """

    def __init__(
        self,
        session: Session,
        patient_id: uuid.UUID | None = None,
        *,
        amendments: bool = False,
        intakes: bool = False,
        batch_size: int = BATCH_PATIENTS,
    ) -> None:
        self.session = session
        self.with_amendments = amendments
        self.with_intakes = intakes
        self.batch_size = batch_size
        query = select(PatientRow.id, PatientRow.name)
        if patient_id is not None:
            query = query.where(PatientRow.id == patient_id)
        # Sorted here, not by the database: the same order on SQLite and PostgreSQL.
        self.patient_ids = [
            row.id for row in sorted(session.execute(query), key=lambda r: (r.name, r.id))
        ]
        if patient_id is not None and not self.patient_ids:
            raise NotFoundError(f"No patient with id {patient_id}.")
        self.practitioners: dict[uuid.UUID, Row] = {
            row["id"]: row for row in session.execute(select(PractitionerRow.__table__)).mappings()
        }

    def __iter__(self) -> Iterator[PatientBatch]:
        for start in range(0, len(self.patient_ids), self.batch_size):
            yield self._read(self.patient_ids[start : start + self.batch_size])

    def _rows(self, query: Select[Any]) -> list[Row]:
        return list(self.session.execute(query).mappings())

    def _read(self, ids: Sequence[uuid.UUID]) -> PatientBatch:
        order = {patient_id: index for index, patient_id in enumerate(ids)}
        patients = self._rows(select(PatientRow.__table__).where(PatientRow.id.in_(ids)))
        patients.sort(key=lambda row: order[row["id"]])
        case_ids = select(CaseRow.id).where(CaseRow.patient_id.in_(ids))
        session_ids = select(SessionRow.id).where(SessionRow.case_id.in_(case_ids))

        def of_sessions(model: type[Base]) -> list[Row]:
            table: Any = model.__table__
            return self._rows(select(table).where(table.c.session_id.in_(session_ids)))

        cases = self._rows(select(CaseRow.__table__).where(CaseRow.patient_id.in_(ids)))
        sessions = self._rows(select(SessionRow.__table__).where(SessionRow.case_id.in_(case_ids)))
        measurements = self._rows(
            select(MeasurementRow.__table__).where(MeasurementRow.case_id.in_(case_ids))
        )
        needles = of_sessions(NeedleRow)
        needles.sort(key=lambda row: row["position"])
        events = of_sessions(AdverseEventRow)
        events.sort(key=lambda row: row["id"])
        amendments = of_sessions(AmendmentRow) if self.with_amendments else []
        intakes: list[Row] = []
        if self.with_intakes:
            intakes = self._rows(select(IntakeRow.__table__).where(IntakeRow.patient_id.in_(ids)))
        return PatientBatch(
            patients=patients,
            cases=_grouped(
                sorted(cases, key=lambda r: _sort_key(r, "opened_on", "id")), "patient_id"
            ),
            sessions=_grouped(
                sorted(sessions, key=lambda r: _sort_key(r, "started_at", "id")), "case_id"
            ),
            needles=_grouped(needles, "session_id"),
            adverse_events=_grouped(events, "session_id"),
            amendments=_grouped(
                sorted(amendments, key=lambda r: _sort_key(r, "created_at", "id")), "session_id"
            ),
            measurements=_grouped(
                sorted(measurements, key=lambda r: _sort_key(r, "taken_at", "id")), "case_id"
            ),
            intakes=_grouped(
                sorted(intakes, key=lambda r: _sort_key(r, "submitted_at", "id")), "patient_id"
            ),
        )


# Writing ------------------------------------------------------------------------------------


class StagedFiles:
    """Text files written under temporary names in one folder, renamed into place together.

    :meth:`open` gives a stream for a final name; :meth:`commit` renames every file into place
    (after flushing them to disk); leaving the ``staged_files`` block with an exception removes
    the temporary files and leaves whatever had the final names untouched. Temporary files are
    created readable by their owner only, as is everything holding patient data.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._staged: list[tuple[IO[str], Path, Path]] = []

    def open(self, name: str, *, encoding: str = "utf-8", newline: str | None = None) -> IO[str]:
        """A new text stream that becomes ``folder/name`` on commit."""
        handle, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.folder)
        stream = os.fdopen(handle, "w", encoding=encoding, newline=newline)
        self._staged.append((stream, Path(temporary), self.folder / name))
        return stream

    def commit(self) -> list[Path]:
        """Flush every file to disk and give it its final name; the final paths."""
        for stream, _, _ in self._staged:
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        for _, temporary, final in self._staged:
            os.replace(temporary, final)
        done = [final for _, _, final in self._staged]
        self._staged = []
        return done

    def discard(self) -> None:
        """Close and remove every file not yet committed."""
        for stream, temporary, _ in self._staged:
            stream.close()
            temporary.unlink(missing_ok=True)
        self._staged = []


@contextmanager
def staged_files(folder: Path, *, create: bool = False) -> Iterator[StagedFiles]:
    """:class:`StagedFiles` in ``folder`` (created owner-only when ``create`` and missing)."""
    if create:
        make_private_folder(folder)
    staged = StagedFiles(folder)
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    staged.discard()  # nothing is left when the block committed
