"""Validation of clinical data, in one place.

Every rule names the field it checks and the range it allows, so a practitioner (or an import
file's author) reads exactly what is wrong. The plausible ranges are documented here and only
here; the editor, the importer and the services all call these functions.

Ranges, and why:
- pain (NRS): whole numbers 0-10, the instrument's own scale.
- VAS: 0-100 mm, the instrument's own scale.
- depth: 0.5-150 mm. Superficial points are needled a few millimetres; the deepest common
  insertions (GB30, BL54 in a large patient) reach about 100 mm. Deeper is a typing error.
- needle gauge: 0.10-0.50 mm, the range of filiform needles on the market (0.12-0.45 usual).
- needle length: 0.3-150 mm, from press-tack needles to the longest filiform needles.
- depth may not exceed the needle's length.
- retention: 0-180 minutes (0 = inserted and withdrawn at once; 20-30 is usual).
- electro frequency: 0.5-200 Hz; dense-disperse lists the lower frequency first.
- electro intensity: 0-50 mA, the top of stimulators' output ranges.
- needle counts (in and out): whole numbers 0-300.
- Jiaji (EX-B2) spinal levels: T1-T12 and L1-L5, the WHO definition of the point group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from acujournal.domain.catalogue import PointKind, UnknownPointError, default_catalogue
from acujournal.domain.model import (
    NeedleInsertion,
    PainScores,
    Practitioner,
    ProtocolPoint,
    Side,
    Stimulation,
    StimulationMethod,
    TreatmentSession,
)
from acujournal.domain.wording import plural

PAIN_RANGE = (0, 10)
VAS_RANGE = (0.0, 100.0)
DEPTH_MM_RANGE = (0.5, 150.0)
GAUGE_MM_RANGE = (0.10, 0.50)
LENGTH_MM_RANGE = (0.3, 150.0)
RETENTION_MIN_RANGE = (0.0, 180.0)
FREQUENCY_HZ_RANGE = (0.5, 200.0)
INTENSITY_MA_RANGE = (0.0, 50.0)
NEEDLE_COUNT_RANGE = (0, 300)
YEARS_IN_PRACTICE_RANGE = (0, 70)
SPINAL_LEVELS: tuple[str, ...] = tuple(f"T{n}" for n in range(1, 13)) + tuple(
    f"L{n}" for n in range(1, 6)
)
_SPINAL_LEVEL_RE = re.compile(r"^\s*([TtLl])\s*-?\s*(\d{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is and what is wrong."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ValueError):
    """Raised with every problem found, so all of them can be shown at once."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def _fmt(number: float) -> str:
    return f"{number:g}"


def check_range(
    field: str, value: float | None, bounds: tuple[float, float], unit: str = ""
) -> Iterator[Problem]:
    """Yield a problem when ``value`` is given and lies outside ``bounds`` (inclusive)."""
    if value is None:
        return
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        yield Problem(field, f"must be a number from {_fmt(low)} to {_fmt(high)}{unit}")
    elif not low <= value <= high:
        yield Problem(
            field,
            f"{_fmt(value)}{unit} is outside the allowed range {_fmt(low)}-{_fmt(high)}{unit}",
        )


def check_whole(field: str, value: int | None, bounds: tuple[int, int]) -> Iterator[Problem]:
    """Yield a problem unless ``value`` is None or a whole number within ``bounds``."""
    if value is None:
        return
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int):
        yield Problem(field, f"must be a whole number from {low} to {high}")
    elif not low <= value <= high:
        yield Problem(field, f"{value} is outside the allowed range {low}-{high}")


def normalize_spinal_level(text: str) -> str | None:
    """Return the canonical spinal level ("L4") for forgiving input ("l 4", "L-4"), or None."""
    match = _SPINAL_LEVEL_RE.match(text)
    if not match:
        return None
    level = f"{match.group(1).upper()}{int(match.group(2))}"
    return level if level in SPINAL_LEVELS else None


