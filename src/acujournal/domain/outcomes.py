"""Outcome instruments: what each one measures, how it is scored, what change matters.

Instruments are data (:data:`INSTRUMENTS`), so reports, charts and the editor share one
definition. Scoring follows the clinical notes in the design folder:

- NRS pain (back and leg separately): one whole number 0-10; important change 2 points or 30 %
  from baseline (Ostelo 2008 consensus); 0 counts as recovered.
- VAS pain: 0-100 mm; important change 15 mm (Ostelo 2008).
- Oswestry Disability Index (ODI): 10 sections scored 0-5; score = sum / (5 x sections
  answered) x 100 %, refused when fewer than 8 sections are answered; important change 10.
- Roland-Morris Disability Questionnaire (RMDQ): 24 yes/no items, score = number of yes;
  important change 5 points; 2 or less counts as recovered.
- Sciatica Bothersomeness Index (SBI): 4 items 0-6, total 0-24; no consensus minimal important
  change was found, so none is built in (pass thresholds to use one).
- Pressure pain threshold (PPT, algometer): mean of 2-3 trials at a named site; higher is
  better; no minimal important change is built in.
- Clinic-defined measures (:func:`clinic_measure`): one reading on the clinic's own closed
  scale, with the clinic's own thresholds; pass them as ``known`` wherever a code is looked up.

Ostelo 2008 also proposes 30 % as a useful threshold for every low-back measure; only NRS
carries it here, as in the design notes, and callers may pass their own :class:`Thresholds`.

ODI and RMDQ question texts are copyrighted (the ODI is licensed through Mapi Research Trust):
only section names are shipped; a clinic enters answers from its own licensed forms.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

Better = Literal["lower", "higher"]

KPA_PER_KGF_CM2 = 98.0665
"""One kilogram-force per square centimetre in kilopascals (standard gravity)."""

ODI_MIN_ANSWERED = 8
"""Fewest ODI sections that must be answered for a score (the form's own rule allows two
sections to be skipped, typically sex life)."""


class ScoringError(ValueError):
    """Answers or a value an instrument cannot score; the message names the instrument."""


class InstrumentKind(StrEnum):
    """How an instrument is administered, which decides what ``score`` expects."""

    RATING = "rating"
    """One reading (``value``): NRS, VAS."""
    QUESTIONNAIRE = "questionnaire"
    """Item answers (``answers``): ODI, RMDQ, SBI."""
    ALGOMETER = "algometer"
    """Repeated trials at a named site (``answers``): pressure pain threshold."""


@dataclass(frozen=True, slots=True)
class Instrument:
    """One outcome instrument and its rules.

    ``mcid_points`` is the minimal clinically important change in the instrument's unit and
    ``mcid_percent`` the same as a percentage of the baseline (30.0 means 30 %); either is
    enough. ``maximum`` is None for an open-ended measure (PPT). ``section_names`` names the
    sections or items in order (never the copyrighted question text).
    """

    code: str
    name: str
    kind: InstrumentKind
    minimum: float
    maximum: float | None
    unit: str
    better: Better
    mcid_points: float | None
    mcid_percent: float | None
    licence_note: str
    section_names: tuple[str, ...]
    item_count: int = 0
    item_range: tuple[int, int] | None = None
    recovered_at_or_below: float | None = None
    note: str = ""


_OSTELO = "Ostelo et al., Spine 2008;33:90-94."
_FREE = "Free to use; no item text."

ODI_SECTIONS = (
    "pain intensity",
    "personal care",
    "lifting",
    "walking",
    "sitting",
    "standing",
    "sleeping",
    "sex life",
    "social life",
    "travelling",
)
SBI_ITEMS = ("leg pain", "numbness or tingling", "weakness", "pain when sitting")
PPT_UNITS = ("kgf/cm2", "kPa")


def _nrs(code: str, where: str) -> Instrument:
    return Instrument(
        code=code,
        name=f"Pain intensity, {where} (NRS 0-10)",
        kind=InstrumentKind.RATING,
        minimum=0,
        maximum=10,
        unit="points",
        better="lower",
        mcid_points=2,
        mcid_percent=30,
        licence_note=_FREE,
        section_names=(),
        recovered_at_or_below=0,
        note=_OSTELO,
    )


def _vas(code: str, where: str) -> Instrument:
    return Instrument(
        code=code,
        name=f"Pain intensity, {where} (VAS 0-100 mm)",
        kind=InstrumentKind.RATING,
        minimum=0,
        maximum=100,
        unit="mm",
        better="lower",
        mcid_points=15,
        mcid_percent=None,
        licence_note=_FREE,
        section_names=(),
        note=_OSTELO,
    )


INSTRUMENTS: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        _nrs("NRS_BACK", "back"),
        _nrs("NRS_LEG", "leg"),
        _vas("VAS_BACK", "back"),
        _vas("VAS_LEG", "leg"),
        Instrument(
            code="ODI",
            name="Oswestry Disability Index",
            kind=InstrumentKind.QUESTIONNAIRE,
            minimum=0,
            maximum=100,
            unit="%",
            better="lower",
            mcid_points=10,
            mcid_percent=None,
            licence_note=(
                "Question text is copyrighted and licensed through Mapi Research Trust; enter "
                "answers from the clinic's licensed form. Only section names are shipped."
            ),
            section_names=ODI_SECTIONS,
            item_count=len(ODI_SECTIONS),
            item_range=(0, 5),
            note=_OSTELO,
        ),
        Instrument(
            code="RMDQ",
            name="Roland-Morris Disability Questionnaire",
            kind=InstrumentKind.QUESTIONNAIRE,
            minimum=0,
            maximum=24,
            unit="points",
            better="lower",
            mcid_points=5,
            mcid_percent=None,
            licence_note=(
                "Question text is copyrighted; enter answers from the clinic's licensed form. "
                "Items are numbered 1-24; no text is shipped."
            ),
            section_names=(),
            item_count=24,
            recovered_at_or_below=2,
            note=_OSTELO,
        ),
        Instrument(
            code="SBI",
            name="Sciatica Bothersomeness Index",
            kind=InstrumentKind.QUESTIONNAIRE,
            minimum=0,
            maximum=24,
            unit="points",
            better="lower",
            mcid_points=None,
            mcid_percent=None,
            licence_note="Item names only; enter answers from the clinic's form.",
            section_names=SBI_ITEMS,
            item_count=len(SBI_ITEMS),
            item_range=(0, 6),
            note="No consensus minimal important change found; set a threshold per clinic.",
        ),
        Instrument(
            code="PPT",
            name="Pressure pain threshold (algometer)",
            kind=InstrumentKind.ALGOMETER,
            minimum=0,
            maximum=None,
            unit="kgf/cm2",
            better="higher",
            mcid_points=None,
            mcid_percent=None,
            licence_note=_FREE,
            section_names=(),
            note=(
                "Mean of 2-3 trials at a named site, stored in kgf/cm2 (kPa is converted). "
                "A minimal detectable change of about 1.2 kgf is reported in low back pain; "
                "verify it for your algometer and site before using it as a threshold."
            ),
        ),
    )
}
"""Every built-in instrument by code."""


def instrument(code: str, known: Mapping[str, Instrument] | None = None) -> Instrument:
    """The instrument with ``code``; ScoringError naming the known codes when there is none.

    ``known`` adds a clinic's own measures (see :func:`clinic_measure`) to the built-in ones.
    """
    found = INSTRUMENTS.get(code) or (known or {}).get(code)
    if found is None:
        names = ", ".join([*INSTRUMENTS, *(known or {})])
        raise ScoringError(f'Unknown instrument "{code}"; known instruments: {names}.')
    return found


# Scoring -----------------------------------------------------------------------------------


def score(
    code: str,
    answers: object | None = None,
    value: float | None = None,
    *,
    known: Mapping[str, Instrument] | None = None,
) -> float:
    """Score one administration of instrument ``code``.

    Ratings (NRS, VAS) take ``value``; questionnaires and the algometer take ``answers``
    (ODI: 10 items 0-5 or None; RMDQ: 24 booleans; SBI: 4 items 0-6; PPT: a mapping with
    ``site``, ``unit`` and 2-3 ``trials``). Raises ScoringError naming the instrument and the
    problem when the input cannot be scored. A clinic's own measures (``known``) are single
    readings on their own scale.
    """
    inst = instrument(code, known)
    if inst.kind is InstrumentKind.RATING:
        if answers is not None:
            raise ScoringError(f"{code} is a single reading: give a value, not answers.")
        if value is None:
            raise ScoringError(f"{code} needs a value.")
        return _score_rating(inst, value)
    if value is not None:
        raise ScoringError(f"{code} is scored from its answers, not from a single value.")
    if answers is None:
        raise ScoringError(f"{code} needs answers.")
    if code == "ODI":
        return _score_odi(answers)
    if code == "RMDQ":
        return _score_rmdq(answers)
    if code == "SBI":
        return _score_sbi(answers)
    return _score_ppt(answers)


def _is_number(value: object) -> bool:
    # bool is an int subclass, but True is not a pain score.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _score_rating(inst: Instrument, value: object) -> float:
    assert inst.maximum is not None
    low, high = f"{inst.minimum:g}", f"{inst.maximum:g}"
    if not _is_number(value):
        raise ScoringError(f"{inst.code}: the value must be a number from {low} to {high}.")
    assert isinstance(value, int | float)
    if not inst.minimum <= value <= inst.maximum:
        raise ScoringError(f"{inst.code}: {value:g} is outside the scale {low}-{high} {inst.unit}.")
    if inst.unit == "points" and not float(value).is_integer():
        # The NRS is read as whole numbers; 6.5 is a typing error, not a finer reading.
        raise ScoringError(f"{inst.code}: {value:g} is not a whole number from {low} to {high}.")
    return float(value)


def _items(code: str, answers: object, count: int) -> list[object]:
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ScoringError(f"{code}: the answers must be a list of {count} items.")
    if len(answers) != count:
        raise ScoringError(f"{code}: expected {count} answers, got {len(answers)}.")
    return list(answers)


def _whole_in(code: str, index: int, item: object, low: int, high: int, label: str) -> int:
    if not isinstance(item, int) or isinstance(item, bool) or not low <= item <= high:
        raise ScoringError(
            f"{code}: {label} (item {index + 1}) must be a whole number from {low} to {high}, "
            f"not {item!r}."
        )
    return item


def _score_odi(answers: object) -> float:
    items = _items("ODI", answers, len(ODI_SECTIONS))
    answered = [
        _whole_in("ODI", i, item, 0, 5, f'section "{ODI_SECTIONS[i]}"')
        for i, item in enumerate(items)
        if item is not None
    ]
    if len(answered) < ODI_MIN_ANSWERED:
        raise ScoringError(
            f"ODI: only {len(answered)} of {len(ODI_SECTIONS)} sections answered; "
            f"at least {ODI_MIN_ANSWERED} are needed for a score."
        )
    # Multiply before dividing so round results stay exact (18 of 45 is 40.0, not 40.000...1).
    return sum(answered) * 100 / (5 * len(answered))


def _score_rmdq(answers: object) -> float:
    items = _items("RMDQ", answers, 24)
    for index, item in enumerate(items):
        if not isinstance(item, bool):
            raise ScoringError(f"RMDQ: item {index + 1} must be yes (true) or no (false).")
    return float(sum(1 for item in items if item))


def _score_sbi(answers: object) -> float:
    items = _items("SBI", answers, len(SBI_ITEMS))
    return float(
        sum(_whole_in("SBI", i, item, 0, 6, f'"{SBI_ITEMS[i]}"') for i, item in enumerate(items))
    )


def _score_ppt(answers: object) -> float:
    if not isinstance(answers, Mapping):
        raise ScoringError('PPT: the answers must hold "site", "unit" and "trials".')
    site = answers.get("site")
    if not isinstance(site, str) or not site.strip():
        raise ScoringError("PPT: name the site where the threshold was measured.")
    unit = answers.get("unit")
    if unit not in PPT_UNITS:
        raise ScoringError(f"PPT: the unit must be kgf/cm2 or kPa, not {unit!r}.")
    trials = answers.get("trials")
    if isinstance(trials, str | bytes) or not isinstance(trials, Sequence):
        raise ScoringError("PPT: the trials must be a list of 2 or 3 readings.")
    if not 2 <= len(trials) <= 3:
        raise ScoringError(f"PPT: 2 or 3 trials are needed, got {len(trials)}.")
    readings: list[float] = []
    for index, trial in enumerate(trials):
        if not _is_number(trial) or trial <= 0:
            raise ScoringError(f"PPT: trial {index + 1} must be a number above 0, not {trial!r}.")
        readings.append(float(trial))
    mean = sum(readings) / len(readings)
    # One unit for every score, so a series mixing kPa and kgf/cm2 readings stays comparable.
    return mean / KPA_PER_KGF_CM2 if unit == "kPa" else mean


def odi_band(odi_score: float) -> str:
    """The ODI disability band of a score: minimal (0-20), moderate (21-40), severe (41-60),
    crippled (61-80) or "bed-bound or exaggerating" (81-100).

    The published bands are whole-number ranges; a fractional score belongs to the band whose
    upper limit it does not exceed (20.5 is moderate).
    """
    if not _is_number(odi_score) or not 0 <= odi_score <= 100:
        raise ScoringError(f"ODI: {odi_score!r} is not a score from 0 to 100.")
    for upper, band in ((20, "minimal"), (40, "moderate"), (60, "severe"), (80, "crippled")):
        if odi_score <= upper:
            return band
    return "bed-bound or exaggerating"


def is_recovered(code: str, value: float) -> bool:
    """Whether a score counts as recovered (NRS 0, RMDQ 2 or less); False where undefined."""
    limit = instrument(code).recovered_at_or_below
    return limit is not None and value <= limit


# Clinically important change ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A clinic's own minimal important change: in points, in percent of baseline, or both."""

    points: float | None = None
    percent: float | None = None


