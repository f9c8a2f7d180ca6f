"""The FHIR R4 export: every resource valid, references resolving, the clinical content kept."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from acujournal.services import fhir_outcomes
from acujournal.services.audit_report import audit_lines
from acujournal.services.demo import generate_clinic
from acujournal.services.fhir_codes import (
    CASE_EXTENSION,
    OBSERVATION_PART_SYSTEM,
    PAIN_SITE_SYSTEM,
    POINT_SYSTEM,
    QUESTIONNAIRE_PREFIX,
    SYSTEMS,
    TIMING_SYSTEM,
    compact,
)
from acujournal.services.fhir_export import write_fhir_export
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from tests.services.export_journal import INTERNAL, ExportJournal, build_export_journal

Doc = dict[str, Any]

# Status codes the pydantic models do not check: the R4 value sets of the elements written.
R4_STATUSES = {
    "Encounter": {"planned", "arrived", "triaged", "in-progress", "onleave", "finished"},
    "Procedure": {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed"},
    "Observation": {"registered", "preliminary", "final", "amended", "corrected", "cancelled"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "stopped"},
}


@pytest.fixture
def journal(db: Database) -> ExportJournal:
    return build_export_journal(db)


def export(db: Database, path: Path, patient_id: uuid.UUID | None = None) -> Doc:
    write_fhir_export(db, path, patient_id)
    document: Doc = json.loads(path.read_text("utf-8"))
    return document


def resources(bundle: Doc, kind: str | None = None) -> list[Doc]:
    found = [entry["resource"] for entry in bundle.get("entry", [])]
    return [r for r in found if kind is None or r["resourceType"] == kind]


def references(value: object) -> Iterator[Doc]:
    if isinstance(value, dict):
        if "reference" in value:
            yield value
        for item in value.values():
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def assert_valid_r4(bundle: Doc) -> None:
    """Every entry is a valid resource, the whole is a valid collection, references resolve."""
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    by_url = {}
    for entry in bundle.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert str(uuid.UUID(resource["id"])) == resource["id"]
        by_url[entry["fullUrl"]] = resource["resourceType"]
        allowed = R4_STATUSES.get(resource["resourceType"])
        if allowed is not None:
            assert resource["status"] in allowed
    assert len(by_url) == len(bundle.get("entry", [])), "fullUrls are unique"
    for entry in bundle.get("entry", []):
        for ref in references(entry["resource"]):
            assert by_url.get(ref["reference"]) == ref["type"], ref


def test_every_resource_is_valid_fhir_r4(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    assert_valid_r4(bundle)
    counts = Counter(r["resourceType"] for r in resources(bundle))
    assert counts == {
        "Patient": 2,
        "Practitioner": 2,  # the practitioner who treated nobody is not in it
        "Condition": 2,
        "Encounter": 4,
        "Procedure": 4,
        # back and leg before, back after, in each of four sessions; eight measurements
        "Observation": 4 * 3 + 8,
        "AdverseEvent": 1,
        "QuestionnaireResponse": 1,
    }


def test_a_demo_clinic_exports_as_valid_fhir(db: Database, tmp_path: Path) -> None:
    generate_clinic(db, patients=12, years=1, seed=3)
    bundle = export(db, tmp_path / "demo.json")
    assert_valid_r4(bundle)
    assert len(resources(bundle, "Patient")) == 12


def test_an_empty_journal_gives_an_empty_valid_bundle(db: Database, tmp_path: Path) -> None:
    bundle = export(db, tmp_path / "empty.json")
    assert_valid_r4(bundle)
    assert "entry" not in bundle


def test_points_are_body_sites_with_their_who_codes(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    procedure = next(
        r
        for r in resources(bundle, "Procedure")
        if r["encounter"]["reference"].endswith(str(journal.sessions[0].id))
    )
    sites = procedure["bodySite"]
    assert [s["coding"][0]["code"] for s in sites] == ["BL40", "EX-B2", "ASHI", "GB30"]
    assert {s["coding"][0]["system"] for s in sites} == {POINT_SYSTEM}
    assert sites[0]["coding"][0]["display"] == "Weizhong"
    assert sites[0]["text"].startswith("BL40 Weizhong")
    assert "both sides, 25 mm deep" in sites[0]["text"]
    assert sites[1]["text"].startswith("EX-B2 Jiaji at L4, left")
    assert "electro-acupuncture 2/100 Hz dense-disperse 1.5 mA" in sites[1]["text"]
    assert sites[2]["text"].startswith("Ashi point (buttock): tender spot over piriformis")
    assert procedure["code"]["text"] == "Acupuncture with electrical stimulation"
    assert procedure["followUp"] == [{"text": "Walk 20 minutes a day"}]
    notes = [n["text"] for n in procedure["note"]]
    assert "Subjective: Worse after sitting" in notes
    assert "Also given: cupping, home exercise" in notes


def test_the_internal_note_never_leaves(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "clinic.json"
    export(db, path)
    assert INTERNAL not in path.read_text("utf-8")
    assert "INTERNAL-7731" not in path.read_text("utf-8")


def test_pain_scores_are_loinc_coded_with_site_and_timing(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json", journal.aase.id)
    first = str(journal.sessions[0].id)
    scored = {}
    for obs in resources(bundle, "Observation"):
        if (
            not obs.get("encounter", {}).get("reference", "").endswith(first)
            or "component" not in obs
        ):
            continue
        if obs["component"][0]["code"]["coding"][0]["system"] != OBSERVATION_PART_SYSTEM:
            continue
        assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
        assert obs["code"]["coding"][0]["code"] == "72514-3"
        site = obs["bodySite"]["coding"][0]
        assert site["system"] == PAIN_SITE_SYSTEM
        timing = obs["component"][0]["valueCodeableConcept"]["coding"][0]
        assert timing["system"] == TIMING_SYSTEM
        scored[(site["code"], timing["code"])] = obs["valueInteger"]
    assert scored == {
        ("back", "before-treatment"): 6,
        ("leg", "before-treatment"): 7,
        ("back", "after-treatment"): 3,
    }


def test_a_draft_sessions_scores_are_preliminary(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    draft = str(journal.sessions[2].id)
    statuses = {
        obs["status"]
        for obs in resources(bundle, "Observation")
        if obs.get("encounter", {}).get("reference", "").endswith(draft)
    }
    assert statuses == {"preliminary"}
    procedure = next(
        r for r in resources(bundle, "Procedure") if r["encounter"]["reference"].endswith(draft)
    )
    assert procedure["code"]["text"].startswith("Sham (control) acupuncture")
    assert "Draft: not yet signed by the practitioner." in [n["text"] for n in procedure["note"]]


def test_outcome_measurements_keep_their_scores_and_items(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    by_id = {obs["id"]: obs for obs in resources(bundle, "Observation")}
    odi, rmdq, sbi, ppt, vas, walk, nrs_follow_up, odi_follow_up = (
        by_id[str(m.id)] for m in journal.measurements
    )
    assert odi["valueQuantity"]["unit"] == "%"
    assert odi["valueQuantity"]["value"] == pytest.approx(15 / 45 * 100, abs=1e-3)
    assert [c["valueInteger"] for c in odi["component"]] == [2, 3, 1, 0, 2, 3, 1, 2, 1]
    assert odi["component"][0]["code"]["coding"][0]["display"] == "pain intensity"
    assert rmdq["valueInteger"] == 9
    assert sum(c["valueBoolean"] for c in rmdq["component"]) == 9
    assert sbi["valueInteger"] == 14
    assert ppt["category"][0]["coding"][0]["code"] == "exam"
    assert ppt["bodySite"] == {"text": "left piriformis"}
    assert [c["valueQuantity"]["code"] for c in ppt["component"]] == ["kPa", "kPa"]
    assert ppt["valueQuantity"]["code"] == "kgf/cm2"
    assert vas["valueQuantity"] == {
        "value": 68,
        "unit": "mm",
        "system": "http://unitsofmeasure.org",
        "code": "mm",
    }
    assert vas["bodySite"]["coding"][0]["code"] == "leg"
    assert walk["code"]["text"] == "Walking minutes"
    assert walk["valueQuantity"]["unit"] == "min"
    assert nrs_follow_up["code"]["coding"][0]["code"] == "72514-3"
    assert nrs_follow_up["valueInteger"] == 2
    assert "encounter" not in nrs_follow_up
    assert nrs_follow_up["note"] == [{"text": "Telephone follow-up."}]
    case = f"urn:uuid:{journal.sciatica.id}"
    assert odi_follow_up["extension"][0]["valueReference"]["reference"] == case


def test_the_intake_is_a_questionnaire_response(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    [response] = resources(bundle, "QuestionnaireResponse")
    assert response["questionnaire"] == "urn:acujournal:questionnaire:sciatica|1"
    assert response["subject"]["reference"] == f"urn:uuid:{journal.aase.id}"
    items = {item["linkId"]: item for item in response["item"]}
    assert items["nrs_leg"]["answer"] == [{"valueInteger": 7}]
    assert items["numbness"]["answer"] == [{"valueBoolean": True}]
    assert items["onset_date"]["answer"] == [{"valueString": "last spring sometime"}]
    regions = [a["valueCoding"]["code"] for a in items["pain_regions"]["answer"]]
    assert regions == ["low_back", "left_buttock", "left_thigh", "left_calf"]
    side = items["side"]["answer"][0]["valueCoding"]
    assert side["code"] == "left"
    assert side["display"]
    assert [sub["answer"][0]["valueInteger"] for sub in items["odi"]["item"]] == [
        2,
        3,
        1,
        0,
        2,
        3,
        1,
        2,
        1,
    ]
    assert all(item.get("text") for item in response["item"])
    # the questionnaire's order is kept
    assert list(items).index("name") < list(items).index("odi")


def test_adverse_events_point_at_the_procedure(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    [event] = resources(bundle, "AdverseEvent")
    assert event["event"]["coding"][0]["code"] == "bleeding_bruising"
    assert event["event"]["text"] == (
        "Bleeding or bruising: Small bruise at BL40. Action taken: Pressure for 2 minutes"
    )
    assert event["severity"]["coding"][0]["code"] == "mild"
    procedure = event["suspectEntity"][0]["instance"]["reference"]
    assert procedure in {f"urn:uuid:{r['id']}" for r in resources(bundle, "Procedure")}


def test_addenda_are_notes_by_their_author(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    bundle = export(db, tmp_path / "clinic.json")
    second = str(journal.sessions[1].id)
    procedure = next(
        r for r in resources(bundle, "Procedure") if r["encounter"]["reference"].endswith(second)
    )
    [addendum] = [n for n in procedure["note"] if "authorReference" in n]
    assert addendum["text"] == "Addendum: Patient called: much better next day"
    assert addendum["authorReference"]["reference"] == f"urn:uuid:{journal.ola.id}"


def test_one_patients_export_holds_only_them(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "john.json"
    bundle = export(db, path, journal.john.id)
    assert_valid_r4(bundle)
    assert [p["id"] for p in resources(bundle, "Patient")] == [str(journal.john.id)]
    assert [p["name"][0]["text"] for p in resources(bundle, "Practitioner")] == ["Ola Nordmann"]
    text = path.read_text("utf-8")
    assert "Åse" not in text
    assert str(journal.aase.id) not in text
    [condition] = resources(bundle, "Condition")
    assert "clinicalStatus" not in condition  # a closed course claims nothing
    assert {"text": "Course of treatment closed on 2026-02-01."} in condition["note"]


def test_an_unknown_patient_writes_nothing(db: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        write_fhir_export(db, tmp_path / "x.json", uuid.uuid4())
    assert not [p for p in tmp_path.iterdir() if "x.json" in p.name]


def test_the_export_is_in_the_audit_trail(
    journal: ExportJournal, db: Database, tmp_path: Path
) -> None:
    export(db, tmp_path / "aase.json", journal.aase.id)
    [line] = [line for line in audit_lines(db) if line.action == "export"]
    assert line.summary == "FHIR R4 bundle to aase.json"
    assert line.patient_id == journal.aase.id


def test_odd_records_still_make_valid_resources() -> None:
    """A clinic's own questionnaire, an answer that cannot be scored, an unknown point."""
    patient_id, case_id = uuid.uuid4(), uuid.uuid4()
    intake = {
        "id": uuid.uuid4(),
        "patient_id": patient_id,
        "questionnaire_key": "clinic_neck",
        "questionnaire_version": 3,
        "submitted_at": datetime(2026, 3, 1, 9, tzinfo=UTC),
        "time_zone": "Europe/Oslo",
        "answers": {"worst": 7, "notes": "stiff", "ok": True, "parts": ["a", "b"], "x": {"y": 1}},
        "unreadable": {"since": "ages ago"},
    }
    response = fhir_outcomes.questionnaire_response(intake, None)
    get_fhir_model_class("QuestionnaireResponse").model_validate(compact(response))
    assert response["questionnaire"] == "urn:acujournal:questionnaire:clinic_neck|3"
    assert [item["linkId"] for item in response["item"]] == [
        "notes",
        "ok",
        "parts",
        "since",
        "worst",
        "x",
    ]
    unscorable = {
        "id": uuid.uuid4(),
        "case_id": case_id,
        "session_id": None,
        "instrument": "ODI",
        "taken_at": datetime(2026, 3, 1, 9, tzinfo=UTC),
        "time_zone": "Nowhere/Unknown",
        "answers": [1, None, None, None, None, None, None, None, None, 1],
        "value": None,
        "score": None,
        "note": "",
    }
    observation = compact(fhir_outcomes.measurement(unscorable, patient_id, {}, set()))
    get_fhir_model_class("Observation").model_validate(observation)
    assert observation["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert observation["effectiveDateTime"] == "2026-03-01T09:00:00+00:00"


def test_every_code_system_of_ours_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "export.md").read_text("utf-8")
    for system in [*SYSTEMS, CASE_EXTENSION, QUESTIONNAIRE_PREFIX]:
        assert f"`{system}" in docs, system
