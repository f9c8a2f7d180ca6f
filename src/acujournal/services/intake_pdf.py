"""Reading a filled-in intake PDF form back, and making the form.

The form is made by :mod:`acujournal.reports.intake_form`; a patient fills it in any PDF
reader. Reading it gives the answers it holds, what was written but could not be read (a date
as "after Christmas"), and nothing else: a missing answer stays missing, nothing is guessed.
A file that is not a PDF, a damaged PDF, a PDF that is not this form and a form with no
answers at all are each refused with one sentence (:class:`IntakeFormError`). The form names
its questionnaire and version; a clinic's own questionnaire is looked up in the journal, so
reading such a form needs the journal (:class:`UnknownFormError` without it).

Nothing here stores anything: :func:`prepare_pdf_intake` gives a prepared intake to show for
confirmation, and :func:`acujournal.services.intake.save_intake` stores it once confirmed.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from acujournal.domain.intake import IntakeSource, parse_date_text
from acujournal.domain.outcomes import INSTRUMENTS
from acujournal.domain.questionnaire import (
    BODY_REGION_CODES,
    VERSION_RANGE,
    Question,
    QuestionKind,
    Questionnaire,
)
from acujournal.domain.validation import ValidationError
from acujournal.reports.intake_fields import DONE, FORM_FIELD, FORM_MARK, NO, YES, field_name
from acujournal.services.intake import PreparedIntake, prepare_for_patient
from acujournal.services.questionnaires import newest_questionnaire, questionnaire_version
from acujournal.services.reporting import read_clinic_header
from acujournal.services.settings import get_default_questionnaire
from acujournal.services.unit_of_work import read_only, utc_now
from acujournal.storage.db import Database

# The PDF header may follow some junk, but within the first kilobyte (PDF 1.7, annex H).
_HEADER_WINDOW = 1024
_OFF = ("", "/Off", "Off")


class IntakeFormError(ValueError):
    """A file that cannot be read as a filled-in intake form; the message is one sentence."""


class UnknownFormError(IntakeFormError):
    """The form of a questionnaire version that is not known where it was looked up."""


@dataclass(frozen=True, slots=True)
class ReadForm:
    """What a filled-in form holds."""

    questionnaire: Questionnaire
    answers: dict[str, object]
    unreadable: dict[str, str] = field(default_factory=dict)


def intake_form_pdf(
    db: Database | None, key: str | None = None, generated_at: datetime | None = None
) -> bytes:
    """The fillable PDF form of the newest version of a questionnaire (by default the
    clinic's default one), with the clinic's letterhead when a journal is given.

    Without a journal only the shipped questionnaires are known; LookupError for a key that
    names none.
    """
    from acujournal.reports.data import ClinicHeader

    questionnaire = newest_questionnaire(db, key or get_default_questionnaire(db))
    clinic = ClinicHeader()
    if db is not None:
        with read_only(db) as repo:
            clinic = read_clinic_header(repo.session)
    from acujournal.reports.intake_form import intake_form_pdf  # ReportLab: when a form is made

    return intake_form_pdf(questionnaire, clinic, generated_at or utc_now())


def _fields(data: bytes, name: str) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise IntakeFormError(f"{name} is not a PDF file.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise IntakeFormError(f"{name} is protected by a password; save it without one.")
        found = reader.get_fields()
    except IntakeFormError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        # A damaged file makes the PDF library fail in many ways; all mean the same here.
        raise IntakeFormError(f"{name} is damaged and cannot be read as a PDF.") from error
    except RecursionError as error:
        raise IntakeFormError(f"{name} is damaged and cannot be read as a PDF.") from error
    return {str(key): value.get("/V") for key, value in (found or {}).items()}


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return str(value).strip() if value is not None else ""


def _choice(values: dict[str, Any], name: str) -> str:
    """The export value of a radio group ("" when none is chosen)."""
    text = _text(values, name)
    return "" if text in _OFF else text.removeprefix("/")


def _ticked(values: dict[str, Any], name: str) -> bool:
    return _text(values, name) not in _OFF


def read_form(data: bytes, name: str = "the file", db: Database | None = None) -> ReadForm:
    """The answers of a filled-in intake form; IntakeFormError when it is not one.

    ``name`` names the file in messages ("intake.pdf is not a PDF file."). The form's
    questionnaire is looked up among the shipped ones and, given a journal, the clinic's own;
    UnknownFormError when it is in neither.
    """
    values = _fields(data, name)
    marker = _text(values, FORM_FIELD)
    if not marker.startswith(f"{FORM_MARK} "):
        raise IntakeFormError(f"{name} is not an AcuJournal intake form.")
    form_id = marker.removeprefix(f"{FORM_MARK} ")
    key, _, version = form_id.partition("/")
    known = version.isdigit() and len(version) <= len(str(VERSION_RANGE[1]))
    questionnaire = questionnaire_version(db, key, int(version)) if known else None
    if questionnaire is None:
        where = "this version of AcuJournal does not have"
        if db is not None:
            where = "neither this version of AcuJournal nor this journal has"
        raise UnknownFormError(f"{name} is the intake form {form_id}, which {where}.")
    answers: dict[str, object] = {}
    unreadable: dict[str, str] = {}
    for question in questionnaire.questions():
        _read_question(question, values, answers, unreadable)
    if not answers and not unreadable:
        raise IntakeFormError(f"{name} is an empty intake form: no answer was filled in.")
    return ReadForm(questionnaire, answers, unreadable)


def _read_question(
    question: Question,
    values: dict[str, Any],
    answers: dict[str, object],
    unreadable: dict[str, str],
) -> None:
    key, kind = question.key, question.kind
    if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        text = _text(values, key)
        if text:
            answers[key] = text
    elif kind is QuestionKind.DATE:
        text = _text(values, key)
        if text:
            day = parse_date_text(text)
            if day is None:
                unreadable[key] = text
            else:
                answers[key] = day.isoformat()
    elif kind is QuestionKind.YES_NO:
        chosen = _choice(values, key)
        if chosen in (YES, NO):
            answers[key] = chosen == YES
        elif chosen:
            unreadable[key] = chosen
    elif kind is QuestionKind.CHOICE:
        chosen = _choice(values, key)
        if chosen and question.choice(chosen) is not None:
            answers[key] = chosen
        elif chosen:
            unreadable[key] = chosen
    elif kind in (QuestionKind.MULTI_CHOICE, QuestionKind.BODY_REGIONS):
        options = (
            [c.value for c in question.choices]
            if kind is QuestionKind.MULTI_CHOICE
            else list(BODY_REGION_CODES)
        )
        ticked = [option for option in options if _ticked(values, field_name(key, option))]
        if ticked:
            answers[key] = ticked
    elif kind is QuestionKind.NRS:
        chosen = _choice(values, key)
        if chosen.isdigit():
            answers[key] = int(chosen)
        elif chosen:
            unreadable[key] = chosen
    else:
        _read_instrument(question, values, answers)


def _read_instrument(
    question: Question, values: dict[str, Any], answers: dict[str, object]
) -> None:
    assert question.instrument is not None
    inst = INSTRUMENTS[question.instrument]
    key, count = question.key, inst.item_count
    if inst.item_range is None:
        ticks = [_ticked(values, field_name(key, n)) for n in range(1, count + 1)]
        # An untouched yes/no list is "not answered", unless the patient said it was done.
        if any(ticks) or _ticked(values, field_name(key, DONE)):
            answers[key] = ticks
        return
    items: list[int | None] = []
    for number in range(1, count + 1):
        chosen = _choice(values, field_name(key, number))
        items.append(int(chosen) if chosen.isdigit() else None)
    if any(item is not None for item in items):
        answers[key] = items


def read_form_file(path: str | Path, db: Database | None = None) -> ReadForm:
    """Read a filled-in form from a file; IntakeFormError (one sentence) when it is not one.

    A file that cannot be opened is an IntakeFormError too, naming the reason. The form's
    questionnaire is looked up as :func:`read_form` does.
    """
    target = Path(path)
    try:
        data = target.read_bytes()
    except FileNotFoundError as error:
        raise IntakeFormError(f"There is no file {target}.") from error
    except IsADirectoryError as error:
        raise IntakeFormError(f"{target} is a folder, not a file.") from error
    except OSError as error:
        raise IntakeFormError(f"Cannot read {target}: {error.strerror or error}.") from error
    return read_form(data, target.name, db)


def prepare_pdf_intake(
    db: Database,
    form: ReadForm,
    *,
    patient_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
    time_zone: str = "UTC",
    now: datetime | None = None,
) -> PreparedIntake:
    """A read form as an intake to confirm: for the given patient (and their open case unless
    ``case_id`` is given), or for a new patient made from the form's contact details
    (IntakeFormError when the form gives no name)."""
    try:
        return prepare_for_patient(
            db,
            form.questionnaire,
            form.answers,
            source=IntakeSource.PDF,
            unreadable=form.unreadable,
            patient_id=patient_id,
            case_id=case_id,
            time_zone=time_zone,
            now=now,
        )
    except ValidationError as error:
        raise IntakeFormError(
            "The form gives no name, so no patient can be made from it; "
            "choose the patient it belongs to."
        ) from error
