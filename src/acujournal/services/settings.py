"""Clinic-wide settings: one JSON value per key in the ``settings`` table.

Typed helpers cover the settings the session editor needs: text snippets
(``editor.snippets`` = {abbreviation: text}) and per-point caution depths
(``points.caution_depth_mm`` = {point code: millimetres}). A clinic sets caution depths from
its own sources; the code invents none (see the design notes on safety depths). The intake
questionnaire offered first (``intake.default_questionnaire``, a questionnaire key) is the
shipped sciatica questionnaire until the clinic chooses another.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acujournal.domain import outcomes
from acujournal.domain.catalogue import default_catalogue
from acujournal.domain.model import Practitioner
from acujournal.domain.needle_sizes import NeedleSizeNames, needle_size_names_from
from acujournal.domain.validation import (
    DEPTH_MM_RANGE,
    Problem,
    ValidationError,
    check_range,
    check_whole,
    practitioner_problems,
)
from acujournal.services.questionnaires import available_keys
from acujournal.services.reporting import (
    CLINIC_ADDRESS_KEY,
    CLINIC_LOGO_KEY,
    CLINIC_NAME_KEY,
    MAX_LOGO_BYTES,
    NEEDLE_SIZES_KEY,
)
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage.db import Database
from acujournal.storage.models import PractitionerRow, SettingRow
from acujournal.storage.repository import JournalRepository

SNIPPETS_KEY = "editor.snippets"
IDLE_LOCK_KEY = "security.idle_lock_minutes"
DEFAULT_IDLE_LOCK_MINUTES = 10
MAX_IDLE_LOCK_MINUTES = 240
CAUTION_DEPTHS_KEY = "points.caution_depth_mm"
DEFAULT_QUESTIONNAIRE_KEY = "intake.default_questionnaire"
SHIPPED_DEFAULT_QUESTIONNAIRE = "sciatica"

# An abbreviation is typed in running text and expanded on Tab, so it must be one word.
_ABBREVIATION_RE = re.compile(r"^[^\W_][\w.-]{0,31}$")
MAX_SNIPPET_CHARS = 4000


def get_setting(db: Database, key: str, default: Any = None) -> Any:
    """The stored JSON value of ``key``, or ``default`` when the key was never set."""
    with read_only(db) as repo:
        row = repo.session.get(SettingRow, key)
        return default if row is None else row.value


def set_setting(db: Database, key: str, value: Any) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``, replacing an earlier value."""
    if not key or len(key) > 64:
        raise ValidationError([Problem("setting.key", "must be 1-64 characters")])
    with unit_of_work(db) as repo:
        row = repo.session.get(SettingRow, key)
        if row is None:
            repo.session.add(SettingRow(key=key, value=value))
        else:
            row.value = value


def delete_setting(db: Database, key: str) -> None:
    """Forget ``key`` (later reads get their default)."""
    with unit_of_work(db) as repo:
        row = repo.session.get(SettingRow, key)
        if row is not None:
            repo.session.delete(row)


def snippet_problems(snippets: dict[str, str]) -> list[Problem]:
    """Why a set of snippets cannot be stored (an empty list when it can)."""
    problems: list[Problem] = []
    for abbreviation, text in snippets.items():
        field = f"snippets[{abbreviation}]"
        if not isinstance(abbreviation, str) or not _ABBREVIATION_RE.match(abbreviation):
            problems.append(
                Problem(field, "an abbreviation is one word of letters and digits (up to 32)")
            )
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(field, "a snippet needs some text"))
        elif len(text) > MAX_SNIPPET_CHARS:
            problems.append(Problem(field, f"must be at most {MAX_SNIPPET_CHARS} characters"))
    return problems


def get_snippets(db: Database) -> dict[str, str]:
    """The practitioner-defined text snippets, {abbreviation: text}, sorted by abbreviation."""
    stored = get_setting(db, SNIPPETS_KEY, {})
    if not isinstance(stored, dict):
        return {}
    # Skip anything malformed (a hand-edited database) rather than failing the editor.
    return {
        key: value
        for key, value in sorted(stored.items())
        if isinstance(key, str) and isinstance(value, str)
    }


