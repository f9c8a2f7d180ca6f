"""Reading an ``acujournal/1`` document: structure, types and every domain rule.

``parse_document`` turns decoded JSON into domain objects and collects every problem, each
named by the JSON path of the bad value. It never touches the database and never raises for
bad input: wrong types, NUL bytes, megabyte strings, missing or misspelt keys all end up as a
``Problem``. Checks that need the database (references to records stored earlier, ids
already in use) are left to the importer, which gets the references from here.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, Literal, TypeVar

from acujournal.domain import validation
from acujournal.domain.intake import Intake
from acujournal.domain.model import (
    AcupunctureStyle,
    AdverseEvent,
    AdverseEventCategory,
    Amendment,
    Case,
    CaseSide,
    NeedleAngle,
    NeedleInsertion,
    OutcomeMeasurement,
    PainScores,
    Patient,
    Practitioner,
    Protocol,
    ProtocolPoint,
    Radiation,
    ResponseSought,
    SessionStatus,
    Severity,
    Side,
    SoapNotes,
    Stimulation,
    StimulationMethod,
    TissueLevel,
    TreatmentSession,
)
from acujournal.domain.questionnaire import Questionnaire
from acujournal.domain.questionnaire_file import find_questionnaire
from acujournal.domain.validation import Problem
from acujournal.services import interchange_intake, interchange_questionnaires
from acujournal.services.interchange_questionnaires import CarriedQuestionnaire
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    Base,
    CaseRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    ProtocolRow,
    SessionRow,
)

FORMAT = "acujournal/1"

# Free text (notes, addresses, descriptions) is capped so one corrupt field cannot fill the
# memory of every machine that later opens the journal; a million characters is hundreds of
# pages, far beyond any real note.
TEXT_LIMIT = 1_000_000
# Short labels kept in JSON (co-interventions, the generator) have no column to size them.
LABEL_LIMIT = 200
# Years before 1800 or after 2999 are typing errors; keeping them out also spares time zone
# arithmetic near datetime's year 1 and 9999 limits from overflowing.
YEAR_RANGE = (1800, 2999)
YEARS_IN_PRACTICE_RANGE = (0, 100)
# PostgreSQL's integer column ends at 2**31 - 1; no clinic writes a million versions.
PROTOCOL_VERSION_RANGE = (1, 1_000_000)
# More needle rows than needles may ever be counted in means a corrupt file.
MAX_NEEDLES = validation.NEEDLE_COUNT_RANGE[1]
MAX_SMALL_LIST = 1_000
# Item answers of an instrument are short lists or flat objects; the bounds keep a hostile
# file from nesting or growing them without end.
MAX_ANSWER_DEPTH = 8
MAX_ANSWER_VALUES = 10_000
# A file this broken is the wrong file; checking the rest would only spend time.
MAX_PROBLEMS = 1_000


Keys = dict[str, None]


def _keys(names: str) -> Keys:
    # An ordered set: membership and comparison with a record's keys run at C speed.
    return dict.fromkeys(names.split())


# The fields of each kind of object, in the order the exporter writes them.
TOP_KEYS = _keys("format exported_at generator practitioners protocols patients")
PRACTITIONER_KEYS = _keys(
    "id name qualification years_in_practice style default_gauge_mm default_length_mm"
    " default_needle_brand active"
)
PROTOCOL_KEYS = _keys("id family_id version name condition created_at points")
PROTOCOL_POINT_KEYS = _keys(
    "point side depth_mm method frequency_hz frequency_high_hz intensity_ma retention_min"
    " spinal_level region description"
)
PATIENT_KEYS = _keys("id name birth_date phone email address archived cases")
CASE_KEYS = _keys(
    "id title condition side suspected_cause onset_date radiation numbness style rationale"
    " opened_on closed_on sessions measurements"
)
SESSION_KEYS = _keys(
    "id practitioner_id started_at time_zone entered_at status signed_by signed_at"
    " pain_before pain_after needles_in needles_out needles notes patient_advice"
    " co_interventions adverse_events amendments sham protocol_id"
)
PAIN_KEYS = _keys("back leg")
NOTES_KEYS = _keys("subjective objective assessment plan internal")
NEEDLE_KEYS = _keys(
    "point side depth_mm tissue_level angle gauge_mm length_mm needle_brand stimulation"
    " response_sought deqi retention_min spinal_level region description"
)
STIMULATION_KEYS = _keys("method frequency_hz frequency_high_hz intensity_ma waveform")
ADVERSE_EVENT_KEYS = _keys("id category severity action description")
AMENDMENT_KEYS = _keys("id author_id created_at text")
MEASUREMENT_KEYS = _keys("id instrument taken_at time_zone session_id answers value score note")

EnumT = TypeVar("EnumT", bound=StrEnum)
ReferenceKind = Literal["practitioner", "protocol", "session"]
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Placeholders for values already reported as bad; such a record is never stored.
_NO_ID = uuid.UUID(int=0)
_NO_TIME = datetime.min


@dataclass(frozen=True, slots=True)
class Reference:
    """An id the document points at, which must be in the file or already in the journal."""

    kind: ReferenceKind
    target: uuid.UUID
    path: str
    # For a measurement's session: the case that session must belong to.
    case_id: uuid.UUID | None = None


@dataclass(slots=True)
class ParsedDocument:
    """The records of a document as domain objects, in file order."""

    practitioners: list[Practitioner] = field(default_factory=list)
    protocols: list[Protocol] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sessions: list[TreatmentSession] = field(default_factory=list)
    measurements: list[OutcomeMeasurement] = field(default_factory=list)
    intakes: list[Intake] = field(default_factory=list)
    questionnaires: list[CarriedQuestionnaire] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # The JSON path of every record by kind and id, for messages about database clashes.
    paths: dict[tuple[str, uuid.UUID], str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # True when reading stopped after MAX_PROBLEMS problems.
    truncated: bool = False

    def questionnaire(self, key: str, version: int) -> Questionnaire | None:
        """A questionnaire version this program ships or the document carries, or None."""
        carried = (c.questionnaire for c in self.questionnaires if c.form == (key, version))
        return find_questionnaire(key, version) or next(carried, None)


class _TooManyProblemsError(Exception):
    pass


def show(value: object, limit: int = 40, *, quote: bool = True) -> str:
    """A short one-line rendering of a value for an error message (text in quotes)."""
    if isinstance(value, str):
        text = value.encode("unicode_escape", errors="backslashreplace").decode("ascii")
        if len(text) > limit:
            text = text[: limit - 3] + "..."
        return f'"{text}"' if quote else text
    if value is None or isinstance(value, bool | int | float):
        try:
            text = repr(value)
        except ValueError:  # an int too long for Python to print
            text = "a very large number"
    else:
        # Containers are named, not printed: printing a hostile nesting could recurse deeply.
        text = _kind(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_KIND_NAMES = {type(None): "null", bool: "true/false", int: "a number", float: "a number"}
_KIND_NAMES |= {str: "text", list: "a list", dict: "an object"}


def _kind(value: object) -> str:
    """What a JSON value is, in words: "text", "a list", "null"."""
    return _KIND_NAMES.get(type(value), type(value).__name__)


@cache
def _column_limit(model: type[Base], column: str) -> int:
    # Held to what the column holds, so PostgreSQL never refuses what was accepted here.
    length = getattr(model.__table__.c[column].type, "length", None)
    return length if isinstance(length, int) else TEXT_LIMIT


@cache
def _members(enum: type[EnumT]) -> dict[str, EnumT]:
    return {member.value: member for member in enum}


def _text_problem(value: object, limit: int) -> str | None:
    """Why ``value`` is not acceptable text, or None when it is."""
    if not isinstance(value, str):
        return f"must be text, not {_kind(value)}"
    if len(value) > limit:
        return f"is {len(value)} characters long; at most {limit} are allowed"
    if "\x00" in value:
        # PostgreSQL cannot store NUL in text, and no typed note holds one.
        return "contains a NUL character"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


class _Object:
    """One JSON object of the document, read field by field into typed values.

    A bad value becomes a problem named by its path and a neutral placeholder, so reading
    goes on and every problem of the file is reported in one go.
    """

    def __init__(self, rec: Mapping[str, Any], path: str, problems: list[Problem]) -> None:
        self.rec, self.path, self.problems = rec, path, problems

    @classmethod
    def open(cls, value: object, path: str, keys: Keys, problems: list[Problem]) -> _Object | None:
        """The object at ``path``, refusing misspelt keys and reporting missing ones."""
        if not isinstance(value, dict):
            problems.append(Problem(path or "(document)", f"must be an object, not {_kind(value)}"))
            return None
        # One set comparison for the usual case, where the keys are exactly right.
        if value.keys() != keys.keys():
            for key in value:
                if key not in keys:
                    problems.append(
                        Problem(_at(path, show(key, quote=False)), "is not a field of acujournal/1")
                    )
            missing = [key for key in keys if key not in value]
            if missing:
                problems.append(Problem(path or "(document)", f"lacks {', '.join(missing)}"))
        return cls(value, path, problems)

    def fail(self, key: str, message: str) -> None:
        self.problems.append(Problem(_at(self.path, key), message))

    def _get(self, key: str, nullable: bool) -> Any:
        value = self.rec.get(key)
        if value is None and not nullable and key in self.rec:
            self.fail(key, "must not be null")
        return value

    def child(self, key: str, keys: Keys) -> _Object:
        """A nested object (empty when absent or bad, which is reported already)."""
        if key in self.rec:
            found = _Object.open(self.rec[key], _at(self.path, key), keys, self.problems)
            if found is not None:
                return found
        return _Object({}, _at(self.path, key), self.problems)

    def items(self, key: str, limit: int | None = None) -> Iterator[tuple[str, Any]]:
        """The entries of a list with their paths."""
        value = self._get(key, nullable=False)
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(key, f"must be a list, not {_kind(value)}")
        elif limit is not None and len(value) > limit:
            self.fail(key, f"holds {len(value)} entries; at most {limit} are allowed")
        else:
            where = _at(self.path, key)
            for index, item in enumerate(value):
                yield f"{where}[{index}]", item

    def text(self, key: str, limit: int | type[Base], *, required: bool = False) -> str:
        """Text that is never null ("" when empty); ``limit`` may name the column's table."""
        value = self.optional_text(key, limit, nullable=False)
        if required and value is not None and not value.strip():
            self.fail(key, "must not be empty")
        return value or ""

    def optional_text(
        self, key: str, limit: int | type[Base], *, nullable: bool = True
    ) -> str | None:
        value = self.rec.get(key)
        if not isinstance(limit, int):
            limit = _column_limit(limit, key)
        # Fast path for the usual short ASCII text; a large journal has millions of fields.
        if type(value) is str and len(value) <= limit and value.isascii() and "\x00" not in value:
            return value
        if self._get(key, nullable) is None:
            return None
        problem = _text_problem(value, limit)
        if problem:
            self.fail(key, problem)
            return None
        return str(value)

    def number(self, key: str) -> float | None:
        value = self.rec.get(key)
        if type(value) is float and math.isfinite(value):
            return value
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(key, f"must be a number or null, not {_kind(value)}")
            return None
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            self.fail(key, "must be a finite number")
            return None
        return number

    def whole(
        self, key: str, bounds: tuple[int, int] | None = None, *, nullable: bool = True
    ) -> int | None:
        value = self._get(key, nullable)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, not {_kind(value)}")
        elif bounds is not None and not bounds[0] <= value <= bounds[1]:
            self.fail(key, f"{show(value)} is outside the range {bounds[0]}-{bounds[1]}")
        else:
            return value
        return None

    def flag(self, key: str) -> bool:
        return bool(self.optional_flag(key, nullable=False))

    def optional_flag(self, key: str, *, nullable: bool = True) -> bool | None:
        value = self._get(key, nullable)
        if value is None or isinstance(value, bool):
            return value
        self.fail(key, f"must be true or false, not {_kind(value)}")
        return None

    def choice(self, key: str, enum: type[EnumT], default: EnumT) -> EnumT:
        return self.optional_choice(key, enum, nullable=False) or default

    def optional_choice(
        self, key: str, enum: type[EnumT], *, nullable: bool = True
    ) -> EnumT | None:
        value = self.rec.get(key)
        if type(value) is str:
            member: EnumT | None = _members(enum).get(value)
            if member is not None:
                return member
        elif self._get(key, nullable) is None:
            return None
        allowed = ", ".join(member.value for member in enum)
        self.fail(key, f"{show(value)} is not one of {allowed}")
        return None

    def identifier(self, key: str, *, nullable: bool = False) -> uuid.UUID | None:
        value = self._get(key, nullable)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 36:
            try:
                parsed = uuid.UUID(value)
            except ValueError:
                pass
            else:
                if str(parsed) == value.lower():
                    return parsed
        self.fail(key, f"{show(value)} is not an id (a UUID like {_NO_ID})")
        return None

    def day(self, key: str) -> date | None:
        value = self._get(key, nullable=True)
        if value is None:
            return None
        parsed: date | None = None
        if isinstance(value, str) and _DATE_RE.match(value):
            try:
                parsed = date.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.fail(key, f"{show(value)} is not a date written YYYY-MM-DD")
        elif not YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1]:
            self.fail(key, f"the year must lie in {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
        else:
            return parsed
        return None

    def instant(self, key: str, *, nullable: bool = False) -> datetime | None:
        """An ISO 8601 date and time; one without an offset is ambiguous and refused."""
        value = self._get(key, nullable)
        if value is None:
            return None
        parsed: datetime | None = None
        if isinstance(value, str) and len(value) <= 40 and "T" in value:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            self.fail(key, f"{show(value)} is not a date and time like 2026-03-29T09:30:00+02:00")
        elif parsed.utcoffset() is None:
            self.fail(key, "must include a time zone offset, such as +02:00 or Z")
        elif not YEAR_RANGE[0] <= parsed.year <= YEAR_RANGE[1]:
            self.fail(key, f"the year must lie in {YEAR_RANGE[0]}-{YEAR_RANGE[1]}")
        else:
            return parsed
        return None

    def zone(self, key: str) -> str:
        """An IANA time zone name ("UTC" as placeholder when it is bad)."""
        name = self.optional_text(key, SessionRow, nullable=False)
        if name is None:
            return "UTC"
        problems = list(validation.check_time_zone(_at(self.path, key), name))
        self.problems += problems
        return "UTC" if problems else name

    def answers(self, key: str) -> object:
        """An instrument's item answers: plain JSON, bounded in depth and size."""
        budget = [MAX_ANSWER_VALUES]

        def problem(item: object, depth: int) -> str | None:
            budget[0] -= 1
            if budget[0] < 0:
                return f"holds more than {MAX_ANSWER_VALUES} values"
            if depth > MAX_ANSWER_DEPTH:
                return f"nests deeper than {MAX_ANSWER_DEPTH} levels"
            if isinstance(item, float) and not math.isfinite(item):
                return "holds a number that is not finite"
            if isinstance(item, str):
                return _text_problem(item, LABEL_LIMIT)
            if isinstance(item, list):
                return next(filter(None, (problem(v, depth + 1) for v in item)), None)
            if isinstance(item, dict):
                found = (
                    _text_problem(k, LABEL_LIMIT) or problem(v, depth + 1) for k, v in item.items()
                )
                return next(filter(None, found), None)
            if item is None or isinstance(item, bool | int | float):
                return None
            return f"must be plain JSON, not {_kind(item)}"

        value = self.rec.get(key)
        found = problem(value, 0)
        if found:
            self.fail(key, found)
            return None
        return value


class _DocumentParser:
    """Walks the document once, building domain objects and collecting problems."""

    def __init__(self) -> None:
        self.result = ParsedDocument()
        self.problems = self.result.problems
        self.protocol_versions: dict[tuple[uuid.UUID, int], str] = {}

    def record_id(self, kind: str, obj: _Object) -> uuid.UUID | None:
        """The record's id, refusing one used by another record of the same kind."""
        record_id = obj.identifier("id")
        if record_id is None:
            return None
        earlier = self.result.paths.setdefault((kind, record_id), obj.path)
        if earlier != obj.path:
            obj.fail("id", f"{record_id} is used twice in the file (also by {earlier})")
            return None
        return record_id

    def refer(
        self,
        kind: ReferenceKind,
        target: uuid.UUID | None,
        path: str,
        case: uuid.UUID | None = None,
    ) -> None:
        if target is not None:
            self.result.references.append(Reference(kind, target, path, case))

    def parse(self, doc: object) -> ParsedDocument:
        fmt = doc.get("format") if isinstance(doc, dict) else None
        if isinstance(doc, dict) and fmt != FORMAT:
            # Another format would bring thousands of follow-on problems; one says it all.
            expected = f'this is not an AcuJournal file (expected "{FORMAT}")'
            if isinstance(fmt, str) and fmt.startswith("acujournal/"):
                expected = f"{show(fmt)} is not {FORMAT}, the format this AcuJournal reads"
            self.problems.append(Problem("format", expected))
            return self.result
        doc, questionnaires = interchange_questionnaires.split_questionnaires(doc)
        top = self.open(doc, "", TOP_KEYS)
        if top is None:
            return self.result
        top.instant("exported_at")
        top.text("generator", LABEL_LIMIT)
        try:
            # Before the patients: their intakes are screened with these definitions.
            interchange_questionnaires.read_questionnaires(self, questionnaires)
            for path, item in top.items("practitioners"):
                self.practitioner(item, path)
            for path, item in top.items("protocols"):
                self.protocol(item, path)
            for path, item in top.items("patients"):
                self.patient(item, path)
        except _TooManyProblemsError:
            self.result.truncated = True
        return self.result

    def open(self, value: object, path: str, keys: Keys) -> _Object | None:
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooManyProblemsError
        return _Object.open(value, path, keys, self.problems)

    def practitioner(self, value: object, path: str) -> None:
        obj = self.open(value, path, PRACTITIONER_KEYS)
        if obj is None:
            return
        record_id = self.record_id("practitioner", obj)
        practitioner = Practitioner(
            name=obj.text("name", PractitionerRow, required=True),
            qualification=obj.text("qualification", PractitionerRow),
            years_in_practice=obj.whole("years_in_practice", YEARS_IN_PRACTICE_RANGE),
            style=obj.choice("style", AcupunctureStyle, AcupunctureStyle.TCM),
            default_gauge_mm=obj.number("default_gauge_mm"),
            default_length_mm=obj.number("default_length_mm"),
            default_needle_brand=obj.text("default_needle_brand", PractitionerRow),
            active=obj.flag("active"),
        )
        self.problems += validation.check_range(
            _at(path, "default_gauge_mm"),
            practitioner.default_gauge_mm,
            validation.GAUGE_MM_RANGE,
            " mm",
        )
        self.problems += validation.check_range(
            _at(path, "default_length_mm"),
            practitioner.default_length_mm,
            validation.LENGTH_MM_RANGE,
            " mm",
        )
        if record_id is not None:
            practitioner.id = record_id
            self.result.practitioners.append(practitioner)

    def protocol(self, value: object, path: str) -> None:
        obj = self.open(value, path, PROTOCOL_KEYS)
        if obj is None:
            return
        record_id = self.record_id("protocol", obj)
        family_id = obj.identifier("family_id")
        version = obj.whole("version", PROTOCOL_VERSION_RANGE, nullable=False)
        protocol = Protocol(
            name=obj.text("name", ProtocolRow, required=True),
            points=[
                self.protocol_point(item, item_path)
                for item_path, item in obj.items("points", MAX_NEEDLES)
            ],
            condition=obj.text("condition", ProtocolRow),
            created_at=obj.instant("created_at"),
        )
        if obj.rec.get("points") == []:
            obj.fail("points", "a protocol needs at least one point")
        if family_id is not None and version is not None:
            # The journal keeps one row per family and version; two in one file cannot both go in.
            earlier = self.protocol_versions.setdefault((family_id, version), path)
            if earlier != path:
                obj.fail("version", f"version {version} of this protocol is also {earlier}")
            protocol.family_id, protocol.version = family_id, version
        if record_id is not None:
            protocol.id = record_id
            self.result.protocols.append(protocol)

    def protocol_point(self, value: object, path: str) -> ProtocolPoint:
        before = len(self.problems)
        obj = self.open(value, path, PROTOCOL_POINT_KEYS) or _Object({}, path, self.problems)
        point = ProtocolPoint(
            point=obj.text("point", NeedleRow),
            side=obj.choice("side", Side, Side.BILATERAL),
            depth_mm=obj.number("depth_mm"),
            stimulation=Stimulation(
                method=obj.choice("method", StimulationMethod, StimulationMethod.MANUAL),
                frequency_hz=obj.number("frequency_hz"),
                frequency_high_hz=obj.number("frequency_high_hz"),
                intensity_ma=obj.number("intensity_ma"),
            ),
            retention_min=obj.number("retention_min"),
            spinal_level=obj.optional_text("spinal_level", NeedleRow),
            region=obj.optional_text("region", NeedleRow),
            description=obj.text("description", NeedleRow),
        )
        if len(self.problems) == before:
            # Domain rules only on well-formed values, so one bad value gives one message.
            self.problems += validation.validate_protocol_point(path, point)
            stim = point.stimulation
            for key, number, bounds, unit in (
                ("frequency_hz", stim.frequency_hz, validation.FREQUENCY_HZ_RANGE, " Hz"),
                ("frequency_high_hz", stim.frequency_high_hz, validation.FREQUENCY_HZ_RANGE, " Hz"),
                ("intensity_ma", stim.intensity_ma, validation.INTENSITY_MA_RANGE, " mA"),
            ):
                self.problems += validation.check_range(_at(path, key), number, bounds, unit)
        return point

    def patient(self, value: object, path: str) -> None:
        # Intakes are optional (files from before they existed lack them): read apart.
        value, intakes = interchange_intake.split_intakes(value)
        obj = self.open(value, path, PATIENT_KEYS)
        if obj is None:
            return
        record_id = self.record_id("patient", obj)
        patient = Patient(
            name=obj.text("name", PatientRow, required=True),
            birth_date=obj.day("birth_date"),
            phone=obj.text("phone", PatientRow),
            email=obj.text("email", PatientRow),
            address=obj.text("address", PatientRow),
            archived=obj.flag("archived"),
        )
        if record_id is not None:
            patient.id = record_id
            self.result.patients.append(patient)
        for item_path, item in obj.items("cases"):
            self.case(item, item_path, patient.id)
        interchange_intake.read_intakes(self, intakes, path, patient.id, patient.birth_date)

    def case(self, value: object, path: str, patient_id: uuid.UUID) -> None:
        obj = self.open(value, path, CASE_KEYS)
        if obj is None:
            return
        record_id = self.record_id("case", obj)
        case = Case(
            patient_id=patient_id,
            title=obj.text("title", CaseRow, required=True),
            condition=obj.text("condition", CaseRow, required=True),
            side=obj.choice("side", CaseSide, CaseSide.UNKNOWN),
            suspected_cause=obj.text("suspected_cause", CaseRow),
            onset_date=obj.day("onset_date"),
            radiation=obj.optional_choice("radiation", Radiation),
            numbness=obj.optional_flag("numbness"),
            style=obj.optional_choice("style", AcupunctureStyle),
            rationale=obj.text("rationale", CaseRow),
            opened_on=obj.day("opened_on"),
            closed_on=obj.day("closed_on"),
        )
        if record_id is not None:
            case.id = record_id
            self.result.cases.append(case)
        for item_path, item in obj.items("sessions"):
            self.session(item, item_path, case.id)
        for item_path, item in obj.items("measurements"):
            self.measurement(item, item_path, case.id)

    def session(self, value: object, path: str, case_id: uuid.UUID) -> None:
        obj = self.open(value, path, SESSION_KEYS)
        if obj is None:
            return
        before = len(self.problems)
        record_id = self.record_id("session", obj)
        notes = obj.child("notes", NOTES_KEYS)
        session = TreatmentSession(
            case_id=case_id,
            practitioner_id=obj.identifier("practitioner_id") or _NO_ID,
            started_at=obj.instant("started_at") or _NO_TIME,
            time_zone=obj.zone("time_zone"),
            entered_at=obj.instant("entered_at"),
            status=obj.choice("status", SessionStatus, SessionStatus.DRAFT),
            signed_by=obj.identifier("signed_by", nullable=True),
            signed_at=obj.instant("signed_at", nullable=True),
            pain_before=self.pain(obj.child("pain_before", PAIN_KEYS)),
            pain_after=self.pain(obj.child("pain_after", PAIN_KEYS)),
            needles=[
                self.needle(item, item_path)
                for item_path, item in obj.items("needles", MAX_NEEDLES)
            ],
            needles_in=obj.whole("needles_in"),
            needles_out=obj.whole("needles_out"),
            notes=SoapNotes(
                *(
                    notes.text(key, SessionRow)
                    for key in ("subjective", "objective", "assessment", "plan")
                )
            ),
            internal_note=notes.text("internal", TEXT_LIMIT),
            patient_advice=obj.text("patient_advice", SessionRow),
            co_interventions=[
                self.label(item, item_path)
                for item_path, item in obj.items("co_interventions", MAX_SMALL_LIST)
            ],
            adverse_events=[
                self.adverse_event(item, item_path)
                for item_path, item in obj.items("adverse_events", MAX_SMALL_LIST)
            ],
            amendments=[
                self.amendment(item, item_path)
                for item_path, item in obj.items("amendments", MAX_SMALL_LIST)
            ],
            sham=obj.flag("sham"),
            protocol_id=obj.identifier("protocol_id", nullable=True),
        )
        self.refer("practitioner", session.practitioner_id, _at(path, "practitioner_id"))
        self.refer("practitioner", session.signed_by, _at(path, "signed_by"))
        self.refer("protocol", session.protocol_id, _at(path, "protocol_id"))
        if len(self.problems) == before:
            # Domain rules only on well-formed values, so one bad value gives one message.
            self.problems += session_rule_problems(session, path)
        if record_id is not None:
            session.id = record_id
            self.result.sessions.append(session)

    def pain(self, obj: _Object) -> PainScores:
        return PainScores(back=obj.whole("back"), leg=obj.whole("leg"))

    def label(self, value: object, path: str) -> str:
        problem = _text_problem(value, LABEL_LIMIT)
        if problem:
            self.problems.append(Problem(path, problem))
            return ""
        return str(value)

    def needle(self, value: object, path: str) -> NeedleInsertion:
        obj = self.open(value, path, NEEDLE_KEYS) or _Object({}, path, self.problems)
        stim = obj.child("stimulation", STIMULATION_KEYS)
        return NeedleInsertion(
            point=obj.text("point", NeedleRow),
            side=obj.choice("side", Side, Side.BILATERAL),
            depth_mm=obj.number("depth_mm"),
            tissue_level=obj.optional_choice("tissue_level", TissueLevel),
            angle=obj.optional_choice("angle", NeedleAngle),
            gauge_mm=obj.number("gauge_mm"),
            length_mm=obj.number("length_mm"),
            needle_brand=obj.text("needle_brand", NeedleRow),
            stimulation=Stimulation(
                method=stim.choice("method", StimulationMethod, StimulationMethod.MANUAL),
                frequency_hz=stim.number("frequency_hz"),
                frequency_high_hz=stim.number("frequency_high_hz"),
                intensity_ma=stim.number("intensity_ma"),
                waveform=stim.text("waveform", NeedleRow),
            ),
            response_sought=obj.choice("response_sought", ResponseSought, ResponseSought.DEQI),
            deqi=obj.optional_flag("deqi"),
            retention_min=obj.number("retention_min"),
            spinal_level=obj.optional_text("spinal_level", NeedleRow),
            region=obj.optional_text("region", NeedleRow),
            description=obj.text("description", NeedleRow),
        )

    def adverse_event(self, value: object, path: str) -> AdverseEvent:
        obj = self.open(value, path, ADVERSE_EVENT_KEYS) or _Object({}, path, self.problems)
        return AdverseEvent(
            id=self.record_id("adverse_event", obj) or _NO_ID,
            category=obj.choice("category", AdverseEventCategory, AdverseEventCategory.OTHER),
            severity=obj.choice("severity", Severity, Severity.MILD),
            action=obj.text("action", AdverseEventRow),
            description=obj.text("description", AdverseEventRow),
        )

    def amendment(self, value: object, path: str) -> Amendment:
        obj = self.open(value, path, AMENDMENT_KEYS) or _Object({}, path, self.problems)
        author_id = obj.identifier("author_id")
        self.refer("practitioner", author_id, _at(path, "author_id"))
        return Amendment(
            id=self.record_id("amendment", obj) or _NO_ID,
            author_id=author_id or _NO_ID,
            created_at=obj.instant("created_at") or _NO_TIME,
            text=obj.text("text", AmendmentRow, required=True),
        )

    def measurement(self, value: object, path: str, case_id: uuid.UUID) -> None:
        obj = self.open(value, path, MEASUREMENT_KEYS)
        if obj is None:
            return
        record_id = self.record_id("measurement", obj)
        measurement = OutcomeMeasurement(
            case_id=case_id,
            instrument=obj.text("instrument", MeasurementRow, required=True),
            taken_at=obj.instant("taken_at") or _NO_TIME,
            time_zone=obj.zone("time_zone"),
            answers=obj.answers("answers"),
            value=obj.number("value"),
            score=obj.number("score"),
            session_id=obj.identifier("session_id", nullable=True),
            note=obj.text("note", MeasurementRow),
        )
        self.refer("session", measurement.session_id, _at(path, "session_id"), case_id)
        if record_id is not None:
            measurement.id = record_id
            self.result.measurements.append(measurement)


def session_rule_problems(session: TreatmentSession, path: str) -> list[Problem]:
    """The domain rules of a session, with fields named by their path in the file.

    A signed session must have passed signing (needles counted out, signer and time known);
    only signed sessions take addenda. Both are what the app itself enforces.
    """
    if not session.is_signed:
        problems = validation.session_problems(session, prefix=path)
        if session.signed_by is not None or session.signed_at is not None:
            problems.append(Problem(_at(path, "status"), "a draft has no signer or signing time"))
        if session.amendments:
            problems.append(Problem(_at(path, "amendments"), "only signed sessions take addenda"))
        return problems
    # signing_problems includes session_problems (fields under "session."), plus the signing
    # rules (fields without a prefix); one call checks both, which matters for 60,000 sessions.
    problems = [
        Problem(_at(path, p.field.removeprefix("session.")), p.message)
        for p in validation.signing_problems(session)
    ]
    if session.signed_by is None:
        problems.append(Problem(_at(path, "signed_by"), "a signed session needs its signer"))
    if session.signed_at is None:
        problems.append(Problem(_at(path, "signed_at"), "a signed session needs its signing time"))
    return problems


def parse_document(doc: object) -> ParsedDocument:
    """Read a decoded ``acujournal/1`` document into domain objects, collecting problems.

    Never raises for bad input: every problem is in the result's ``problems``, named by its
    JSON path, e.g. ``patients[3].cases[0].sessions[12].needles[2].depth_mm``.
    """
    return _DocumentParser().parse(doc)
