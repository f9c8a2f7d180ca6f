"""The change that matters, per case: baseline, latest, change, and when it became important.

For every outcome instrument measured in a case (NRS back and leg, VAS, ODI, RMDQ, SBI, PPT
and the clinic's own measures) this gives one :class:`InstrumentProgress`: the readings on
one timeline (the intake's baseline, the pain scored before each session, measurements taken
at sessions, and follow-ups weeks or months after the last session), the baseline (the first
reading), the latest reading, the change, and whether and when a clinically important
improvement was first reached. The thresholds are the instrument's own (Ostelo 2008, see
:mod:`acujournal.domain.outcomes`) unless the clinic set its own in the settings.

:func:`case_progress` is a pure function of data the patient page already has;
:func:`case_progress_of` loads that data for one case.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from acujournal.domain import outcomes
from acujournal.domain.model import OutcomeMeasurement
from acujournal.domain.outcomes import Instrument, ScoringError, Thresholds
from acujournal.services import settings
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database
from acujournal.storage.repository import SessionSummary

SESSION_PAIN = {"NRS_BACK": "pain_before_back", "NRS_LEG": "pain_before_leg"}
"""Session fields that are readings of an instrument: the pain scored on arrival."""


@dataclass(frozen=True, slots=True)
class ProgressReading:
    """One reading on a case's timeline.

    ``follow_up`` marks readings after the case's last session (the long-term effect);
    ``session_id`` is the session the reading belongs to, if any.
    """

    taken_at: datetime
    score: float
    follow_up: bool = False
    session_id: uuid.UUID | None = None
    measurement_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class InstrumentProgress:
    """How one instrument moved over a case.

    ``improvement`` is positive when the patient is better, whatever the instrument's
    direction. ``thresholds`` is None when the instrument has no agreed minimal important
    change and the clinic set none; then ``important_now`` and ``first_important_at`` say
    nothing (None) and there is no ``important_at`` score.
    """

    instrument: str
    name: str
    unit: str
    minimum: float
    maximum: float | None
    lower_is_better: bool
    readings: tuple[ProgressReading, ...]
    thresholds: Thresholds | None
    improvement: float
    improvement_percent: float | None
    important_now: bool | None
    first_important_at: datetime | None
    important_at: float | None
    """The score at which an improvement on the baseline becomes important (the nearer of the
    points and percent thresholds), or None."""
    recovered: bool

    @property
    def baseline(self) -> ProgressReading:
        return self.readings[0]

    @property
    def latest(self) -> ProgressReading:
        return self.readings[-1]

    @property
    def follow_ups(self) -> tuple[ProgressReading, ...]:
        return tuple(r for r in self.readings if r.follow_up)


@dataclass(frozen=True, slots=True)
class CaseProgress:
    """Every instrument measured in a case, in a fixed order (built-in ones first)."""

    case_id: uuid.UUID | None
    instruments: tuple[InstrumentProgress, ...]
    last_session_at: datetime | None

    def of(self, code: str) -> InstrumentProgress | None:
        """The progress of one instrument, or None when it was never measured."""
        return next((p for p in self.instruments if p.instrument == code), None)


def _score(m: OutcomeMeasurement, known: Mapping[str, Instrument]) -> float | None:
    if m.score is not None:
        return m.score
    try:
        return outcomes.score(m.instrument, m.answers, m.value, known=known)
    except ScoringError:
        return None


def _important_at(
    baseline: float, limits: Thresholds, lower_is_better: bool, inst: Instrument
) -> float | None:
    steps = [limits.points] if limits.points is not None else []
    if limits.percent is not None and baseline > 0:
        steps.append(baseline * limits.percent / 100)
    if not steps:
        return None
    target = baseline - min(steps) if lower_is_better else baseline + min(steps)
    # A band reaching past the end of the scale still ends at the scale's end.
    if inst.maximum is not None:
        target = min(target, inst.maximum)
    return round(max(target, inst.minimum), 6)


def _progress(
    inst: Instrument,
    readings: list[ProgressReading],
    override: Thresholds | None,
    known: Mapping[str, Instrument],
) -> InstrumentProgress:
    readings.sort(key=lambda r: r.taken_at)
    baseline, latest = readings[0].score, readings[-1].score
    lower = inst.better == "lower"
    try:
        limits: Thresholds | None = outcomes.thresholds_of(inst.code, override, known=known)
    except ScoringError:
        limits = None
    improvement = baseline - latest if lower else latest - baseline
    percent = improvement / baseline * 100 if baseline > 0 else None
    important_now: bool | None = None
    first: datetime | None = None
    important_at: float | None = None
    if limits is not None:
        change = outcomes.clinical_change(inst.code, baseline, latest, limits, known=known)
        important_now = change.important and len(readings) > 1
        first = outcomes.first_important_improvement(
            inst.code, [(r.taken_at, r.score) for r in readings], limits, known=known
        )
        important_at = _important_at(baseline, limits, lower, inst)
    return InstrumentProgress(
        instrument=inst.code,
        name=inst.name,
        unit=inst.unit,
        minimum=inst.minimum,
        maximum=inst.maximum,
        lower_is_better=lower,
        readings=tuple(readings),
        thresholds=limits,
        improvement=improvement,
        improvement_percent=percent,
        important_now=important_now,
        first_important_at=first,
        important_at=important_at,
        recovered=inst.recovered_at_or_below is not None and latest <= inst.recovered_at_or_below,
    )


def case_progress(
    measurements: Sequence[OutcomeMeasurement],
    sessions: Sequence[SessionSummary] = (),
    *,
    case_id: uuid.UUID | None = None,
    thresholds: Mapping[str, Thresholds] | None = None,
    clinic_measures: Mapping[str, Instrument] | None = None,
) -> CaseProgress:
    """The progress of one case from its measurements and sessions (pure, no database).

    The pain scored before each session counts as an NRS reading, unless a measurement of
    the same instrument was taken at that session. Measurements of instruments neither
    built in nor defined by the clinic, and readings that cannot be scored, are left out.
    """
    known = dict(clinic_measures or {})
    overrides = thresholds or {}
    last_session = max((s.started_at for s in sessions), default=None)

    def follow_up(moment: datetime, session_id: uuid.UUID | None) -> bool:
        return session_id is None and last_session is not None and moment > last_session

    series: dict[str, list[ProgressReading]] = {}
    measured_at: set[tuple[str, uuid.UUID]] = set()
    for m in measurements:
        score = _score(m, known)
        if score is None or (
            m.instrument not in outcomes.INSTRUMENTS and m.instrument not in known
        ):
            continue
        series.setdefault(m.instrument, []).append(
            ProgressReading(
                m.taken_at, score, follow_up(m.taken_at, m.session_id), m.session_id, m.id
            )
        )
        if m.session_id is not None:
            measured_at.add((m.instrument, m.session_id))
    for session in sessions:
        for code, attribute in SESSION_PAIN.items():
            value = getattr(session, attribute)
            if value is not None and (code, session.id) not in measured_at:
                series.setdefault(code, []).append(
                    ProgressReading(session.started_at, float(value), session_id=session.id)
                )
    order = [*outcomes.INSTRUMENTS, *sorted(known)]
    return CaseProgress(
        case_id=case_id,
        instruments=tuple(
            _progress(outcomes.instrument(code, known), series[code], overrides.get(code), known)
            for code in order
            if code in series
        ),
        last_session_at=last_session,
    )


def case_progress_of(db: Database, case_id: uuid.UUID) -> CaseProgress:
    """Load one case's sessions, measurements and the clinic's thresholds and measures."""
    thresholds = settings.get_outcome_thresholds(db)
    measures = settings.get_clinic_measures(db)
    with read_only(db) as repo:
        patient_id = repo.patient_id_of_case(case_id)
        sessions = [s for s in repo.session_history(patient_id) if s.case_id == case_id]
        measurements = repo.measurements_of_case(case_id)
    return case_progress(
        measurements,
        sessions,
        case_id=case_id,
        thresholds=thresholds,
        clinic_measures=measures,
    )
