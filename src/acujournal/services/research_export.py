"""A de-identified cohort for practice-based research: one row per course of treatment.

Each row describes a course (a case with at least one session) the way STRICTA 2010 asks a
description of acupuncture to (points with the number of sessions each was used in, depth
range, needles, stimulation, retention, number and frequency of sessions, sham) and its
outcomes (baseline, end of course, follow-ups about 1, 3 and 6 months later, and whether a
clinically important improvement was reached, by the thresholds of
:mod:`acujournal.domain.outcomes` or the clinic's own). ``codebook.md`` describes every column.

What is done so that no row points back at a person:

- no names, contact details, free text or ids of the journal: participants, courses and
  practitioners get pseudonyms (P001, C001, T1) drawn at random for each export, so two
  exports cannot be linked through them;
- a birth date becomes a 10-year age band at the start of the course (90 and over together);
- every date is moved by a random whole number of weeks, 100 to 200 years into the future,
  different for each participant: intervals and weekdays stay true, calendar dates do not;
- labels typed by the clinic (condition, co-interventions) are shown only when at least
  :data:`MIN_GROUP` participants of the export share them, else as "other";
- rows are in random order.

Whoever receives a cohort should still look at small groups (a rare condition, a very old
participant) before publishing anything.
"""

from __future__ import annotations

import os
import random
import statistics
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from acujournal.domain import outcomes
from acujournal.domain.catalogue import BODY_REGIONS
from acujournal.domain.model import OutcomeMeasurement
from acujournal.services import settings
from acujournal.services.audit import record_export
from acujournal.services.csv_export import open_table
from acujournal.services.export_rows import (
    JournalBatches,
    PatientBatch,
    Row,
    local_day,
    staged_files,
)
from acujournal.services.outcome_progress import CaseProgress, InstrumentProgress, case_progress
from acujournal.services.research_columns import FOLLOW_UPS, MIN_GROUP, codebook, cohort_columns
from acujournal.services.unit_of_work import read_only
from acujournal.storage.db import Database
from acujournal.storage.repository import SessionSummary

SHIFT_WEEKS = (100 * 52, 200 * 52)
"""Range of the random date shift, in weeks (about 100 to 200 years)."""


class ResearchExportError(ValueError):
    """A research export that cannot be made as asked (one sentence)."""


@dataclass(frozen=True, slots=True)
class CohortFilter:
    """Which courses go into a cohort: by condition, and by the day of the first session."""

    condition: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def takes(self, case: Row, first_day: date) -> bool:
        if self.condition is not None and (
            case["condition"].strip().casefold() != self.condition.strip().casefold()
        ):
            return False
        if self.date_from is not None and first_day < self.date_from:
            return False
        return self.date_to is None or first_day <= self.date_to


@dataclass(frozen=True, slots=True)
class ResearchExportReport:
    """What a research export wrote."""

    folder: Path
    files: tuple[Path, ...]
    courses: int
    participants: int


def age_band(birth: date | None, on: date) -> str | None:
    """The 10-year band of the age on ``on``: "40-49"; "90+" from 90 on; None without a date."""
    if birth is None:
        return None
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age >= 90:
        return "90+"
    low = max(0, age) // 10 * 10
    return f"{low}-{low + 9}"


def _numbers(values: Sequence[float]) -> str:
    return "; ".join(_num(v) for v in sorted(set(values)))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _counts(counter: Counter[str]) -> str:
    ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return "; ".join(f"{name} x{count}" for name, count in ordered)


def _point_name(needle: Row) -> str:
    # Only coded parts: the description of an Ashi or free point is the practitioner's text.
    code = needle["point"]
    if code == "EX-B2" and needle["spinal_level"]:
        return f"EX-B2 {needle['spinal_level']}"
    # The region is typed text too; only the catalogue's coded regions are shown.
    if code in ("ASHI", "FREE") and needle["region"] in BODY_REGIONS:
        return f"{code} {needle['region']}"
    return str(code)