@dataclass(frozen=True, slots=True)
class ClinicalChange:
    """How far a score moved from baseline, in the better direction, and whether it matters.

    ``improvement`` is positive when the patient is better (for NRS: baseline minus current);
    ``improvement_percent`` is None when the baseline is 0 (no relative change exists).
    """

    instrument: str
    baseline: float
    current: float
    improvement: float
    improvement_percent: float | None
    important: bool


def thresholds_of(
    code: str,
    thresholds: Thresholds | None = None,
    *,
    known: Mapping[str, Instrument] | None = None,
) -> Thresholds:
    """The thresholds in force for ``code``: the given ones, else the instrument's own.

    Raises ScoringError when neither exists (SBI, PPT), so nobody mistakes "no threshold" for
    "no important change".
    """
    inst = instrument(code, known)
    chosen = thresholds or Thresholds(inst.mcid_points, inst.mcid_percent)
    if chosen.points is None and chosen.percent is None:
        raise ScoringError(
            f"{code} has no agreed minimal important change; give the clinic's own thresholds."
        )
    return chosen


def clinical_change(
    code: str,
    baseline: float,
    current: float,
    thresholds: Thresholds | None = None,
    *,
    known: Mapping[str, Instrument] | None = None,
) -> ClinicalChange:
    """Compare ``current`` with ``baseline`` on instrument ``code``.

    An improvement is important when it reaches the points threshold, or (when the baseline is
    above 0) the percent threshold, whichever comes first; ``thresholds`` overrides the
    instrument's own.
    """
    inst = instrument(code, known)
    limits = thresholds_of(code, thresholds, known=known)
    improvement = baseline - current if inst.better == "lower" else current - baseline
    percent = improvement / baseline * 100 if baseline > 0 else None
    # A tiny tolerance so 30 % of 10 (3.0000000000000004 in floats) still counts at exactly 3.
    eps = 1e-9
    important = (limits.points is not None and improvement >= limits.points - eps) or (
        limits.percent is not None and percent is not None and percent >= limits.percent - eps
    )
    return ClinicalChange(code, baseline, current, improvement, percent, important)


