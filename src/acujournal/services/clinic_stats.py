"""Build the data of the clinic manager's report for a period, aggregated in the database.

A year of a busy clinic is thousands of sessions; loading them would take seconds and memory
for numbers the database adds up in milliseconds. So every figure here is one ``GROUP BY``
query (six in all), and only counts, one row per treated case, and the list of forgotten
needles come back to Python.

Days and months are counted in UTC: the sessions table stores UTC, and a clinic treats during
the day, when the calendar date is the same in UTC and locally for every European and most
other clinics. (A session at 00:30 local time east of Greenwich would count on the day before.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, select
from sqlalchemy.orm import Session, aliased

from acujournal.domain import outcomes
from acujournal.domain.model import AdverseEventCategory, Severity
from acujournal.reports.clinic_data import (
    AdverseEventCount,
    ClinicReportData,
    ConditionOutcome,
    ForgottenNeedle,
    MonthCount,
)
from acujournal.services.report_course import local_time
from acujournal.services.reporting import ReportError, read_clinic_header
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database
from acujournal.storage.models import (
    AdverseEventRow,
    CaseRow,
    PractitionerRow,
    SessionRow,
)


def _month_of(column: Any, dialect: str) -> ColumnElement[str]:
    """A "YYYY-MM" expression of a UTC timestamp column, in the database's own dialect."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    raise ReportError(f"The clinic report does not support {dialect} databases.")


