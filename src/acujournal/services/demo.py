"""The demo clinic: a realistic journal generated deterministically from a seed.

Used for a first start of the app, for screenshots and manual testing, and as the reference
clinic of the performance goals (``patients=2000, years=10``: about 60,000 sessions and 600,000
needle rows, written in well under a minute).

Realism, in short: practitioners with their own styles and needles; patients with multilingual
names; cases of sciatica (about half) and other conditions, each a course of 6-12 sessions at
working hours of the clinic's time zone (08-18 local, daylight-saving time included); 8-14
needle rows per session from condition-specific prescriptions with plausible depths; pain that
falls over a course for most patients (about one in five does not respond); ODI, RMDQ, SBI and
follow-up NRS measurements scored by :mod:`acujournal.domain.outcomes`; adverse events at the
published rate (Baeumler 2021: 7.6 % of treatments); a few patients who come weekly for years;
an intake questionnaire before every sciatica course, screened by the real rules and reviewed
by the practitioner, a few of them referred out (:mod:`acujournal.services.demo_intake`).

Determinism: every random draw, identifiers included, comes from ``random.Random(seed)`` (the
intakes' from a second generator seeded from the same seed) in a fixed order, and no time is
read from the clock, so the same arguments give identical data.
Speed: rows are built as plain column dicts and written with bulk inserts in chunks, all in one
transaction (a half-written demo clinic is never left behind).
"""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert

from acujournal.domain.intake import Intake, ReviewDecision
from acujournal.domain.model import (
    AcupunctureStyle,
    CaseSide,
    OutcomeMeasurement,
    Patient,
    Practitioner,
    Protocol,
    ProtocolPoint,
    Radiation,
    Side,
    Stimulation,
    StimulationMethod,
)
from acujournal.domain.outcomes import score
from acujournal.services import demo_data as data
from acujournal.services.audit import record_bulk_write
from acujournal.services.demo_intake import AWAITING_REVIEW, DemoIntakes, IntakeSubject
from acujournal.services.intake import baseline_measurements
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage import mapping
from acujournal.storage.db import Database
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    Base,
    CaseRow,
    IntakeReviewRow,
    IntakeRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    ProtocolRow,
    SessionRow,
)
from acujournal.storage.repository import JournalRepository

DEFAULT_END = date(2026, 11, 1)
"""The demo clinic's records stop the day before this date (fixed, so data never changes)."""
MAX_YEARS = 30
CHUNK_NEEDLES = 50_000
"""Needle rows buffered before a chunk is written (bounds memory on the reference clinic)."""
LARGE_CACHE_KIB = 131_072
"""SQLite page cache while writing: 128 MiB, enough for the reference clinic's indexes."""
ADVERSE_EVENT_RATE = 0.076
"""Share of treatments with at least one adverse event (Baeumler 2021, BMJ Open)."""
FORGOTTEN_NEEDLE_RATE = 0.0002
RESPONDER_RATE = 0.8
DRAFT_DAYS = 10
"""Sessions this close to the end date may still be unsigned drafts."""

Values = dict[str, Any]
ProgressCallback = Callable[[int, int], None]
T = TypeVar("T")


class ClinicNotEmptyError(ValueError):
    """The database already holds patients; a demo clinic is only written into an empty one."""


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What was written: row counts of every kind."""

    practitioners: int
    protocols: int
    patients: int
    cases: int
    sessions: int
    needles: int
    measurements: int
    adverse_events: int
    amendments: int
    intakes: int
    red_flag_intakes: int
    """Intakes whose screening raised at least one red flag (reviewed or not)."""
    referred_out: int
    awaiting_review: int
    """Intakes with a red flag that no practitioner has reviewed yet."""

    def summary(self) -> str:
        """One sentence for the command line."""
        return (
            f"Wrote a demo clinic with {self.practitioners} practitioners, "
            f"{self.patients:,} patients, {self.cases:,} cases, {self.sessions:,} sessions, "
            f"{self.needles:,} needle rows, {self.measurements:,} outcome measurements, "
            f"{self.adverse_events:,} adverse events and {self.intakes:,} intake "
            f"questionnaires ({self.red_flag_intakes:,} with red flags: "
            f"{self.referred_out:,} referred out, {self.awaiting_review:,} awaiting review)."
        )


def check_demo_size(patients: int, years: int) -> None:
    """Raise ValueError (one sentence) unless the size is one the generator supports."""
    if isinstance(patients, bool) or not isinstance(patients, int) or patients < 1:
        raise ValueError(f"A demo clinic needs at least 1 patient, not {patients}.")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        raise ValueError(f"A demo clinic covers 1 to {MAX_YEARS} years, not {years}.")


def practitioner_count(patients: int) -> int:
    """Practitioners of a clinic this size: 8 for the reference 2,000 patients, at least 2."""
    return min(len(data.PRACTITIONERS), max(2, patients // 250))


def long_term_count(patients: int) -> int:
    """Patients who come weekly for years (300+ sessions when the years allow)."""
    return min(patients, 3 if patients >= 100 else 1)


def generate_clinic(
    db: Database,
    *,
    patients: int = 200,
    years: int = 2,
    seed: int = 1,
    end: date = DEFAULT_END,
    progress: ProgressCallback | None = None,
) -> DemoReport:
    """Write a demo clinic of ``patients`` patients over ``years`` years ending at ``end``.

    The same arguments always write identical data (identifiers included). Refused with
    ClinicNotEmptyError, before anything is written, when the database holds patients;
    ValueError for an unsupported size. ``progress(done, total)`` is called as patients are
    written.
    """
    check_demo_size(patients, years)
    intakes = DemoIntakes(random.Random(f"intakes/{seed}"), data.CLINIC_ZONE)
    clinic = _Clinic(random.Random(seed), patients, years, end, intakes)
    with unit_of_work(db) as repo:
        if repo.patient_summaries(include_archived=True):
            raise ClinicNotEmptyError(
                "This journal already holds patients; a demo clinic is only written into an "
                "empty journal (use a new file)."
            )
        with _large_page_cache(repo):
            _write(repo, PractitionerRow, clinic.practitioner_rows())
            _write(repo, ProtocolRow, clinic.protocol_rows())
            for index in range(patients):
                clinic.add_patient(long_term=index in clinic.long_term)
                if clinic.pending_needles >= CHUNK_NEEDLES or index == patients - 1:
                    clinic.flush(repo)
                    if progress is not None:
                        progress(index + 1, patients)
            clinic.add_awaiting_review()
            clinic.flush(repo)
        report = clinic.report()
        record_bulk_write(repo, "demo", report.summary(), asdict(report))
    return report


@contextmanager
def _large_page_cache(repo: JournalRepository) -> Iterator[None]:
    """Give SQLite a large page cache while the clinic is written, then the usual one back.

    Rows keyed by random UUIDs land all over the indexes; with the default 2 MiB cache most
    inserts evict a page, and writing the reference clinic takes about 40 % more CPU time.
    The connection goes back to the pool afterwards, so the cache size is restored (which
    also frees the pages) rather than left to inflate the app's memory.
    """
    connection = repo.session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    usual = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{LARGE_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(usual or -2000)}")


_FLUSH_ORDER: tuple[type[Base], ...] = (
    PatientRow,
    CaseRow,
    IntakeRow,
    IntakeReviewRow,
    SessionRow,
    NeedleRow,
    AdverseEventRow,
    AmendmentRow,
    MeasurementRow,
)


_SORT_KEYS: dict[type[Base], Callable[[Values], int]] = {
    SessionRow: lambda row: int(row["id"].int),
    NeedleRow: lambda row: int(row["session_id"].int),
}


def _write(repo: JournalRepository, model: type[Base], rows: list[Values]) -> None:
    # A Core INSERT of the table, one executemany per chunk. JournalRepository.bulk_insert
    # inserts through the ORM bulk path instead, which leaves out None values and so batches
    # only consecutive rows with None in the same columns: on the reference clinic that path
    # costs about twice the CPU time of the whole generation (50 s against 25 s).
    table = model.__table__
    assert isinstance(table, Table)
    repo.session.execute(insert(table), rows)


# The generator -----------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class _Practitioner:
    id: uuid.UUID
    index: int
    spec: data.PractitionerSpec
    works_from: date
    works_until: date | None

    def works_on(self, day: date) -> bool:
        return self.works_from <= day and (self.works_until is None or day < self.works_until)


@dataclass(slots=True)
class _ProtocolVersion:
    id: uuid.UUID
    created_on: date
    points: tuple[data.RxPoint, ...]


@dataclass(slots=True)
class _Course:
    """What stays the same over one course: the prescription and how the patient responds."""

    case_id: uuid.UUID
    spec: data.ConditionSpec
    side: CaseSide
    templates: list[_Template]
    spare: list[_Template]
    co_interventions: list[str]
    protocol_id: uuid.UUID | None
    back: int | None
    """First session's NRS back pain (None: not scored for this condition)."""
    leg: int | None
    responder: bool
    effect: float
    """Share of the baseline pain a course takes away in the long run (negative: worse)."""
    tau: float
    """Sessions until about two thirds of the effect is reached."""
    long_term: bool
    radiation: Radiation | None = None
    numbness: bool | None = None
    cause: str = ""


