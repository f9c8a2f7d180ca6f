"""Entities of the journal, as plain dataclasses.

The vocabulary follows STRICTA 2010 (what a complete needling record holds) and the
clinical notes in the design folder. Nothing here knows about storage or widgets: services
translate between these objects and the database, the UI shows them.

Times: every instant is a timezone-aware ``datetime`` in UTC, paired with the IANA zone the
practitioner was in (``time_zone``), so a session is shown in the local time it happened even
when the clinic later moves or daylight-saving time changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


def new_id() -> uuid.UUID:
    """Return a fresh random identifier for any entity."""
    return uuid.uuid4()


class Side(StrEnum):
    """Which side a point was needled on (STRICTA 2b: unilateral or bilateral)."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    MIDLINE = "midline"


class TissueLevel(StrEnum):
    """Depth described by tissue instead of millimetres (STRICTA 2c)."""

    SKIN = "skin"
    SUBCUTANEOUS = "subcutaneous"
    MUSCLE = "muscle"
    PERIOSTEUM = "periosteum"


class NeedleAngle(StrEnum):
    PERPENDICULAR = "perpendicular"
    OBLIQUE = "oblique"
    TRANSVERSE = "transverse"


class StimulationMethod(StrEnum):
    """How the needle was stimulated (STRICTA 2e)."""

    NONE = "none"
    MANUAL = "manual"
    ELECTRO = "electro"


class ResponseSought(StrEnum):
    """The response the practitioner aimed for (STRICTA 2d)."""

    NONE = "none"
    DEQI = "deqi"
    MUSCLE_TWITCH = "muscle_twitch"


class SessionStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class AcupunctureStyle(StrEnum):
    """Style of acupuncture (STRICTA 1a)."""

    TCM = "tcm"
    JAPANESE = "japanese"
    KOREAN = "korean"
    WESTERN_MEDICAL = "western_medical"
    FIVE_ELEMENT = "five_element"
    AURICULAR = "auricular"
    OTHER = "other"


class CaseSide(StrEnum):
    """Which side a complaint is on."""

    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"
    CENTRAL = "central"
    UNKNOWN = "unknown"


class Radiation(StrEnum):
    """How far sciatic pain radiates, in order from the spine outwards."""

    LOW_BACK = "low_back"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    CALF = "calf"
    FOOT = "foot"


class AdverseEventCategory(StrEnum):
    """Categories of adverse events worth recording (Baeumler 2021 and clinical practice)."""

    BLEEDING_BRUISING = "bleeding_bruising"
    PAIN_AT_SITE = "pain_at_site"
    FAINTING_NAUSEA = "fainting_nausea"
    AGGRAVATION = "aggravation"
    EMOTIONAL_REACTION = "emotional_reaction"
    FORGOTTEN_NEEDLE = "forgotten_needle"
    MOXIBUSTION_BURN = "moxibustion_burn"
    INFECTION = "infection"
    NERVE_INJURY = "nerve_injury"
    PNEUMOTHORAX = "pneumothorax"
    OTHER = "other"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(slots=True)
class Practitioner:
    """A practitioner and the defaults they usually needle with (STRICTA 2g and 5)."""

    name: str
    id: uuid.UUID = field(default_factory=new_id)
    qualification: str = ""
    years_in_practice: int | None = None
    style: AcupunctureStyle = AcupunctureStyle.TCM
    default_gauge_mm: float | None = 0.25
    default_length_mm: float | None = 40.0
    default_needle_brand: str = ""
    active: bool = True


@dataclass(slots=True)
class Patient:
    name: str
    id: uuid.UUID = field(default_factory=new_id)
    birth_date: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    archived: bool = False
    # The stored version this object was read at (None: new, or read without it), and the
    # values it was read with: saving then tells whether another room changed it meanwhile.
    version: int | None = field(default=None, compare=False)
    read_state: dict[str, object] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Case:
    """An episode of care: one complaint treated over a course of sessions."""

    patient_id: uuid.UUID
    title: str
    condition: str
    id: uuid.UUID = field(default_factory=new_id)
    side: CaseSide = CaseSide.UNKNOWN
    suspected_cause: str = ""
    onset_date: date | None = None
    radiation: Radiation | None = None
    numbness: bool | None = None
    style: AcupunctureStyle | None = None
    rationale: str = ""
    opened_on: date | None = None
    closed_on: date | None = None
    # The stored version this object was read at (None: new, or read without it), and the
    # values it was read with: saving then tells whether another room changed it meanwhile.
    version: int | None = field(default=None, compare=False)
    read_state: dict[str, object] | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Stimulation:
    """Needle stimulation (STRICTA 2e).

    Dense-disperse electro-acupuncture alternates two frequencies: ``frequency_hz`` holds the
    lower one and ``frequency_high_hz`` the higher (2/100 Hz is 2.0 and 100.0).
    """

    method: StimulationMethod = StimulationMethod.MANUAL
    frequency_hz: float | None = None
    frequency_high_hz: float | None = None
    intensity_ma: float | None = None
    waveform: str = ""


