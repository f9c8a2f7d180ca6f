"""Build the data of the practitioner's progress report and the patient's summary.

Each report is read in one read-only unit of work with a handful of queries (settings,
patient, cases, practitioners, the sessions with their needles, adverse events and addenda,
measurements), then turned into the frozen dataclasses of :mod:`acujournal.reports.data` by
the pure functions of :mod:`acujournal.services.report_course`. Render the result with
``acujournal.reports.progress.ProgressReportRenderer`` or
``acujournal.reports.summary.PatientSummaryRenderer``; the clinic report lives in
:mod:`acujournal.services.clinic_stats`.

A report is about one patient only: every query is filtered by that patient's cases, so
nothing of another patient can reach it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from acujournal.domain.model import (
    AdverseEventCategory,
    Case,
    OutcomeMeasurement,
    Practitioner,
    StimulationMethod,
)
from acujournal.domain.needle_sizes import needle_size_names_from
from acujournal.reports.data import (
    DEFAULT_CLINIC_NAME,
    AdviceLine,
    ClinicHeader,
    PatientCourse,
    PatientFacts,
    PatientSummaryData,
    ProgressCourse,
    ProgressReportData,
    SessionLine,
)
from acujournal.services import report_course
from acujournal.services.report_stricta import stricta_facts
from acujournal.services.unit_of_work import read_only
from acujournal.storage import mapping
from acujournal.storage.db import Database
from acujournal.storage.models import MeasurementRow, SessionRow, SettingRow
from acujournal.storage.repository import JournalRepository

CLINIC_NAME_KEY = "clinic.name"
CLINIC_ADDRESS_KEY = "clinic.address"
CLINIC_LOGO_KEY = "clinic.logo_path"
NEEDLE_SIZES_KEY = "display.needle_sizes"
MAX_LOGO_BYTES = 4 * 1024 * 1024
MAX_ADVICE_LINES = 6


class ReportError(ValueError):
    """A report cannot be made as asked (the message says why in one sentence)."""


# Clinic settings ---------------------------------------------------------------------------


def read_clinic_header(session: Session) -> ClinicHeader:
    """The clinic's name, address and logo from the ``settings`` table.

    Missing or malformed settings fall back to "AcuJournal clinic", no address and no logo. The
    logo is read only from a local file of sensible size: a URL or a missing file is ignored,
    so making a report never reaches out to the network.
    """
    keys = (CLINIC_NAME_KEY, CLINIC_ADDRESS_KEY, CLINIC_LOGO_KEY, NEEDLE_SIZES_KEY)
    query = select(SettingRow.key, SettingRow.value).where(SettingRow.key.in_(keys))
    values: dict[str, Any] = dict(session.execute(query).all())
    name = values.get(CLINIC_NAME_KEY)
    address = values.get(CLINIC_ADDRESS_KEY)
    return ClinicHeader(
        name=name if isinstance(name, str) and name.strip() else DEFAULT_CLINIC_NAME,
        address=address if isinstance(address, str) else "",
        logo=_read_logo(values.get(CLINIC_LOGO_KEY)),
        needle_sizes=needle_size_names_from(values.get(NEEDLE_SIZES_KEY)),
    )


def _read_logo(setting: object) -> bytes | None:
    if not isinstance(setting, str) or not setting.strip() or "://" in setting:
        return None
    path = Path(setting).expanduser()
    try:
        if not path.is_file() or path.stat().st_size > MAX_LOGO_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


# Loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LoadedCourse:
    case: Case
    sessions: tuple[SessionLine, ...]
    practitioner_ids: tuple[uuid.UUID, ...]
    measurements: tuple[OutcomeMeasurement, ...]


@dataclass(frozen=True)
class _Loaded:
    clinic: ClinicHeader
    patient_name: str
    birth_date: date | None
    courses: tuple[_LoadedCourse, ...]
    practitioners: tuple[Practitioner, ...]


def _utc_bounds(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime]:
    # Sessions are stored in UTC but a period is in local dates: query a day wider on each side
    # (no zone is more than 14 hours off UTC), then keep what falls in the period locally.
    low = datetime.combine(date_from - timedelta(days=1), time(), UTC) if date_from else None
    high = datetime.combine(date_to + timedelta(days=2), time(), UTC) if date_to else None
    return (low or datetime.min.replace(tzinfo=UTC), high or datetime.max.replace(tzinfo=UTC))


def _in_period(day: date, date_from: date | None, date_to: date | None) -> bool:
    return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)


def _check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ReportError(f"The period starts ({date_from}) after it ends ({date_to}).")


def _load(
    db: Database,
    patient_id: uuid.UUID,
    case_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
    include_internal: bool,
) -> _Loaded:
    _check_period(date_from, date_to)
    with read_only(db) as repo:
        patient = repo.get_patient(patient_id)
        cases = _cases(repo, patient_id, case_id)
        practitioners = repo.practitioners()
        names = {p.id: p.name for p in practitioners}
        low, high = _utc_bounds(date_from, date_to)
        case_ids = [c.id for c in cases]
        session_rows = repo.session.scalars(
            select(SessionRow)
            .where(SessionRow.case_id.in_(case_ids))
            .where(SessionRow.started_at >= low, SessionRow.started_at < high)
            .order_by(SessionRow.started_at)
        ).all()
        measurement_rows = repo.session.scalars(
            select(MeasurementRow)
            .where(MeasurementRow.case_id.in_(case_ids))
            .where(MeasurementRow.taken_at >= low, MeasurementRow.taken_at < high)
            .order_by(MeasurementRow.taken_at)
        ).all()
        stored_sessions = [mapping.session_from_row(row) for row in session_rows]
        measurements = [mapping.measurement_from_row(row) for row in measurement_rows]
        clinic = read_clinic_header(repo.session)
    courses: list[_LoadedCourse] = []
    for case in cases:
        own = [
            s
            for s in stored_sessions
            if s.case_id == case.id
            and _in_period(
                report_course.local_time(s.started_at, s.time_zone).date(), date_from, date_to
            )
        ]
        own_measurements = tuple(
            m
            for m in measurements
            if m.case_id == case.id
            and _in_period(
                report_course.local_time(m.taken_at, m.time_zone).date(), date_from, date_to
            )
        )
        if not own and not own_measurements and case_id is None:
            continue  # a case untouched in the period has nothing to report
        lines = tuple(
            report_course.session_line(i, s, names, include_internal=include_internal)
            for i, s in enumerate(own, start=1)
        )
        courses.append(
            _LoadedCourse(
                case=case,
                sessions=lines,
                practitioner_ids=tuple(s.practitioner_id for s in own),
                measurements=own_measurements,
            )
        )
    # Oldest case first, so a patient's history reads forwards.
    courses.sort(key=lambda c: c.sessions[0].started_at.date() if c.sessions else date.max)
    return _Loaded(
        clinic=clinic,
        patient_name=patient.name,
        birth_date=patient.birth_date,
        courses=tuple(courses),
        practitioners=tuple(practitioners),
    )


def _cases(repo: JournalRepository, patient_id: uuid.UUID, case_id: uuid.UUID | None) -> list[Case]:
    if case_id is None:
        return repo.cases_of_patient(patient_id)
    case = repo.get_case(case_id)
    if case.patient_id != patient_id:
        raise ReportError(f"Case {case_id} belongs to another patient.")
    return [case]


def _now() -> datetime:
    # The local wall-clock time, because that is what the reader expects on the page.
    return datetime.now().astimezone()


# Progress report ---------------------------------------------------------------------------


def build_progress_report(
    db: Database,
    patient_id: uuid.UUID,
    *,
    case_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    include_internal: bool = False,
    generated_at: datetime | None = None,
) -> ProgressReportData:
    """The data of a practitioner's progress report.

    For one case (``case_id``) or every case of the patient with sessions in the period
    (``date_from``/``date_to``, local dates, both inclusive, both optional). Internal notes are
    included only with ``include_internal=True``. Raises ``NotFoundError`` for an unknown
    patient or case, and :class:`ReportError` for a case of another patient or a period that
    ends before it starts. A period without sessions gives a report that says so.
    """
    loaded = _load(db, patient_id, case_id, date_from, date_to, include_internal)
    courses = []
    for course in loaded.courses:
        summary, readings = report_course.course_summary(course.sessions)
        courses.append(
            ProgressCourse(
                case=report_course.case_facts(course.case),
                summary=summary,
                readings=readings,
                sessions=course.sessions,
                outcomes=report_course.outcome_series(course.measurements),
                stricta=stricta_facts(
                    course.case, course.sessions, loaded.practitioners, course.practitioner_ids
                ),
            )
        )
    return ProgressReportData(
        clinic=loaded.clinic,
        generated_at=generated_at or _now(),
        patient=PatientFacts(loaded.patient_name, loaded.birth_date),
        courses=tuple(courses),
        period_from=date_from,
        period_to=date_to,
        include_internal=include_internal,
    )


# Patient summary ---------------------------------------------------------------------------


def _advice(sessions: Sequence[SessionLine]) -> tuple[AdviceLine, ...]:
    """The practitioner's advice, newest first, each distinct text once."""
    seen: set[str] = set()
    lines: list[AdviceLine] = []
    for session in reversed(sessions):
        text = session.patient_advice.strip()
        if text and text not in seen:
            seen.add(text)
            lines.append(AdviceLine(session.started_at.date(), text))
        if len(lines) == MAX_ADVICE_LINES:
            break
    return tuple(lines)


