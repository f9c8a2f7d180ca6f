"""The numbers behind the reports, checked without reading a PDF."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from acujournal.domain.model import (
    AdverseEventCategory,
    Case,
    Patient,
    Side,
    StimulationMethod,
)
from acujournal.reports.data import DEFAULT_CLINIC_NAME
from acujournal.reports.wording import improvement_sentence
from acujournal.services.clinic_stats import build_clinic_report, months_between
from acujournal.services.patients import create_patient, open_case
from acujournal.services.report_stricta import electro_settings
from acujournal.services.reporting import (
    ReportError,
    build_patient_summary,
    build_progress_report,
)
from acujournal.services.settings import set_setting
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from tests.builders import make_journal
from tests.reports.course import (
    GENERATED_AT,
    course_session,
    store,
    two_practitioner_clinic,
    weekly_course,
)


def test_progress_data_holds_the_course_in_numbers(db: Database) -> None:
    course = weekly_course(make_journal(db))
    data = build_progress_report(db, course.journal.patient.id, generated_at=GENERATED_AT)

    assert data.patient.name == "Åse Bjørnstad"
    assert data.clinic.name == DEFAULT_CLINIC_NAME
    (progress,) = data.courses
    summary = progress.summary
    assert summary.session_count == 5
    assert (summary.first_on, summary.last_on) == (date(2026, 1, 5), date(2026, 2, 2))
    assert summary.sessions_per_week == pytest.approx(1.0)
    back, leg = summary.pain
    assert improvement_sentence(leg) == (
        "Leg pain fell from 7 to 3 (−4 points, −57%); a clinically important improvement was "
        "first reached at session 3 on 2026-01-19."
    )
    assert improvement_sentence(back) == (
        "Back pain fell from 4 to 2 (−2 points, −50%); a clinically important improvement was "
        "first reached at session 5 on 2026-02-02."
    )
    assert leg.important_at_or_below == 5  # 2 points reached before 30% (2.1) of 7
    assert back.important_at_or_below == pytest.approx(2.8)  # 30% of 4 comes first
    assert [m.score for m in progress.outcomes[0].readings] == [44.0, 36.0, 30.0]
    # ODI's important change is 10 points: 44 -> 36 is not yet, 44 -> 30 is.
    assert progress.outcomes[0].first_important_on == date(2026, 2, 2)
    assert summary.top_points[0].sessions == 5


def test_internal_notes_only_when_asked_for(db: Database) -> None:
    course = weekly_course(make_journal(db))
    patient_id = course.journal.patient.id
    default = build_progress_report(db, patient_id)
    assert all(s.internal_note == "" for c in default.courses for s in c.sessions)
    asked = build_progress_report(db, patient_id, include_internal=True)
    assert (
        asked.courses[0].sessions[0].internal_note == "Internal note 1: patient late, discuss fees."
    )


def test_stricta_facts_describe_the_needling(db: Database) -> None:
    journal = make_journal(db)
    first = course_session(journal, 0, back=5, leg=6)
    first.needles[0].stimulation.method = StimulationMethod.ELECTRO
    first.needles[0].stimulation.frequency_hz = 2
    first.needles[0].stimulation.frequency_high_hz = 100
    first.needles[0].stimulation.intensity_ma = 1.5
    first.needles[1].side = Side.LEFT
    first.needles[1].depth_mm = 40
    store(journal, [first, course_session(journal, 1, back=4, leg=5)])

    facts = build_progress_report(db, journal.patient.id).courses[0].stricta
    assert (facts.insertions_min, facts.insertions_max) == (15, 16)
    assert (facts.depth_min_mm, facts.depth_max_mm) == (25, 40)
    assert facts.methods == (StimulationMethod.MANUAL, StimulationMethod.ELECTRO)
    assert facts.electro_settings == ("2/100 Hz, 1.5 mA",)
    assert electro_settings(()) == ()
    assert (facts.retention_min, facts.retention_max) == (25, 25)
    assert facts.gauges_mm == (0.25,)
    assert facts.lengths_mm == (40,)
    assert facts.co_interventions == (("heat lamp", 1),)
    assert [p.name for p in facts.practitioners] == ["Dr Lin Mei"]
    assert facts.deqi_obtained == facts.deqi_recorded == 16


def test_a_period_keeps_only_its_sessions_and_renumbers_them(db: Database) -> None:
    course = weekly_course(make_journal(db))
    data = build_progress_report(
        db, course.journal.patient.id, date_from=date(2026, 1, 12), date_to=date(2026, 1, 26)
    )
    sessions = data.courses[0].sessions
    assert [s.number for s in sessions] == [1, 2, 3]
    assert [s.started_at.date() for s in sessions] == [
        date(2026, 1, 12),
        date(2026, 1, 19),
        date(2026, 1, 26),
    ]
    # The baseline is the first session of the period: leg 7 -> 4 within it.
    leg = data.courses[0].summary.pain[1]
    assert (leg.baseline, leg.latest) == (7, 4)


def test_a_report_never_reaches_into_another_patient(db: Database) -> None:
    course = weekly_course(make_journal(db))
    other = create_patient(db, Patient(name="Bjørn Other"))
    other_case = open_case(db, Case(patient_id=other.id, title="Neck pain", condition="neck"))

    with pytest.raises(ReportError, match="another patient"):
        build_progress_report(db, course.journal.patient.id, case_id=other_case.id)
    with pytest.raises(NotFoundError):
        build_patient_summary(db, uuid.uuid4())
    with pytest.raises(ReportError, match="after it ends"):
        build_progress_report(
            db, course.journal.patient.id, date_from=date(2026, 2, 1), date_to=date(2026, 1, 1)
        )


def test_clinic_settings_and_a_local_logo(db: Database, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG not really")
    set_setting(db, "clinic.name", "Klinikk Nord")
    set_setting(db, "clinic.address", "Storgata 1\n0155 Oslo")
    set_setting(db, "clinic.logo_path", str(logo))
    course = weekly_course(make_journal(db))
    clinic = build_patient_summary(db, course.journal.patient.id).clinic
    assert (clinic.name, clinic.address) == ("Klinikk Nord", "Storgata 1\n0155 Oslo")
    assert clinic.logo == b"\x89PNG not really"

    # A URL is never fetched, a missing file is skipped, a blank name falls back.
    set_setting(db, "clinic.logo_path", "http://example.invalid/logo.png")
    set_setting(db, "clinic.name", "   ")
    clinic = build_patient_summary(db, course.journal.patient.id).clinic
    assert (clinic.name, clinic.logo) == (DEFAULT_CLINIC_NAME, None)


def test_patient_summary_holds_advice_and_reactions_but_no_notes(db: Database) -> None:
    course = weekly_course(make_journal(db))
    summary = build_patient_summary(db, course.journal.patient.id)
    (patient_course,) = summary.courses
    assert [a.text for a in patient_course.advice][:2] == [
        "Advice 5: walk twenty minutes every day.",
        "Advice 4: walk twenty minutes every day.",
    ]
    assert patient_course.reactions == (
        (date(2026, 1, 12), AdverseEventCategory.BLEEDING_BRUISING),
    )
    assert patient_course.points[0].point.plain == "Kidney Shu (BL23)"
    field_names = set(type(patient_course).__dataclass_fields__)
    assert not field_names & {"subjective", "objective", "assessment", "plan", "internal_note"}


# Clinic report -----------------------------------------------------------------------------


def test_clinic_report_counts_in_the_database(db: Database) -> None:
    two_practitioner_clinic(db)
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    data = build_clinic_report(db, date(2026, 1, 1), date(2026, 2, 28), generated_at=GENERATED_AT)

    # Aggregated in SQL: a fixed handful of queries, and no query selects session notes.
    assert len(statements) <= 9
    assert not any("subjective" in s for s in statements)
    assert data.months == ("2026-01", "2026-02")
    assert data.practitioners == ("Anna Berg", "Dr Lin Mei")
    counts = {(c.month, c.practitioner): (c.sessions, c.new_patients) for c in data.month_counts}
    assert counts == {
        ("2026-01", "Dr Lin Mei"): (4, 1),
        ("2026-02", "Dr Lin Mei"): (1, 0),
        ("2026-02", "Anna Berg"): (3, 1),
    }
    assert (data.sessions, data.patients_seen, data.new_patients) == (8, 2, 2)
    by_condition = {c.condition: (c.cases, c.with_scores, c.improved) for c in data.conditions}
    # Sciatica: leg 7 -> 3 is important. Low back pain: 6 -> 6 is not.
    assert by_condition == {"sciatica": (1, 1, 1), "low back pain": (1, 1, 0)}
    forgotten = [
        c for c in data.adverse_events if c.category is AdverseEventCategory.FORGOTTEN_NEEDLE
    ]
    assert forgotten[0].moderate == 1
    assert [(n.on, n.practitioner, n.action) for n in data.forgotten_needles] == [
        (date(2026, 2, 2), "Dr Lin Mei", "Removed.")
    ]


def test_a_patient_seen_before_the_period_is_not_new(db: Database) -> None:
    two_practitioner_clinic(db)
    data = build_clinic_report(db, date(2026, 2, 1), date(2026, 2, 28))
    assert data.new_patients == 1  # Chen Wei; Åse was first seen in January
    assert data.patients_seen == 2


def test_months_between_crosses_the_year() -> None:
    assert list(months_between(date(2025, 11, 30), date(2026, 2, 1))) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