class _Course:
    """One course read from the journal, before pseudonyms are given out."""

    def __init__(self, patient: Row, case: Row, sessions: list[Row], first_day: date) -> None:
        self.patient_id: uuid.UUID = patient["id"]
        self.birth_date: date | None = patient["birth_date"]
        self.case = case
        self.sessions = sessions
        self.first_day = first_day
        self.practitioner_id: uuid.UUID = sessions[0]["practitioner_id"]
        self.co_interventions: Counter[str] = Counter()
        self.values: dict[str, object] = {}


class _CohortBuilder:
    def __init__(
        self,
        practitioners: Mapping[uuid.UUID, Row],
        known: Mapping[str, outcomes.Instrument],
        thresholds: Mapping[str, outcomes.Thresholds],
        chosen: CohortFilter,
    ) -> None:
        self.practitioners = practitioners
        self.known = known
        self.thresholds = thresholds
        self.filter = chosen
        self.courses: list[_Course] = []

    def batch(self, batch: PatientBatch) -> None:
        for patient in batch.patients:
            for case in batch.cases.get(patient["id"], []):
                sessions = batch.sessions.get(case["id"], [])
                if not sessions:
                    continue
                first_day = local_day(sessions[0]["started_at"], sessions[0]["time_zone"])
                if not self.filter.takes(case, first_day):
                    continue
                course = _Course(patient, case, sessions, first_day)
                self._describe(course, batch)
                self._outcomes(course, batch.measurements.get(case["id"], []))
                self.courses.append(course)

    def _describe(self, course: _Course, batch: PatientBatch) -> None:
        """STRICTA items of the course, and its adverse events."""
        sessions, case = course.sessions, course.case
        needles = [n for s in sessions for n in batch.needles.get(s["id"], [])]
        events = [e for s in sessions for e in batch.adverse_events.get(s["id"], [])]
        days = [local_day(s["started_at"], s["time_zone"]) for s in sessions]
        span = (days[-1] - days[0]).days
        insertions = [
            sum(2 if n["side"] == "bilateral" else 1 for n in batch.needles.get(s["id"], []))
            for s in sessions
        ]
        treating = Counter(s["practitioner_id"] for s in sessions).most_common(1)[0][0]
        practitioner = self.practitioners.get(treating)
        style = case["style"] or (practitioner["style"] if practitioner is not None else None)
        uses: Counter[str] = Counter()
        for s in sessions:
            uses.update({_point_name(n) for n in batch.needles.get(s["id"], [])})
        depths = [n["depth_mm"] for n in needles if n["depth_mm"] is not None]
        retention = [n["retention_min"] for n in needles if n["retention_min"] is not None]
        intensity = [n["intensity_ma"] for n in needles if n["intensity_ma"] is not None]
        deqi = [n["deqi"] for n in needles if n["deqi"] is not None]
        frequencies = {
            _num(n["frequency_hz"])
            + ("" if n["frequency_high_hz"] is None else f"/{_num(n['frequency_high_hz'])}")
            for n in needles
            if n["method"] == "electro" and n["frequency_hz"] is not None
        }
        sham = sum(1 for s in sessions if s["sham"])
        course.values |= {
            "case_side": case["side"],
            "radiation": case["radiation"],
            "numbness": case["numbness"],
            "style": style,
            "practitioner_years": None
            if practitioner is None
            else practitioner["years_in_practice"],
            "sessions": len(sessions),
            "course_days": span,
            "sessions_per_week": round(7 * (len(sessions) - 1) / span, 2) if span else None,
            "sham": sham > 0,
            "sham_sessions": sham,
            "points": _counts(uses),
            "distinct_points": len(uses),
            "insertions_min": min(insertions),
            "insertions_max": max(insertions),
            "insertions_mean": round(statistics.fmean(insertions), 1),
            "depth_min_mm": min(depths, default=None),
            "depth_max_mm": max(depths, default=None),
            "tissue_levels": "; ".join(sorted({n["tissue_level"] for n in needles} - {None})),
            "gauges_mm": _numbers([n["gauge_mm"] for n in needles if n["gauge_mm"] is not None]),
            "lengths_mm": _numbers([n["length_mm"] for n in needles if n["length_mm"] is not None]),
            "methods": "; ".join(sorted({n["method"] for n in needles})),
            "electro_frequencies_hz": "; ".join(sorted(frequencies)),
            "electro_ma_min": min(intensity, default=None),
            "electro_ma_max": max(intensity, default=None),
            "responses_sought": "; ".join(sorted({n["response_sought"] for n in needles})),
            "deqi_obtained_share": round(sum(deqi) / len(deqi), 2) if deqi else None,
            "retention_median_min": statistics.median(retention) if retention else None,
            "adverse_events": len(events),
            "adverse_event_categories": _counts(Counter(e["category"] for e in events)),
        }
        course.practitioner_id = treating
        course.co_interventions = Counter(
            c.strip() for s in sessions for c in set(s["co_interventions"] or []) if c.strip()
        )

    def _outcomes(self, course: _Course, rows: list[Row]) -> None:
        """Baseline, end of course, follow-ups and important improvement per instrument."""
        sessions = [
            SessionSummary(
                id=s["id"],
                case_id=s["case_id"],
                started_at=s["started_at"],
                time_zone=s["time_zone"],
                practitioner_name="",
                status=s["status"],
                points=(),
                pain_before_back=s["pain_before_back"],
                pain_before_leg=s["pain_before_leg"],
                pain_after_back=s["pain_after_back"],
                pain_after_leg=s["pain_after_leg"],
            )
            for s in course.sessions
        ]
        measurements = [
            OutcomeMeasurement(
                id=r["id"],
                case_id=r["case_id"],
                session_id=r["session_id"],
                instrument=r["instrument"],
                taken_at=r["taken_at"],
                time_zone=r["time_zone"],
                answers=r["answers"],
                value=r["value"],
                score=r["score"],
            )
            for r in rows
        ]
        progress = case_progress(
            measurements, sessions, thresholds=self.thresholds, clinic_measures=self.known
        )
        self._follow_up_days(course, progress)
        for item in progress.instruments:
            self._instrument(course, item)

    def _follow_up_days(self, course: _Course, progress: CaseProgress) -> None:
        """The follow-up visit (a day after the course) chosen for each window."""
        last = course.sessions[-1]
        end_day = local_day(last["started_at"], last["time_zone"])
        days = sorted(
            {
                (local_day(r.taken_at, last["time_zone"]) - end_day).days
                for item in progress.instruments
                for r in item.follow_ups
            }
        )
        for name, (low, target, high) in FOLLOW_UPS.items():
            inside = [d for d in days if low <= d <= high]
            chosen = min(inside, key=lambda d: (abs(d - target), d)) if inside else None
            course.values[f"{name}_day"] = chosen

    def _instrument(self, course: _Course, item: InstrumentProgress) -> None:
        prefix = item.instrument.lower()
        zone = course.sessions[-1]["time_zone"]
        end_day = local_day(course.sessions[-1]["started_at"], zone)
        during = [r for r in item.readings if not r.follow_up]
        values: dict[str, object] = {
            f"{prefix}_baseline": item.baseline.score,
            f"{prefix}_end": during[-1].score if len(during) > 1 else None,
        }
        for name in FOLLOW_UPS:
            day = course.values.get(f"{name}_day")
            taken = [
                r
                for r in item.follow_ups
                if day is not None and (local_day(r.taken_at, zone) - end_day).days == day
            ]
            values[f"{prefix}_{name}"] = taken[-1].score if taken else None
        if item.thresholds is not None and len(item.readings) > 1:
            end = values[f"{prefix}_end"]
            if isinstance(end, float):
                values[f"{prefix}_mcid_end"] = outcomes.clinical_change(
                    item.instrument, item.baseline.score, end, item.thresholds, known=self.known
                ).important
            values[f"{prefix}_mcid_reached"] = item.first_important_at is not None
        course.values |= values

    def rows(self, rng: random.Random) -> tuple[list[dict[str, object]], int]:
        """The cohort's rows in random order, with pseudonyms and shifted dates."""
        courses = list(self.courses)
        rng.shuffle(courses)
        width = max(3, len(str(len(courses))))
        participants: dict[uuid.UUID, str] = {}
        shifts: dict[uuid.UUID, timedelta] = {}
        treating: dict[uuid.UUID, str] = {}
        for course in courses:
            if course.patient_id not in participants:
                participants[course.patient_id] = f"P{len(participants) + 1:0{width}d}"
                shifts[course.patient_id] = timedelta(weeks=rng.randint(*SHIFT_WEEKS))
            treating.setdefault(course.practitioner_id, f"T{len(treating) + 1}")
        number: dict[int, int] = {}
        seen: Counter[uuid.UUID] = Counter()
        for course in sorted(courses, key=lambda c: (c.first_day, c.case["id"])):
            seen[course.patient_id] += 1
            number[id(course)] = seen[course.patient_id]
        conditions = _common({c.patient_id: {_label(c.case["condition"])} for c in courses})
        co_labels = _common({c.patient_id: set(c.co_interventions) for c in courses})
        rows = []
        for index, course in enumerate(courses, start=1):
            shift = shifts[course.patient_id]
            last = course.sessions[-1]
            condition = _label(course.case["condition"])
            co: Counter[str] = Counter()
            for label, count in course.co_interventions.items():
                co[label if label in co_labels else "other"] += count
            rows.append(
                course.values
                | {
                    "participant": participants[course.patient_id],
                    "course": f"C{index:0{width}d}",
                    "course_number": number[id(course)],
                    "age_band": age_band(course.birth_date, course.first_day),
                    "condition": condition if condition in conditions else "other",
                    "practitioner": treating[course.practitioner_id],
                    "start_date": (course.first_day + shift).isoformat(),
                    "end_date": (
                        local_day(last["started_at"], last["time_zone"]) + shift
                    ).isoformat(),
                    "co_interventions": _counts(co),
                }
            )
        return rows, len(participants)


