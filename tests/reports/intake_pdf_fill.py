"""Filling the intake PDF form as a PDF reader would, for the tests."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from acujournal.domain.outcomes import INSTRUMENTS
from acujournal.domain.questionnaire import QuestionKind, Questionnaire
from acujournal.reports.intake_form import DONE, NO, YES, field_name


def form_values(questionnaire: Questionnaire, answers: dict[str, object]) -> dict[str, str]:
    """The form field values a patient sets to give ``answers``."""
    values: dict[str, str] = {}
    for question in questionnaire.questions():
        key, kind, answer = question.key, question.kind, answers.get(question.key)
        if answer is None:
            continue
        if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT, QuestionKind.DATE):
            values[key] = str(answer)
        elif kind is QuestionKind.YES_NO:
            values[key] = f"/{YES if answer else NO}"
        elif kind in (QuestionKind.CHOICE, QuestionKind.NRS):
            values[key] = f"/{answer}"
        elif kind in (QuestionKind.MULTI_CHOICE, QuestionKind.BODY_REGIONS):
            assert isinstance(answer, list)
            values |= {field_name(key, option): "/Yes" for option in answer}
        else:
            assert isinstance(answer, list)
            assert question.instrument is not None
            if INSTRUMENTS[question.instrument].item_range is None:
                values |= {field_name(key, n): "/Yes" for n, a in enumerate(answer, 1) if a}
                values[field_name(key, DONE)] = "/Yes"
            else:
                values |= {
                    field_name(key, n): f"/{a}" for n, a in enumerate(answer, 1) if a is not None
                }
    return values


def fill(form: bytes, values: dict[str, str]) -> bytes:
    """The form with ``values`` set in its fields, saved as a PDF reader saves it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(form)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
