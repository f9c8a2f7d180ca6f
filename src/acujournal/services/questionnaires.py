"""The intake questionnaires a journal offers: those AcuJournal ships, and the clinic's own.

A clinic adds its own questionnaire from a file written as ``docs/intake.md`` describes
(*Writing a questionnaire*). The file is checked completely first: any problem refuses the
whole file, with every problem named by its path in the file, and nothing is stored. A
questionnaire is stored in the journal, so every treatment room of a shared journal offers the
same ones, and every version stays there: a form handed out on paper or as a PDF is read back
with the questions it asked, however many versions later. Adding one is recorded in the audit
trail like any other record.

Shipped questionnaires keep their keys (a clinic's questionnaire cannot be called
``sciatica``), and a version, once added, keeps its content: a changed questionnaire needs a
higher ``version``. Adding the same content again changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from acujournal.domain.questionnaire import Questionnaire, QuestionnaireError
from acujournal.domain.questionnaire_file import (
    find_questionnaire,
    parse_questionnaire,
    questionnaire_json,
    shipped_keys,
    shipped_questionnaire,
)
from acujournal.domain.validation import Problem
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.audit import actor_label
from acujournal.storage.db import Database
from acujournal.storage.models import QuestionnaireRow
from acujournal.storage.repository import JournalRepository

FormId = tuple[str, int]
"""A questionnaire version: its key and version number."""


class QuestionnaireNotAddedError(ValueError):
    """A questionnaire file that was not added; ``problems`` name each reason by its path."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems, self.source = problems, source
        name = f"{source}: " if source else ""
        shown = "; ".join(str(problem) for problem in problems)
        super().__init__(f"{name}the questionnaire was not added: {shown}")


@dataclass(frozen=True, slots=True)
class QuestionnaireInfo:
    """A questionnaire as listed: what it is, and whether it ships or is the clinic's own."""

    key: str
    version: int
    title: str
    condition: str
    shipped: bool
    added_at: datetime | None = None
    added_by: str | None = None

    @property
    def source(self) -> str:
        """``shipped`` or ``clinic``."""
        return "shipped" if self.shipped else "clinic"


@dataclass(frozen=True, slots=True)
class AddedQuestionnaire:
    """The outcome of adding a questionnaire: ``new`` is False when it was there already."""

    info: QuestionnaireInfo
    new: bool


# Stored definitions -------------------------------------------------------------------------


def definition_text(data: object) -> str:
    """A questionnaire's decoded JSON as the journal keeps it."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def same_definition(stored: str, data: object) -> bool:
    """Whether a stored definition and decoded JSON say the same thing (layout aside)."""
    return _canonical(json.loads(stored)) == _canonical(data)


def _canonical(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@lru_cache(maxsize=128)
def _parsed(definition: str) -> Questionnaire:
    # Stored versions never change, so the text itself is a safe key.
    data = json.loads(definition)
    return parse_questionnaire(data, f"{data.get('key')}/{data.get('version')}")


def stored_rows(session: Session, forms: set[FormId] | None = None) -> list[QuestionnaireRow]:
    """The clinic's questionnaire versions (only ``forms`` when given), by key and version."""
    rows = session.scalars(
        select(QuestionnaireRow).order_by(QuestionnaireRow.key, QuestionnaireRow.version)
    )
    return [row for row in rows if forms is None or (row.key, row.version) in forms]


def add_definition(
    repo: JournalRepository, data: object, questionnaire: Questionnaire
) -> QuestionnaireRow:
    """Store a checked questionnaire version in the open unit of work, by its actor."""
    row = QuestionnaireRow(
        **definition_values(questionnaire, data, utc_now(), actor_label(repo.session))
    )
    repo.session.add(row)
    return row


def definition_values(
    questionnaire: Questionnaire, data: object, added_at: datetime, added_by: str | None
) -> dict[str, object]:
    """The stored columns of a questionnaire version."""
    return {
        "key": questionnaire.key,
        "version": questionnaire.version,
        "definition": definition_text(data),
        "added_at": added_at,
        "added_by": added_by,
    }


def _info(questionnaire: Questionnaire, row: QuestionnaireRow | None = None) -> QuestionnaireInfo:
    return QuestionnaireInfo(
        key=questionnaire.key,
        version=questionnaire.version,
        title=questionnaire.title,
        condition=questionnaire.condition,
        shipped=row is None,
        added_at=None if row is None else row.added_at,
        added_by=None if row is None else row.added_by,
    )


# Adding -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckedQuestionnaire:
    """A questionnaire definition checked completely, ready to be added to a journal."""

    data: object
    questionnaire: Questionnaire
    source: str = ""


def check_questionnaire(data: object, source: str = "") -> CheckedQuestionnaire:
    """Check decoded JSON as a clinic's questionnaire (everything that needs no journal).

    QuestionnaireNotAddedError names every problem, or a key AcuJournal ships.
    """
    try:
        questionnaire = parse_questionnaire(data, source)
    except QuestionnaireError as error:
        raise QuestionnaireNotAddedError(error.problems, source) from error
    problem = shipped_key_problem(questionnaire.key)
    if problem is not None:
        raise QuestionnaireNotAddedError([problem], source)
    return CheckedQuestionnaire(data, questionnaire, source)


