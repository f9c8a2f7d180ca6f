"""Turning a course of stored sessions into report data: pure functions, no database.

``acujournal.services.reporting`` loads the rows; the functions here compute what a reader of a
progress report or patient summary looks for: the pain change from baseline and when it first
became clinically important, the points used most, and the outcome-measure series (the
STRICTA description is in :mod:`acujournal.services.report_stricta`).

Pain over a course is judged on the pain *before* each session: the score after needling shows
the session's immediate effect, while the next session's starting score shows how the patient
did in between, which is what the clinically important change (2 points or 30 % from baseline,
Ostelo 2008) is about.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acujournal.domain import outcomes
from acujournal.domain.catalogue import default_catalogue
from acujournal.domain.model import (
    Case,
    NeedleInsertion,
    OutcomeMeasurement,
    Side,
    TreatmentSession,
)
from acujournal.reports.data import (
    AdverseEventLine,
    AmendmentLine,
    CaseFacts,
    CourseSummary,
    MeasurementLine,
    NeedleLine,
    OutcomeSeries,
    PainChange,
    PainReading,
    PointName,
    PointUse,
    SessionLine,
)

TOP_POINTS = 8
PAIN_INSTRUMENTS = {"back": "NRS_BACK", "leg": "NRS_LEG"}


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone name the system does not know (an old tzdata): UTC is still an honest time.
        return ZoneInfo("UTC")


def local_time(moment: datetime, zone: str) -> datetime:
    """``moment`` in the time zone it was recorded in."""
    return moment.astimezone(_zone(zone))


# Points ------------------------------------------------------------------------------------


def point_name(needle: NeedleInsertion) -> PointName:
    """How a needled point is named in reports, with its catalogue names where it has them."""
    point = default_catalogue().get(needle.point)
    if needle.point in ("ASHI", "FREE"):
        return PointName(
            code=needle.point,
            english=point.english if point is not None else "",
            detail=(needle.region or "").replace("_", " "),
            description=needle.description.strip(),
        )
    detail = needle.spinal_level or ""
    if point is None:
        return PointName(code=needle.point, detail=detail)
    return PointName(
        code=point.code,
        english=point.english,
        pinyin=point.pinyin,
        hanzi=point.hanzi,
        detail=detail,
    )


def needle_line(needle: NeedleInsertion) -> NeedleLine:
    stimulation = needle.stimulation
    return NeedleLine(
        point=point_name(needle),
        side=needle.side,
        depth_mm=needle.depth_mm,
        tissue_level=needle.tissue_level,
        angle=needle.angle,
        gauge_mm=needle.gauge_mm,
        length_mm=needle.length_mm,
        needle_brand=needle.needle_brand,
        method=stimulation.method,
        frequency_hz=stimulation.frequency_hz,
        frequency_high_hz=stimulation.frequency_high_hz,
        intensity_ma=stimulation.intensity_ma,
        waveform=stimulation.waveform,
        response_sought=needle.response_sought,
        deqi=needle.deqi,
        retention_min=needle.retention_min,
    )


def point_uses(sessions: Sequence[SessionLine]) -> tuple[PointUse, ...]:
    """Every point of a course with the number of sessions it was used in, most used first."""
    counts: Counter[PointName] = Counter()
    sides: dict[PointName, set[Side]] = {}
    for session in sessions:
        for name in {needle.point for needle in session.needles}:
            counts[name] += 1
        for needle in session.needles:
            sides.setdefault(needle.point, set()).add(needle.side)
    ordered = sorted(
        counts.items(),
        key=lambda item: (-item[1], item[0].code, item[0].detail, item[0].description),
    )
    return tuple(
        PointUse(point=name, sessions=count, sides=tuple(sorted(sides[name])))
        for name, count in ordered
    )


# Sessions ----------------------------------------------------------------------------------


def session_line(
    number_in_course: int,
    session: TreatmentSession,
    names: dict[uuid.UUID, str],
    *,
    include_internal: bool,
) -> SessionLine:
    """One stored session as a report line; the internal note only when asked for."""
    return SessionLine(
        number=number_in_course,
        started_at=local_time(session.started_at, session.time_zone),
        practitioner=names.get(session.practitioner_id, "unknown practitioner"),
        signed=session.is_signed,
        pain_before_back=session.pain_before.back,
        pain_before_leg=session.pain_before.leg,
        pain_after_back=session.pain_after.back,
        pain_after_leg=session.pain_after.leg,
        needles=tuple(needle_line(n) for n in session.needles),
        co_interventions=tuple(session.co_interventions),
        adverse_events=tuple(
            AdverseEventLine(e.category, e.severity, e.description, e.action)
            for e in session.adverse_events
        ),
        subjective=session.notes.subjective,
        objective=session.notes.objective,
        assessment=session.notes.assessment,
        plan=session.notes.plan,
        patient_advice=session.patient_advice,
        internal_note=session.internal_note if include_internal else "",
        amendments=tuple(
            AmendmentLine(
                author=names.get(a.author_id, "unknown practitioner"),
                written_at=local_time(a.created_at, session.time_zone),
                text=a.text,
            )
            for a in session.amendments
        ),
        sham=session.sham,
    )


def pain_readings(sessions: Sequence[SessionLine]) -> tuple[PainReading, ...]:
    return tuple(
        PainReading(
            number=s.number,
            on=s.started_at.date(),
            before_back=s.pain_before_back,
            before_leg=s.pain_before_leg,
            after_back=s.pain_after_back,
            after_leg=s.pain_after_leg,
        )
        for s in sessions
    )


def pain_change(region: str, readings: Sequence[PainReading]) -> PainChange | None:
    """How pain before sessions moved from the first score to the latest in one region."""
    code = PAIN_INSTRUMENTS[region]
    scored: list[tuple[PainReading, int]] = []
    for reading in readings:
        score = reading.before_back if region == "back" else reading.before_leg
        if score is not None:
            scored.append((reading, score))
    if not scored:
        return None
    (first, baseline), (last, latest) = scored[0], scored[-1]
    limits = outcomes.thresholds_of(code)
    needed = [limits.points] if limits.points is not None else []
    if limits.percent is not None and baseline > 0:
        needed.append(baseline * limits.percent / 100)
    reached = next(
        (
            reading
            for reading, score in scored[1:]
            if outcomes.is_important_improvement(code, baseline, score)
        ),
        None,
    )
    change = outcomes.clinical_change(code, baseline, latest)
    return PainChange(
        region=region,
        baseline=baseline,
        latest=latest,
        baseline_session=first.number,
        latest_session=last.number,
        important_at_or_below=baseline - min(needed) if needed else float(baseline),
        improvement_percent=change.improvement_percent,
        important_now=change.important and last is not first,
        first_important_session=reached.number if reached else None,
        first_important_on=reached.on if reached else None,
    )


def course_summary(
    sessions: Sequence[SessionLine],
) -> tuple[CourseSummary, tuple[PainReading, ...]]:
    """The summary numbers of a course and its pain readings (for the chart)."""
    readings = pain_readings(sessions)
    first_on = sessions[0].started_at.date() if sessions else None
    last_on = sessions[-1].started_at.date() if sessions else None
    per_week: float | None = None
    if first_on is not None and last_on is not None and len(sessions) > 1:
        days = (last_on - first_on).days
        # Intervals per week: a weekly course of 6 sessions over 35 days is 1.0, not 1.2.
        per_week = (len(sessions) - 1) * 7 / days if days > 0 else None
    changes = tuple(
        change for region in ("back", "leg") if (change := pain_change(region, readings))
    )
    summary = CourseSummary(
        session_count=len(sessions),
        first_on=first_on,
        last_on=last_on,
        sessions_per_week=per_week,
        top_points=point_uses(sessions)[:TOP_POINTS],
        pain=changes,
    )
    return summary, readings


def case_facts(case: Case) -> CaseFacts:
    return CaseFacts(
        title=case.title,
        condition=case.condition,
        side=case.side.value if case.side.value != "unknown" else "",
        suspected_cause=case.suspected_cause,
        onset_date=case.onset_date,
        radiation=case.radiation.value.replace("_", " ") if case.radiation else "",
        numbness=case.numbness,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
    )


# Outcome measures --------------------------------------------------------------------------


def _score_of(measurement: OutcomeMeasurement) -> float | None:
    if measurement.score is not None:
        return measurement.score
    try:
        return outcomes.score(measurement.instrument, measurement.answers, measurement.value)
    except outcomes.ScoringError:
        return measurement.value


def outcome_series(measurements: Sequence[OutcomeMeasurement]) -> tuple[OutcomeSeries, ...]:
    """The scored measurements of a course, one series per instrument, oldest first."""
    grouped: dict[str, list[tuple[datetime, MeasurementLine]]] = {}
    for m in sorted(measurements, key=lambda m: m.taken_at):
        value = _score_of(m)
        if value is None:
            continue
        known = outcomes.INSTRUMENTS.get(m.instrument)
        line = MeasurementLine(
            instrument=m.instrument,
            instrument_name=known.name if known else m.instrument,
            taken_on=local_time(m.taken_at, m.time_zone).date(),
            score=value,
            unit=known.unit if known else "",
            note=m.note,
        )
        grouped.setdefault(m.instrument, []).append((m.taken_at, line))
    series: list[OutcomeSeries] = []
    for code, items in grouped.items():
        known = outcomes.INSTRUMENTS.get(code)
        first_on: date | None = None
        if known is not None:
            try:
                moment = outcomes.first_important_improvement(
                    code, [(taken, line.score) for taken, line in items]
                )
            except outcomes.ScoringError:  # no agreed threshold (SBI, PPT): nothing to mark
                moment = None
            if moment is not None:
                first_on = next(line.taken_on for taken, line in items if taken == moment)
        scores = [line.score for _, line in items]
        series.append(
            OutcomeSeries(
                instrument=code,
                name=known.name if known else code,
                unit=known.unit if known else "",
                minimum=known.minimum if known else min(0.0, *scores),
                maximum=known.maximum if known else None,
                lower_is_better=known.better == "lower" if known else True,
                readings=tuple(line for _, line in items),
                first_important_on=first_on,
            )
        )
    return tuple(series)
