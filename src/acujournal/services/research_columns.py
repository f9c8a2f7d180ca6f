"""The columns of the research cohort and its codebook (see :mod:`research_export`).

One list says what each column holds; the CSV header and ``codebook.md`` are both made from
it, so the codebook always describes exactly the file beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from acujournal.domain import outcomes

FOLLOW_UPS: dict[str, tuple[int, int, int]] = {
    "fu1m": (15, 30, 59),
    "fu3m": (60, 91, 134),
    "fu6m": (135, 182, 272),
}
"""Follow-up windows in days after the last session: (first day, target day, last day)."""
MIN_GROUP = 5
"""Fewest participants that must share a label the clinic typed before it is shown."""


@dataclass(frozen=True, slots=True)
class CohortColumn:
    """One column: its name, kind of value, unit and meaning."""

    name: str
    kind: str
    meaning: str
    unit: str = ""


def _c(name: str, kind: str, meaning: str, unit: str = "") -> CohortColumn:
    return CohortColumn(name, kind, meaning, unit)


_COURSE = (
    _c("participant", "pseudonym", "the participant (P001, ...); the same for all their courses"),
    _c("course", "pseudonym", "the course (C001, ...); rows are in random order"),
    _c(
        "course_number",
        "integer",
        "1 for the participant's first course in this cohort, then 2, ...",
    ),
    _c(
        "age_band",
        "category",
        "age at the first session in 10-year bands (40-49); 90+ for 90 and over",
    ),
    _c(
        "condition",
        "category",
        'the condition treated, as the clinic names it; "other" for a label fewer than '
        f"{MIN_GROUP} participants share",
    ),
    _c("case_side", "category", "left, right, both, central or unknown"),
    _c("radiation", "category", "how far the pain reaches: low_back, buttock, thigh, calf, foot"),
    _c("numbness", "yes/no", "numbness or tingling; empty when not asked"),
    _c(
        "style",
        "category",
        "acupuncture style (STRICTA 1a): tcm, japanese, korean, western_medical, "
        "five_element, auricular, other",
    ),
    _c("practitioner", "pseudonym", "who gave most of the sessions (T1, ...)"),
    _c(
        "practitioner_years",
        "integer",
        "that practitioner's years in practice (STRICTA 5)",
        "years",
    ),
    _c("start_date", "date", "the first session, shifted (see the notes above)"),
    _c("end_date", "date", "the last session, shifted by the same number of days"),
    _c("course_days", "integer", "days from the first to the last session", "days"),
    _c("sessions", "integer", "number of sessions (STRICTA 3a)"),
    _c(
        "sessions_per_week",
        "decimal",
        "frequency: 7 / mean days between sessions (STRICTA 3b); empty for one session",
        "per week",
    ),
    _c("sham", "yes/no", "yes when any session was a sham or control session (STRICTA 6)"),
    _c("sham_sessions", "integer", "number of sham or control sessions"),
    _c(
        "points",
        "list",
        "points with the number of sessions each was used in, most used first: "
        '"BL23 x8; GB30 x6". WHO codes; EX-B2 with its spinal level; ASHI and FREE with their '
        "body region when it is one of the catalogue's regions (STRICTA 2b)",
    ),
    _c("distinct_points", "integer", "number of different points used"),
    _c(
        "insertions_min",
        "integer",
        "fewest needle insertions in a session (a bilateral point counts twice; STRICTA 2a)",
    ),
    _c("insertions_max", "integer", "most needle insertions in a session"),
    _c("insertions_mean", "decimal", "mean needle insertions per session"),
    _c("depth_min_mm", "decimal", "shallowest recorded depth (STRICTA 2c)", "mm"),
    _c("depth_max_mm", "decimal", "deepest recorded depth", "mm"),
    _c(
        "tissue_levels",
        "list",
        "depths recorded as tissue level: skin, subcutaneous, muscle, periosteum",
    ),
    _c("gauges_mm", "list", "needle diameters used (STRICTA 2g)", "mm"),
    _c("lengths_mm", "list", "needle lengths used", "mm"),
    _c("methods", "list", "stimulation methods used: none, manual, electro (STRICTA 2e)"),
    _c(
        "electro_frequencies_hz",
        "list",
        "electro-acupuncture frequencies; 2/100 is dense-disperse",
        "Hz",
    ),
    _c("electro_ma_min", "decimal", "lowest electro-acupuncture intensity", "mA"),
    _c("electro_ma_max", "decimal", "highest electro-acupuncture intensity", "mA"),
    _c("responses_sought", "list", "responses sought: none, deqi, muscle_twitch (STRICTA 2d)"),
    _c(
        "deqi_obtained_share",
        "decimal",
        "share of needles with de qi obtained, of those where it was recorded (0-1)",
    ),
    _c(
        "retention_median_min",
        "decimal",
        "median retention time over all needles (STRICTA 2f)",
        "min",
    ),
    _c(
        "co_interventions",
        "list",
        "other interventions with the number of sessions they were given in (STRICTA 4a); "
        f'labels fewer than {MIN_GROUP} participants share are counted as "other"',
    ),
    _c("adverse_events", "integer", "number of adverse events over the course"),
    _c("adverse_event_categories", "list", "adverse events by category, e.g. bleeding_bruising x2"),
)

_PARTS = (
    ("baseline", "decimal", "{name}: the first reading (intake or first session)"),
    (
        "end",
        "decimal",
        "{name}: the last reading up to the last session (end of course); empty when that is "
        "the baseline itself",
    ),
    ("fu1m", "decimal", "{name}: at the follow-up about 1 month after the course (see fu1m_day)"),
    ("fu3m", "decimal", "{name}: at the follow-up about 3 months after the course (see fu3m_day)"),
    ("fu6m", "decimal", "{name}: at the follow-up about 6 months after the course (see fu6m_day)"),
    (
        "mcid_end",
        "yes/no",
        "{name}: clinically important improvement at the end of the course ({rule}); empty "
        "without an end reading or a threshold",
    ),
    (
        "mcid_reached",
        "yes/no",
        "{name}: clinically important improvement reached at any later reading, follow-ups "
        "included ({rule}); empty with a single reading or without a threshold",
    ),
)
INSTRUMENT_PARTS = tuple(part for part, _, _ in _PARTS)


def _rule(
    code: str,
    known: Mapping[str, outcomes.Instrument],
    thresholds: Mapping[str, outcomes.Thresholds],
) -> str:
    inst = outcomes.instrument(code, known)
    limits = thresholds.get(code) or outcomes.Thresholds(inst.mcid_points, inst.mcid_percent)
    parts = []
    if limits.points is not None:
        parts.append(f"{limits.points:g} {inst.unit}")
    if limits.percent is not None:
        parts.append(f"{limits.percent:g} % of baseline")
    return " or ".join(parts) if parts else "no threshold set"


def cohort_columns(
    known: Mapping[str, outcomes.Instrument],
    thresholds: Mapping[str, outcomes.Thresholds] | None = None,
) -> list[CohortColumn]:
    """Every column of cohort.csv in order; the clinic's own measures after the built-in ones."""
    columns = list(_COURSE)
    for name, (low, target, high) in FOLLOW_UPS.items():
        columns.append(
            _c(
                f"{name}_day",
                "integer",
                f"days after the last session of the follow-up visit nearest day {target} "
                f"(between day {low} and {high}); empty when there was none",
                "days",
            )
        )
    for code in [*outcomes.INSTRUMENTS, *sorted(known)]:
        inst = outcomes.instrument(code, known)
        rule = _rule(code, known, thresholds or {})
        for part, kind, meaning in _PARTS:
            columns.append(
                _c(
                    f"{code.lower()}_{part}",
                    kind,
                    meaning.format(name=inst.name, rule=rule),
                    inst.unit if kind == "decimal" else "",
                )
            )
    return columns


