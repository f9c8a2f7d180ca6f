"""Hostile text in every field that reaches a report: the PDF builds and shows it as text.

Each field gets the hostile text behind a label naming the field ("[case title] ..."), so the
test can find every field in the text pypdf extracts. What holds, stated honestly:

- markup, entities, huge words and control characters: the extracted text equals the input
  with the characters no font can show (controls, invisible format characters) removed;
- right-to-left text: ReportLab draws it in logical order (no bidi without rlbidi), and pypdf
  reverses right-to-left runs when extracting, so the test undoes that reversal first;
- emoji: DejaVu Sans draws 😀 and 👍, but ReportLab writes their text mapping in a form pypdf
  cannot read (one UTF-32 code instead of a UTF-16 pair), so extracted text lacks characters
  outside the Basic Multilingual Plane; the test checks everything else.
- clipped places (page headers, table cells) show the start of the text; every field also
  appears in full in the body of at least one report.
"""

from __future__ import annotations

import re
import socket
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Case,
    Patient,
    Practitioner,
    Severity,
    SoapNotes,
)
from acujournal.reports.clinic import render_clinic_report
from acujournal.reports.progress import render_progress_report
from acujournal.reports.summary import render_patient_summary
from acujournal.reports.text import clean_text
from acujournal.services.clinic_stats import build_clinic_report
from acujournal.services.reporting import build_patient_summary, build_progress_report
from acujournal.services.settings import set_setting
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database
from tests.builders import Journal
from tests.reports.course import GENERATED_AT, START, body_text, course_session, squashed, store

MARKUP = (
    '<b>bold?</b> </para> <img src="http://example.invalid/x.png"/> &amp; &lt; &#60; '
    '<font name="Courier" color="red">font</font> <a href="http://example.invalid/">link</a> '
    "<br/> <para> ]]> <!-- comment -->"
)
HOSTILE = {
    "markup": MARKUP,
    "long word": "x" * 100_000,
    "right-to-left": "שלום עולם and مرحبا بالعالم end",
    "emoji": "pain 😀 better 👍 ☺ done",
    "control": "a\x00b\x07c\x1b[31m\x7fd\x9b\u202eover\u202c \ufeffe\r\nnext\tline",
    "scripts": "Åse Bjørnstad · Ωμέγα · Жанна · Þórunn · Łukasz · 委中",
}
# Prose with markup at both ends. (Markup all through a megabyte works too, but every entity
# costs ReportLab a text fragment, which makes the test needlessly slow.)
MEGABYTE = "<b>start</b> & " + ("lorem ipsum dolor " * 60_000)[: 1_000_000 - 27] + " </para> end"

FIELDS = (
    "patient",
    "case title",
    "subjective",
    "objective",
    "assessment",
    "plan",
    "internal note",
    "advice",
    "adverse description",
    "adverse action",
    "practitioner",
    "clinic",
)
# A right-to-left run within one line (pypdf reverses each line's runs separately).
RTL_RUN = re.compile(r"[\u0590-\u08ff]+(?: +[\u0590-\u08ff]+)*")
# The fields each report shows in full; the rest are clipped or, in the summary, left out.
FULL_FIELDS = {
    "progress": FIELDS,
    "summary": ("patient", "case title", "advice", "clinic"),
    "clinic": ("clinic", "adverse action"),
}


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test loudly."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a report tried to reach the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _value(field: str, text: str) -> str:
    return f"[{field}] {text}"


def _fill(db: Database, text: str, *, big_advice: str | None = None) -> Journal:
    """A journal whose every reportable field holds ``text`` behind its field label."""
    practitioner = Practitioner(name=_value("practitioner", text))
    # The app refuses patient names over 200 characters; the repository does not, and a report
    # must not depend on the form having checked.
    patient = Patient(name=_value("patient", text))
    case = Case(patient_id=patient.id, title=_value("case title", text), condition="sciatica")
    with unit_of_work(db) as repo:
        repo.add_practitioner(practitioner)
        repo.add_patient(patient, created_at=START)
        repo.add_case(case)
    set_setting(db, "clinic.name", _value("clinic", text))
    journal = Journal(db, practitioner, patient, case)
    # One session: every field once keeps a 100,000-character word in 12 fields affordable.
    sessions = [course_session(journal, 0, back=6, leg=7)]
    for session in sessions:
        session.notes = SoapNotes(
            *(_value(f, text) for f in ("subjective", "objective", "assessment", "plan"))
        )
        session.internal_note = _value("internal note", text)
        session.patient_advice = big_advice or _value("advice", text)
    sessions[0].adverse_events = [
        AdverseEvent(
            AdverseEventCategory.FORGOTTEN_NEEDLE,
            Severity.MILD,
            action=_value("adverse action", text),
            description=_value("adverse description", text),
        )
    ]
    store(journal, sessions)
    return journal


def _readable(text: str) -> str:
    """What a reader can find in the extracted text: cleaned, without astral characters."""
    return squashed("".join(ch for ch in clean_text(text) if ord(ch) <= 0xFFFF))


def _extracted(pdf: bytes) -> str:
    text = body_text(pdf)
    # pypdf puts NUL where it could not map a glyph back to text (the emoji, see above).
    text = text.replace("\x00", "")
    return squashed(RTL_RUN.sub(lambda run: run.group(0)[::-1], text))


def _render(db: Database, journal: Journal, report: str) -> str:
    patient_id = journal.patient.id
    if report == "progress":
        data = build_progress_report(
            db, patient_id, include_internal=True, generated_at=GENERATED_AT
        )
        return _extracted(render_progress_report(data))
    if report == "summary":
        summary = build_patient_summary(db, patient_id, generated_at=GENERATED_AT)
        return _extracted(render_patient_summary(summary))
    clinic = build_clinic_report(
        db, START.date(), datetime(2026, 12, 31, tzinfo=UTC).date(), generated_at=GENERATED_AT
    )
    return _extracted(render_clinic_report(clinic))


@pytest.mark.parametrize("report", list(FULL_FIELDS))
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_text_in_every_field_is_shown_as_text(db: Database, kind: str, report: str) -> None:
    journal = _fill(db, HOSTILE[kind])
    text = _render(db, journal, report)

    for field in FULL_FIELDS[report]:
        assert _readable(_value(field, HOSTILE[kind])) in text, f"{field} in the {report} report"
    if report == "summary":
        # The summary never shows clinical or internal notes, hostile or not.
        for field in ("subjective", "objective", "assessment", "plan", "internal note"):
            assert f"[{field}]" not in text
    if report == "clinic":
        # Counts only: no patient is named, and notes never reach it.
        assert "[patient]" not in text
        assert "[subjective]" not in text


def test_a_megabyte_of_advice_builds_and_reads_back(db: Database) -> None:
    assert len(MEGABYTE) == 1_000_000
    journal = _fill(db, "short", big_advice=MEGABYTE)
    data = build_progress_report(db, journal.patient.id, generated_at=GENERATED_AT)
    assert _readable(MEGABYTE) in _extracted(render_progress_report(data))
