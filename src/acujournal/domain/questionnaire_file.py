"""Reading and checking questionnaire files (the format is described in
:mod:`acujournal.domain.questionnaire`).

Every part of a file is checked and every problem is reported with its path in the file
(``sections[1].questions[4].choices[0].value``); a file with any problem is refused whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from acujournal.domain.questionnaire import (
    BODY_REGION_CODES,
    CHOICE_KINDS,
    FORMAT,
    LONG_TEXT_MAX,
    MAPPED_CHOICES,
    MAPS_TO,
    NRS_INSTRUMENTS,
    QUESTIONNAIRE_INSTRUMENTS,
    TEXT_MAX,
    VERSION_RANGE,
    Choice,
    Condition,
    Consistency,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireError,
    Section,
)
from acujournal.domain.screening import SIGNAL_CHOICES, SIGNAL_KINDS, Signal
from acujournal.domain.validation import Problem
from acujournal.resource_files import resource_path

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_KEY_MAX = 40


# Reading ----------------------------------------------------------------------------------


class _Reader:
    """Reads one JSON object field by field, collecting problems named by their path."""

    def __init__(self, value: object, path: str, keys: str, problems: list[Problem]) -> None:
        self.path, self.problems = path, problems
        self.rec: Mapping[str, Any] = value if isinstance(value, dict) else {}
        if not isinstance(value, dict):
            self.fail("", "must be an object")
            return
        allowed = keys.split()
        for key in value:
            if key not in allowed:
                self.fail(str(key), "is not a questionnaire field")

    def at(self, key: str) -> str:
        if not key:
            return self.path or "(questionnaire)"
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.at(key), message))

    def text(self, key: str, *, required: bool = True, limit: int = LONG_TEXT_MAX) -> str:
        value = self.rec.get(key)
        if value is None:
            if required:
                self.fail(key, "is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(key, "must be text that is not empty" if required else "must be text")
            return ""
        if len(value) > limit:
            self.fail(key, f"is longer than {limit} characters")
        return value

    def key(self, name: str = "key") -> str:
        value = self.text(name, limit=_KEY_MAX)
        if value and not _KEY_RE.match(value):
            self.fail(name, f'"{value}" must be lower-case letters, digits and single underscores')
        return value

    def flag(self, key: str) -> bool:
        value = self.rec.get(key, False)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return False
        return value

    def items(self, key: str) -> Iterator[tuple[str, object]]:
        value = self.rec.get(key, [])
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return
        for index, item in enumerate(value):
            yield f"{self.at(key)}[{index}]", item


def parse_questionnaire(data: object, source: str = "") -> Questionnaire:
    """Build a questionnaire from decoded JSON; QuestionnaireError naming every problem."""
    problems: list[Problem] = []
    top = _Reader(
        data, "", "format key version title condition intro sections consistency", problems
    )
    if top.rec.get("format") != FORMAT:
        problems.append(Problem("format", f'must be "{FORMAT}"'))
    version = top.rec.get("version")
    low, high = VERSION_RANGE
    if isinstance(version, bool) or not isinstance(version, int) or not low <= version <= high:
        top.fail("version", f"must be a whole number from {low} to {high}")
        version = 1
    sections = tuple(_section(item, path, problems) for path, item in top.items("sections"))
    questionnaire = Questionnaire(
        key=top.key(),
        version=version,
        title=top.text("title", limit=TEXT_MAX),
        condition=top.text("condition", limit=64),
        intro=top.text("intro", required=False),
        sections=sections,
    )
    if not sections:
        top.fail("sections", "a questionnaire needs at least one section")
    _check_unique(questionnaire, problems)
    consistency = tuple(
        _consistency(item, path, questionnaire, problems) for path, item in top.items("consistency")
    )
    if problems:
        raise QuestionnaireError(problems, source)
    return Questionnaire(
        key=questionnaire.key,
        version=questionnaire.version,
        title=questionnaire.title,
        condition=questionnaire.condition,
        intro=questionnaire.intro,
        sections=sections,
        consistency=consistency,
    )


def _section(value: object, path: str, problems: list[Problem]) -> Section:
    reader = _Reader(value, path, "key title intro questions", problems)
    questions = tuple(_question(item, p, problems) for p, item in reader.items("questions"))
    if not questions and isinstance(value, dict):
        reader.fail("questions", "a section needs at least one question")
    return Section(
        key=reader.key(),
        title=reader.text("title", limit=TEXT_MAX),
        intro=reader.text("intro", required=False),
        questions=questions,
    )


def _question(value: object, path: str, problems: list[Problem]) -> Question:
    reader = _Reader(
        value,
        path,
        "key kind label help required screen maps_to choices instrument max_length",
        problems,
    )
    kind_text = reader.rec.get("kind")
    if kind_text in QuestionKind._value2member_map_:
        kind = QuestionKind(str(kind_text))
    else:
        allowed = ", ".join(k.value for k in QuestionKind)
        reader.fail("kind", f"{kind_text!r} is not one of {allowed}")
        kind = QuestionKind.TEXT
    choices = tuple(_choice(item, p, problems) for p, item in reader.items("choices"))
    question = Question(
        key=reader.key(),
        kind=kind,
        label=reader.text("label"),
        help=reader.text("help", required=False),
        required=reader.flag("required"),
        screen=_signal(reader),
        maps_to=_maps_to(reader, kind),
        choices=choices,
        instrument=_instrument(reader, kind),
        max_length=_max_length(reader, kind),
    )
    _check_choices(reader, question)
    return question


def _choice(value: object, path: str, problems: list[Problem]) -> Choice:
    reader = _Reader(value, path, "value label exclusive", problems)
    return Choice(
        reader.key("value"), reader.text("label", limit=TEXT_MAX), reader.flag("exclusive")
    )


def _signal(reader: _Reader) -> Signal | None:
    value = reader.rec.get("screen")
    if value is None:
        return None
    try:
        return Signal(value)
    except ValueError:
        reader.fail("screen", f"{value!r} is not a screening signal")
        return None


def _maps_to(reader: _Reader, kind: QuestionKind) -> str | None:
    value = reader.rec.get("maps_to")
    if value is None:
        return None
    if value not in MAPS_TO:
        reader.fail("maps_to", f"{value!r} is not one of {', '.join(MAPS_TO)}")
        return None
    if kind not in MAPS_TO[value]:
        reader.fail("maps_to", f"{value} cannot be filled by a {kind.value} question")
    return str(value)


def _instrument(reader: _Reader, kind: QuestionKind) -> str | None:
    value = reader.rec.get("instrument")
    allowed: tuple[str, ...] = ()
    if kind is QuestionKind.NRS:
        allowed = NRS_INSTRUMENTS
    elif kind is QuestionKind.INSTRUMENT:
        allowed = QUESTIONNAIRE_INSTRUMENTS
    if value is None:
        if kind is QuestionKind.INSTRUMENT:
            reader.fail("instrument", f"an instrument question names one of {', '.join(allowed)}")
        return None
    if value not in allowed:
        what = f"one of {', '.join(allowed)}" if allowed else "not allowed for this kind"
        reader.fail("instrument", f"{value!r}: {what}")
        return None
    return str(value)


def _max_length(reader: _Reader, kind: QuestionKind) -> int:
    ceiling = LONG_TEXT_MAX if kind is QuestionKind.LONG_TEXT else TEXT_MAX
    if "max_length" not in reader.rec:
        return ceiling
    value = reader.rec["max_length"]
    if kind not in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        reader.fail("max_length", "applies to text questions only")
    elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        reader.fail("max_length", f"must be a whole number from 1 to {ceiling}")
    else:
        return value
    return ceiling


def _check_choices(reader: _Reader, question: Question) -> None:
    values = [choice.value for choice in question.choices]
    if question.kind in CHOICE_KINDS:
        if len(values) < 2:
            reader.fail("choices", "a choice question needs at least two choices")
        if len(set(values)) != len(values):
            reader.fail("choices", "two choices have the same value")
    elif values:
        reader.fail("choices", f"a {question.kind.value} question has no choices")
    if question.screen is not None:
        needed = SIGNAL_KINDS[question.screen]
        if question.kind.value != needed:
            reader.fail("screen", f"{question.screen.value} needs a {needed} question")
        missing = [v for v in SIGNAL_CHOICES.get(question.screen, ()) if v not in values]
        if missing:
            reader.fail(
                "choices", f"{question.screen.value} needs the choices {', '.join(missing)}"
            )
    allowed = MAPPED_CHOICES.get(question.maps_to or "")
    if allowed is not None:
        for value in values:
            if value not in allowed:
                reader.fail("choices", f'"{value}" is not a value of {question.maps_to}')


def _check_unique(questionnaire: Questionnaire, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    signals: set[Signal] = set()
    targets: set[str] = set()
    for s_index, section in enumerate(questionnaire.sections):
        for q_index, question in enumerate(section.questions):
            path = f"sections[{s_index}].questions[{q_index}]"
            if question.key in seen:
                problems.append(
                    Problem(f"{path}.key", f'"{question.key}" is also {seen[question.key]}')
                )
            seen.setdefault(question.key, path)
            if question.screen is not None:
                if question.screen in signals:
                    problems.append(
                        Problem(f"{path}.screen", f"{question.screen.value} is asked twice")
                    )
                signals.add(question.screen)
            if question.maps_to is not None:
                if question.maps_to in targets:
                    problems.append(
                        Problem(f"{path}.maps_to", f"{question.maps_to} is filled twice")
                    )
                targets.add(question.maps_to)
    keys = [section.key for section in questionnaire.sections]
    if len(set(keys)) != len(keys):
        problems.append(Problem("sections", "two sections have the same key"))


def _condition(
    value: object, path: str, questionnaire: Questionnaire, problems: list[Problem]
) -> Condition:
    reader = _Reader(value, path, "question equals one_of includes", problems)
    key = reader.text("question", limit=_KEY_MAX)
    question = questionnaire.question(key)
    if key and question is None:
        reader.fail("question", f'"{key}" is not a question of this questionnaire')
    tests = [name for name in ("equals", "one_of", "includes") if name in reader.rec]
    if len(tests) != 1:
        reader.fail("", "give exactly one of equals, one_of, includes")
    one_of = reader.rec.get("one_of", [])
    if not isinstance(one_of, list):
        reader.fail("one_of", "must be a list")
        one_of = []
    includes = reader.rec.get("includes")
    if includes is not None and not isinstance(includes, str):
        reader.fail("includes", "must be text")
        includes = None
    condition = Condition(key, reader.rec.get("equals"), tuple(one_of), includes)
    if question is not None:
        for tested in (condition.equals, *condition.one_of, condition.includes):
            if tested is not None and not _possible(question, tested):
                reader.fail("", f"{tested!r} is not a possible answer to {key}")
    return condition


def _possible(question: Question, value: object) -> bool:
    if question.kind is QuestionKind.YES_NO:
        return isinstance(value, bool)
    if question.kind in CHOICE_KINDS:
        return isinstance(value, str) and question.choice(value) is not None
    if question.kind is QuestionKind.BODY_REGIONS:
        return value in BODY_REGION_CODES
    if question.kind is QuestionKind.NRS:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def _consistency(
    value: object, path: str, questionnaire: Questionnaire, problems: list[Problem]
) -> Consistency:
    reader = _Reader(value, path, "key when conflicts message", problems)
    return Consistency(
        key=reader.key(),
        when=_condition(reader.rec.get("when"), reader.at("when"), questionnaire, problems),
        conflicts=_condition(
            reader.rec.get("conflicts"), reader.at("conflicts"), questionnaire, problems
        ),
        message=reader.text("message", limit=TEXT_MAX),
    )


# Files ------------------------------------------------------------------------------------


def questionnaire_json(data: bytes, source: str = "") -> object:
    """The decoded JSON of a questionnaire file's bytes; QuestionnaireError (naming the file
    as ``source``) when they are not UTF-8 JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise QuestionnaireError([Problem("(file)", "is not UTF-8 text")], source) from error
    except json.JSONDecodeError as error:
        problem = Problem("(file)", f"is not valid JSON ({error.msg} at line {error.lineno})")
        raise QuestionnaireError([problem], source) from error
    except RecursionError as error:
        problem = Problem("(file)", "nests too deeply to be a questionnaire")
        raise QuestionnaireError([problem], source) from error


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and check a questionnaire file; QuestionnaireError (a ValueError) when unusable.

    OSError (no such file) is left to the caller, who knows how to say it.
    """
    name = Path(path).name
    return parse_questionnaire(questionnaire_json(Path(path).read_bytes(), name), name)


def shipped_dir() -> Path:
    """The folder of the questionnaires that ship with AcuJournal."""
    return resource_path("questionnaires")


@cache
def shipped_keys() -> frozenset[str]:
    """The keys of the questionnaires that ship with AcuJournal (``sciatica``)."""
    return frozenset(path.stem for path in shipped_dir().glob("*.json"))


@cache
def shipped_questionnaire(key: str = "sciatica") -> Questionnaire:
    """A questionnaire shipped with the program, by key; LookupError when there is none."""
    path = shipped_dir() / f"{key}.json"
    if not _KEY_RE.match(key) or not path.is_file():
        raise LookupError(f'AcuJournal ships no questionnaire "{key}".')
    return load_questionnaire(path)


def find_questionnaire(key: str, version: int | None = None) -> Questionnaire | None:
    """The shipped questionnaire with this key (and version, when given), or None (a
    clinic's own form)."""
    try:
        found = shipped_questionnaire(key)
    except LookupError:
        return None
    return found if version is None or found.version == version else None