def check_time_zone(field: str, name: str) -> Iterator[Problem]:
    """Yield a problem unless ``name`` is an IANA time zone such as "Europe/Oslo"."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        yield Problem(field, f'"{name}" is not a known time zone (use a name like "Europe/Oslo")')


def check_aware(field: str, moment: datetime | None) -> Iterator[Problem]:
    """Yield a problem when a datetime has no time zone attached."""
    if moment is not None and moment.utcoffset() is None:
        yield Problem(field, "must include a time zone offset")


def validate_pain(prefix: str, pain: PainScores) -> Iterator[Problem]:
    """Pain scores are whole numbers on the 0-10 NRS."""
    yield from check_whole(f"{prefix}.back", pain.back, PAIN_RANGE)
    yield from check_whole(f"{prefix}.leg", pain.leg, PAIN_RANGE)


def _validate_location(
    prefix: str, point: str, spinal_level: str | None, region: str | None, side: object
) -> Iterator[Problem]:
    try:
        entry = default_catalogue().resolve(point)
    except UnknownPointError as error:
        yield Problem(f"{prefix}.point", str(error))
        return
    if entry.code != point:
        yield Problem(f"{prefix}.point", f'write the point as "{entry.code}", not "{point}"')
    if not isinstance(side, Side):
        allowed = ", ".join(s.value for s in Side)
        yield Problem(f"{prefix}.side", f"must be one of {allowed}")
    if entry.needs_spinal_level:
        if not spinal_level:
            yield Problem(f"{prefix}.spinal_level", f"{entry.code} needs a spinal level (T1-L5)")
        elif spinal_level not in SPINAL_LEVELS:
            yield Problem(
                f"{prefix}.spinal_level", f'"{spinal_level}" is not a spinal level from T1 to L5'
            )
    elif spinal_level:
        yield Problem(f"{prefix}.spinal_level", f"{entry.code} takes no spinal level")
    if entry.kind in (PointKind.ASHI, PointKind.FREE) and not region:
        yield Problem(f"{prefix}.region", f"a {entry.english.lower()} needs a body region")


def validate_needle(prefix: str, needle: NeedleInsertion) -> Iterator[Problem]:
    """Check one needle row against the catalogue and the plausible ranges."""
    yield from _validate_location(
        prefix, needle.point, needle.spinal_level, needle.region, needle.side
    )
    stim = needle.stimulation
    # Importing a journal checks hundreds of thousands of needles: when every number is in
    # its range (as nearly always), no field name of a range problem is spelt out.
    if (
        _in_range(needle.depth_mm, DEPTH_MM_RANGE)
        and _in_range(needle.gauge_mm, GAUGE_MM_RANGE)
        and _in_range(needle.length_mm, LENGTH_MM_RANGE)
        and _in_range(needle.retention_min, RETENTION_MIN_RANGE)
        and _in_range(stim.frequency_hz, FREQUENCY_HZ_RANGE)
        and _in_range(stim.frequency_high_hz, FREQUENCY_HZ_RANGE)
        and _in_range(stim.intensity_ma, INTENSITY_MA_RANGE)
    ):
        yield from _depth_rule(prefix, needle)
        yield from _stimulation_rules(f"{prefix}.stimulation", stim)
        return
    yield from check_range(f"{prefix}.depth_mm", needle.depth_mm, DEPTH_MM_RANGE, " mm")
    yield from check_range(f"{prefix}.gauge_mm", needle.gauge_mm, GAUGE_MM_RANGE, " mm")
    yield from check_range(f"{prefix}.length_mm", needle.length_mm, LENGTH_MM_RANGE, " mm")
    yield from _depth_rule(prefix, needle)
    yield from check_range(
        f"{prefix}.retention_min", needle.retention_min, RETENTION_MIN_RANGE, " min"
    )
    yield from _validate_stimulation(f"{prefix}.stimulation", needle)


def _in_range(value: float | None, bounds: tuple[float, float]) -> bool:
    """True when ``check_range`` would find nothing wrong with ``value``."""
    return value is None or (
        type(value) in (int, float) and value == value and bounds[0] <= value <= bounds[1]
    )


def _depth_rule(prefix: str, needle: NeedleInsertion) -> Iterator[Problem]:
    if (
        isinstance(needle.depth_mm, int | float)
        and isinstance(needle.length_mm, int | float)
        and needle.depth_mm > needle.length_mm
    ):
        yield Problem(
            f"{prefix}.depth_mm",
            f"depth {_fmt(needle.depth_mm)} mm is deeper than the needle is long "
            f"({_fmt(needle.length_mm)} mm)",
        )


def _validate_stimulation(prefix: str, needle: NeedleInsertion) -> Iterator[Problem]:
    stim = needle.stimulation
    yield from check_range(f"{prefix}.frequency_hz", stim.frequency_hz, FREQUENCY_HZ_RANGE, " Hz")
    yield from check_range(
        f"{prefix}.frequency_high_hz", stim.frequency_high_hz, FREQUENCY_HZ_RANGE, " Hz"
    )
    yield from check_range(f"{prefix}.intensity_ma", stim.intensity_ma, INTENSITY_MA_RANGE, " mA")
    yield from _stimulation_rules(prefix, stim)


def _stimulation_rules(prefix: str, stim: Stimulation) -> Iterator[Problem]:
    if stim.method is StimulationMethod.ELECTRO and stim.frequency_hz is None:
        yield Problem(f"{prefix}.frequency_hz", "electro-acupuncture needs a frequency in Hz")
    if stim.method is not StimulationMethod.ELECTRO and (
        stim.frequency_hz is not None or stim.intensity_ma is not None
    ):
        yield Problem(f"{prefix}.method", "frequency and intensity apply to electro only")
    if (
        stim.frequency_hz is not None
        and stim.frequency_high_hz is not None
        and stim.frequency_high_hz <= stim.frequency_hz
    ):
        yield Problem(
            f"{prefix}.frequency_high_hz",
            "the dense frequency must be higher than the disperse one (for example 2/100 Hz)",
        )


def validate_protocol_point(prefix: str, point: ProtocolPoint) -> Iterator[Problem]:
    """Check a protocol's point the way a needle row is checked."""
    yield from _validate_location(prefix, point.point, point.spinal_level, point.region, point.side)
    yield from check_range(f"{prefix}.depth_mm", point.depth_mm, DEPTH_MM_RANGE, " mm")
    yield from check_range(
        f"{prefix}.retention_min", point.retention_min, RETENTION_MIN_RANGE, " min"
    )