def set_snippets(db: Database, snippets: dict[str, str]) -> None:
    """Replace the text snippets; ValidationError names every bad entry."""
    problems = snippet_problems(snippets)
    if problems:
        raise ValidationError(problems)
    set_setting(db, SNIPPETS_KEY, dict(sorted(snippets.items())))


def get_caution_depths(db: Database) -> dict[str, float]:
    """The clinic's caution depth per point code, in mm ({} when none is set)."""
    stored = get_setting(db, CAUTION_DEPTHS_KEY, {})
    if not isinstance(stored, dict):
        return {}
    return {
        code: float(depth)
        for code, depth in stored.items()
        if isinstance(code, str) and isinstance(depth, int | float) and not isinstance(depth, bool)
    }


def _normalized_caution_depths(
    depths: dict[str, float], problems: list[Problem]
) -> dict[str, float]:
    catalogue = default_catalogue()
    normalized: dict[str, float] = {}
    for text, depth in depths.items():
        field = f"caution_depth[{text}]"
        code = catalogue.normalize(text)
        if code is None:
            problems.append(Problem(field, f'"{text}" names no point'))
            continue
        range_problems = list(check_range(field, depth, DEPTH_MM_RANGE, " mm"))
        problems += range_problems
        if not range_problems:
            normalized[code] = float(depth)
    return dict(sorted(normalized.items()))


def set_caution_depths(db: Database, depths: dict[str, float]) -> dict[str, float]:
    """Store caution depths, keyed by the WHO code whatever alias was typed ("UB40" -> BL40).

    Returns what was stored; ValidationError names unknown points and implausible depths.
    """
    problems: list[Problem] = []
    normalized = _normalized_caution_depths(depths, problems)
    if problems:
        raise ValidationError(problems)
    set_setting(db, CAUTION_DEPTHS_KEY, normalized)
    return normalized


def caution_depth_exceeded(
    caution_depths: dict[str, float], point: str, depth_mm: float | None
) -> float | None:
    """The caution depth ``depth_mm`` goes beyond at ``point``, or None when it does not."""
    limit = caution_depths.get(point)
    if limit is None or depth_mm is None or depth_mm <= limit:
        return None
    return limit


# The clinic ------------------------------------------------------------------------------
MAX_CLINIC_NAME = 200
MAX_CLINIC_ADDRESS = 1000


@dataclass(frozen=True, slots=True)
class ClinicDetails:
    """What reports print in their header: the clinic's name, address and logo file."""

    name: str = ""
    address: str = ""
    logo_path: str = ""


def get_clinic_details(db: Database) -> ClinicDetails:
    with read_only(db) as repo:
        values = {key: _stored(repo, key) for key in (CLINIC_NAME_KEY, CLINIC_ADDRESS_KEY)}
        logo = _stored(repo, CLINIC_LOGO_KEY)
    return ClinicDetails(
        name=values[CLINIC_NAME_KEY] if isinstance(values[CLINIC_NAME_KEY], str) else "",
        address=values[CLINIC_ADDRESS_KEY] if isinstance(values[CLINIC_ADDRESS_KEY], str) else "",
        logo_path=logo if isinstance(logo, str) else "",
    )


def clinic_problems(clinic: ClinicDetails) -> list[Problem]:
    problems: list[Problem] = []
    if len(clinic.name) > MAX_CLINIC_NAME:
        problems.append(Problem("clinic.name", f"at most {MAX_CLINIC_NAME} characters"))
    if len(clinic.address) > MAX_CLINIC_ADDRESS:
        problems.append(Problem("clinic.address", f"at most {MAX_CLINIC_ADDRESS} characters"))
    if clinic.logo_path.strip():
        logo = Path(clinic.logo_path).expanduser()
        if not logo.is_file():
            problems.append(Problem("clinic.logo", f"there is no file {logo}"))
        elif logo.stat().st_size > MAX_LOGO_BYTES:
            problems.append(Problem("clinic.logo", "the logo file is larger than 4 MB"))
        elif not _is_image(logo):
            problems.append(Problem("clinic.logo", "the logo must be a PNG or JPEG image"))
    return problems


def _is_image(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(8)
    return head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))


