"""The names of the fields of the intake PDF form, shared by its writer and its reader.

Kept apart from :mod:`acujournal.reports.intake_form` (which needs ReportLab) so that reading a
filled form, and the app's start, do not load ReportLab. The naming is described there.
"""

from __future__ import annotations

from acujournal.domain.questionnaire import Questionnaire

FORM_FIELD = "acujournal_form"
FORM_MARK = "acujournal-intake"
DONE = "done"
YES, NO = "yes", "no"


def field_name(question: str, part: str | int | None = None) -> str:
    """The form field of a question, or of one choice or item of it."""
    return question if part is None else f"{question}__{part}"


def form_marker(questionnaire: Questionnaire) -> str:
    """The hidden field's value: ``acujournal-intake sciatica/1``."""
    return f"{FORM_MARK} {questionnaire.form_id}"