def session_problems(session: TreatmentSession, prefix: str = "session") -> list[Problem]:
    """Return every problem of a session record (an empty list when it is fine)."""
    problems: list[Problem] = []
    problems += check_aware(f"{prefix}.started_at", session.started_at)
    problems += check_time_zone(f"{prefix}.time_zone", session.time_zone)
    problems += validate_pain(f"{prefix}.pain_before", session.pain_before)
    problems += validate_pain(f"{prefix}.pain_after", session.pain_after)
    problems += check_whole(f"{prefix}.needles_in", session.needles_in, NEEDLE_COUNT_RANGE)
    problems += check_whole(f"{prefix}.needles_out", session.needles_out, NEEDLE_COUNT_RANGE)
    for index, needle in enumerate(session.needles):
        problems += validate_needle(f"{prefix}.needles[{index}]", needle)
    return problems


def validate_session(session: TreatmentSession) -> None:
    """Raise ValidationError listing every problem of a session record."""
    problems = session_problems(session)
    if problems:
        raise ValidationError(problems)


def signing_problems(session: TreatmentSession) -> list[Problem]:
    """Why a session may not be signed yet (an empty list when it may).

    Counting needles in and out and refusing to sign while the counts differ is what prevents
    a forgotten needle, an avoidable adverse event.
    """
    problems = session_problems(session)
    if not session.needles:
        problems.append(Problem("needles", "record at least one needled point before signing"))
    if session.needles_in is None or session.needles_out is None:
        problems.append(Problem("needles_out", "count the needles in and out before signing"))
    elif session.needles_in != session.needles_out:
        missing = session.needles_in - session.needles_out
        what = (
            f"{plural(missing, 'needle')} not yet counted out"
            if missing > 0
            else f"{plural(-missing, 'more needle', 'more needles')} counted out than in"
        )
        problems.append(
            Problem(
                "needles_out",
                f"{session.needles_in} in, {session.needles_out} out: {what}; "
                "check the patient for a forgotten needle",
            )
        )
    return problems


def practitioner_problems(practitioner: Practitioner) -> list[Problem]:
    """A practitioner profile: a name, plausible years in practice and default needle."""
    problems: list[Problem] = []
    if not practitioner.name.strip():
        problems.append(Problem("practitioner.name", "a practitioner needs a name"))
    problems += check_whole(
        "practitioner.years_in_practice",
        practitioner.years_in_practice,
        YEARS_IN_PRACTICE_RANGE,
    )
    problems += check_range(
        "practitioner.default_gauge_mm", practitioner.default_gauge_mm, GAUGE_MM_RANGE, " mm"
    )
    problems += check_range(
        "practitioner.default_length_mm", practitioner.default_length_mm, LENGTH_MM_RANGE, " mm"
    )
    return problems