def _stored(repo: JournalRepository, key: str) -> Any:
    row = repo.session.get(SettingRow, key)
    return None if row is None else row.value


def _store(repo: JournalRepository, key: str, value: Any) -> None:
    row = repo.session.get(SettingRow, key)
    if row is None:
        repo.session.add(SettingRow(key=key, value=value))
    else:
        row.value = value


def get_needle_size_names(db: Database) -> NeedleSizeNames:
    """Which gauge and length names show beside millimetres (millimetres alone by default)."""
    return needle_size_names_from(get_setting(db, NEEDLE_SIZES_KEY))


def get_idle_lock_minutes(db: Database) -> int:
    """Minutes without input before the app hides patient data (0: never)."""
    stored = get_setting(db, IDLE_LOCK_KEY, DEFAULT_IDLE_LOCK_MINUTES)
    if isinstance(stored, bool) or not isinstance(stored, int):
        return DEFAULT_IDLE_LOCK_MINUTES
    return min(max(stored, 0), MAX_IDLE_LOCK_MINUTES)


def get_default_questionnaire(db: Database | None) -> str:
    """The key of the questionnaire offered first: the clinic's choice while it is on offer,
    else (and without a journal) the shipped sciatica questionnaire."""
    if db is None:
        return SHIPPED_DEFAULT_QUESTIONNAIRE
    with read_only(db) as repo:
        chosen = _stored(repo, DEFAULT_QUESTIONNAIRE_KEY)
        on_offer = isinstance(chosen, str) and chosen in available_keys(repo)
    return chosen if on_offer else SHIPPED_DEFAULT_QUESTIONNAIRE


def set_default_questionnaire(db: Database, key: str) -> None:
    """Offer the questionnaire ``key`` first; ValidationError when there is none by that key."""
    problems = _default_questionnaire_problems(db, key)
    if problems:
        raise ValidationError(problems)
    set_setting(db, DEFAULT_QUESTIONNAIRE_KEY, key)


def _default_questionnaire_problems(db: Database, key: str) -> list[Problem]:
    with read_only(db) as repo:
        if key in available_keys(repo):
            return []
    return [Problem("intake.default_questionnaire", f'there is no questionnaire "{key}"')]


def save_settings(
    db: Database,
    clinic: ClinicDetails,
    practitioners: Sequence[Practitioner],
    caution_depths: dict[str, float],
    idle_lock_minutes: int | None = None,
    needle_sizes: NeedleSizeNames | None = None,
    default_questionnaire: str | None = None,
) -> None:
    """Store the settings dialog's content in one transaction, or nothing at all.

    Every problem is collected first and raised together (ValidationError), so a mistake on
    one tab never leaves the others half-saved. ``practitioners`` are new or changed profiles.
    """
    problems = clinic_problems(clinic)
    for practitioner in practitioners:
        who = practitioner.name.strip() or "(new)"
        problems += [
            Problem(f"practitioner {who}.{p.field.split('.', 1)[1]}", p.message)
            for p in practitioner_problems(practitioner)
        ]
    depths = _normalized_caution_depths(caution_depths, problems)
    if idle_lock_minutes is not None:
        problems += check_whole(
            "security.idle_lock_minutes", idle_lock_minutes, (0, MAX_IDLE_LOCK_MINUTES)
        )
    if default_questionnaire is not None:
        problems += _default_questionnaire_problems(db, default_questionnaire)
    if problems:
        raise ValidationError(problems)
    with unit_of_work(db) as repo:
        if default_questionnaire is not None:
            _store(repo, DEFAULT_QUESTIONNAIRE_KEY, default_questionnaire)
        _store(repo, CLINIC_NAME_KEY, clinic.name.strip())
        _store(repo, CLINIC_ADDRESS_KEY, clinic.address.strip())
        _store(repo, CLINIC_LOGO_KEY, clinic.logo_path.strip())
        _store(repo, CAUTION_DEPTHS_KEY, depths)
        if idle_lock_minutes is not None:
            _store(repo, IDLE_LOCK_KEY, idle_lock_minutes)
        if needle_sizes is not None:
            _store(repo, NEEDLE_SIZES_KEY, needle_sizes.value)
        known = repo.existing_ids(PractitionerRow, [p.id for p in practitioners])
        for practitioner in practitioners:
            if practitioner.id in known:
                repo.update_practitioner(practitioner)
            else:
                repo.add_practitioner(practitioner)


