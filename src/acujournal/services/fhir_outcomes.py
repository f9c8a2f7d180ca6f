"""FHIR R4 resources of what patients report: pain scores, outcome measurements, intake answers.

Pain scored at a session and NRS measurements are coded with LOINC 72514-3 and the site (back
or leg) as the body site; the other instruments with AcuJournal's instrument codes. An intake
becomes a QuestionnaireResponse. docs/export.md describes the mapping.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date

from acujournal.domain import outcomes
from acujournal.domain.questionnaire import (
    Question,
    QuestionKind,
    Questionnaire,
    body_region_label,
)
from acujournal.services.export_rows import Row, instant_text
from acujournal.services.fhir_codes import (
    BODY_REGION_SYSTEM,
    CASE_EXTENSION,
    EXAM,
    HL7,
    INSTRUMENT_ITEM_SYSTEM,
    INSTRUMENT_SYSTEM,
    NRS_LOINC,
    OBSERVATION_PART_SYSTEM,
    PAIN_SITE_SYSTEM,
    PAIN_SITES,
    QUESTIONNAIRE_PREFIX,
    SURVEY,
    TIMING_SYSTEM,
    UCUM,
    UCUM_UNITS,
    Resource,
    code_text,
    derived_id,
    note,
    ref,
)


def _pain_site(site: str) -> Resource:
    return {"coding": [{"system": PAIN_SITE_SYSTEM, "code": site, "display": site.title()}]}


def session_pain(row: Row, patient_id: uuid.UUID) -> list[Resource]:
    """The NRS pain scores of a session, back and leg, before and after treatment."""
    found = []
    status = "final" if row["status"] == "signed" else "preliminary"
    procedure = [ref("Procedure", derived_id(row["id"], "procedure"))]
    encounter = ref("Encounter", row["id"])
    subject = ref("Patient", patient_id)
    effective = instant_text(row["started_at"], row["time_zone"])
    for when in ("before", "after"):
        for site in ("back", "leg"):
            value = row[f"pain_{when}_{site}"]
            if value is None:
                continue
            timing = f"{when}-treatment"
            found.append(
                {
                    "resourceType": "Observation",
                    "id": str(derived_id(row["id"], f"pain-{when}-{site}")),
                    "status": status,
                    "category": [SURVEY],
                    "code": {
                        "coding": [NRS_LOINC],
                        "text": f"{site.title()} pain {when} treatment (NRS 0-10)",
                    },
                    "subject": subject,
                    "encounter": encounter,
                    "partOf": procedure,
                    "effectiveDateTime": effective,
                    "valueInteger": int(value),
                    "bodySite": _pain_site(site),
                    "component": [
                        {
                            "code": {
                                "coding": [{"system": OBSERVATION_PART_SYSTEM, "code": "timing"}]
                            },
                            "valueCodeableConcept": {
                                "coding": [
                                    {
                                        "system": TIMING_SYSTEM,
                                        "code": timing,
                                        "display": f"{when.title()} treatment",
                                    }
                                ]
                            },
                        }
                    ],
                }
            )
    return found


# Outcome measurements ----------------------------------------------------------------------


def _score(row: Row, known: Mapping[str, outcomes.Instrument]) -> float | None:
    if row["score"] is not None:
        return float(row["score"])
    try:
        return outcomes.score(row["instrument"], row["answers"], row["value"], known=known)
    except outcomes.ScoringError:
        return None


def _quantity(value: float, unit: str) -> Resource:
    code = UCUM_UNITS.get(unit)
    quantity: Resource = {"value": round(value, 4), "unit": unit}
    if code is not None:
        quantity |= {"system": UCUM, "code": code}
    return quantity


def _items(code: str, answers: object, inst: outcomes.Instrument | None) -> list[Resource]:
    """Item answers as components: ODI sections, RMDQ items, SBI items, PPT trials."""
    components: list[Resource] = []
    if isinstance(answers, list):
        names = inst.section_names if inst is not None else ()
        for index, item in enumerate(answers, start=1):
            label = names[index - 1] if index <= len(names) else f"item {index}"
            part: Resource = {
                "code": {
                    "coding": [
                        {
                            "system": INSTRUMENT_ITEM_SYSTEM,
                            "code": f"{code}-{index}",
                            "display": label,
                        }
                    ]
                }
            }
            if isinstance(item, bool):
                components.append(part | {"valueBoolean": item})
            elif isinstance(item, int):
                components.append(part | {"valueInteger": item})
    elif isinstance(answers, dict) and isinstance(answers.get("trials"), list):
        unit = str(answers.get("unit", ""))
        for index, trial in enumerate(answers["trials"], start=1):
            if isinstance(trial, int | float) and not isinstance(trial, bool):
                components.append(
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": INSTRUMENT_ITEM_SYSTEM,
                                    "code": f"{code}-trial-{index}",
                                    "display": f"trial {index}",
                                }
                            ]
                        },
                        "valueQuantity": _quantity(float(trial), unit),
                    }
                )
    return components


def measurement(
    row: Row,
    patient_id: uuid.UUID,
    known: Mapping[str, outcomes.Instrument],
    session_ids: set[uuid.UUID],
) -> Resource:
    """An outcome measurement (NRS, VAS, ODI, RMDQ, SBI, PPT or a clinic's own measure).

    NRS pain is coded with LOINC 72514-3 and the site (back or leg) as the body site; the
    other instruments with AcuJournal's instrument codes and their scores in their units.
    """
    code = row["instrument"]
    inst = outcomes.INSTRUMENTS.get(code) or known.get(code)
    value = _score(row, known)
    codings = [{"system": INSTRUMENT_SYSTEM, "code": code, "display": inst and inst.name}]
    if code in ("NRS_BACK", "NRS_LEG"):
        codings.insert(0, NRS_LOINC)
    result: Resource = {
        "resourceType": "Observation",
        "id": str(row["id"]),
        "extension": [{"url": CASE_EXTENSION, "valueReference": ref("Condition", row["case_id"])}],
        "status": "final",
        "category": [EXAM if code == "PPT" else SURVEY],
        "code": {"coding": codings, "text": inst.name if inst is not None else code},
        "subject": ref("Patient", patient_id),
        "encounter": ref("Encounter", row["session_id"])
        if row["session_id"] in session_ids
        else None,
        "effectiveDateTime": instant_text(row["taken_at"], row["time_zone"]),
        "note": [note(row["note"])],
        "component": _items(code, row["answers"], inst),
    }
    if value is None:
        result["dataAbsentReason"] = {
            "coding": [{"system": f"{HL7}data-absent-reason", "code": "unknown"}]
        }
    elif inst is not None and inst.unit == "points" and float(value).is_integer():
        result["valueInteger"] = int(value)
    else:
        result["valueQuantity"] = _quantity(value, inst.unit if inst is not None else "")
    if code in PAIN_SITES:
        result["bodySite"] = _pain_site(PAIN_SITES[code])
    elif isinstance(row["answers"], dict) and isinstance(row["answers"].get("site"), str):
        result["bodySite"] = {"text": row["answers"]["site"]}
    return result


# Intake ------------------------------------------------------------------------------------


def _plain_answer(value: object) -> Resource | None:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    if isinstance(value, str):
        return {"valueString": value} if value.strip() else None
    if value is None:
        return None
    return {"valueString": json.dumps(value, ensure_ascii=False)}


def _answers(form: str, question: Question | None, value: object) -> list[Resource]:
    values = value if isinstance(value, list) else [value]
    if question is None:
        return [a for a in map(_plain_answer, values) if a is not None]
    kind = question.kind
    if kind is QuestionKind.DATE and isinstance(value, str):
        try:
            return [{"valueDate": date.fromisoformat(value).isoformat()}]
        except ValueError:
            return [{"valueString": value}]
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI_CHOICE, QuestionKind.BODY_REGIONS):
        found = []
        for item in values:
            if not isinstance(item, str) or not code_text(item):
                continue
            if kind is QuestionKind.BODY_REGIONS:
                system, label = BODY_REGION_SYSTEM, body_region_label(item)
            else:
                choice = question.choice(item)
                system = f"{QUESTIONNAIRE_PREFIX}{form}:{question.key}"
                label = choice.label if choice is not None else item
            found.append(
                {"valueCoding": {"system": system, "code": code_text(item), "display": label}}
            )
        return found
    return [a for a in map(_plain_answer, values) if a is not None]


def _item(form: str, key: str, question: Question | None, value: object) -> Resource:
    item: Resource = {"linkId": key, "text": question.label if question is not None else None}
    if (
        question is not None
        and question.kind is QuestionKind.INSTRUMENT
        and isinstance(value, list)
    ):
        inst = outcomes.INSTRUMENTS.get(question.instrument or "")
        names = inst.section_names if inst is not None else ()
        item["item"] = [
            {
                "linkId": f"{key}.{index}",
                "text": names[index - 1] if index <= len(names) else f"item {index}",
                "answer": [_plain_answer(sub)],
            }
            for index, sub in enumerate(value, start=1)
            if sub is not None
        ]
        return item
    item["answer"] = _answers(form, question, value)
    return item


def questionnaire_response(row: Row, questionnaire: Questionnaire | None) -> Resource:
    """An intake's answers, in the questionnaire's order, with the questions' wording.

    Answers to questions the questionnaire does not have (or to a questionnaire neither this
    program nor the journal has) follow, with their keys only. What the patient wrote where it
    could not be read is given as written. The automatic screening and the practitioner's
    review are not part of it.
    """
    form = row["questionnaire_key"]
    answers: dict[str, object] = dict(row["answers"] or {})
    unreadable: dict[str, object] = dict(row["unreadable"] or {})
    items: list[Resource] = []
    keys: list[str] = [q.key for q in questionnaire.questions()] if questionnaire else []
    keys += sorted((answers.keys() | unreadable.keys()) - set(keys))
    for key in keys:
        question = questionnaire.question(key) if questionnaire is not None else None
        if key in unreadable:
            items.append(
                {
                    "linkId": key,
                    "text": question.label if question is not None else None,
                    "answer": [{"valueString": str(unreadable[key])}],
                }
            )
        elif key in answers and answers[key] not in (None, "", []):
            items.append(_item(form, key, question, answers[key]))
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(row["id"]),
        "questionnaire": f"{QUESTIONNAIRE_PREFIX}{form}|{row['questionnaire_version']}",
        "status": "completed",
        "subject": ref("Patient", row["patient_id"]),
        "source": ref("Patient", row["patient_id"]),
        "authored": instant_text(row["submitted_at"], row["time_zone"]),
        "item": items,
    }