def _label(text: str) -> str:
    return " ".join(text.split()).casefold()


def _common(labels: Mapping[uuid.UUID, set[str]]) -> set[str]:
    """Labels that at least MIN_GROUP participants share."""
    counts: Counter[str] = Counter()
    for found in labels.values():
        counts.update(found)
    return {label for label, count in counts.items() if count >= MIN_GROUP}


def write_research_export(
    db: Database,
    folder: str | os.PathLike[str],
    chosen: CohortFilter | None = None,
    *,
    rng: random.Random | None = None,
) -> ResearchExportReport:
    """Write a de-identified cohort (cohort.csv) and its codebook (codebook.md) to ``folder``.

    ``chosen`` limits the cohort to one condition and to courses whose first session falls
    in a period (local days, both inclusive). The folder is created (owner-only) when
    missing; files of the same names are replaced. ``rng`` is for tests only: by default the
    pseudonyms and date shifts come from the system's secure random source, so nobody can
    reproduce them. The export is recorded in the audit trail.
    """
    chosen = chosen or CohortFilter()
    if chosen.date_from and chosen.date_to and chosen.date_to < chosen.date_from:
        raise ResearchExportError(
            f"The period ends ({chosen.date_to}) before it starts ({chosen.date_from})."
        )
    target = Path(folder)
    known = settings.get_clinic_measures(db)
    thresholds = settings.get_outcome_thresholds(db)
    builder = _CohortBuilder({}, known, thresholds, chosen)
    with read_only(db) as repo:
        batches = JournalBatches(repo.session)
        builder.practitioners = batches.practitioners
        for batch in batches:
            builder.batch(batch)
    rows, participants = builder.rows(rng or random.SystemRandom())
    columns = cohort_columns(known, thresholds)
    period = chosen.date_from is not None or chosen.date_to is not None
    with staged_files(target, create=True) as files:
        table = open_table(files, "cohort.csv", [(c.name, c.meaning) for c in columns])
        for row in rows:
            table.add(row)
        files.open("codebook.md").write(
            codebook(columns, chosen.condition, len(rows), participants, period)
        )
        written = files.commit()
    courses = f"{len(rows)} course" + ("" if len(rows) == 1 else "s")
    record_export(db, None, None, f"de-identified research cohort ({courses}) to {target.name}")
    return ResearchExportReport(target, tuple(written), len(rows), participants)
