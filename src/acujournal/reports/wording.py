"""Numbers, dates and sentences as the reports print them.

Kept apart from layout so the sentences a reader checks ("Leg pain fell from 7 to 3 (−4 points,
−57%) ...") can be tested without building a PDF. Everything returned here is plain text made
from numbers and fixed words, never user text; renderers still escape it like any other text.
"""

from __future__ import annotations

from datetime import date

from acujournal.domain.model import (
    AcupunctureStyle,
    AdverseEventCategory,
    ResponseSought,
    Side,
    StimulationMethod,
    TissueLevel,
)
from acujournal.domain.wording import plural as plural  # counted nouns, shared with the app
from acujournal.reports.data import PainChange

MINUS = "−"  # U+2212: a real minus sign, wider and clearer than a hyphen

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

STYLE_NAMES = {
    AcupunctureStyle.TCM: "Traditional Chinese Medicine (TCM)",
    AcupunctureStyle.JAPANESE: "Japanese",
    AcupunctureStyle.KOREAN: "Korean",
    AcupunctureStyle.WESTERN_MEDICAL: "Western medical",
    AcupunctureStyle.FIVE_ELEMENT: "Five Element",
    AcupunctureStyle.AURICULAR: "auricular",
    AcupunctureStyle.OTHER: "other",
}

SIDE_SHORT = {Side.LEFT: "L", Side.RIGHT: "R", Side.BILATERAL: "bilat", Side.MIDLINE: "mid"}
SIDE_WORDS = {
    Side.LEFT: "left",
    Side.RIGHT: "right",
    Side.BILATERAL: "both sides",
    Side.MIDLINE: "midline",
}

CATEGORY_NAMES = {
    AdverseEventCategory.BLEEDING_BRUISING: "bleeding or bruising",
    AdverseEventCategory.PAIN_AT_SITE: "pain at the needle site",
    AdverseEventCategory.FAINTING_NAUSEA: "fainting or nausea",
    AdverseEventCategory.AGGRAVATION: "aggravation of symptoms",
    AdverseEventCategory.EMOTIONAL_REACTION: "emotional reaction",
    AdverseEventCategory.FORGOTTEN_NEEDLE: "forgotten needle",
    AdverseEventCategory.MOXIBUSTION_BURN: "moxibustion burn",
    AdverseEventCategory.INFECTION: "infection",
    AdverseEventCategory.NERVE_INJURY: "nerve injury",
    AdverseEventCategory.PNEUMOTHORAX: "pneumothorax",
    AdverseEventCategory.OTHER: "other",
}

METHOD_NAMES = {
    StimulationMethod.NONE: "no stimulation",
    StimulationMethod.MANUAL: "manual",
    StimulationMethod.ELECTRO: "electro-acupuncture",
}

RESPONSE_NAMES = {
    ResponseSought.NONE: "none",
    ResponseSought.DEQI: "de qi",
    ResponseSought.MUSCLE_TWITCH: "muscle twitch",
}

TISSUE_NAMES = {level: level.value for level in TissueLevel}


def iso(day: date | None) -> str:
    """A date as 2026-01-19 (practitioner and clinic reports), or an en dash when unknown."""
    return day.isoformat() if day is not None else "–"


def long_date(day: date) -> str:
    """A date as "19 January 2026" (the patient summary)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_label(month: str) -> str:
    """ "2026-01" as "Jan 2026"."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1][:3]} {year}"


def number(value: float) -> str:
    """A measurement without trailing zeros: 25, 0.25, 2.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def signed(value: float) -> str:
    """A change with its sign: +2, −4, 0."""
    if value > 0:
        return f"+{number(value)}"
    if value < 0:
        return f"{MINUS}{number(-value)}"
    return "0"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def range_text(low: float | None, high: float | None, unit: str) -> str:
    """ "25 mm", "15–40 mm", or "not recorded"."""
    if low is None or high is None:
        return "not recorded"
    if low == high:
        return f"{number(low)} {unit}"
    return f"{number(low)}–{number(high)} {unit}"


def improvement_sentence(change: PainChange) -> str:
    """The practitioner's sentence on one region's pain over a course.

    "Leg pain fell from 7 to 3 (−4 points, −57%); a clinically important improvement was
    first reached at session 3 on 2026-01-19."
    """
    region = change.region.capitalize()
    if change.change == 0:
        movement = f"{region} pain stayed at {change.baseline} (0 points)"
    else:
        verb = "fell" if change.change < 0 else "rose"
        amount = f"{signed(change.change)} {'point' if abs(change.change) == 1 else 'points'}"
        if change.improvement_percent is not None:
            amount += f", {signed(-round(change.improvement_percent))}%"
        movement = f"{region} pain {verb} from {change.baseline} to {change.latest} ({amount})"
    if change.first_important_session is None:
        return f"{movement}; no clinically important improvement has been reached yet."
    sentence = (
        f"{movement}; a clinically important improvement was first reached at session "
        f"{change.first_important_session} on {iso(change.first_important_on)}"
    )
    if not change.important_now:
        sentence += ", but the latest score is above that level again"
    return sentence + "."


def patient_pain_sentences(change: PainChange) -> str:
    """The same facts in a patient's words, with the score "out of 10"."""
    region = change.region
    if change.change < 0:
        text = f"Your {region} pain went down from {change.baseline} to {change.latest} out of 10."
    elif change.change > 0:
        text = f"Your {region} pain went up from {change.baseline} to {change.latest} out of 10."
    else:
        text = f"Your {region} pain is at {change.latest} out of 10, the same as at the start."
    if change.first_important_session is not None and change.first_important_on is not None:
        text += (
            " That is a change you would notice in daily life, first reached at your "
            f"{ordinal(change.first_important_session)} treatment on "
            f"{long_date(change.first_important_on)}."
        )
        if not change.important_now:
            text += " Since then the pain has come back up a little."
    return text


def per_week(value: float | None) -> str:
    """Frequency of sessions: "1.5 per week", or "–" for a single session."""
    return "–" if value is None else f"{value:.1f} per week"
