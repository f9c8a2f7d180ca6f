"""The patient's summary: plain words, large type, and nothing that is not theirs to read."""

from __future__ import annotations

import io

from pypdf import PdfReader

from acujournal.domain.model import Case, Patient
from acujournal.reports.summary import render_patient_summary
from acujournal.services.patients import create_patient, open_case
from acujournal.services.reporting import build_patient_summary
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal
from tests.reports.course import GENERATED_AT, course_session, flat, pdf_text, store, weekly_course


def _other_patient(db: Database, journal: Journal) -> None:
    """A second patient of the same practitioner, with notes that must never leak."""
    other = create_patient(db, Patient(name="Zygmunt Quist"))
    case = open_case(db, Case(patient_id=other.id, title="Frozen shoulder", condition="shoulder"))
    theirs = Journal(db, journal.practitioner, other, case)
    session = course_session(theirs, 0, back=3, leg=None)
    session.patient_advice = "Zygmunt's own advice."
    store(theirs, [session])


def test_summary_speaks_plainly_and_keeps_notes_out(db: Database) -> None:
    course = weekly_course(make_journal(db))
    _other_patient(db, course.journal)
    data = build_patient_summary(db, course.journal.patient.id, generated_at=GENERATED_AT)
    pdf = render_patient_summary(data)
    pages = pdf_text(pdf)
    text = flat(" ".join(pages))

    assert "Prepared for Åse Bjørnstad" in text
    assert "Your treatment: Left-sided sciatica" in text
    assert "You had 5 treatments between 5 January 2026 and 2 February 2026" in text
    assert "Your leg pain went down from 7 to 3 out of 10." in text
    assert "first reached at your 3rd treatment on 19 January 2026" in text
    assert "Bend Middle (BL40)" in text
    assert "Kidney Shu (BL23)" in text
    assert "The needles stayed in for 25 minutes." in text
    assert "We also used: heat lamp." in text
    assert "a little bleeding or a bruise where a needle was" in text
    assert "2 February 2026: Advice 5: walk twenty minutes every day." in text
    assert "Next steps" in text
    assert "Get medical help straight away" in text

    # Never clinical or internal notes, adverse-event details, or another patient.
    for secret in (
        "Subjective note",
        "Objective note",
        "Assessment note",
        "Plan note",
        "Internal note",
        "Small bruise at GB30",
        "Zygmunt",
        "Frozen shoulder",
    ):
        assert secret not in text, secret
    for number, page in enumerate(pages, start=1):
        assert "Patient: Åse Bjørnstad" in flat(page)
        assert f"page {number} of {len(pages)}" in flat(page)
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Your treatment summary — Åse Bjørnstad"


def test_summary_is_set_in_large_type(db: Database) -> None:
    course = weekly_course(make_journal(db))
    pdf = render_patient_summary(build_patient_summary(db, course.journal.patient.id))
    sizes: dict[str, float] = {}

    def note_size(text: str, cm: object, tm: object, font: object, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=note_size)
    body = next(size for text, size in sizes.items() if text.startswith("You had 5 treatments"))
    assert body >= 12


def test_an_empty_period_says_so(db: Database) -> None:
    from datetime import date

    course = weekly_course(make_journal(db))
    data = build_patient_summary(
        db, course.journal.patient.id, date_from=date(2027, 1, 1), date_to=date(2027, 2, 1)
    )
    text = flat(" ".join(pdf_text(render_patient_summary(data))))
    assert "There are no treatments in this period." in text
    assert "This summary covers 1 January 2027 to 1 February 2027." in text