def months_between(first: date, last: date) -> Iterator[str]:
    """Every calendar month from ``first`` to ``last`` as "YYYY-MM"."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _main_region_improved(
    back: int | None, leg: int | None, best_back: int | None, best_leg: int | None
) -> bool | None:
    """Whether a case's main complaint improved importantly; None when it cannot be judged.

    The main complaint is the region with the higher baseline (leg on a tie, as sciatica trials
    report leg pain); "improved" means some later session started 2 points or 30 % lower.
    """
    if leg is not None and (back is None or leg >= back):
        code, baseline, best = "NRS_LEG", leg, best_leg
    elif back is not None:
        code, baseline, best = "NRS_BACK", back, best_back
    else:
        return None
    if best is None:
        return None
    return outcomes.is_important_improvement(code, baseline, best)


def _conditions(session: Session, start: datetime, end: datetime) -> tuple[ConditionOutcome, ...]:
    in_period = and_(SessionRow.started_at >= start, SessionRow.started_at < end)
    active = select(SessionRow.case_id).where(in_period).distinct()
    first = (
        select(SessionRow.case_id, func.min(SessionRow.started_at).label("first_at"))
        .where(SessionRow.case_id.in_(active))
        .group_by(SessionRow.case_id)
        .subquery()
    )
    baseline = aliased(SessionRow)
    later = aliased(SessionRow)
    rows = session.execute(
        select(
            CaseRow.id,
            CaseRow.condition,
            baseline.pain_before_back,
            baseline.pain_before_leg,
            func.min(later.pain_before_back),
            func.min(later.pain_before_leg),
        )
        .select_from(first)
        .join(CaseRow, CaseRow.id == first.c.case_id)
        .join(
            baseline,
            and_(baseline.case_id == first.c.case_id, baseline.started_at == first.c.first_at),
        )
        .outerjoin(
            later,
            and_(
                later.case_id == first.c.case_id,
                later.started_at > first.c.first_at,
                later.started_at < end,
            ),
        )
        .group_by(
            CaseRow.id, CaseRow.condition, baseline.pain_before_back, baseline.pain_before_leg
        )
    ).all()
    tally: dict[str, list[int]] = {}
    seen: set[uuid.UUID] = set()
    for case_id, condition, back, leg, best_back, best_leg in rows:
        if case_id in seen:  # two sessions sharing the first start time: count the case once
            continue
        seen.add(case_id)
        counts = tally.setdefault(condition.strip() or "not stated", [0, 0, 0])
        counts[0] += 1
        improved = _main_region_improved(back, leg, best_back, best_leg)
        if improved is not None:
            counts[1] += 1
            counts[2] += improved
    return tuple(
        ConditionOutcome(condition, cases, with_scores, improved)
        for condition, (cases, with_scores, improved) in sorted(
            tally.items(), key=lambda item: (-item[1][0], item[0])
        )
    )


def build_clinic_report(
    db: Database,
    date_from: date,
    date_to: date,
    *,
    generated_at: datetime | None = None,
) -> ClinicReportData:
    """The data of the clinic report for ``date_from``-``date_to`` (inclusive).

    Sessions and new patients (first session ever in the period) per practitioner and month,
    patients seen, cases treated by condition with the share reaching a clinically important
    improvement, adverse events by category and severity, and every forgotten needle.
    """
    if date_from > date_to:
        raise ReportError(f"The period starts ({date_from}) after it ends ({date_to}).")
    start = datetime.combine(date_from, time(), UTC)
    end = datetime.combine(date_to + timedelta(days=1), time(), UTC)
    in_period = and_(SessionRow.started_at >= start, SessionRow.started_at < end)
    with read_only(db) as repo:
        session = repo.session
        month = _month_of(SessionRow.started_at, session.get_bind().dialect.name)
        names: dict[uuid.UUID, str] = dict(
            session.execute(select(PractitionerRow.id, PractitionerRow.name)).all()
        )
        per_month = session.execute(
            select(SessionRow.practitioner_id, month, func.count())
            .where(in_period)
            .group_by(SessionRow.practitioner_id, month)
        ).all()
        patients_seen = session.scalar(
            select(func.count(distinct(CaseRow.patient_id)))
            .select_from(SessionRow)
            .join(CaseRow, SessionRow.case_id == CaseRow.id)
            .where(in_period)
        )
        first_visit = (
            select(
                CaseRow.patient_id.label("patient_id"),
                func.min(SessionRow.started_at).label("first_at"),
            )
            .join(CaseRow, SessionRow.case_id == CaseRow.id)
            .group_by(CaseRow.patient_id)
            .subquery()
        )
        new_per_month = session.execute(
            select(SessionRow.practitioner_id, month, func.count(distinct(CaseRow.patient_id)))
            .join(CaseRow, SessionRow.case_id == CaseRow.id)
            .join(
                first_visit,
                and_(
                    first_visit.c.patient_id == CaseRow.patient_id,
                    first_visit.c.first_at == SessionRow.started_at,
                ),
            )
            .where(in_period)
            .group_by(SessionRow.practitioner_id, month)
        ).all()
        events = session.execute(
            select(AdverseEventRow.category, AdverseEventRow.severity, func.count())
            .join(SessionRow, AdverseEventRow.session_id == SessionRow.id)
            .where(in_period)
            .group_by(AdverseEventRow.category, AdverseEventRow.severity)
        ).all()
        forgotten_rows = session.execute(
            select(
                SessionRow.started_at,
                SessionRow.time_zone,
                SessionRow.practitioner_id,
                AdverseEventRow.severity,
                AdverseEventRow.action,
            )
            .join(SessionRow, AdverseEventRow.session_id == SessionRow.id)
            .where(in_period, AdverseEventRow.category == AdverseEventCategory.FORGOTTEN_NEEDLE)
            .order_by(SessionRow.started_at)
        ).all()
        conditions = _conditions(session, start, end)
        clinic = read_clinic_header(session)

    counts: dict[tuple[str, str], list[int]] = {}
    for practitioner_id, month_text, sessions in per_month:
        name = names.get(practitioner_id, "unknown practitioner")
        counts.setdefault((month_text, name), [0, 0])[0] += sessions
    for practitioner_id, month_text, patients in new_per_month:
        name = names.get(practitioner_id, "unknown practitioner")
        counts.setdefault((month_text, name), [0, 0])[1] += patients
    practitioners = tuple(sorted({name for _, name in counts}, key=str.casefold))
    by_category: dict[str, dict[str, int]] = {}
    for category, severity, count in events:
        by_category.setdefault(category, {})[severity] = count
    adverse = tuple(
        AdverseEventCount(
            category=category,
            mild=by_category.get(category.value, {}).get(Severity.MILD.value, 0),
            moderate=by_category.get(category.value, {}).get(Severity.MODERATE.value, 0),
            severe=by_category.get(category.value, {}).get(Severity.SEVERE.value, 0),
        )
        for category in AdverseEventCategory
    )
    return ClinicReportData(
        clinic=clinic,
        generated_at=generated_at or datetime.now().astimezone(),
        period_from=date_from,
        period_to=date_to,
        months=tuple(months_between(date_from, date_to)),
        practitioners=practitioners,
        month_counts=tuple(
            MonthCount(month_text, name, sessions, new)
            for (month_text, name), (sessions, new) in sorted(counts.items())
        ),
        sessions=sum(sessions for _, _, sessions in per_month),
        patients_seen=patients_seen or 0,
        new_patients=sum(patients for _, _, patients in new_per_month),
        conditions=conditions,
        adverse_events=adverse,
        forgotten_needles=tuple(
            ForgottenNeedle(
                on=local_time(started_at, zone).date(),
                practitioner=names.get(practitioner_id, "unknown practitioner"),
                severity=Severity(severity),
                action=action,
            )
            for started_at, zone, practitioner_id, severity, action in forgotten_rows
        ),
    )
