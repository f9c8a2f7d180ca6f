"""An intake: the patient's questionnaire answers, their screening and the practitioner's review.

The flow the clinic follows (see the design notes): the patient answers the questionnaire (on
the clinic tablet, in a fillable PDF at home, or in an imported file); the answers are
screened automatically (:mod:`acujournal.domain.screening`); a qualified practitioner reviews
answers and screening and records a decision (accept, accept with caution, refer out) with
the reason, who decided and when. The automatic result is kept as it was; the decision sits
beside it.

Answers are a plain JSON object keyed by question key; a question left unanswered has no key.
:func:`answer_issues` says what is missing, unreadable or contradictory, so nothing is guessed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acujournal.domain import outcomes
from acujournal.domain.model import Case, CaseSide, Patient, Radiation, new_id
from acujournal.domain.questionnaire import (
    BODY_REGION_CODES,
    NRS_RANGE,
    Question,
    QuestionKind,
    Questionnaire,
)
from acujournal.domain.screening import (
    Facts,
    ScreeningOutcome,
    ScreeningResult,
    Signal,
    screen,
)
from acujournal.domain.validation import Problem

REASON_MAX = 4000


class IntakeSource(StrEnum):
    """How the answers reached the journal."""

    APP = "app"
    """Filled in on the clinic's tablet or computer."""
    PDF = "pdf"
    """Read from the fillable PDF form."""
    IMPORT = "import"
    """Came in an ``acujournal/1`` file from another journal."""


class ReviewDecision(StrEnum):
    ACCEPT = "accept"
    ACCEPT_WITH_CAUTION = "accept_with_caution"
    REFER_OUT = "refer_out"


@dataclass(slots=True)
class IntakeReview:
    """A practitioner's decision on an intake; decisions are never changed, only added."""

    decision: ReviewDecision
    reviewer_id: uuid.UUID
    reviewed_at: datetime
    reason: str = ""
    id: uuid.UUID = field(default_factory=new_id)


@dataclass(slots=True)
class Intake:
    """One completed questionnaire of a patient, optionally tied to a case.

    ``reviews`` holds every decision a practitioner recorded on it, oldest first.

    ``unreadable`` keeps, by question key, what the patient wrote where it could not be read
    as an answer (a date written "next spring"), so it is shown rather than guessed.
    """

    patient_id: uuid.UUID
    questionnaire_key: str
    questionnaire_version: int
    submitted_at: datetime
    answers: dict[str, object]
    screening: ScreeningResult
    id: uuid.UUID = field(default_factory=new_id)
    case_id: uuid.UUID | None = None
    time_zone: str = "UTC"
    source: IntakeSource = IntakeSource.APP
    unreadable: dict[str, str] = field(default_factory=dict)
    reviews: list[IntakeReview] = field(default_factory=list)

    @property
    def review(self) -> IntakeReview | None:
        """The decision that counts: the latest one (None before any review)."""
        return max(self.reviews, key=lambda r: r.reviewed_at) if self.reviews else None


