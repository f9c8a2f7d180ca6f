"""Intakes in the ``acujournal/1`` interchange format: writing, reading and storing them.

A patient object carries an ``intakes`` list (docs/interchange.md, *Intake*). Files written
before intakes existed have no such key, and are read as patients without intakes. The rest
of the format is handled by ``interchange_read``, ``interchange_write`` and ``interchange``,
which call the few hooks below; everything specific to intakes lives here.

Reading never trusts a file's screening blindly: when the questionnaire is one this program
ships or the file carries, every red flag and caution the answers give must be in the file's
screening (a file cannot hide a red flag), and the outcome must follow from the flags the
screening lists.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from acujournal.domain.intake import (
    Intake,
    IntakeReview,
    IntakeSource,
    ReviewDecision,
    local_day,
    screen_answers,
)
from acujournal.domain.questionnaire import VERSION_RANGE, Questionnaire
from acujournal.domain.screening import (
    Caution,
    RedFlag,
    ScreeningOutcome,
    ScreeningResult,
    outcome_of,
)
from acujournal.domain.validation import Problem
from acujournal.storage import mapping
from acujournal.storage.models import CaseRow, IntakeReviewRow, IntakeRow
from acujournal.storage.repository import JournalRepository

if TYPE_CHECKING:
    from acujournal.services.interchange_read import _DocumentParser, _Object

Document = dict[str, Any]

INTAKE_KEYS = dict.fromkeys(
    (
        "id",
        "case_id",
        "questionnaire",
        "questionnaire_version",
        "submitted_at",
        "time_zone",
        "source",
        "answers",
        "unreadable",
        "screening",
        "reviews",
    )
)
SCREENING_KEYS = dict.fromkeys(("outcome", "red_flags", "cautions", "unanswered"))
REVIEW_KEYS = dict.fromkeys(("id", "decision", "reason", "reviewer_id", "reviewed_at"))
# Answers are short: a few dozen questions, free text up to a few thousand characters (the
# questionnaire's own limits). These bounds keep a hostile file from growing them without end.
ANSWER_TEXT_LIMIT = 4000
MAX_ANSWER_VALUES = 10_000
MAX_ANSWER_DEPTH = 4
MAX_REVIEWS = 1_000
# Placeholders for values already reported as bad; such a record is never stored.
_NO_ID = uuid.UUID(int=0)
_NO_TIME = datetime.min


def _instant(moment: datetime, zone: str) -> str:
    """ISO 8601 with the offset the clock showed in ``zone`` (as for sessions)."""
    try:
        where = ZoneInfo(zone)
    except (ValueError, LookupError):
        return moment.astimezone(UTC).isoformat()
    return moment.astimezone(where).isoformat()


# Writing -----------------------------------------------------------------------------------


class IntakeRows:
    """The intake rows of an export, grouped by patient (one query per table)."""

    def __init__(self, session: Session, patient_id: uuid.UUID | None) -> None:
        intakes = select(IntakeRow.__table__)
        if patient_id is not None:
            intakes = intakes.where(IntakeRow.patient_id == patient_id)
        rows = list(session.execute(intakes).mappings())
        reviews = select(IntakeReviewRow.__table__)
        if patient_id is not None:
            reviews = reviews.where(
                IntakeReviewRow.intake_id.in_(
                    select(IntakeRow.id).where(IntakeRow.patient_id == patient_id)
                )
            )
        self.by_patient: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
        for row in rows:
            self.by_patient[row["patient_id"]].append(row)
        self.reviews: dict[uuid.UUID, list[RowMapping]] = defaultdict(list)
        for review in session.execute(reviews).mappings():
            self.reviews[review["intake_id"]].append(review)

    def forms(self) -> set[tuple[str, int]]:
        """The questionnaire versions these intakes were given in."""
        return {
            (row["questionnaire_key"], row["questionnaire_version"])
            for rows in self.by_patient.values()
            for row in rows
        }

    def reviewers(self) -> set[uuid.UUID]:
        """Every practitioner who reviewed one of these intakes."""
        return {r["reviewer_id"] for rows in self.reviews.values() for r in rows}

    def documents(self, patient_id: uuid.UUID) -> list[Document]:
        """The ``intakes`` list of one patient, oldest first (ties broken by id)."""
        rows = sorted(
            self.by_patient.get(patient_id, []), key=lambda r: (r["submitted_at"], r["id"])
        )
        return [self._intake(row) for row in rows]

    def _intake(self, row: RowMapping) -> Document:
        zone = row["time_zone"]
        reviews = sorted(self.reviews.get(row["id"], []), key=lambda r: (r["reviewed_at"], r["id"]))
        return {
            "id": str(row["id"]),
            "case_id": None if row["case_id"] is None else str(row["case_id"]),
            "questionnaire": row["questionnaire_key"],
            "questionnaire_version": row["questionnaire_version"],
            "submitted_at": _instant(row["submitted_at"], zone),
            "time_zone": zone,
            "source": row["source"],
            "answers": row["answers"],
            "unreadable": row["unreadable"],
            "screening": {
                "outcome": row["screening_outcome"],
                "red_flags": list(row["red_flags"]),
                "cautions": list(row["cautions"]),
                "unanswered": list(row["unanswered"]),
            },
            "reviews": [
                {
                    "id": str(r["id"]),
                    "decision": r["decision"],
                    "reason": r["reason"],
                    "reviewer_id": str(r["reviewer_id"]),
                    "reviewed_at": _instant(r["reviewed_at"], zone),
                }
                for r in reviews
            ],
        }


# Reading -----------------------------------------------------------------------------------


def split_intakes(value: object) -> tuple[object, object]:
    """A patient object without its ``intakes``, and the intakes (None when there are none).

    Lets the patient be read with its usual strict set of keys: the key is optional, so files
    written before intakes existed still read.
    """
    if isinstance(value, dict) and "intakes" in value:
        return {k: v for k, v in value.items() if k != "intakes"}, value["intakes"]
    return value, None


def read_intakes(
    parser: _DocumentParser,
    value: object,
    patient_path: str,
    patient_id: uuid.UUID,
    birth_date: date | None,
) -> None:
    """Read a patient's ``intakes`` list into ``parser.result.intakes``, collecting problems."""
    if value is None:
        return
    path = f"{patient_path}.intakes"
    if not isinstance(value, list):
        parser.problems.append(Problem(path, "must be a list"))
        return
    for index, item in enumerate(value):
        _read_intake(parser, item, f"{path}[{index}]", patient_id, birth_date)


