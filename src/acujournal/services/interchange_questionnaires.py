"""A clinic's own questionnaires in the ``acujournal/1`` interchange format.

An intake names its questionnaire by key and version. When that is a clinic's own
questionnaire, the journal that reads the file needs its definition to show the answers,
read forms back and open a case from them, so the document carries it in an optional
top-level ``questionnaires`` list (docs/interchange.md, *Questionnaire*): every clinic
questionnaire for a whole-journal export, the versions the patient's intakes use for a
one-patient export. The key is left out when there are none, so such files read in older
versions of AcuJournal as before; files without it read as carrying none.

Each definition is checked as completely as a questionnaire file added by hand, with every
problem named by its path in the document; a definition of a shipped key, or a version the
journal already holds with other content, is refused; one the journal holds as it is, is
skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from acujournal.domain.questionnaire import Questionnaire
from acujournal.domain.validation import Problem
from acujournal.services.questionnaires import (
    FormId,
    QuestionnaireNotAddedError,
    check_questionnaire,
    definition_values,
    same_definition,
    stored_rows,
    version_clash,
)
from acujournal.storage.audit import actor_label
from acujournal.storage.models import QuestionnaireRow
from acujournal.storage.repository import JournalRepository

if TYPE_CHECKING:
    from acujournal.services.interchange_read import _DocumentParser

KEY = "questionnaires"


@dataclass(frozen=True, slots=True)
class CarriedQuestionnaire:
    """A questionnaire definition a document carries, with where it is in the file."""

    questionnaire: Questionnaire
    data: object
    path: str

    @property
    def form(self) -> FormId:
        return (self.questionnaire.key, self.questionnaire.version)


# Writing -----------------------------------------------------------------------------------


def questionnaire_documents(session: Session, forms: set[FormId] | None) -> list[Any]:
    """The definitions an export carries: every clinic questionnaire, or only ``forms``."""
    return [json.loads(row.definition) for row in stored_rows(session, forms)]


# Reading -----------------------------------------------------------------------------------


def split_questionnaires(value: object) -> tuple[object, object]:
    """A document without its ``questionnaires``, and those (None when there are none)."""
    if isinstance(value, dict) and KEY in value:
        return {k: v for k, v in value.items() if k != KEY}, value[KEY]
    return value, None


def read_questionnaires(parser: _DocumentParser, value: object) -> None:
    """Check the carried definitions into ``parser.result.questionnaires``."""
    if value is None:
        return
    if not isinstance(value, list):
        parser.problems.append(Problem(KEY, "must be a list"))
        return
    seen: dict[FormId, str] = {}
    for index, item in enumerate(value):
        path = f"{KEY}[{index}]"
        carried = _read_one(parser, item, path)
        if carried is None:
            continue
        if carried.form in seen:
            parser.problems.append(
                Problem(f"{path}.version", f"this version is also {seen[carried.form]}")
            )
            continue
        seen[carried.form] = path
        parser.result.questionnaires.append(carried)


def _read_one(parser: _DocumentParser, item: object, path: str) -> CarriedQuestionnaire | None:
    try:
        checked = check_questionnaire(item)
    except QuestionnaireNotAddedError as error:
        parser.problems.extend(_within(path, problem) for problem in error.problems)
        return None
    return CarriedQuestionnaire(checked.questionnaire, item, path)


def _within(path: str, problem: Problem) -> Problem:
    """A problem of a definition, named by its path in the document."""
    inner = problem.field
    return Problem(path if inner.startswith("(") else f"{path}.{inner}", problem.message)


# Storing -----------------------------------------------------------------------------------


def check_questionnaires(
    repo: JournalRepository, carried: list[CarriedQuestionnaire]
) -> tuple[set[FormId], list[Problem]]:
    """Which definitions the journal holds already (to skip), and clashes with stored ones."""
    stored = {
        (row.key, row.version): row for row in stored_rows(repo.session, {c.form for c in carried})
    }
    skip: set[FormId] = set()
    problems: list[Problem] = []
    for item in carried:
        row = stored.get(item.form)
        if row is None:
            continue
        if same_definition(row.definition, item.data):
            skip.add(item.form)
        else:
            problems.append(version_clash(item.questionnaire, f"{item.path}.version"))
    return skip, problems


def store_questionnaires(
    repo: JournalRepository, carried: list[CarriedQuestionnaire], skip: set[FormId], now: datetime
) -> None:
    """Insert the new definitions, as added now by whoever imports the file."""
    added_by = actor_label(repo.session)
    repo.bulk_insert(
        QuestionnaireRow,
        [
            definition_values(item.questionnaire, item.data, now, added_by)
            for item in carried
            if item.form not in skip
        ],
    )
