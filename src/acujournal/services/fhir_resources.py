"""FHIR R4 resources of the clinical record: one function per resource type.

Each is a plain function from column rows (see :mod:`export_rows`) to a JSON-ready dict;
:mod:`acujournal.services.fhir_export` puts them in a Bundle, and docs/export.md describes the
mapping for people. What patients report (pain scores, outcome measurements, intake answers)
is in :mod:`fhir_outcomes`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from acujournal.domain.catalogue import default_catalogue
from acujournal.domain.model import (
    AdverseEventCategory,
    NeedleAngle,
    ResponseSought,
    Side,
    StimulationMethod,
)
from acujournal.reports.wording import (
    CATEGORY_NAMES,
    METHOD_NAMES,
    RESPONSE_NAMES,
    SIDE_WORDS,
    number,
)
from acujournal.services.export_rows import Row, instant_text
from acujournal.services.fhir_codes import (
    ADVERSE_EVENT_SYSTEM,
    CONDITION_SYSTEM,
    HL7,
    POINT_SYSTEM,
    PROCEDURE_SYSTEM,
    Resource,
    code_text,
    day_text,
    derived_id,
    note,
    ref,
)

# Patient and practitioner ------------------------------------------------------------------


def patient(row: Row) -> Resource:
    """The patient: name, birth date, phone, e-mail and address as recorded."""
    return {
        "resourceType": "Patient",
        "id": str(row["id"]),
        "active": not row["archived"],
        "name": [{"text": row["name"]}],
        "telecom": [
            {"system": system, "value": row[system]}
            for system in ("phone", "email")
            if row[system].strip()
        ],
        "birthDate": day_text(row["birth_date"]),
        "address": [{"text": row["address"]}],
    }


def practitioner(row: Row) -> Resource:
    """A practitioner with their qualification (STRICTA 5)."""
    return {
        "resourceType": "Practitioner",
        "id": str(row["id"]),
        "active": row["active"],
        "name": [{"text": row["name"]}],
        "qualification": [{"code": {"text": row["qualification"]}}],
    }


# Case --------------------------------------------------------------------------------------

_CASE_SIDES = {"left": "left side", "right": "right side", "both": "both sides"}


def condition(row: Row) -> Resource:
    """A case (episode of care) as the Condition it treats."""
    notes = []
    if row["suspected_cause"]:
        notes.append(note(f"Suspected cause: {row['suspected_cause']}"))
    if row["numbness"] is not None:
        notes.append(note(f"Numbness or tingling: {'yes' if row['numbness'] else 'no'}"))
    if row["rationale"]:
        notes.append(note(f"Treatment rationale: {row['rationale']}"))
    if row["closed_on"] is not None:
        notes.append(note(f"Course of treatment closed on {row['closed_on'].isoformat()}."))
    site = [_CASE_SIDES.get(row["side"], "")]
    if row["radiation"]:
        site.append(f"pain reaches the {row['radiation'].replace('_', ' ')}")
    label = code_text(row["condition"])
    return {
        "resourceType": "Condition",
        "id": str(row["id"]),
        # A closed course says the treatment ended, not that the condition did: no status
        # is claimed for it.
        "clinicalStatus": None
        if row["closed_on"] is not None
        else {"coding": [{"system": f"{HL7}condition-clinical", "code": "active"}]},
        "category": [
            {"coding": [{"system": f"{HL7}condition-category", "code": "encounter-diagnosis"}]}
        ],
        "code": {
            "coding": [{"system": CONDITION_SYSTEM, "code": label, "display": label}]
            if label
            else [],
            "text": row["title"],
        },
        "bodySite": [{"text": "; ".join(s for s in site if s)}],
        "subject": ref("Patient", row["patient_id"]),
        "onsetDateTime": day_text(row["onset_date"]),
        "recordedDate": day_text(row["opened_on"]),
        "note": notes,
    }


# Session -----------------------------------------------------------------------------------


def encounter(row: Row, patient_id: uuid.UUID) -> Resource:
    """A session as the visit it was."""
    return {
        "resourceType": "Encounter",
        "id": str(row["id"]),
        "status": "finished",
        "class": {"system": f"{HL7}v3-ActCode", "code": "AMB", "display": "ambulatory"},
        "type": [{"text": "Acupuncture session"}],
        "subject": ref("Patient", patient_id),
        "participant": [{"individual": ref("Practitioner", row["practitioner_id"])}],
        "period": {"start": instant_text(row["started_at"], row["time_zone"])},
        "diagnosis": [{"condition": ref("Condition", row["case_id"])}],
    }


@cache
def _point_names(code: str) -> tuple[str, str | None]:
    """A point's label ("BL40 Weizhong (Bend Middle)") and short name ("Weizhong")."""
    found = default_catalogue().get(code)
    if found is None:
        return code, None
    return found.label, found.pinyin or found.english or None