def _patient_course(course: _LoadedCourse) -> PatientCourse:
    sessions = course.sessions
    summary, readings = report_course.course_summary(sessions)
    retentions = [n.retention_min for s in sessions for n in s.needles if n.retention_min]
    reactions: list[tuple[date, AdverseEventCategory]] = [
        (s.started_at.date(), e.category) for s in sessions for e in s.adverse_events
    ]
    return PatientCourse(
        title=course.case.title,
        summary=summary,
        readings=readings,
        points=report_course.point_uses(sessions)[:12],
        retention_min=min(retentions, default=None),
        retention_max=max(retentions, default=None),
        electro=any(n.method is StimulationMethod.ELECTRO for s in sessions for n in s.needles),
        co_interventions=tuple(
            dict.fromkeys(c.strip() for s in sessions for c in s.co_interventions if c.strip())
        ),
        advice=_advice(sessions),
        reactions=tuple(reactions),
        practitioners=tuple(dict.fromkeys(s.practitioner for s in sessions)),
        closed=course.case.closed_on is not None,
    )


def build_patient_summary(
    db: Database,
    patient_id: uuid.UUID,
    *,
    case_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    generated_at: datetime | None = None,
) -> PatientSummaryData:
    """The data of a patient's plain-language summary: never SOAP or internal notes.

    Same choice of cases and period as :func:`build_progress_report`.
    """
    loaded = _load(db, patient_id, case_id, date_from, date_to, include_internal=False)
    return PatientSummaryData(
        clinic=loaded.clinic,
        generated_at=generated_at or _now(),
        patient_name=loaded.patient_name,
        courses=tuple(_patient_course(c) for c in loaded.courses if c.sessions),
        period_from=date_from,
        period_to=date_to,
    )
