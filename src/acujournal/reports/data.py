"""What the PDF reports show, as frozen dataclasses.

The services fill these from the database (``acujournal.services.reporting`` and
``acujournal.services.clinic_stats``, whose types are in :mod:`acujournal.reports.clinic_data`);
the renderers in this package only lay them out. Keeping the data apart from ReportLab means
the numbers can be tested without reading a PDF, and the renderers never touch the database.

Privacy is decided here, by what each type can hold: :class:`PatientSummaryData` has no field for
SOAP notes or internal notes, so a patient summary cannot leak them whatever the renderer does;
:class:`SessionLine` carries an internal note only when the practitioner asked for it.

Every ``str`` field may hold anything a user typed (markup, control characters, a megabyte):
the renderers pass it through :func:`acujournal.reports.text.para_text` or its friends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from acujournal.domain.model import (
    AcupunctureStyle,
    AdverseEventCategory,
    NeedleAngle,
    ResponseSought,
    Severity,
    Side,
    StimulationMethod,
    TissueLevel,
)
from acujournal.domain.needle_sizes import NeedleSizeNames

DEFAULT_CLINIC_NAME = "AcuJournal clinic"


@dataclass(frozen=True, slots=True)
class ClinicHeader:
    """The letterhead: clinic name and address, and the logo image's bytes (PNG or JPEG)."""

    name: str = DEFAULT_CLINIC_NAME
    address: str = ""
    logo: bytes | None = None
    needle_sizes: NeedleSizeNames = NeedleSizeNames.MILLIMETRES


# Points and needling -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointName:
    """A needled point as the reports name it.

    ``detail`` is what makes a point specific beyond its code: the spinal level of a Jiaji
    point ("L4") or the body region of an Ashi or free-named point ("low back");
    ``description`` is the practitioner's own words for an Ashi or free-named point.
    """

    code: str
    english: str = ""
    pinyin: str = ""
    hanzi: str = ""
    detail: str = ""
    description: str = ""

    @property
    def plain(self) -> str:
        """Patient wording: "Bend Middle (BL40)", "Tender point (low back)"."""
        if self.code in ("ASHI", "FREE"):
            base = "Tender point" if self.code == "ASHI" else (self.english or "Point")
            return f"{base} ({self.detail})" if self.detail else base
        name = self.english or self.pinyin
        code = f"{self.code} {self.detail}" if self.detail else self.code
        return f"{name} ({code})" if name else code

    @property
    def short(self) -> str:
        """Practitioner shorthand: "BL40", "EX-B2 L4", "ASHI low back"."""
        return f"{self.code} {self.detail}" if self.detail else self.code

    @property
    def described(self) -> str:
        """The shorthand with the practitioner's description: "ASHI buttock: tender band"."""
        return f"{self.short}: {self.description}" if self.description else self.short


@dataclass(frozen=True, slots=True)
class NeedleLine:
    """One needled point of a session (STRICTA 2b-2g), flattened for layout."""

    point: PointName
    side: Side
    depth_mm: float | None = None
    tissue_level: TissueLevel | None = None
    angle: NeedleAngle | None = None
    gauge_mm: float | None = None
    length_mm: float | None = None
    needle_brand: str = ""
    method: StimulationMethod = StimulationMethod.MANUAL
    frequency_hz: float | None = None
    frequency_high_hz: float | None = None
    intensity_ma: float | None = None
    waveform: str = ""
    response_sought: ResponseSought = ResponseSought.DEQI
    deqi: bool | None = None
    retention_min: float | None = None


@dataclass(frozen=True, slots=True)
class PointUse:
    """How often a point was used over a course (in how many sessions)."""

    point: PointName
    sessions: int
    sides: tuple[Side, ...] = ()


# Sessions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdverseEventLine:
    category: AdverseEventCategory
    severity: Severity
    description: str = ""
    action: str = ""