_POINT_TEXT_FIELDS = (
    "point",
    "side",
    "spinal_level",
    "region",
    "description",
    "depth_mm",
    "tissue_level",
    "angle",
    "method",
    "frequency_hz",
    "frequency_high_hz",
    "waveform",
    "intensity_ma",
    "response_sought",
    "deqi",
    "retention_min",
)


def point_text(needle: Row) -> str:
    """One needled point as a line of text, as a referrer reads it.

    "BL40 Weizhong (Bend Middle), both sides, 25 mm deep, manual, de qi sought (obtained),
    25 min"; an Ashi or free point with its region and description, Jiaji with its level.
    """
    # A course repeats the same points session after session: each line is made once.
    return _point_line(tuple(needle[name] for name in _POINT_TEXT_FIELDS))


@lru_cache(maxsize=16_384)
def _point_line(values: tuple[Any, ...]) -> str:
    needle = dict(zip(_POINT_TEXT_FIELDS, values, strict=True))
    code = needle["point"]
    if code == "EX-B2" and needle["spinal_level"]:
        name = f"EX-B2 Jiaji at {needle['spinal_level']}"
    elif code in ("ASHI", "FREE"):
        where = (needle["region"] or "").replace("_", " ")
        kind = "Ashi point" if code == "ASHI" else "Point"
        name = " ".join(part for part in (kind, where and f"({where})") if part)
        if needle["description"]:
            name += f": {needle['description']}"
    else:
        name = _point_names(code)[0]
    parts = [name, SIDE_WORDS.get(Side(needle["side"]), needle["side"])]
    if needle["depth_mm"] is not None:
        parts.append(f"{number(needle['depth_mm'])} mm deep")
    elif needle["tissue_level"]:
        parts.append(f"to {needle['tissue_level']}")
    if needle["angle"] and needle["angle"] != NeedleAngle.PERPENDICULAR:
        parts.append(needle["angle"])
    parts.append(_stimulation(needle))
    if needle["response_sought"] != ResponseSought.NONE:
        sought = RESPONSE_NAMES[ResponseSought(needle["response_sought"])]
        got = {True: " (obtained)", False: " (not obtained)"}.get(needle["deqi"], "")
        parts.append(f"{sought} sought{got}")
    if needle["retention_min"] is not None:
        parts.append(f"{number(needle['retention_min'])} min")
    return ", ".join(part for part in parts if part)


def _stimulation(needle: Mapping[str, Any]) -> str:
    method = StimulationMethod(needle["method"])
    if method is not StimulationMethod.ELECTRO:
        return METHOD_NAMES[method]
    words = [METHOD_NAMES[method]]
    if needle["frequency_hz"] is not None:
        hz = number(needle["frequency_hz"])
        if needle["frequency_high_hz"] is not None:
            hz += f"/{number(needle['frequency_high_hz'])}"
        words.append(f"{hz} Hz")
    words.append(needle["waveform"])
    if needle["intensity_ma"] is not None:
        words.append(f"{number(needle['intensity_ma'])} mA")
    return " ".join(w for w in words if w)


def _body_site(needle: Row) -> Resource:
    code = needle["point"]
    return {
        "coding": [{"system": POINT_SYSTEM, "code": code, "display": _point_names(code)[1]}],
        "text": point_text(needle),
    }