def read_questionnaire_file(path: str | Path) -> CheckedQuestionnaire:
    """Read and check a questionnaire file; QuestionnaireNotAddedError naming every problem
    (a file that cannot be read is one too)."""
    target = Path(path)
    try:
        data = target.read_bytes()
    except FileNotFoundError as error:
        raise _file_problem(target, "there is no such file") from error
    except IsADirectoryError as error:
        raise _file_problem(target, "is a folder, not a file") from error
    except OSError as error:
        raise _file_problem(target, f"cannot be read ({error.strerror or error})") from error
    try:
        decoded = questionnaire_json(data, target.name)
    except QuestionnaireError as error:
        raise QuestionnaireNotAddedError(error.problems, target.name) from error
    return check_questionnaire(decoded, target.name)


def _file_problem(target: Path, message: str) -> QuestionnaireNotAddedError:
    return QuestionnaireNotAddedError([Problem("(file)", message)], str(target))


def add_questionnaire_file(db: Database, path: str | Path) -> AddedQuestionnaire:
    """Add the questionnaire in a file; QuestionnaireNotAddedError naming every problem."""
    return store_questionnaire(db, read_questionnaire_file(path))


def add_questionnaire(db: Database, data: object, source: str = "") -> AddedQuestionnaire:
    """Add a questionnaire from its decoded JSON (``source`` names it in messages)."""
    return store_questionnaire(db, check_questionnaire(data, source))


def store_questionnaire(db: Database, checked: CheckedQuestionnaire) -> AddedQuestionnaire:
    """Add a checked questionnaire; QuestionnaireNotAddedError when the journal holds its
    version with other content. The same content again changes nothing."""
    try:
        return _store(db, checked)
    except IntegrityError:
        # Another room added this version in the same instant: compare with theirs instead.
        return _store(db, checked)


def _store(db: Database, checked: CheckedQuestionnaire) -> AddedQuestionnaire:
    questionnaire = checked.questionnaire
    form = (questionnaire.key, questionnaire.version)
    with unit_of_work(db) as repo:
        stored = repo.session.get(QuestionnaireRow, form)
        if stored is not None:
            if not same_definition(stored.definition, checked.data):
                raise QuestionnaireNotAddedError([version_clash(questionnaire)], checked.source)
            return AddedQuestionnaire(_info(questionnaire, stored), new=False)
        row = add_definition(repo, checked.data, questionnaire)
        return AddedQuestionnaire(_info(questionnaire, row), new=True)


def shipped_key_problem(key: str, path: str = "key") -> Problem | None:
    """The problem with a clinic's questionnaire taking a shipped key, or None."""
    if key not in shipped_keys():
        return None
    return Problem(path, f'"{key}" is a questionnaire AcuJournal ships; give yours another key')


def version_clash(questionnaire: Questionnaire, path: str = "version") -> Problem:
    """The problem with a version the journal holds with other content."""
    return Problem(
        path,
        f'the journal already has version {questionnaire.version} of "{questionnaire.key}" '
        'with other content; raise "version" to add the changed questionnaire',
    )


# Finding ------------------------------------------------------------------------------------


def questionnaire_in(repo: JournalRepository, key: str, version: int) -> Questionnaire | None:
    """A questionnaire version, shipped or the clinic's, in an open transaction; or None."""
    shipped = find_questionnaire(key, version)
    if shipped is not None:
        return shipped
    row = repo.session.get(QuestionnaireRow, (key, version))
    return None if row is None else _parsed(row.definition)


def questionnaire_version(db: Database | None, key: str, version: int) -> Questionnaire | None:
    """A questionnaire version (to read back a form of it), or None when there is none.

    Without a journal only the shipped questionnaires are known.
    """
    if db is None:
        return find_questionnaire(key, version)
    with read_only(db) as repo:
        return questionnaire_in(repo, key, version)


def newest_questionnaire(db: Database | None, key: str) -> Questionnaire:
    """The newest version of a questionnaire; LookupError when there is none by that key."""
    found = find_questionnaire(key)
    if found is None and db is not None:
        newest = (
            select(QuestionnaireRow.definition)
            .where(QuestionnaireRow.key == key)
            .order_by(QuestionnaireRow.version.desc())
            .limit(1)
        )
        with read_only(db) as repo:
            definition = repo.session.scalar(newest)
        found = None if definition is None else _parsed(definition)
    if found is None:
        raise LookupError(
            f'No questionnaire "{key}" ships with AcuJournal or was added to this journal.'
        )
    return found


def available_questionnaires(db: Database | None) -> list[QuestionnaireInfo]:
    """Every questionnaire on offer, the newest version of each: the shipped ones first, then
    the clinic's own, each by key."""
    found = [_info(shipped_questionnaire(key)) for key in sorted(shipped_keys())]
    if db is None:
        return found
    with read_only(db) as repo:
        newest = {row.key: row for row in stored_rows(repo.session)}
    return found + [_info(_parsed(row.definition), row) for row in newest.values()]


def available_keys(repo: JournalRepository) -> set[str]:
    """The keys of every questionnaire on offer, in an open transaction."""
    return set(shipped_keys()) | {row.key for row in stored_rows(repo.session)}