def codebook(
    columns: list[CohortColumn],
    condition: str | None,
    courses: int,
    participants: int,
    period: bool,
) -> str:
    """codebook.md: how the cohort was made and what every column of cohort.csv holds."""
    chosen = [f'condition "{condition}"'] if condition else []
    if period:
        chosen.append("courses whose first session fell in a chosen period")
    lines = [
        "# Codebook of cohort.csv",
        "",
        f"{courses} courses of acupuncture of {participants} participants, one row per course, "
        "exported from AcuJournal as a de-identified cohort"
        + (f" ({'; '.join(chosen)})." if chosen else "."),
        "",
        "## How the data were de-identified",
        "",
        "- No names, contact details, free text or record ids. Participants, courses and "
        "practitioners have pseudonyms drawn at random for this export only.",
        "- Ages are 10-year bands at the start of the course; 90 and over are one band.",
        "- Every date is moved by a random whole number of weeks, 100 to 200 years into the "
        "future, different for each participant and the same for all of one participant's "
        "dates: intervals and weekdays are true, calendar dates and seasons are not.",
        "- Labels the clinic typed (condition, co-interventions) appear only when at least "
        f'{MIN_GROUP} participants share them, otherwise as "other". Rows are in random order.',
        "- Check small groups (a rare condition, few participants in an age band) before "
        "publishing.",
        "",
        "## Conventions",
        "",
        "UTF-8 with a byte-order mark, comma-separated, one header line. Empty means not "
        'recorded. yes/no columns hold "yes" or "no". Lists are separated by "; ". Dates are '
        "YYYY-MM-DD. Decimals use a full stop.",
        "",
        "NRS pain (back and leg) is read from the pain scored on arrival at each session and "
        "from outcome measurements; a measurement taken at a session replaces that session's "
        "score. A follow-up is a reading after the last session that belongs to no session. "
        "Clinically important improvement follows Ostelo et al. (Spine 2008) unless the clinic "
        "set its own thresholds, as given per column.",
        "",
        "## Columns",
        "",
        "| column | type | unit | meaning |",
        "|---|---|---|---|",
    ]
    for column in columns:
        meaning = column.meaning.replace("|", "/")
        lines.append(f"| `{column.name}` | {column.kind} | {column.unit} | {meaning} |")
    return "\n".join(lines) + "\n"