def is_important_improvement(
    code: str,
    baseline: float,
    current: float,
    thresholds: Thresholds | None = None,
    *,
    known: Mapping[str, Instrument] | None = None,
) -> bool:
    """Whether ``current`` is a clinically important improvement on ``baseline``.

    Lower-is-better: ``baseline - current >= points`` or, with a baseline above 0,
    ``(baseline - current) / baseline >= percent``; higher-is-better mirrors it.
    """
    return clinical_change(code, baseline, current, thresholds, known=known).important


def first_important_improvement(
    code: str,
    series: Sequence[tuple[datetime, float]],
    thresholds: Thresholds | None = None,
    *,
    known: Mapping[str, Instrument] | None = None,
) -> datetime | None:
    """When a series first reached a clinically important improvement on its baseline.

    The earliest reading is the baseline; the answer is the time of the first later reading
    that is an important improvement on it, or None (also for fewer than two readings).
    """
    if len(series) < 2:
        thresholds_of(code, thresholds, known=known)  # still refuse one without thresholds
        return None
    ordered = sorted(series, key=lambda reading: reading[0])
    baseline = ordered[0][1]
    for moment, value in ordered[1:]:
        if is_important_improvement(code, baseline, value, thresholds, known=known):
            return moment
    return None


# Clinic-defined measures -------------------------------------------------------------------