_Template = tuple[Values, tuple[float, ...]]
"""A course's needle row without session details, and the depths it is needled at."""
Electro = tuple[float, float | None, str]
_ELECTRO: tuple[Electro, ...] = (
    (2.0, 100.0, "dense-disperse"),
    (2.0, 100.0, "dense-disperse"),
    (2.0, 100.0, "dense-disperse"),
    (2.0, 100.0, "dense-disperse"),
    (2.0, None, "continuous"),
    (10.0, None, "continuous"),
)
_STYLE_ELECTRO = {
    AcupunctureStyle.WESTERN_MEDICAL: 1.5,
    AcupunctureStyle.JAPANESE: 0.3,
    AcupunctureStyle.FIVE_ELEMENT: 0.0,
}


def _weights(pairs: Sequence[tuple[T, float]]) -> tuple[list[T], list[float]]:
    return [item for item, _ in pairs], list(accumulate(weight for _, weight in pairs))


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


_SIDE_WORDS = {CaseSide.LEFT: "left", CaseSide.RIGHT: "right"}
_OPPOSITE = {"left": "right", "right": "left"}
_SCIATICA_RADIATION = _weights(
    [
        (Radiation.LOW_BACK, 3),
        (Radiation.BUTTOCK, 12),
        (Radiation.THIGH, 25),
        (Radiation.CALF, 32),
        (Radiation.FOOT, 28),
    ]
)
_LBP_RADIATION = _weights(
    [(Radiation.LOW_BACK, 60), (Radiation.BUTTOCK, 25), (Radiation.THIGH, 15)]
)
_ROWS_PER_SESSION = _weights([(8, 22), (9, 22), (10, 20), (11, 13), (12, 10), (13, 7), (14, 6)])
_COURSE_LENGTHS = _weights([(6, 10), (7, 12), (8, 17), (9, 16), (10, 17), (11, 14), (12, 14)])
_RELIEF = {
    True: _weights([(0, 10), (1, 40), (2, 35), (3, 15)]),
    False: _weights([(0, 50), (1, 42), (2, 8)]),
}


class _NoteFields(dict[str, object]):
    """Values for note templates, drawn only when a template asks for them (most do not)."""

    def __init__(self, rng: random.Random, k: int) -> None:
        super().__init__()
        self.rng = rng
        self.k = k

    def __missing__(self, key: str) -> object:
        rng = self.rng
        if key == "slr":  # straight-leg raise, in degrees; it improves over the course
            return min(90, rng.randrange(35, 75, 5) + 4 * self.k)
        if key == "rot":
            return rng.randrange(40, 70, 5)
        if key == "abd":
            return rng.randrange(80, 170, 10)
        if key == "days":
            return rng.randint(0, 4)
        if key == "hours":
            return rng.randint(4, 7)
        raise KeyError(key)


