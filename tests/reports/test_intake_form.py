"""The fillable intake PDF: made from the questionnaire, filled by a reader, read back."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from acujournal.domain.intake import IssueKind, answer_issues
from acujournal.domain.questionnaire import QuestionKind
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.reports.intake_form import FORM_FIELD, field_name
from acujournal.services.intake_pdf import (
    IntakeFormError,
    intake_form_pdf,
    read_form,
    read_form_file,
)
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import clean_answers

GENERATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def form() -> bytes:
    return intake_form_pdf(None, generated_at=GENERATED)


def test_the_form_has_a_field_for_every_answer(form: bytes) -> None:
    fields = PdfReader(io.BytesIO(form)).get_fields() or {}
    questionnaire = shipped_questionnaire()
    assert fields[FORM_FIELD]["/V"] == "acujournal-intake sciatica/1"
    for question in questionnaire.questions():
        if question.kind in (QuestionKind.MULTI_CHOICE,):
            expected = [field_name(question.key, c.value) for c in question.choices]
        elif question.kind is QuestionKind.BODY_REGIONS:
            expected = [field_name(question.key, "left_calf"), field_name(question.key, "neck")]
        elif question.kind is QuestionKind.INSTRUMENT:
            expected = [field_name(question.key, 1)]
        else:
            expected = [question.key]
        assert all(name in fields for name in expected), question.key
    # No field name holds a dot: PDF readers would read it as nesting.
    assert not [name for name in fields if "." in name]


def test_the_form_is_deterministic_and_carries_its_title(form: bytes) -> None:
    assert intake_form_pdf(None, generated_at=GENERATED) == form
    reader = PdfReader(io.BytesIO(form))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Before your first visit" in text
    assert "Important warning signs" in text
    assert "Oswestry Disability Index" in text
    assert reader.metadata is not None
    assert reader.metadata.subject == "AcuJournal intake form sciatica/1"


def test_a_filled_form_reads_back_exactly(form: bytes) -> None:
    answers = clean_answers(rmdq=[True] * 5 + [False] * 19, sbi=[4, 3, 0, 5], fever=True)
    read = read_form(fill(form, form_values(shipped_questionnaire(), answers)), "intake.pdf")
    assert read.answers == answers
    assert read.unreadable == {}
    assert read.questionnaire.form_id == "sciatica/1"


def test_dates_are_read_in_the_forms_people_write_and_never_guessed(form: bytes) -> None:
    values = form_values(shipped_questionnaire(), clean_answers())
    values |= {"birth_date": "2 April 1980", "onset_date": "03/02/2026"}
    read = read_form(fill(form, values))
    assert read.answers["birth_date"] == "1980-04-02"
    assert "onset_date" not in read.answers
    assert read.unreadable == {"onset_date": "03/02/2026"}


def test_missing_and_contradictory_answers_are_shown_as_such(form: bytes) -> None:
    answers = clean_answers(both_legs=True, known_causes=["unknown", "stenosis"])
    del answers["fever"], answers["nrs_leg"]
    read = read_form(fill(form, form_values(shipped_questionnaire(), answers)))
    issues = answer_issues(read.questionnaire, read.answers, unreadable=read.unreadable)
    assert {(i.question, i.kind) for i in issues} == {
        ("fever", IssueKind.MISSING),
        ("nrs_leg", IssueKind.MISSING),
        ("known_causes", IssueKind.CONTRADICTORY),
        ("side", IssueKind.CONTRADICTORY),
    }


def test_an_untouched_yes_no_questionnaire_is_not_answered(form: bytes) -> None:
    answers = clean_answers()
    read = read_form(fill(form, form_values(shipped_questionnaire(), answers)))
    assert "rmdq" not in read.answers
    done = form_values(shipped_questionnaire(), answers) | {"rmdq__done": "/Yes"}
    assert read_form(fill(form, done)).answers["rmdq"] == [False] * 24


def test_an_empty_form_is_refused(form: bytes) -> None:
    with pytest.raises(IntakeFormError, match=r"^intake\.pdf is an empty intake form"):
        read_form(form, "intake.pdf")


def test_a_pdf_that_is_not_the_form_is_refused() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "A letter from the bank")
    canvas.save()
    with pytest.raises(IntakeFormError, match=r"^bank\.pdf is not an AcuJournal intake form\.$"):
        read_form(buffer.getvalue(), "bank.pdf")


def test_a_form_of_an_unknown_questionnaire_version_is_refused(form: bytes) -> None:
    forged = fill(form, {FORM_FIELD: "acujournal-intake sciatica/99", "name": "Åse"})
    with pytest.raises(IntakeFormError, match="sciatica/99, which this version"):
        read_form(forged, "old.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is not a PDF file"),
        (b"Name,Birth date\nAse,1968-04-02\n", "is not a PDF file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "is not a PDF file"),
    ],
)
def test_files_that_are_not_pdfs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(IntakeFormError, match=message):
        read_form(data, "x.pdf")


def test_a_damaged_pdf_is_refused_in_one_sentence(form: bytes) -> None:
    values = form_values(shipped_questionnaire(), clean_answers())
    filled = fill(form, values)
    for damaged in (filled[: len(filled) // 3], b"%PDF-1.4\n" + bytes(range(256)) * 8):
        with pytest.raises(IntakeFormError) as caught:
            read_form(damaged, "broken.pdf")
        assert str(caught.value) in (
            "broken.pdf is damaged and cannot be read as a PDF.",
            "broken.pdf is not an AcuJournal intake form.",
        )


def test_reading_a_file_names_it_and_refuses_what_cannot_be_opened(
    form: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "filled.pdf"
    path.write_bytes(fill(form, form_values(shipped_questionnaire(), clean_answers())))
    assert read_form_file(path).answers["name"] == "Åse Bjørnstad"
    with pytest.raises(IntakeFormError, match="There is no file"):
        read_form_file(tmp_path / "missing.pdf")
    with pytest.raises(IntakeFormError, match="is a folder, not a file"):
        read_form_file(tmp_path)
