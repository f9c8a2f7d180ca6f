"""What the FHIR export shares: code systems, references, ids, and leaving out empty values.

The code systems and identifiers AcuJournal defines for itself are listed in :data:`SYSTEMS`
(and in docs/export.md). FHIR forbids empty strings, lists and objects, so every resource goes
through :func:`compact`, which leaves out whatever is empty instead of writing ``""``.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

Resource = dict[str, Any]

# Code systems and identifiers AcuJournal defines for itself (not resolvable addresses; they
# only need to be unique and stable). docs/export.md lists them with their codes.
POINT_SYSTEM = "urn:acujournal:acupoint"
PAIN_SITE_SYSTEM = "urn:acujournal:pain-site"
TIMING_SYSTEM = "urn:acujournal:pain-timing"
OBSERVATION_PART_SYSTEM = "urn:acujournal:observation-part"
INSTRUMENT_SYSTEM = "urn:acujournal:instrument"
INSTRUMENT_ITEM_SYSTEM = "urn:acujournal:instrument-item"
CONDITION_SYSTEM = "urn:acujournal:condition"
PROCEDURE_SYSTEM = "urn:acujournal:procedure"
ADVERSE_EVENT_SYSTEM = "urn:acujournal:adverse-event"
BODY_REGION_SYSTEM = "urn:acujournal:body-region"
QUESTIONNAIRE_PREFIX = "urn:acujournal:questionnaire:"
CASE_EXTENSION = "urn:acujournal:extension:case"

SYSTEMS = {
    POINT_SYSTEM: "acupuncture points: WHO standard codes (BL40, EX-B2), ASHI and FREE",
    PAIN_SITE_SYSTEM: "where a pain score was taken: back, leg",
    TIMING_SYSTEM: "when a session's pain was scored: before-treatment, after-treatment",
    OBSERVATION_PART_SYSTEM: "observation component codes: timing",
    INSTRUMENT_SYSTEM: "outcome instruments: NRS_BACK, NRS_LEG, VAS_BACK, VAS_LEG, ODI, ...",
    INSTRUMENT_ITEM_SYSTEM: "items of an instrument: ODI-1 ... ODI-10, RMDQ-1, PPT-trial-1",
    CONDITION_SYSTEM: "the condition a case was opened for, as the clinic names it",
    PROCEDURE_SYSTEM: "acupuncture",
    ADVERSE_EVENT_SYSTEM: "adverse event categories (bleeding_bruising, forgotten_needle, ...)",
    BODY_REGION_SYSTEM: "body-chart regions of the intake questionnaire (low_back, left_calf)",
}

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
NRS_LOINC = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
HL7 = "http://terminology.hl7.org/CodeSystem/"
SURVEY = {"coding": [{"system": f"{HL7}observation-category", "code": "survey"}]}
EXAM = {"coding": [{"system": f"{HL7}observation-category", "code": "exam"}]}
UCUM_UNITS = {"points": "{score}", "%": "%", "mm": "mm", "kgf/cm2": "kgf/cm2", "kPa": "kPa"}
PAIN_SITES = {"NRS_BACK": "back", "NRS_LEG": "leg", "VAS_BACK": "back", "VAS_LEG": "leg"}

_ID_NAMESPACE = uuid.UUID("051c9cb5-37bc-4bde-9e81-d84b84a88652")
"""Derives stable ids for resources that have no row of their own (a session's Procedure)."""


def derived_id(source: uuid.UUID, part: str) -> uuid.UUID:
    """A stable id for ``part`` of the record ``source`` (the same on every export)."""
    return uuid.uuid5(_ID_NAMESPACE, f"{source}/{part}")


def full_url(resource_id: uuid.UUID) -> str:
    """The Bundle entry's fullUrl of a resource: ``urn:uuid:<id>``."""
    return f"urn:uuid:{resource_id}"


def ref(kind: str, resource_id: uuid.UUID) -> Resource:
    """A reference to a resource of the same Bundle."""
    return {"reference": full_url(resource_id), "type": kind}


def compact(value: Any) -> Any:
    """``value`` without empty strings, lists, objects or nulls, at every depth."""
    # Written for speed: a large export passes millions of values through here.
    if type(value) is dict:
        kept: dict[str, Any] = {}
        for key, item in value.items():
            kind = type(item)
            if kind is dict or kind is list:
                item = compact(item)
                if item:
                    kept[key] = item
            elif item is not None and item != "":
                kept[key] = item
        return kept
    if type(value) is list:
        items = []
        for item in value:
            kind = type(item)
            if kind is dict or kind is list:
                item = compact(item)
                if item:
                    items.append(item)
            elif item is not None and item != "":
                items.append(item)
        return items
    return value


def code_text(text: str) -> str:
    """Text as a FHIR code: no leading, trailing or repeated whitespace."""
    return " ".join(text.split())


def day_text(day: date | None) -> str | None:
    """A FHIR date, or None."""
    return None if day is None else day.isoformat()


def note(text: str, **extra: Any) -> Resource:
    """An Annotation."""
    return {"text": text, **extra}
