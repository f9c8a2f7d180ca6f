"""Intake questionnaires as data: sections of questions, checked when loaded.

A questionnaire is a JSON file (``resources/questionnaires/sciatica.json`` ships with the
program) so a clinic can write its own for other complaints.
:mod:`acujournal.domain.questionnaire_file` checks every part of a file when it is loaded and
reports every problem with its path in the file; nothing half-valid is ever used.

What a question may be (``kind``) and what its answer holds:

==============  ==========================================================================
text            one line of text (up to ``max_length``, 200 by default)
long_text       free text (up to ``max_length``, 4000 by default)
date            a date, stored as ``YYYY-MM-DD``
yes_no          true or false
choice          one of the question's ``choices`` (their ``value``)
multi_choice    a list of choice values; a choice marked ``exclusive`` stands alone
body_regions    a list of body-chart region codes (:data:`BODY_REGION_CODES`)
nrs             a whole number 0-10 (numeric pain rating)
instrument      the item answers of an outcome instrument (ODI, RMDQ or SBI), as
                :func:`acujournal.domain.outcomes.score` takes them
==============  ==========================================================================

A question may also name a screening signal (``screen``: what the red-flag and safety rules
read, see :mod:`acujournal.domain.screening`), a patient or case field it fills
(``maps_to``), and the outcome instrument its answer is a baseline of (``instrument``).
``consistency`` rules name answers that contradict each other; such answers are shown to the
practitioner as contradictory, never silently resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from acujournal.domain.model import CaseSide, Radiation
from acujournal.domain.outcomes import INSTRUMENTS, InstrumentKind
from acujournal.domain.screening import Signal
from acujournal.domain.validation import Problem, ValidationError

FORMAT = "acujournal-questionnaire/1"
TEXT_MAX = 200
LONG_TEXT_MAX = 4000
NRS_RANGE = (0, 10)
VERSION_RANGE = (1, 10_000)

BODY_REGION_CODES: tuple[str, ...] = (
    "head",
    "neck",
    "chest",
    "abdomen",
    "upper_back",
    "low_back",
    *(
        f"{side}_{part}"
        for part in (
            "shoulder",
            "upper_arm",
            "forearm",
            "hand",
            "buttock",
            "thigh",
            "knee",
            "calf",
            "foot",
        )
        for side in ("left", "right")
    ),
)
"""The coded body regions of the body chart, in its order (the app's chart draws these)."""
BODY_PARTS_MIDLINE = BODY_REGION_CODES[:6]
BODY_PARTS_SIDED = tuple(dict.fromkeys(code.split("_", 1)[1] for code in BODY_REGION_CODES[6:]))


def body_region_label(code: str) -> str:
    """A region's English name, "left calf", "low back" (the app translates its own)."""
    return code.replace("_", " ")


class QuestionKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    YES_NO = "yes_no"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    BODY_REGIONS = "body_regions"
    NRS = "nrs"
    INSTRUMENT = "instrument"


CHOICE_KINDS = (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE)
MAPS_TO: dict[str, tuple[QuestionKind, ...]] = {
    "patient.name": (QuestionKind.TEXT,),
    "patient.birth_date": (QuestionKind.DATE,),
    "patient.phone": (QuestionKind.TEXT,),
    "patient.email": (QuestionKind.TEXT,),
    "patient.address": (QuestionKind.TEXT, QuestionKind.LONG_TEXT),
    "case.title": (QuestionKind.TEXT, QuestionKind.LONG_TEXT),
    "case.side": (QuestionKind.CHOICE,),
    "case.radiation": (QuestionKind.CHOICE,),
    "case.onset_date": (QuestionKind.DATE,),
    "case.numbness": (QuestionKind.YES_NO,),
    "case.suspected_cause": (QuestionKind.MULTI_CHOICE, QuestionKind.TEXT),
}
"""Patient and case fields a question may fill, with the question kinds that can fill them."""
MAPPED_CHOICES: dict[str, frozenset[str]] = {
    "case.side": frozenset(side.value for side in CaseSide),
    "case.radiation": frozenset(reach.value for reach in Radiation),
}
NRS_INSTRUMENTS = ("NRS_BACK", "NRS_LEG")
QUESTIONNAIRE_INSTRUMENTS = tuple(
    code for code, inst in INSTRUMENTS.items() if inst.kind is InstrumentKind.QUESTIONNAIRE
)


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    exclusive: bool = False
    """A choice that cannot be combined with others ("unknown", "none of these")."""


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    kind: QuestionKind
    label: str
    help: str = ""
    required: bool = False
    screen: Signal | None = None
    maps_to: str | None = None
    choices: tuple[Choice, ...] = ()
    instrument: str | None = None
    max_length: int = TEXT_MAX

    def choice(self, value: str) -> Choice | None:
        """The choice with ``value``, or None."""
        return next((c for c in self.choices if c.value == value), None)

    @property
    def item_count(self) -> int:
        """Items of an instrument question (10 for the ODI); 0 for other questions."""
        return INSTRUMENTS[self.instrument].item_count if self.instrument else 0


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """An answer to test: equal to a value, one of values, or a list including a value."""

    question: str
    equals: object = None
    one_of: tuple[object, ...] = ()
    includes: str | None = None

    def holds(self, answers: Mapping[str, object]) -> bool:
        """Whether the answer to ``question`` meets the condition (an absent one never does)."""
        if self.question not in answers or answers[self.question] is None:
            return False
        answer = answers[self.question]
        if self.includes is not None:
            return isinstance(answer, list | tuple) and self.includes in answer
        if self.one_of:
            return any(answer == value and type(answer) is type(value) for value in self.one_of)
        return answer == self.equals and type(answer) is type(self.equals)


@dataclass(frozen=True, slots=True)
class Consistency:
    """Two answers that contradict each other when both conditions hold."""

    key: str
    when: Condition
    conflicts: Condition
    message: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    key: str
    version: int
    title: str
    condition: str
    sections: tuple[Section, ...]
    intro: str = ""
    consistency: tuple[Consistency, ...] = ()
    _index: dict[str, Question] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({q.key: q for section in self.sections for q in section.questions})

    def questions(self) -> Iterator[Question]:
        """Every question, section by section."""
        for section in self.sections:
            yield from section.questions

    def question(self, key: str) -> Question | None:
        return self._index.get(key)

    def asking(self, signal: Signal) -> Question | None:
        """The question feeding a screening signal, or None when it is not asked."""
        return next((q for q in self.questions() if q.screen is signal), None)

    def mapped(self, target: str) -> Question | None:
        """The question filling a patient or case field (``"patient.name"``), or None."""
        return next((q for q in self.questions() if q.maps_to == target), None)

    @property
    def form_id(self) -> str:
        """The questionnaire and version in one word: ``sciatica/1``."""
        return f"{self.key}/{self.version}"


class QuestionnaireError(ValidationError):
    """A questionnaire file that cannot be used; every problem is named by its path."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        super().__init__(problems)
        self.source = source
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = f"; and {len(self.problems) - 10} more" if len(self.problems) > 10 else ""
        name = f"{source}: " if source else ""
        self.args = (f"{name}this is not a usable questionnaire: {shown}{more}",)


def answer_text(
    question: Question,
    value: object,
    *,
    yes: str = "yes",
    no: str = "no",
    region: Callable[[str], str] = body_region_label,
) -> str:
    """An answer as a person reads it: choice labels, "yes"/"no", region names, item lists.

    Words are English unless given (the app passes its translations). A value that is not a
    possible answer is shown as it is, never dropped.
    """
    if isinstance(value, bool) and question.kind is QuestionKind.YES_NO:
        return yes if value else no
    if question.kind in CHOICE_KINDS:
        chosen = value if isinstance(value, list) else [value]
        labels = []
        for item in chosen:
            choice = question.choice(item) if isinstance(item, str) else None
            labels.append(choice.label if choice else str(item))
        return "; ".join(labels)
    if question.kind is QuestionKind.BODY_REGIONS and isinstance(value, list):
        return ", ".join(region(str(code)) for code in value)
    if question.kind is QuestionKind.INSTRUMENT and isinstance(value, list):
        if all(isinstance(item, bool) for item in value):
            ticked = [str(n) for n, item in enumerate(value, start=1) if item]
            return f"{yes}: " + (", ".join(ticked) if ticked else "none")
        return " ".join("-" if item is None else str(item) for item in value)
    return str(value)