def _read_intake(
    parser: _DocumentParser,
    value: object,
    path: str,
    patient_id: uuid.UUID,
    birth_date: date | None,
) -> None:
    obj = parser.open(value, path, INTAKE_KEYS)
    if obj is None:
        return
    before = len(parser.problems)
    record_id = parser.record_id("intake", obj)
    answers = _json_object(obj, "answers")
    screening = _screening(obj.child("screening", SCREENING_KEYS))
    intake = Intake(
        patient_id=patient_id,
        case_id=obj.identifier("case_id", nullable=True),
        questionnaire_key=obj.text("questionnaire", 40, required=True),
        questionnaire_version=obj.whole("questionnaire_version", VERSION_RANGE, nullable=False)
        or 1,
        submitted_at=obj.instant("submitted_at") or _NO_TIME,
        time_zone=obj.zone("time_zone"),
        source=obj.choice("source", IntakeSource, IntakeSource.IMPORT),
        answers=answers,
        unreadable=_json_object(obj, "unreadable", texts_only=True),
        screening=screening,
        reviews=[
            _review(parser, item, item_path)
            for item_path, item in obj.items("reviews", MAX_REVIEWS)
        ],
    )
    if len(parser.problems) == before:
        questionnaire = parser.result.questionnaire(
            intake.questionnaire_key, intake.questionnaire_version
        )
        parser.problems.extend(
            _screening_problems(intake, questionnaire, f"{path}.screening", birth_date)
        )
    if record_id is not None:
        intake.id = record_id
        parser.result.intakes.append(intake)


def _text_problem(text: str) -> str | None:
    if len(text) > ANSWER_TEXT_LIMIT:
        return f"holds a text longer than {ANSWER_TEXT_LIMIT} characters"
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


def _json_problem(value: object, depth: int, budget: list[int]) -> str | None:
    """Why ``value`` is not plain, bounded JSON, or None."""
    budget[0] -= 1
    if budget[0] < 0:
        return f"holds more than {MAX_ANSWER_VALUES} values"
    if depth > MAX_ANSWER_DEPTH:
        return f"nests deeper than {MAX_ANSWER_DEPTH} levels"
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "holds a number that is not finite"
    if isinstance(value, list):
        return next(filter(None, (_json_problem(v, depth + 1, budget) for v in value)), None)
    if isinstance(value, dict):
        found = (_text_problem(k) or _json_problem(v, depth + 1, budget) for k, v in value.items())
        return next(filter(None, found), None)
    if value is None or isinstance(value, bool | int | float):
        return None
    return "must be plain JSON"


def _json_object(obj: _Object, key: str, *, texts_only: bool = False) -> dict[str, Any]:
    """An object of plain JSON values by question key ({} when bad, which is reported)."""
    value = obj.rec.get(key)
    if not isinstance(value, dict):
        if key in obj.rec:
            obj.fail(key, "must be an object of answers by question")
        return {}
    if texts_only and not all(isinstance(v, str) for v in value.values()):
        obj.fail(key, "must be an object of texts by question")
        return {}
    problem = _json_problem(value, 0, [MAX_ANSWER_VALUES])
    if problem:
        obj.fail(key, problem)
        return {}
    return dict(value)