def _needle_type(needle: Row) -> str:
    if needle["gauge_mm"] is None and needle["length_mm"] is None:
        return ""
    size = " × ".join(
        f"{number(v)} mm" for v in (needle["gauge_mm"], needle["length_mm"]) if v is not None
    )
    return f"Needle {size}" + (f", {needle['needle_brand']}" if needle["needle_brand"] else "")


def procedure(
    row: Row, patient_id: uuid.UUID, needles: list[Row], amendments: list[Row]
) -> Resource:
    """The acupuncture given in a session: every point as a body site, notes and advice.

    The practitioner's internal note is left out: this export is for the patient's record and
    for referrers.
    """
    session_id = row["id"]
    zone = row["time_zone"]
    electro = any(n["method"] == StimulationMethod.ELECTRO for n in needles)
    text = "Acupuncture with electrical stimulation" if electro else "Acupuncture"
    if row["sham"]:
        text = f"Sham (control) {text[0].lower()}{text[1:]}"
    notes = [
        note(f"{label}: {row[field]}")
        for label, field in (
            ("Subjective", "subjective"),
            ("Objective", "objective"),
            ("Assessment", "assessment"),
            ("Plan", "plan"),
        )
        if row[field]
    ]
    if row["co_interventions"]:
        notes.append(note("Also given: " + ", ".join(row["co_interventions"])))
    if row["needles_in"] is not None or row["needles_out"] is not None:
        counts = [
            "not counted" if n is None else str(n) for n in (row["needles_in"], row["needles_out"])
        ]
        notes.append(note(f"Needles counted in: {counts[0]}, out: {counts[1]}."))
    if row["status"] != "signed":
        notes.append(note("Draft: not yet signed by the practitioner."))
    notes += [
        note(
            f"Addendum: {a['text']}",
            authorReference=ref("Practitioner", a["author_id"]),
            time=instant_text(a["created_at"], zone),
        )
        for a in amendments
    ]
    return {
        "resourceType": "Procedure",
        "id": str(derived_id(session_id, "procedure")),
        "status": "completed",
        "code": {
            "coding": [
                {"system": PROCEDURE_SYSTEM, "code": "acupuncture", "display": "Acupuncture"}
            ],
            "text": text,
        },
        "subject": ref("Patient", patient_id),
        "encounter": ref("Encounter", session_id),
        "performedDateTime": instant_text(row["started_at"], zone),
        "performer": [{"actor": ref("Practitioner", row["practitioner_id"])}],
        "reasonReference": [ref("Condition", row["case_id"])],
        "bodySite": [_body_site(n) for n in needles],
        "usedCode": [{"text": t} for t in dict.fromkeys(_needle_type(n) for n in needles)],
        "followUp": [{"text": row["patient_advice"]}],
        "note": notes,
    }


def adverse_event(row: Row, session: Row, patient_id: uuid.UUID) -> Resource:
    """An adverse event of a session, with what was done about it."""
    category = row["category"]
    try:
        name = CATEGORY_NAMES[AdverseEventCategory(category)]
    except ValueError:
        name = category.replace("_", " ")
    text = name[0].upper() + name[1:]
    if row["description"]:
        text += f": {row['description']}"
    if row["action"]:
        text += f". Action taken: {row['action']}"
    return {
        "resourceType": "AdverseEvent",
        "id": str(row["id"]),
        "actuality": "actual",
        "event": {
            "coding": [{"system": ADVERSE_EVENT_SYSTEM, "code": category, "display": name}],
            "text": text,
        },
        "subject": ref("Patient", patient_id),
        "encounter": ref("Encounter", session["id"]),
        "date": instant_text(session["started_at"], session["time_zone"]),
        "recorder": ref("Practitioner", session["practitioner_id"]),
        "severity": {
            "coding": [
                {
                    "system": f"{HL7}adverse-event-severity",
                    "code": row["severity"],
                    "display": row["severity"].title(),
                }
            ]
        },
        "suspectEntity": [{"instance": ref("Procedure", derived_id(session["id"], "procedure"))}],
    }