class _Clinic:
    """Generates the clinic patient by patient into buffers that ``flush`` writes."""

    def __init__(
        self, rng: random.Random, patients: int, years: int, end: date, intakes: DemoIntakes
    ) -> None:
        self.rng = rng
        self.intakes = intakes
        self.intake_counts = {"red_flags": 0, "referred_out": 0, "awaiting_review": 0}
        self.patient = Patient(name="")
        self.female = False
        self.first_contact: datetime | None = None
        self.latest_sciatica: tuple[IntakeSubject, datetime] | None = None
        self.recent: list[tuple[datetime, IntakeSubject]] = []
        """Patients whose latest case is sciatica, with their last visit: who may hand in a
        new intake at the end."""
        self.end = end
        try:
            self.start = end.replace(year=end.year - years)
        except ValueError:  # 29 February
            self.start = end.replace(year=end.year - years, day=28)
        self.span = (end - self.start).days
        self.zone = ZoneInfo(data.CLINIC_ZONE)
        self.buffers: dict[type[Base], list[Values]] = {model: [] for model in _FLUSH_ORDER}
        self.counts: dict[type[Base], int] = dict.fromkeys(_FLUSH_ORDER, 0)
        self.pending_needles = 0
        self.to_sign: list[uuid.UUID] = []
        self.booked: set[tuple[int, int]] = set()
        self.techniques: dict[tuple[int, str], tuple[float, float, float, float, float, str]] = {}
        self.spares: dict[tuple[uuid.UUID, str], list[data.RxPoint]] = {}
        self.protocol_values: list[Values] = []
        self.practitioners = self._make_practitioners(practitioner_count(patients))
        self.protocols = self._make_protocols()
        self.long_term = set(rng.sample(range(patients), long_term_count(patients)))
        self.names = _weights([(pool, pool.weight) for pool in data.NAME_POOLS])
        self.conditions = _weights([(spec, spec.weight) for spec in data.CONDITIONS])
        self.by_key = {spec.key: spec for spec in data.CONDITIONS}
        self.events = _weights([(event, event.weight) for event in data.ADVERSE_EVENTS])
        self.sides = {spec.key: _weights(spec.sides) for spec in data.CONDITIONS}
        self.causes = _weights(data.CAUSES)

    # Helpers -------------------------------------------------------------------------------
    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, weighted: tuple[list[T], list[float]]) -> T:
        items, cumulative = weighted
        return self.rng.choices(items, cum_weights=cumulative)[0]

    def at(self, day: date, minute_of_day: int) -> datetime:
        """A local wall-clock time at the clinic as a UTC instant (DST handled by zoneinfo)."""
        hour, minute = divmod(minute_of_day, 60)
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        return local.astimezone(UTC)

    @staticmethod
    def open_day(day: date) -> date:
        """The first day on or after ``day`` the clinic is open (weekdays, closed for Christmas)."""
        if (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1):
            day = date(day.year + (day.month == 12), 1, 2)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day

    def working(self, day: date, preferred: _Practitioner | None = None) -> _Practitioner:
        if preferred is not None and preferred.works_on(day):
            return preferred
        staff = [p for p in self.practitioners if p.works_on(day)] or self.practitioners
        return self.rng.choices(staff, weights=[p.spec.workload for p in staff])[0]

    def book(self, practitioner: int, day: date, preferred_slot: int) -> int:
        """A free half-hour slot (0 = 08:00 ... 18 = 17:00) of a practitioner on a day."""
        ordinal = day.toordinal() * 32
        slot = preferred_slot
        for _ in range(8):
            if (practitioner, ordinal + slot) not in self.booked:
                break
            slot = self.rng.randrange(19)
        self.booked.add((practitioner, ordinal + slot))
        return slot

    # Practitioners and protocols -----------------------------------------------------------
    def _make_practitioners(self, count: int) -> list[_Practitioner]:
        staff = []
        for index, spec in enumerate(data.PRACTITIONERS[:count]):
            works_from, works_until = self.start - timedelta(days=3650), None
            # In a larger clinic one practitioner retires and one joins during the period.
            if count >= 6 and index == 5:
                works_until = self.start + timedelta(days=int(self.span * 0.7))
            if count >= 4 and index == count - 1:
                works_from = self.start + timedelta(days=int(self.span * 0.3))
            staff.append(_Practitioner(self.new_id(), index, spec, works_from, works_until))
        return staff

    def practitioner_rows(self) -> list[Values]:
        rows = []
        for p in self.practitioners:
            rows.append(
                mapping.practitioner_values(
                    Practitioner(
                        id=p.id,
                        name=p.spec.name,
                        qualification=p.spec.qualification,
                        years_in_practice=p.spec.years,
                        style=p.spec.style,
                        default_gauge_mm=p.spec.gauge_mm,
                        default_length_mm=p.spec.length_mm,
                        default_needle_brand=p.spec.brand,
                        active=p.works_until is None,
                    )
                )
            )
        self.counts[PractitionerRow] = len(rows)
        return rows

    def _make_protocols(self) -> dict[str, list[list[_ProtocolVersion]]]:
        protocols: dict[str, list[list[_ProtocolVersion]]] = {}
        for spec in data.PROTOCOLS:
            family = self.new_id()
            versions = []
            for number, points in enumerate(spec.versions, start=1):
                offset = (
                    self.rng.randrange(max(1, min(60, self.span // 8)))
                    if number == 1
                    else int(self.span * self.rng.uniform(0.4, 0.6))
                )
                created_on = self.start + timedelta(days=offset)
                version = _ProtocolVersion(self.new_id(), created_on, points)
                versions.append(version)
                protocol = Protocol(
                    id=version.id,
                    family_id=family,
                    version=number,
                    name=spec.name,
                    condition=self.by_key_condition(spec.condition_key),
                    points=[_protocol_point(point) for point in points],
                    created_at=self.at(version.created_on, 17 * 60 + 30),
                )
                self.protocol_values.append(mapping.protocol_values(protocol))
            protocols.setdefault(spec.condition_key, []).append(versions)
        return protocols

    @staticmethod
    def by_key_condition(key: str) -> str:
        return next(spec.condition for spec in data.CONDITIONS if spec.key == key)

    def protocol_rows(self) -> list[Values]:
        self.counts[ProtocolRow] = len(self.protocol_values)
        return self.protocol_values

    # Patients ------------------------------------------------------------------------------
    def add_patient(self, *, long_term: bool) -> None:
        rng = self.rng
        patient_id = self.new_id()
        female = rng.random() < 0.58
        patient = Patient(
            id=patient_id,
            name=self._name(female),
            birth_date=self.end
            - timedelta(days=_clamp(rng.gauss(50, 15), 18, 92) * 365)
            - timedelta(days=rng.randrange(365)),
        )
        self._contact(patient)
        self.patient, self.female = patient, female
        self.first_contact = self.latest_sciatica = None
        if long_term:
            first = self.start + timedelta(days=rng.randrange(max(1, min(45, self.span // 10))))
        else:
            first = self.start + timedelta(days=rng.randrange(self.span))
        first = self.open_day(first)
        primary = self.working(first)
        slot = rng.randrange(19)
        last_visit: datetime | None = None
        day, previous = first, None
        while day < self.end:
            spec = self._condition(previous, long_term)
            primary = self.working(day, primary)
            last_day, last_start = self._case(patient_id, spec, day, primary, slot, long_term)
            if last_start is not None:
                last_visit = last_start
            if long_term or last_day is None or rng.random() < 0.17:
                break
            previous, long_term = spec, False
            day = self.open_day(last_day + timedelta(days=45 + int(rng.expovariate(1 / 300))))
        values = mapping.patient_values(patient)
        created = self.open_day(first - timedelta(days=rng.randint(1, 20)))
        values["created_at"] = self.at(created, rng.randint(8 * 60, 20 * 60))
        if self.first_contact is not None:  # the intake questionnaire made the record
            values["created_at"] = min(values["created_at"], self.first_contact)
        values["last_visit_at"] = last_visit
        values["version"] = 1
        self.buffers[PatientRow].append(values)
        if self.latest_sciatica is not None:
            subject, last_start = self.latest_sciatica
            self.recent.append((last_start, subject))

    def _name(self, female: bool) -> str:
        pool = self.pick(self.names)
        rng = self.rng
        given = rng.choice(pool.female if female else pool.male)
        family = rng.choice(pool.family_female if female else pool.family_male)
        parts = (family, given) if pool.family_first else (given, family)
        return pool.separator.join(parts)

    def _contact(self, patient: Patient) -> None:
        rng = self.rng
        if rng.random() < 0.06:
            digits = "".join(str(rng.randrange(10)) for _ in range(9))
            patient.phone = f"+{rng.choice(('46', '45', '34', '48', '49'))} {digits}"
        else:
            lead = rng.choice("49")
            digits = "".join(str(rng.randrange(10)) for _ in range(7))
            patient.phone = f"+47 {lead}{digits[:2]} {digits[2:4]} {digits[4:]}"
        ascii_name = patient.name.encode("ascii", "ignore").decode().lower().replace("'", "")
        if rng.random() < 0.65 and ascii_name.replace(" ", "").isalpha():
            local = ".".join(ascii_name.split())
            patient.email = f"{local}{rng.randrange(100)}@{rng.choice(data.EMAIL_DOMAINS)}"
        if rng.random() < 0.7:
            street = rng.choice(data.STREETS)
            patient.address = f"{street} {rng.randint(1, 120)}\n0{rng.randint(150, 990)} Oslo"

    def _condition(
        self, previous: data.ConditionSpec | None, long_term: bool
    ) -> data.ConditionSpec:
        if long_term:
            return self.by_key[self.rng.choice(data.LONG_TERM_CONDITIONS)]
        if previous is not None and self.rng.random() < 0.45:
            return previous  # back pain and headaches tend to come back
        return self.pick(self.conditions)

    # Cases ---------------------------------------------------------------------------------
    def _case(
        self,
        patient_id: uuid.UUID,
        spec: data.ConditionSpec,
        first: date,
        practitioner: _Practitioner,
        slot: int,
        long_term: bool,
    ) -> tuple[date | None, datetime | None]:
        """Write one case with its course of sessions and measurements.

        Returns the day and start time of its last session (None when none fell before the
        end date, in which case nothing is written, or when the intake questionnaire before
        the first session made the practitioner refer the patient out: only the intake and
        its review are written then, and the patient comes no more).
        """
        rng = self.rng
        course = self._course(spec, first, practitioner, long_term)
        case_values = self._case_values(patient_id, course, first)
        intake: Intake | None = None
        if spec.key == "sciatica":
            subject = self._subject(course, case_values, course.back, course.leg, course.case_id)
            intake, referral = self.intakes.before_first_visit(subject, first)
            if self.first_contact is None:
                self.first_contact = intake.submitted_at
            if referral:  # the course never starts, and no case is opened
                intake.case_id = None
                self._review(intake, practitioner, referral)
                self.latest_sciatica = None
                return None, None
            if intake.screening.electro_contraindicated:
                course.templates = [_without_electro(t) for t in course.templates]
        acute = rng.random() < 0.4
        planned = self.pick(_COURSE_LENGTHS) if not long_term else 10**6
        if not long_term and rng.random() < 0.07:
            planned = rng.randint(2, 5)  # stopped early: moved away, lost interest, no time
        sessions: list[tuple[uuid.UUID, datetime, int | None, int | None]] = []
        day = first
        first_practitioner = practitioner
        while len(sessions) < planned and day < self.end:
            practitioner = self.working(day, practitioner)
            if rng.random() < 0.06:
                practitioner = self.working(day)  # a colleague covers
            k = len(sessions)
            if k == 0:
                first_practitioner = practitioner
            last = k == planned - 1
            sessions.append(self._session(course, k, day, practitioner, slot, last))
            interval = self._interval(k, acute, long_term, day)
            day = self.open_day(day + timedelta(days=interval))
        if not sessions:
            return None, None
        last_day = sessions[-1][1].astimezone(self.zone).date()
        complete = len(sessions) == planned
        case_values["opened_on"] = first
        if complete and (self.end - last_day).days > 14:
            case_values["closed_on"] = last_day
        self.buffers[CaseRow].append(case_values)
        if intake is not None:
            self._review(intake, first_practitioner, "")
            _, last_start, back, leg = sessions[-1]
            case_id = course.case_id if case_values["closed_on"] is None else None
            subject = self._subject(course, case_values, back, leg, case_id)
            subject = replace(subject, earlier=intake.answers)
            self.latest_sciatica = (subject, last_start)
        else:
            self.latest_sciatica = None
        self._measurements(course, sessions, complete, last_day)
        return last_day, sessions[-1][1]

    # Intakes -------------------------------------------------------------------------------
    def _subject(
        self,
        course: _Course,
        case_values: Values,
        back: int | None,
        leg: int | None,
        case_id: uuid.UUID | None,
    ) -> IntakeSubject:
        """The patient being written, and what their case says, for an intake's answers."""
        return IntakeSubject(
            patient=self.patient,
            female=self.female,
            case_id=case_id,
            side=course.side,
            radiation=course.radiation,
            onset=case_values["onset_date"],
            numbness=course.numbness,
            cause=course.cause,
            back=back,
            leg=leg,
        )

    def _review(self, intake: Intake, practitioner: _Practitioner, referral: str) -> None:
        """The case's practitioner reviews the intake (a colleague when they are not there)."""
        day = self.intakes.review_day(intake)
        if not practitioner.works_on(day):
            practitioner = next((p for p in self.practitioners if p.works_on(day)), practitioner)
        self.intakes.review(intake, practitioner.id, referral)
        self._store_intake(intake)

    def _store_intake(self, intake: Intake) -> None:
        """Buffer an intake, its review and the baseline its answers give (as the app does)."""
        self.buffers[IntakeRow].append(mapping.intake_values(intake))
        self.buffers[IntakeReviewRow] += [
            mapping.intake_review_values(intake.id, review) for review in intake.reviews
        ]
        self.buffers[MeasurementRow] += [
            mapping.measurement_values(m)
            for m in baseline_measurements(self.intakes.questionnaire, intake)
        ]
        counts = self.intake_counts
        counts["red_flags"] += bool(intake.screening.red_flags)
        review = intake.review
        if review is None:
            counts["awaiting_review"] += bool(intake.screening.red_flags)
        elif review.decision is ReviewDecision.REFER_OUT:
            counts["referred_out"] += 1

    def add_awaiting_review(self) -> None:
        """New intakes with a red flag nobody has reviewed yet, from the patients seen last
        for sciatica: the first patients of the list, by last visit, show the red banner."""
        self.recent.sort(key=lambda item: item[0], reverse=True)
        for last_start, subject in self.recent[:AWAITING_REVIEW]:
            self._store_intake(self.intakes.awaiting_review(subject, last_start, self.end))

    def _interval(self, k: int, acute: bool, long_term: bool, day: date) -> int:
        rng = self.rng
        if long_term:
            days = rng.randint(5, 10)
            if day.month == 7 and rng.random() < 0.25:
                days += 14  # summer holiday
            return days
        if acute and k < 3:
            return rng.randint(3, 4)
        if k >= 7:
            return rng.randint(9, 15)
        return max(3, round(rng.gauss(7, 1.6)))

    def _case_values(self, patient_id: uuid.UUID, course: _Course, first: date) -> Values:
        rng = self.rng
        spec, side = course.spec, course.side
        word = _SIDE_WORDS.get(side)
        titles = [t for t in spec.titles if "{" not in t or word]
        title = rng.choice(titles) if titles else spec.condition.capitalize()
        if word:
            title = title.format(side=word, Side=word.capitalize())
        elif side is CaseSide.BOTH and "{" in spec.titles[0]:
            title = f"{spec.condition.capitalize()}, both sides"
        onset = first - timedelta(
            days=rng.randint(3, 30) if rng.random() < 0.4 else rng.randint(60, 1500)
        )
        return {
            "id": course.case_id,
            "patient_id": patient_id,
            "title": title,
            "condition": spec.condition,
            "side": side.value,
            "suspected_cause": course.cause,
            "onset_date": onset,
            "radiation": course.radiation.value if course.radiation else None,
            "numbness": course.numbness,
            "style": None,
            "rationale": rng.choice(spec.rationale) if rng.random() < 0.8 else "",
            "opened_on": first,
            "closed_on": None,
            "version": 1,
        }

    def _course(
        self, spec: data.ConditionSpec, first: date, practitioner: _Practitioner, long_term: bool
    ) -> _Course:
        rng = self.rng
        side = self.pick(self.sides[spec.key])
        protocol_id, points, spare = self._prescription(spec, first)
        style = practitioner.spec.style
        electro: Electro | None = None
        if rng.random() < spec.electro_rate * _STYLE_ELECTRO.get(style, 1.0):
            electro = rng.choice(_ELECTRO)
        sought = "deqi"
        if style is AcupunctureStyle.JAPANESE and rng.random() < 0.6:
            sought = "none"
        retention = float(rng.choice((20, 25, 25, 30, 30)))
        templates = [
            self._template(rx, side, practitioner, sought, retention, electro) for rx in points
        ]
        spare_templates = [
            self._template(rx, side, practitioner, sought, retention, None) for rx in spare
        ]
        co = [name for name, rate in spec.co_interventions if rng.random() < rate]
        back = rng.randint(*spec.back_pain) if spec.back_pain else None
        leg = rng.randint(*spec.leg_pain) if spec.leg_pain else None
        radiation: Radiation | None = None
        numbness: bool | None = None
        cause = ""
        if spec.key == "sciatica":
            radiation = self.pick(_SCIATICA_RADIATION)
            numbness = rng.random() < 0.55
            cause = self.pick(self.causes)
        elif spec.key == "low_back_pain":
            radiation = self.pick(_LBP_RADIATION)
            numbness = False if rng.random() < 0.7 else None
            cause = rng.choice(("", "", "", "herniated disc", "spinal stenosis", "unknown"))
            if radiation is Radiation.LOW_BACK:
                leg = None  # pain that stays in the back has no leg score
        responder = rng.random() < RESPONDER_RATE
        effect = rng.uniform(0.45, 0.9) if responder else rng.uniform(-0.1, 0.2)
        if long_term:
            effect = rng.uniform(0.2, 0.45)
        return _Course(
            case_id=self.new_id(),
            spec=spec,
            side=side,
            templates=templates,
            spare=spare_templates,
            co_interventions=co,
            protocol_id=protocol_id,
            back=back,
            leg=leg,
            responder=responder,
            effect=effect,
            tau=rng.uniform(1.5, 4.0),
            long_term=long_term,
            radiation=radiation,
            numbness=numbness,
            cause=cause,
        )

    def _prescription(
        self, spec: data.ConditionSpec, first: date
    ) -> tuple[uuid.UUID | None, list[data.RxPoint], list[data.RxPoint]]:
        """The course's points: a stored protocol's (sometimes) or a pick from the condition's.

        Returns the protocol version followed (or None), the points and spare points that some
        sessions add.
        """
        rng = self.rng
        families = self.protocols.get(spec.key, [])
        if families and rng.random() < 0.45:
            versions = [v for v in rng.choice(families) if v.created_on <= first]
            if versions:
                version = versions[-1]
                points = list(version.points)
                spare = self.spares.get((version.id, spec.key))
                if spare is None:
                    spare = [rx for rx in spec.optional if rx not in points]
                    self.spares[version.id, spec.key] = spare
                extra = rng.randint(0, 2)
                return version.id, points + spare[:extra], spare[extra:]
        wanted = self.pick(_ROWS_PER_SESSION)
        optional = list(spec.optional)
        chosen = set(rng.sample(range(len(optional)), max(0, wanted - len(spec.core))))
        points = list(spec.core) + [rx for i, rx in enumerate(optional) if i in chosen]
        return None, points, [rx for i, rx in enumerate(optional) if i not in chosen]

    def _template(
        self,
        rx: data.RxPoint,
        case_side: CaseSide,
        practitioner: _Practitioner,
        sought: str,
        retention: float,
        electro: Electro | None,
    ) -> _Template:
        """A needle row of this course, without session, position and today's details."""
        shallow, deep, deepest, gauge, length, angle = self._technique(practitioner, rx.code)
        spec = practitioner.spec
        depth = min(deepest, float(round(shallow + (deep - shallow) * self.rng.random())))
        depths = tuple(min(deepest, max(1.0, depth + delta)) for delta in (-2, -1, 0, 0, 1, 2))
        side = self._side(rx.side, case_side)
        row_sought = sought
        if spec.style is AcupunctureStyle.WESTERN_MEDICAL and rx.code == "ASHI":
            row_sought = "muscle_twitch"
        on_electro = electro is not None and rx.electro
        tissue = None
        if spec.style is AcupunctureStyle.JAPANESE:
            tissue = "muscle" if depth >= 8 else "subcutaneous"
        row: Values = {
            "session_id": None,
            "position": 0,
            "point": rx.code,
            "side": side,
            "spinal_level": rx.spinal_level,
            "region": rx.region,
            "description": rx.description,
            "depth_mm": depth,
            "tissue_level": tissue,
            "angle": angle,
            "gauge_mm": gauge,
            "length_mm": length,
            "needle_brand": spec.brand,
            "method": "electro" if on_electro else "manual",
            "frequency_hz": electro[0] if on_electro and electro else None,
            "frequency_high_hz": electro[1] if on_electro and electro else None,
            "intensity_ma": None,
            "waveform": electro[2] if on_electro and electro else "",
            "response_sought": row_sought,
            "deqi": None,
            "retention_min": retention,
        }
        return row, depths

    def _technique(
        self, practitioner: _Practitioner, code: str
    ) -> tuple[float, float, float, float, float, str]:
        """Depth range, deepest safe depth, needle gauge and length, angle of a point."""
        key = (practitioner.index, code)
        known = self.techniques.get(key)
        if known is not None:
            return known
        shallow, deep, angle, needle = data.TECHNIQUE[code]
        spec = practitioner.spec
        gauge, length = spec.gauge_mm, spec.length_mm
        if needle == data.LONG or (needle == data.SHORT and length > data.SHORT_NEEDLE[1]):
            gauge, length = data.LONG_NEEDLE if needle == data.LONG else data.SHORT_NEEDLE
        if spec.style is AcupunctureStyle.JAPANESE:  # shallow needling with thin needles
            shallow, deep = max(2.0, shallow * 0.4), max(3.0, deep * 0.4)
        deepest = max(1.0, length - 5)  # a few millimetres of shaft always stay outside
        known = (shallow, deep, deepest, gauge, length, angle.value)
        self.techniques[key] = known
        return known

    def _side(self, rule: str, case_side: CaseSide) -> str:
        if rule == data.MIDLINE:
            return Side.MIDLINE.value
        word = _SIDE_WORDS.get(case_side)
        if rule == data.BILATERAL or word is None or self.rng.random() < 0.1:
            return Side.BILATERAL.value
        return _OPPOSITE[word] if rule == data.OPPOSITE else word

    # Sessions ------------------------------------------------------------------------------
    def _pain(self, course: _Course, baseline: int | None, k: int) -> tuple[int, int] | None:
        if baseline is None:
            return None
        rng = self.rng
        if k == 0:
            before = baseline
        else:
            level = baseline * (1 - course.effect * (1 - math.exp(-k / course.tau)))
            if course.long_term:
                level *= 1 + 0.2 * math.sin(k / 9)  # flare-ups and calm spells
            before = _clamp(level + rng.gauss(0, 0.6), 0, 10)
        relief = self.pick(_RELIEF[course.responder])
        after = before - relief if rng.random() > 0.02 else before + 1
        return before, _clamp(after, 0, 10)

    def _session(
        self,
        course: _Course,
        k: int,
        day: date,
        practitioner: _Practitioner,
        slot: int,
        last: bool,
    ) -> tuple[uuid.UUID, datetime, int | None, int | None]:
        rng = self.rng
        rand = rng.random
        session_id = self.new_id()
        slot = self.book(practitioner.index, day, slot)
        started = self.at(day, 8 * 60 + 30 * slot + rng.choice((0, 0, 0, 5, 10)))
        back = self._pain(course, course.back, k)
        leg = self._pain(course, course.leg, k)

        templates = list(course.templates)
        if len(templates) > 8 and rand() < 0.2:
            del templates[rng.randrange(len(templates))]
        if course.spare and len(templates) < 14 and rand() < 0.15:
            templates.append(rng.choice(course.spare))
        intensity = float(rng.randint(2, 10)) / 2  # 1-5 mA in half steps
        needles = self.buffers[NeedleRow]
        count = 0
        for position, (template, depths) in enumerate(templates):
            row = dict(template)
            row["session_id"] = session_id
            row["position"] = position
            row["depth_mm"] = depths[int(rand() * 6)]
            if row["response_sought"] == "deqi":
                draw = rand()
                row["deqi"] = True if draw < 0.88 else (False if draw < 0.97 else None)
            if row["method"] == "electro":
                row["intensity_ma"] = intensity
            count += 2 if row["side"] == "bilateral" else 1
            needles.append(row)
        self.pending_needles += len(templates)

        signed = not ((self.end - day).days <= DRAFT_DAYS and rand() < 0.4)
        entered = started + timedelta(minutes=rng.randint(30, 40))
        co = [name for name in course.co_interventions if rand() < 0.7]
        row_values = {
            "id": session_id,
            "case_id": course.case_id,
            "practitioner_id": practitioner.id,
            "started_at": started,
            "time_zone": data.CLINIC_ZONE,
            "entered_at": entered,
            # Written as a draft and signed once its needles are in: the database refuses
            # children of a signed session (migration 0002), as it would for an editor.
            "status": "draft",
            "signed_by": practitioner.id if signed else None,
            "signed_at": entered + timedelta(minutes=rng.randint(1, 10)) if signed else None,
            "pain_before_back": back[0] if back else None,
            "pain_before_leg": leg[0] if leg else None,
            "pain_after_back": back[1] if back else None,
            "pain_after_leg": leg[1] if leg else None,
            "needles_in": count,
            "needles_out": count if signed or rand() < 0.5 else None,
            **self._notes(course, k, last, back, leg),
            "co_interventions": co,
            "sham": False,
            "protocol_id": course.protocol_id,
            "version": 1,
        }
        self.buffers[SessionRow].append(row_values)
        if signed:
            self.to_sign.append(session_id)
        if rand() < ADVERSE_EVENT_RATE:
            self._adverse_events(session_id, templates, co)
        elif rand() < FORGOTTEN_NEEDLE_RATE:
            self._event(session_id, data.FORGOTTEN_NEEDLE, templates)
        if signed and rand() < 0.004 and (self.end - day).days > 7:
            self.buffers[AmendmentRow].append(
                {
                    "id": self.new_id(),
                    "session_id": session_id,
                    "author_id": practitioner.id,
                    "created_at": started + timedelta(days=rng.randint(1, 5)),
                    "text": rng.choice(data.AMENDMENTS),
                }
            )
        return session_id, started, back[0] if back else None, leg[0] if leg else None

    def _notes(
        self,
        course: _Course,
        k: int,
        last: bool,
        back: tuple[int, int] | None,
        leg: tuple[int, int] | None,
    ) -> Values:
        rng = self.rng
        spec = course.spec
        fields = _NoteFields(rng, k)
        fields["back"] = back[0] if back else "-"
        fields["leg"] = leg[0] if leg else "-"
        fields["side"] = _SIDE_WORDS.get(course.side, "right")
        if k == 0:
            plan = rng.choice(data.FIRST_PLANS)
        elif last:
            plan = rng.choice(data.LAST_PLANS)
        else:
            plan = rng.choice(data.PLANS) if rng.random() < 0.5 else ""
        if k == 0:
            advice = rng.choice(spec.advice)
            if spec.key == "sciatica":
                advice = f"{advice} {data.RED_FLAG_ADVICE}"
        else:
            advice = rng.choice(spec.advice) if rng.random() < 0.4 else ""
        return {
            "subjective": rng.choice(spec.subjective).format_map(fields),
            "objective": rng.choice(spec.objective).format_map(fields)
            if rng.random() < 0.7
            else "",
            "assessment": rng.choice(spec.assessment).format_map(fields)
            if rng.random() < 0.6
            else "",
            "plan": plan,
            "internal_note": rng.choice(data.INTERNAL_NOTES) if rng.random() < 0.06 else "",
            "patient_advice": advice.format_map(fields),
        }

    def _adverse_events(
        self, session_id: uuid.UUID, needles: list[_Template], co: list[str]
    ) -> None:
        self._event(session_id, self.pick(self.events), needles)
        if "moxibustion" in co and self.rng.random() < 0.1:
            self._event(session_id, data.MOXIBUSTION_BURN, needles)
        elif self.rng.random() < 0.08:
            self._event(session_id, self.pick(self.events), needles)

    def _event(
        self, session_id: uuid.UUID, spec: data.AdverseEventSpec, needles: list[_Template]
    ) -> None:
        rng = self.rng
        needle = rng.choice(needles)[0]
        point = needle["point"]
        if point == "ASHI":
            point = f"the {str(needle['region']).replace('_', ' ')} Ashi point"
        elif needle["spinal_level"]:
            point = f"{point} {needle['spinal_level']}"
        self.buffers[AdverseEventRow].append(
            {
                "id": self.new_id(),
                "session_id": session_id,
                "category": spec.category,
                "severity": "moderate" if rng.random() < spec.moderate_rate else "mild",
                "action": rng.choice(spec.actions),
                "description": rng.choice(spec.descriptions).format(point=point),
            }
        )

    # Measurements --------------------------------------------------------------------------
    def _measurements(
        self,
        course: _Course,
        sessions: list[tuple[uuid.UUID, datetime, int | None, int | None]],
        complete: bool,
        last_day: date,
    ) -> None:
        rng = self.rng
        key = course.spec.key
        back_case = key in ("sciatica", "low_back_pain")
        plans = {
            "ODI": back_case and rng.random() < 0.9,
            "RMDQ": back_case and rng.random() < 0.25,
            "SBI": key == "sciatica" and rng.random() < 0.3,
            "VAS_LEG": key == "sciatica" and rng.random() < 0.1,
            "PPT": key in data.PPT_SITES and rng.random() < 0.2,
        }
        chosen = [code for code, wanted in plans.items() if wanted]
        if not chosen:
            return
        first_id, first_start, back0, leg0 = sessions[0]
        points = [(first_id, first_start, back0, leg0, 0.0)]
        if course.long_term:
            points += [
                (s[0], s[1], s[2], s[3], 1.0) for s in sessions[26::26]
            ]  # every half year or so
        elif complete and len(sessions) >= 4:
            last_id, last_start, back1, leg1 = sessions[-1]
            points.append((last_id, last_start, back1, leg1, 1.0))
        for session_id, started, back, leg, progress in points:
            for code in chosen:
                answers, value = self._answers(code, course, back, leg, progress)
                self._measurement(
                    course, code, started - timedelta(minutes=10), session_id, answers, value, ""
                )
        if complete and not course.long_term:
            self._follow_ups(course, sessions[-1], last_day, "ODI" in chosen)

    def _follow_ups(
        self,
        course: _Course,
        last: tuple[uuid.UUID, datetime, int | None, int | None],
        last_day: date,
        odi: bool,
    ) -> None:
        rng = self.rng
        for weeks, chance in ((rng.randint(4, 6), 0.85), (rng.randint(13, 26), 0.55)):
            day = self.open_day(last_day + timedelta(weeks=weeks))
            if day >= self.end or rng.random() > chance:
                return
            when = self.at(day, rng.randint(9 * 60, 15 * 60))
            note = rng.choice(data.FOLLOW_UP_NOTES)
            relapse = 2 if rng.random() < 0.15 else 0
            back = last[2]
            leg = last[3]
            for code, level in (("NRS_BACK", back), ("NRS_LEG", leg)):
                if level is not None:
                    value = _clamp(level + relapse + rng.gauss(-0.3, 0.8), 0, 10)
                    self._measurement(course, code, when, None, None, float(value), note)
            if odi:
                pain_back = None if back is None else back + relapse
                pain_leg = None if leg is None else leg + relapse
                answers, _ = self._answers("ODI", course, pain_back, pain_leg, 1.0)
                self._measurement(course, "ODI", when, None, answers, None, note)

    def _answers(
        self, code: str, course: _Course, back: int | None, leg: int | None, progress: float
    ) -> tuple[object | None, float | None]:
        """Plausible answers to instrument ``code`` for a patient with this pain."""
        rng = self.rng
        pain = max(back or 0, leg or 0)
        if code == "ODI":
            target = min(90.0, max(2.0, pain * 6 + rng.gauss(0, 6)))
            odi: list[int | None] = [
                _clamp(target / 20 + rng.gauss(0, 0.8), 0, 5) for _ in range(10)
            ]
            if rng.random() < 0.3:
                odi[7] = None  # sex life is the section most often left blank
            return odi, None
        if code == "RMDQ":
            yes = set(rng.sample(range(24), _clamp(pain * 2.2 + rng.gauss(0, 2), 0, 24)))
            return [i in yes for i in range(24)], None
        if code == "SBI":
            numb = 3 if course.numbness else 1
            return [
                _clamp((leg or 0) * 0.6 + rng.gauss(0, 0.7), 0, 6),
                _clamp(numb * (1 - 0.5 * progress) + rng.gauss(0, 0.8), 0, 6),
                _clamp(1.5 * (1 - 0.5 * progress) + rng.gauss(0, 0.8), 0, 6),
                _clamp((leg or 0) * 0.55 + rng.gauss(0, 0.8), 0, 6),
            ], None
        if code == "VAS_LEG":
            return None, float(_clamp((leg or 0) * 10 + rng.gauss(0, 6), 0, 100))
        # Pressure pain threshold rises as the patient improves.
        base = rng.uniform(2.5, 5.0) + (1.5 * course.effect * progress if course.responder else 0)
        trials = [round(base + rng.gauss(0, 0.3), 1) for _ in range(rng.choice((2, 3)))]
        trials = [max(0.5, t) for t in trials]
        if rng.random() < 0.1:
            return {
                "site": data.PPT_SITES[course.spec.key],
                "unit": "kPa",
                "trials": [round(t * 98.0665) for t in trials],
            }, None
        return {"site": data.PPT_SITES[course.spec.key], "unit": "kgf/cm2", "trials": trials}, None

    def _measurement(
        self,
        course: _Course,
        code: str,
        taken_at: datetime,
        session_id: uuid.UUID | None,
        answers: object | None,
        value: float | None,
        note: str,
    ) -> None:
        measurement = OutcomeMeasurement(
            id=self.new_id(),
            case_id=course.case_id,
            session_id=session_id,
            instrument=code,
            taken_at=taken_at,
            time_zone=data.CLINIC_ZONE,
            answers=answers,
            value=value,
            score=score(code, answers=answers, value=value),
            note=note,
        )
        self.buffers[MeasurementRow].append(mapping.measurement_values(measurement))

    # Writing -------------------------------------------------------------------------------
    def flush(self, repo: JournalRepository) -> None:
        """Write the buffered rows, parents before children, and empty the buffers."""
        for model in _FLUSH_ORDER:
            if model is AmendmentRow and self.to_sign:
                repo.sign_inserted(self.to_sign)
                self.to_sign = []
            rows = self.buffers[model]
            if model in (SessionRow, NeedleRow):
                # In key order, consecutive inserts share index pages instead of each landing
                # on a random one (hex UUIDs sort as their integers do).
                rows.sort(key=_SORT_KEYS[model])
            if rows:
                self.counts[model] += len(rows)
                _write(repo, model, rows)
                self.buffers[model] = []
        self.pending_needles = 0

    def report(self) -> DemoReport:
        c = self.counts
        return DemoReport(
            practitioners=c[PractitionerRow],
            protocols=c[ProtocolRow],
            patients=c[PatientRow],
            cases=c[CaseRow],
            sessions=c[SessionRow],
            needles=c[NeedleRow],
            measurements=c[MeasurementRow],
            adverse_events=c[AdverseEventRow],
            amendments=c[AmendmentRow],
            intakes=c[IntakeRow],
            red_flag_intakes=self.intake_counts["red_flags"],
            referred_out=self.intake_counts["referred_out"],
            awaiting_review=self.intake_counts["awaiting_review"],
        )


def _without_electro(template: _Template) -> _Template:
    """A needle row of a course, needled by hand where it had electro-acupuncture."""
    row, depths = template
    if row["method"] != StimulationMethod.ELECTRO.value:
        return template
    manual = row | {"method": StimulationMethod.MANUAL.value, "waveform": ""}
    return manual | {"frequency_hz": None, "frequency_high_hz": None}, depths


def _protocol_point(rx: data.RxPoint) -> ProtocolPoint:
    shallow, deep, _, _ = data.TECHNIQUE[rx.code]
    stimulation = (
        Stimulation(StimulationMethod.ELECTRO, 2.0, 100.0, None, "dense-disperse")
        if rx.electro
        else Stimulation(StimulationMethod.MANUAL)
    )
    return ProtocolPoint(
        point=rx.code,
        side=Side.MIDLINE if rx.side == data.MIDLINE else Side.BILATERAL,
        depth_mm=float(round((shallow + deep) / 2)),
        stimulation=stimulation,
        retention_min=25.0,
        spinal_level=rx.spinal_level,
        region=rx.region,
        description=rx.description,
    )