# Outcome measures --------------------------------------------------------------------------
OUTCOME_THRESHOLDS_KEY = "outcomes.thresholds"
CLINIC_MEASURES_KEY = "outcomes.clinic_measures"


def get_clinic_measures(db: Database) -> dict[str, outcomes.Instrument]:
    """The clinic's own numeric measures by code ({} when none are defined)."""
    stored = get_setting(db, CLINIC_MEASURES_KEY, [])
    found: dict[str, outcomes.Instrument] = {}
    for item in stored if isinstance(stored, list) else []:
        try:
            measure = outcomes.clinic_measure(**item)
        except (TypeError, outcomes.ScoringError):
            continue  # a hand-edited entry that no longer makes sense: left out, not fatal
        found[measure.code] = measure
    return found


def set_clinic_measures(db: Database, measures: Sequence[outcomes.Instrument]) -> None:
    """Replace the clinic's own measures (each made with ``outcomes.clinic_measure``)."""
    problems: list[Problem] = []
    values = []
    for measure in measures:
        definition = {
            "code": measure.code,
            "name": measure.name,
            "minimum": measure.minimum,
            "maximum": measure.maximum,
            "unit": measure.unit,
            "better": measure.better,
            "mcid_points": measure.mcid_points,
            "mcid_percent": measure.mcid_percent,
        }
        try:
            outcomes.clinic_measure(**definition)  # type: ignore[arg-type]
        except outcomes.ScoringError as error:
            problems.append(Problem(f"clinic_measures[{measure.code}]", str(error)))
        values.append(definition)
    codes = [m.code for m in measures]
    if len(set(codes)) != len(codes):
        problems.append(Problem("clinic_measures", "two measures have the same code"))
    if problems:
        raise ValidationError(problems)
    set_setting(db, CLINIC_MEASURES_KEY, sorted(values, key=lambda v: str(v["code"])))


def get_outcome_thresholds(db: Database) -> dict[str, outcomes.Thresholds]:
    """The clinic's own minimal important changes by instrument code ({} when none).

    Where none is set, the instrument's own threshold applies (Ostelo 2008 for NRS, VAS,
    ODI and RMDQ); SBI, PPT and the clinic's measures have none until the clinic sets one.
    """
    stored = get_setting(db, OUTCOME_THRESHOLDS_KEY, {})
    found: dict[str, outcomes.Thresholds] = {}
    for code, limits in stored.items() if isinstance(stored, dict) else []:
        if not isinstance(limits, dict):
            continue
        points, percent = limits.get("points"), limits.get("percent")
        if _positive_or_none(points) and _positive_or_none(percent) and (points or percent):
            found[str(code)] = outcomes.Thresholds(points, percent)
    return found


def _positive_or_none(value: object) -> bool:
    return value is None or (
        isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    )


def set_outcome_thresholds(db: Database, thresholds: dict[str, outcomes.Thresholds]) -> None:
    """Replace the clinic's thresholds; ValidationError names unknown instruments and values
    that are not positive numbers (a percent above 100 is refused too)."""
    known = get_clinic_measures(db)
    problems: list[Problem] = []
    for code, limits in thresholds.items():
        field = f"thresholds[{code}]"
        if code not in outcomes.INSTRUMENTS and code not in known:
            problems.append(Problem(field, f'"{code}" is not an instrument of this clinic'))
        if limits.points is None and limits.percent is None:
            problems.append(Problem(field, "give a change in points, in percent, or both"))
        if not _positive_or_none(limits.points):
            problems.append(Problem(f"{field}.points", "must be a number above 0"))
        if not _positive_or_none(limits.percent) or (limits.percent or 0) > 100:
            problems.append(Problem(f"{field}.percent", "must be a number from 0 to 100"))
    if problems:
        raise ValidationError(problems)
    set_setting(
        db,
        OUTCOME_THRESHOLDS_KEY,
        {
            code: {"points": limits.points, "percent": limits.percent}
            for code, limits in sorted(thresholds.items())
        },
    )