def local_day(moment: datetime, zone: str) -> date:
    """The calendar day of ``moment`` in the IANA time zone ``zone`` (UTC when unknown)."""
    try:
        return moment.astimezone(ZoneInfo(zone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(UTC).date()


# What is wrong with a set of answers -------------------------------------------------------


class IssueKind(StrEnum):
    MISSING = "missing"
    """A required question is not answered."""
    INVALID = "invalid"
    """The answer is not a possible answer to the question (wrong type, out of range)."""
    UNREADABLE = "unreadable"
    """Something was written that could not be read as an answer."""
    CONTRADICTORY = "contradictory"
    """Answers that cannot all be true."""
    UNKNOWN = "unknown"
    """An answer to a question the questionnaire does not have."""


@dataclass(frozen=True, slots=True)
class AnswerIssue:
    """One thing to look at in a set of answers: which question, what kind, what exactly."""

    question: str
    kind: IssueKind
    message: str

    def as_problem(self) -> Problem:
        return Problem(self.question, self.message)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def answer_value_problem(question: Question, value: object) -> str | None:
    """Why ``value`` is not a possible answer to ``question``, or None when it is."""
    kind = question.kind
    if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        if not isinstance(value, str):
            return "must be text"
        if len(value) > question.max_length:
            return f"is longer than {question.max_length} characters"
        return None
    if kind is QuestionKind.DATE:
        if not isinstance(value, str) or parse_iso_date(value) is None:
            return "must be a date written YYYY-MM-DD"
        return None
    if kind is QuestionKind.YES_NO:
        return None if isinstance(value, bool) else "must be yes (true) or no (false)"
    if kind is QuestionKind.CHOICE:
        if not isinstance(value, str) or question.choice(value) is None:
            return f"{value!r} is not one of {', '.join(c.value for c in question.choices)}"
        return None
    if kind in (QuestionKind.MULTI_CHOICE, QuestionKind.BODY_REGIONS):
        allowed = (
            [c.value for c in question.choices]
            if kind is QuestionKind.MULTI_CHOICE
            else list(BODY_REGION_CODES)
        )
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of choices"
        unknown = [v for v in value if v not in allowed]
        if unknown:
            return f"{unknown[0]!r} is not a possible choice"
        if len(set(value)) != len(value):
            return "names a choice twice"
        return None
    if kind is QuestionKind.NRS:
        low, high = NRS_RANGE
        if not _is_whole(value) or not low <= value <= high:  # type: ignore[operator]
            return f"must be a whole number from {low} to {high}"
        return None
    assert question.instrument is not None
    try:
        outcomes.score(question.instrument, value)
    except outcomes.ScoringError as error:
        return str(error)
    return None


def answer_issues(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    *,
    on: date | None = None,
    unreadable: dict[str, str] | None = None,
) -> list[AnswerIssue]:
    """Everything worth a look in ``answers``, in questionnaire order.

    Missing required answers, impossible values, text that could not be read, dates after
    ``on`` (the day of the intake), multi-choice answers combining an exclusive choice with
    others, and the questionnaire's own consistency rules. An empty list means clean answers.
    """
    issues: list[AnswerIssue] = []
    unreadable = unreadable or {}
    for question in questionnaire.questions():
        key = question.key
        if key in unreadable:
            issues.append(
                AnswerIssue(
                    key,
                    IssueKind.UNREADABLE,
                    f'could not be read: "{unreadable[key]}"',
                )
            )
            continue
        value = answers.get(key)
        if value is None or value == "" or value == []:
            if question.required:
                issues.append(AnswerIssue(key, IssueKind.MISSING, "is not answered"))
            continue
        problem = answer_value_problem(question, value)
        if problem is not None:
            issues.append(AnswerIssue(key, IssueKind.INVALID, problem))
            continue
        issues += _contradictions_within(question, value, on)
    for key in answers:
        if questionnaire.question(key) is None:
            issues.append(
                AnswerIssue(key, IssueKind.UNKNOWN, "is not a question of this questionnaire")
            )
    for rule in questionnaire.consistency:
        if rule.when.holds(answers) and rule.conflicts.holds(answers):
            issues.append(
                AnswerIssue(rule.conflicts.question, IssueKind.CONTRADICTORY, rule.message)
            )
    return issues


def _contradictions_within(question: Question, value: object, on: date | None) -> list[AnswerIssue]:
    key = question.key
    if question.kind is QuestionKind.MULTI_CHOICE and isinstance(value, list) and len(value) > 1:
        alone = [v for v in value if (choice := question.choice(v)) and choice.exclusive]
        if alone:
            label = question.choice(alone[0])
            return [
                AnswerIssue(
                    key,
                    IssueKind.CONTRADICTORY,
                    f'"{label.label if label else alone[0]}" is ticked together with other answers',
                )
            ]
    if question.kind is QuestionKind.DATE and on is not None and isinstance(value, str):
        day = parse_iso_date(value)
        if day is not None and day > on:
            return [AnswerIssue(key, IssueKind.CONTRADICTORY, f"{value} is in the future")]
    return []


# Screening of answers ----------------------------------------------------------------------


def facts_of(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    *,
    birth_date: date | None = None,
) -> Facts:
    """The screening facts of ``answers``: each asked signal with its answer or None.

    Invalid answers count as unanswered; a birth date from the patient's record stands in
    when the questionnaire does not ask for one or the answer is missing.
    """
    facts: dict[Signal, object] = {}
    for question in questionnaire.questions():
        if question.screen is None:
            continue
        value = answers.get(question.key)
        if value is not None and answer_value_problem(question, value) is not None:
            value = None
        if question.kind is QuestionKind.DATE and isinstance(value, str):
            value = parse_iso_date(value)
        facts[question.screen] = value
    if birth_date is not None and facts.get(Signal.BIRTH_DATE) is None:
        facts[Signal.BIRTH_DATE] = birth_date
    return facts


def screen_answers(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    on: date,
    *,
    birth_date: date | None = None,
) -> ScreeningResult:
    """Screen a set of answers given on the day ``on``."""
    return screen(facts_of(questionnaire, answers, birth_date=birth_date), on)


# The review --------------------------------------------------------------------------------


def review_problems(
    screening: ScreeningResult, decision: ReviewDecision, reason: str
) -> list[Problem]:
    """Why a review decision cannot be recorded as given (an empty list when it can).

    Referring out needs a reason (where to, why), and so does going ahead despite a red flag:
    the record must show why the practitioner judged it safe.
    """
    problems: list[Problem] = []
    if len(reason) > REASON_MAX:
        problems.append(Problem("review.reason", f"must be at most {REASON_MAX} characters"))
    if reason.strip():
        return problems
    if decision is ReviewDecision.REFER_OUT:
        problems.append(Problem("review.reason", "say why and where the patient is referred"))
    elif screening.outcome is ScreeningOutcome.REFER_NOW:
        problems.append(
            Problem("review.reason", "say why treatment may go ahead despite the red flags")
        )
    return problems


def suggested_decision(screening: ScreeningResult) -> ReviewDecision:
    """The decision the screening points at, as the default offered to the practitioner."""
    return {
        ScreeningOutcome.REFER_NOW: ReviewDecision.REFER_OUT,
        ScreeningOutcome.CAUTION: ReviewDecision.ACCEPT_WITH_CAUTION,
        ScreeningOutcome.NO_FLAGS: ReviewDecision.ACCEPT,
    }[screening.outcome]


class AlertLevel(StrEnum):
    """How loudly a patient's screening is shown: a red strip or an amber one."""

    REFER = "refer"
    CAUTION = "caution"


@dataclass(frozen=True, slots=True)
class ScreeningStatus:
    """A patient's latest intake screening and its review, as the banner shows it."""

    intake_id: uuid.UUID
    patient_id: uuid.UUID
    case_id: uuid.UUID | None
    submitted_at: datetime
    screening: ScreeningResult
    review: IntakeReview | None = None
    reviewer_name: str = ""

    @property
    def level(self) -> AlertLevel | None:
        """How the banner shows this screening.

        Red while a red flag is unreviewed, and for a patient referred out. Amber for red flags
        a practitioner reviewed and accepted, for cautions (they matter at every session, so
        they stay), for an acceptance "with caution", and for unanswered screening questions
        until a practitioner has reviewed the intake. Nothing otherwise.
        """
        screening = self.screening
        decision = self.review.decision if self.review else None
        if decision is ReviewDecision.REFER_OUT:
            return AlertLevel.REFER
        if screening.outcome is ScreeningOutcome.REFER_NOW:
            return AlertLevel.REFER if decision is None else AlertLevel.CAUTION
        if screening.cautions or decision is ReviewDecision.ACCEPT_WITH_CAUTION:
            return AlertLevel.CAUTION
        if screening.unanswered and decision is None:
            return AlertLevel.CAUTION
        return None


# Contact details ---------------------------------------------------------------------------


def patient_from_answers(
    questionnaire: Questionnaire, answers: dict[str, object]
) -> Patient | None:
    """A new patient from the contact answers; None when the form gives no name."""
    values: dict[str, str] = {}
    for target in ("name", "phone", "email", "address", "birth_date"):
        question = questionnaire.mapped(f"patient.{target}")
        value = answers.get(question.key) if question else None
        if (
            question is not None
            and isinstance(value, str)
            and not answer_value_problem(question, value)
        ):
            values[target] = value.strip()
    if not values.get("name"):
        return None
    born = values.get("birth_date")
    return Patient(
        name=values["name"],
        birth_date=parse_iso_date(born) if born else None,
        phone=values.get("phone", ""),
        email=values.get("email", ""),
        address=values.get("address", ""),
    )


def case_from_answers(
    questionnaire: Questionnaire,
    answers: dict[str, object],
    patient_id: uuid.UUID,
    opened_on: date,
) -> Case:
    """A new case (episode of care) filled from the answers that map to case fields.

    Only valid answers are used; what is missing stays empty for the practitioner to fill.
    """

    def valid(target: str) -> object:
        question = questionnaire.mapped(target)
        if question is None:
            return None
        value = answers.get(question.key)
        if value is None or answer_value_problem(question, value) is not None:
            return None
        return value

    title = valid("case.title")
    first_line = title.strip().splitlines()[0] if isinstance(title, str) and title.strip() else ""
    side, reach, onset = valid("case.side"), valid("case.radiation"), valid("case.onset_date")
    numbness = valid("case.numbness")
    return Case(
        patient_id=patient_id,
        title=_clip(first_line or questionnaire.title, 200),
        condition=_clip(questionnaire.condition, 64),
        side=CaseSide(side) if isinstance(side, str) else CaseSide.UNKNOWN,
        radiation=Radiation(reach) if isinstance(reach, str) else None,
        onset_date=parse_iso_date(onset) if isinstance(onset, str) else None,
        numbness=numbness if isinstance(numbness, bool) else None,
        suspected_cause=_clip(_cause_text(questionnaire, valid("case.suspected_cause")), 200),
        opened_on=opened_on,
    )


def _cause_text(questionnaire: Questionnaire, value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    question = questionnaire.mapped("case.suspected_cause")
    if not isinstance(value, list) or question is None:
        return ""
    labels = []
    for item in value:
        choice = question.choice(item)
        # "No cause found" is the absence of a suspected cause, not one.
        if choice is not None and not choice.exclusive:
            labels.append(choice.label)
    return "; ".join(labels)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Reading dates people write ----------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED_RE = re.compile(r"^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})$")
_DAY_MONTH_RE = re.compile(r"^(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_RE = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _day(year: str, month: int | None, day: str) -> date | None:
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def parse_iso_date(text: str) -> date | None:
    """A ``YYYY-MM-DD`` date, or None."""
    match = _ISO_RE.match(text.strip())
    return _day(match[1], int(match[2]), match[3]) if match else None


def parse_date_text(text: str) -> date | None:
    """A date as people write it on a form, or None when it cannot be read for certain.

    Read: ``2026-03-30``, ``30.3.2026``, ``30 March 2026``, ``30 Mar 2026``,
    ``March 30, 2026``. Not read: ``03/04/2026`` and the like, where day and month could be
    either way round; the form asks for YYYY-MM-DD.
    """
    cleaned = " ".join(text.strip().lower().split())
    if (found := parse_iso_date(cleaned)) is not None:
        return found
    if match := _DOTTED_RE.match(cleaned):
        return _day(match[3], int(match[2]), match[1])
    if match := _DAY_MONTH_RE.match(cleaned):
        return _day(match[3], _MONTHS.get(match[2]), match[1])
    if match := _MONTH_DAY_RE.match(cleaned):
        return _day(match[3], _MONTHS.get(match[1]), match[2])
    return None
