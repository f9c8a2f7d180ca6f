"""The practitioner's progress report, read back from the PDF as a referrer would read it."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace
from datetime import UTC, datetime

from pypdf import PdfReader

from acujournal.reports.data import ClinicHeader
from acujournal.reports.progress import ProgressReportRenderer, render_progress_report
from acujournal.services.reporting import build_progress_report
from acujournal.services.settings import set_setting
from acujournal.storage.db import Database
from tests.builders import make_journal
from tests.reports.course import (
    GENERATED_AT,
    course_session,
    flat,
    pdf_text,
    store,
    weekly_course,
)


def _report(db: Database, **options: object) -> tuple[bytes, list[str]]:
    course = weekly_course(make_journal(db))
    data = build_progress_report(
        db,
        course.journal.patient.id,
        generated_at=GENERATED_AT,
        **options,  # type: ignore[arg-type]
    )
    pdf = render_progress_report(data)
    return pdf, pdf_text(pdf)


def test_progress_report_tells_the_course(db: Database) -> None:
    set_setting(db, "clinic.name", "Klinikk Nord")
    pdf, pages = _report(db)
    text = flat(" ".join(pages))

    assert "Patient: Åse Bjørnstad" in text
    assert "Born: 1968-04-02" in text
    assert "Case: Left-sided sciatica" in text
    assert (
        "Leg pain fell from 7 to 3 (−4 points, −57%); a clinically important improvement was "
        "first reached at session 3 on 2026-01-19."
    ) in text
    assert "Back pain fell from 4 to 2 (−2 points, −50%)" in text
    assert "Sessions 5" in text
    assert "1.0 per week" in text
    assert "2026-01-05 to 2026-02-02 (28 days)" in text
    # Outcome measures, adverse events in full, STRICTA and SOAP notes.
    assert "Oswestry Disability Index" in text
    assert "44 %" in text
    assert "bleeding or bruising (mild): Small bruise at GB30." in text
    assert "Action taken: Pressure for one minute." in text
    assert "BL40 Weizhong 委中" in text  # Han characters survive the font switch
    assert "2g Needle type: gauge 0.25 mm; length 40 mm" in text
    assert "heat lamp (3 sessions)" in text
    assert "S: Subjective note 3: leg pain worse when sitting." in text
    assert "P: Plan note 5: continue weekly." in text
    assert "Advice to patient: Advice 2: walk twenty minutes every day." in text
    assert "Internal note" not in text
    assert "internal notes left out" in text

    # Every page: title, patient, clinic, generation time, page X of Y.
    for number, page in enumerate(pages, start=1):
        page_text = flat(page)
        assert "Progress report" in page_text
        assert "Patient: Åse Bjørnstad" in page_text
        assert "Klinikk Nord" in page_text
        assert "Generated 2026-03-02 14:05" in page_text
        assert f"page {number} of {len(pages)}" in page_text

    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Progress report — Åse Bjørnstad"
    assert metadata.author == "Klinikk Nord"


def test_internal_notes_appear_only_when_asked_for(db: Database) -> None:
    _, pages = _report(db, include_internal=True)
    text = flat(" ".join(pages))
    assert "Internal note: Internal note 4: patient late, discuss fees." in text
    assert "internal notes included" in text


def test_the_same_data_gives_the_same_bytes(db: Database) -> None:
    course = weekly_course(make_journal(db))
    patient_id = course.journal.patient.id
    first = render_progress_report(build_progress_report(db, patient_id, generated_at=GENERATED_AT))
    again = render_progress_report(build_progress_report(db, patient_id, generated_at=GENERATED_AT))
    assert first == again
    later = build_progress_report(db, patient_id, generated_at=datetime(2026, 3, 3, tzinfo=UTC))
    assert render_progress_report(later) != first


def test_a_300_session_course_paginates_with_the_table_header_on_every_page(
    db: Database,
) -> None:
    journal = make_journal(db)
    sessions = [
        course_session(journal, i, back=5 - i % 3, leg=7 - i % 4, days_apart=2) for i in range(300)
    ]
    store(journal, sessions)
    started = time.perf_counter()
    data = build_progress_report(db, journal.patient.id, generated_at=GENERATED_AT)
    pdf = render_progress_report(data)
    elapsed = time.perf_counter() - started
    pages = pdf_text(pdf)

    table_pages = [p for p in pages if re.search(r"bilat 25 mm", p)]
    assert len(table_pages) >= 5
    for page in table_pages:
        assert "Points (side, depth)" in page, "the session table's header must repeat"
    all_text = flat(" ".join(pages))
    assert "S: Subjective note 300:" in all_text
    assert len(pages) > 20
    assert elapsed < 30, f"a 300-session report took {elapsed:.1f} s"


def test_a_logo_that_is_not_an_image_is_left_out(db: Database) -> None:
    course = weekly_course(make_journal(db))
    data = build_progress_report(db, course.journal.patient.id, generated_at=GENERATED_AT)
    broken = replace(data, clinic=ClinicHeader("Klinikk", logo=b"not an image"))
    assert "Klinikk" in pdf_text(ProgressReportRenderer(broken).generate())[0]