@dataclass(slots=True)
class NeedleInsertion:
    """One needled point (STRICTA 2b-2g).

    ``point`` is a catalogue code (``BL40``, ``EX-B2``), ``ASHI`` for a tender point with no
    fixed location, or ``FREE`` for a named point the catalogue does not list (auricular
    points, for instance). Ashi and free points carry a ``region`` and a ``description``;
    Jiaji (EX-B2) carries the ``spinal_level`` it was needled beside.
    """

    point: str
    side: Side
    depth_mm: float | None = None
    tissue_level: TissueLevel | None = None
    angle: NeedleAngle | None = None
    gauge_mm: float | None = None
    length_mm: float | None = None
    needle_brand: str = ""
    stimulation: Stimulation = field(default_factory=Stimulation)
    response_sought: ResponseSought = ResponseSought.DEQI
    deqi: bool | None = None
    retention_min: float | None = None
    spinal_level: str | None = None
    region: str | None = None
    description: str = ""

    @property
    def needle_count(self) -> int:
        """Needles this row puts in: two for a bilateral point, one otherwise."""
        return 2 if self.side is Side.BILATERAL else 1


@dataclass(slots=True)
class PainScores:
    """NRS 0-10 pain, back and leg recorded separately."""

    back: int | None = None
    leg: int | None = None


@dataclass(slots=True)
class SoapNotes:
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""


@dataclass(slots=True)
class AdverseEvent:
    category: AdverseEventCategory
    severity: Severity = Severity.MILD
    action: str = ""
    description: str = ""
    id: uuid.UUID = field(default_factory=new_id)


@dataclass(slots=True)
class Amendment:
    """An addendum to a signed session: the original stays as it was."""

    author_id: uuid.UUID
    created_at: datetime
    text: str
    id: uuid.UUID = field(default_factory=new_id)


@dataclass(slots=True)
class TreatmentSession:
    """One treatment: what was needled, how the patient's pain changed, what was noted."""

    case_id: uuid.UUID
    practitioner_id: uuid.UUID
    started_at: datetime
    time_zone: str
    id: uuid.UUID = field(default_factory=new_id)
    entered_at: datetime | None = None
    status: SessionStatus = SessionStatus.DRAFT
    signed_by: uuid.UUID | None = None
    signed_at: datetime | None = None
    pain_before: PainScores = field(default_factory=PainScores)
    pain_after: PainScores = field(default_factory=PainScores)
    needles: list[NeedleInsertion] = field(default_factory=list)
    needles_in: int | None = None
    needles_out: int | None = None
    notes: SoapNotes = field(default_factory=SoapNotes)
    internal_note: str = ""
    patient_advice: str = ""
    co_interventions: list[str] = field(default_factory=list)
    adverse_events: list[AdverseEvent] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    sham: bool = False
    protocol_id: uuid.UUID | None = None
    # The stored version this object was read at (None: new, or read without it), and the
    # values it was read with: saving then tells whether another room changed it meanwhile.
    version: int | None = field(default=None, compare=False)
    read_state: dict[str, object] | None = field(default=None, compare=False, repr=False)

    @property
    def insertion_count(self) -> int:
        """Number of needle insertions (STRICTA 2a), bilateral points counting twice."""
        return sum(needle.needle_count for needle in self.needles)

    @property
    def is_signed(self) -> bool:
        return self.status is SessionStatus.SIGNED


@dataclass(slots=True)
class ProtocolPoint:
    """A point of a protocol: where and how, without the per-session details."""

    point: str
    side: Side
    depth_mm: float | None = None
    stimulation: Stimulation = field(default_factory=Stimulation)
    retention_min: float | None = None
    spinal_level: str | None = None
    region: str | None = None
    description: str = ""


@dataclass(slots=True)
class Protocol:
    """A named, versioned point prescription.

    Editing a protocol creates a new version (a new row with the same ``family_id``), so a
    session keeps pointing at the version it was actually given.
    """

    name: str
    points: list[ProtocolPoint]
    id: uuid.UUID = field(default_factory=new_id)
    family_id: uuid.UUID = field(default_factory=new_id)
    version: int = 1
    condition: str = ""
    created_at: datetime | None = None


@dataclass(slots=True)
class OutcomeMeasurement:
    """One administration of an outcome instrument (NRS, ODI, RMDQ, ...) within a case.

    ``answers`` holds item-level answers where the instrument has items (ODI, RMDQ, SBI, PPT
    trials); ``value`` holds a single reading (NRS, VAS, clinic-defined measures); ``score`` is
    the instrument's score computed from either.
    """

    case_id: uuid.UUID
    instrument: str
    taken_at: datetime
    id: uuid.UUID = field(default_factory=new_id)
    time_zone: str = "UTC"
    answers: object | None = None
    value: float | None = None
    score: float | None = None
    session_id: uuid.UUID | None = None
    note: str = ""