def _codes(obj: _Object, key: str, allowed: Iterable[str]) -> list[str]:
    known = set(allowed)
    found: list[str] = []
    for item_path, item in obj.items(key, 100):
        if not isinstance(item, str) or item not in known:
            obj.problems.append(Problem(item_path, f"{item!r} is not a known code"))
        else:
            found.append(item)
    return found


def _screening(obj: _Object) -> ScreeningResult:
    outcome = obj.choice("outcome", ScreeningOutcome, ScreeningOutcome.CAUTION)
    red_flags = [RedFlag(code) for code in _codes(obj, "red_flags", (f.value for f in RedFlag))]
    cautions = [Caution(code) for code in _codes(obj, "cautions", (c.value for c in Caution))]
    every_code = [f.value for f in RedFlag] + [c.value for c in Caution]
    unanswered = _codes(obj, "unanswered", every_code)
    if outcome is not outcome_of(red_flags, cautions, unanswered):
        obj.fail(
            "outcome",
            f'"{outcome.value}" does not follow from the flags listed '
            f'(expected "{outcome_of(red_flags, cautions, unanswered).value}")',
        )
    return ScreeningResult(outcome, tuple(red_flags), tuple(cautions), tuple(unanswered))


def _screening_problems(
    intake: Intake, questionnaire: Questionnaire | None, path: str, birth_date: date | None
) -> list[Problem]:
    if questionnaire is None:
        return []  # a questionnaire the file does not carry: its screening is taken as written
    day = local_day(intake.submitted_at, intake.time_zone)
    found = screen_answers(questionnaire, intake.answers, day, birth_date=birth_date)
    missing = [f.value for f in found.red_flags if f not in intake.screening.red_flags]
    missing += [c.value for c in found.cautions if c not in intake.screening.cautions]
    if missing:
        return [Problem(path, f"the answers give {', '.join(missing)}, which it does not list")]
    return []


def _review(parser: _DocumentParser, value: object, path: str) -> IntakeReview:
    obj = parser.open(value, path, REVIEW_KEYS)
    if obj is None:  # reported already; the placeholder is never stored
        return IntakeReview(ReviewDecision.ACCEPT, _NO_ID, _NO_TIME)
    reviewer = obj.identifier("reviewer_id")
    parser.refer("practitioner", reviewer, f"{path}.reviewer_id")
    return IntakeReview(
        id=parser.record_id("intake_review", obj) or _NO_ID,
        decision=obj.choice("decision", ReviewDecision, ReviewDecision.ACCEPT),
        reason=obj.text("reason", IntakeReviewRow),
        reviewer_id=reviewer or _NO_ID,
        reviewed_at=obj.instant("reviewed_at") or _NO_TIME,
    )


# Storing -----------------------------------------------------------------------------------


def check_intakes(
    repo: JournalRepository,
    intakes: Sequence[Intake],
    file_cases: dict[uuid.UUID, uuid.UUID],
    paths: dict[tuple[str, uuid.UUID], str],
) -> tuple[set[uuid.UUID], list[Problem]]:
    """Which intakes the journal has already (to skip) and what is wrong with the new ones.

    ``file_cases`` maps the file's case ids to their patients: an intake's case must be a case
    of the same patient, in the file or already in the journal.
    """
    stored = repo.existing_ids(IntakeRow, (i.id for i in intakes))
    new = [i for i in intakes if i.id not in stored]
    problems: list[Problem] = []
    outside = {i.case_id for i in new if i.case_id is not None and i.case_id not in file_cases}
    journal_cases: dict[uuid.UUID, uuid.UUID] = {}
    wanted = list(outside)
    for start in range(0, len(wanted), 500):
        query = select(CaseRow.id, CaseRow.patient_id).where(
            CaseRow.id.in_(wanted[start : start + 500])
        )
        journal_cases.update({row.id: row.patient_id for row in repo.session.execute(query)})
    for intake in new:
        where = paths[("intake", intake.id)]
        if intake.case_id is not None:
            owner = file_cases.get(intake.case_id, journal_cases.get(intake.case_id))
            if owner is None:
                problems.append(
                    Problem(
                        f"{where}.case_id", f"no case {intake.case_id} in the file or the journal"
                    )
                )
            elif owner != intake.patient_id:
                problems.append(Problem(f"{where}.case_id", "is a case of another patient"))
    review_ids = [r.id for i in new for r in i.reviews]
    for taken in repo.existing_ids(IntakeReviewRow, review_ids):
        problems.append(
            Problem(
                f"{paths[('intake_review', taken)]}.id", f"{taken} is already used in the journal"
            )
        )
    return stored, problems


def store_intakes(repo: JournalRepository, intakes: Sequence[Intake], skip: set[uuid.UUID]) -> None:
    """Insert the new intakes and their reviews (after patients and cases are written)."""
    new = [i for i in intakes if i.id not in skip]
    repo.bulk_insert(IntakeRow, [mapping.intake_values(i) for i in new])
    repo.bulk_insert(
        IntakeReviewRow,
        [mapping.intake_review_values(i.id, r) for i in new for r in i.reviews],
    )