@dataclass(frozen=True, slots=True)
class AmendmentLine:
    """An addendum to a signed session, with its author and local time."""

    author: str
    written_at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One session of a course, in the local time it happened.

    ``internal_note`` is empty unless the report was asked to include internal notes.
    """

    number: int
    started_at: datetime
    practitioner: str
    signed: bool
    pain_before_back: int | None = None
    pain_before_leg: int | None = None
    pain_after_back: int | None = None
    pain_after_leg: int | None = None
    needles: tuple[NeedleLine, ...] = ()
    co_interventions: tuple[str, ...] = ()
    adverse_events: tuple[AdverseEventLine, ...] = ()
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""
    patient_advice: str = ""
    internal_note: str = ""
    amendments: tuple[AmendmentLine, ...] = ()
    sham: bool = False


# Pain over a course ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PainReading:
    """Pain before and after one session (NRS 0-10), for the pain chart."""

    number: int
    on: date
    before_back: int | None = None
    before_leg: int | None = None
    after_back: int | None = None
    after_leg: int | None = None


@dataclass(frozen=True, slots=True)
class PainChange:
    """How pain in one region moved over a course.

    The baseline is the pain before the first session that recorded it; ``latest`` is the pain
    before the most recent one (pain straight after needling shows the session's immediate
    effect, not how the patient is doing between sessions). ``important_at_or_below`` is the
    score that counts as a clinically important improvement on the baseline (2 points or 30 %,
    whichever is reached first). ``first_important_*`` say when a session's starting pain first
    got there, or are None.
    """

    region: str
    baseline: int
    latest: int
    baseline_session: int
    latest_session: int
    important_at_or_below: float
    improvement_percent: float | None
    important_now: bool
    first_important_session: int | None = None
    first_important_on: date | None = None

    @property
    def change(self) -> int:
        """Latest minus baseline: negative when the pain went down."""
        return self.latest - self.baseline


# Outcome measures --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasurementLine:
    """One scored administration of an outcome instrument."""

    instrument: str
    instrument_name: str
    taken_on: date
    score: float
    unit: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class OutcomeSeries:
    """All scores of one instrument in a course, oldest first, with the instrument's scale."""

    instrument: str
    name: str
    unit: str
    minimum: float
    maximum: float | None
    lower_is_better: bool
    readings: tuple[MeasurementLine, ...]
    first_important_on: date | None = None


# STRICTA -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PractitionerBackground:
    """STRICTA item 5: who gave the treatment."""

    name: str
    qualification: str = ""
    years_in_practice: int | None = None


@dataclass(frozen=True, slots=True)
class StrictaFacts:
    """What STRICTA 2010 asks to know about a course, gathered from its sessions."""

    style: AcupunctureStyle | None
    rationale: str
    points: tuple[PointUse, ...]
    insertions_min: int
    insertions_max: int
    gauges_mm: tuple[float, ...]
    lengths_mm: tuple[float, ...]
    brands: tuple[str, ...]
    depth_min_mm: float | None
    depth_max_mm: float | None
    tissue_levels: tuple[TissueLevel, ...]
    responses_sought: tuple[ResponseSought, ...]
    deqi_obtained: int
    deqi_recorded: int
    methods: tuple[StimulationMethod, ...]
    electro_settings: tuple[str, ...]
    retention_min: float | None
    retention_max: float | None
    co_interventions: tuple[tuple[str, int], ...]
    sham_sessions: int
    practitioners: tuple[PractitionerBackground, ...]


# Whole reports -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """The episode of care a course belongs to."""

    title: str
    condition: str
    side: str = ""
    suspected_cause: str = ""
    onset_date: date | None = None
    radiation: str = ""
    numbness: bool | None = None
    opened_on: date | None = None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class CourseSummary:
    """The numbers at the top of a course: how many sessions, how often, what changed."""

    session_count: int
    first_on: date | None
    last_on: date | None
    sessions_per_week: float | None
    top_points: tuple[PointUse, ...]
    pain: tuple[PainChange, ...]

    @property
    def span_days(self) -> int:
        if self.first_on is None or self.last_on is None:
            return 0
        return (self.last_on - self.first_on).days


@dataclass(frozen=True, slots=True)
class ProgressCourse:
    """One case in a practitioner's progress report."""

    case: CaseFacts
    summary: CourseSummary
    readings: tuple[PainReading, ...]
    sessions: tuple[SessionLine, ...]
    outcomes: tuple[OutcomeSeries, ...]
    stricta: StrictaFacts


@dataclass(frozen=True, slots=True)
class PatientFacts:
    name: str
    birth_date: date | None = None


@dataclass(frozen=True, slots=True)
class ProgressReportData:
    """A practitioner's progress report: one patient, one or more cases, an optional period."""

    clinic: ClinicHeader
    generated_at: datetime
    patient: PatientFacts
    courses: tuple[ProgressCourse, ...]
    period_from: date | None = None
    period_to: date | None = None
    include_internal: bool = False


@dataclass(frozen=True, slots=True)
class AdviceLine:
    given_on: date
    text: str


@dataclass(frozen=True, slots=True)
class PatientCourse:
    """One case as the patient sees it: no clinical notes, no internal notes."""

    title: str
    summary: CourseSummary
    readings: tuple[PainReading, ...]
    points: tuple[PointUse, ...]
    retention_min: float | None
    retention_max: float | None
    electro: bool
    co_interventions: tuple[str, ...]
    advice: tuple[AdviceLine, ...]
    reactions: tuple[tuple[date, AdverseEventCategory], ...]
    practitioners: tuple[str, ...]
    closed: bool


@dataclass(frozen=True, slots=True)
class PatientSummaryData:
    """The plain-language summary handed to a patient."""

    clinic: ClinicHeader
    generated_at: datetime
    patient_name: str
    courses: tuple[PatientCourse, ...]
    period_from: date | None = None
    period_to: date | None = None