CLINIC_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
"""A clinic measure's code: upper-case letters, digits and underscores, 2-32 characters."""


def clinic_measure(
    code: str,
    name: str,
    *,
    minimum: float,
    maximum: float,
    unit: str = "points",
    better: Better = "lower",
    mcid_points: float | None = None,
    mcid_percent: float | None = None,
) -> Instrument:
    """A clinic's own numeric measure (a single reading on a closed scale).

    For what the built-in instruments do not cover: a patient-specific functional scale,
    minutes of walking before pain, a clinic's sleep score. ScoringError names what is wrong
    with the definition. With ``unit="points"`` readings must be whole numbers, as for NRS.
    """
    problems: list[str] = []
    if not CLINIC_CODE_RE.match(code):
        problems.append(f'the code "{code}" must be 2-32 upper-case letters, digits or _')
    elif code in INSTRUMENTS:
        problems.append(f'"{code}" is a built-in instrument')
    if not name.strip() or len(name) > 200:
        problems.append("the name must be 1-200 characters")
    if not unit.strip() or len(unit) > 16:
        problems.append("the unit must be 1-16 characters")
    if not (_is_number(minimum) and _is_number(maximum) and minimum < maximum):
        problems.append("the scale needs a minimum below its maximum")
    if better not in ("lower", "higher"):
        problems.append('"better" must be "lower" or "higher"')
    for label, limit in (("points", mcid_points), ("percent", mcid_percent)):
        if limit is not None and (not _is_number(limit) or limit <= 0):
            problems.append(f"the important change in {label} must be a number above 0")
    if problems:
        raise ScoringError(f"Clinic measure {code}: " + "; ".join(problems) + ".")
    return Instrument(
        code=code,
        name=name.strip(),
        kind=InstrumentKind.RATING,
        minimum=float(minimum),
        maximum=float(maximum),
        unit=unit.strip(),
        better=better,
        mcid_points=mcid_points,
        mcid_percent=mcid_percent,
        licence_note="Defined by the clinic.",
        section_names=(),
        note="Clinic-defined measure.",
    )
