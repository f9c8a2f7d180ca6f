"""Intakes in the acujournal/1 format: round trip, old files, and what import refuses."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest

from acujournal.domain.intake import IntakeReview, IntakeSource, ReviewDecision
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.domain.screening import Caution, RedFlag
from acujournal.resource_files import resource_path
from acujournal.services.intake import intakes_of_patient, prepare_intake, save_intake
from acujournal.services.interchange import InterchangeError, export_document, import_document
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal
from tests.services.intake_answers import clean_answers

SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
Doc = dict[str, Any]


@pytest.fixture
def journal(db: Database) -> Journal:
    """A patient with two intakes: one flagged and reviewed twice, one clean without a case."""
    journal = make_journal(db)
    flagged = prepare_intake(
        shipped_questionnaire(),
        clean_answers(fever=True, anticoagulants=True, complaint="Leg pain <b>bad</b>\u2028"),
        patient_id=journal.patient.id,
        case_id=journal.case.id,
        source=IntakeSource.PDF,
        submitted_at=SUBMITTED,
        time_zone="Europe/Oslo",
        unreadable={"onset_date": "after Christmas"},
    )
    first = IntakeReview(
        ReviewDecision.REFER_OUT, journal.practitioner.id, SUBMITTED + timedelta(hours=2), "GP"
    )
    save_intake(db, flagged, first)
    from acujournal.services.intake import record_review

    record_review(
        db,
        flagged.intake.id,
        ReviewDecision.ACCEPT_WITH_CAUTION,
        "GP: a cold, no infection",
        journal.practitioner.id,
        SUBMITTED + timedelta(days=2),
    )
    clean = prepare_intake(
        shipped_questionnaire(),
        clean_answers(),
        patient_id=journal.patient.id,
        source=IntakeSource.APP,
        submitted_at=SUBMITTED + timedelta(days=30),
    )
    save_intake(db, clean)
    return journal


def exported(db: Database) -> Doc:
    doc = export_document(db)
    doc.pop("exported_at")
    return doc


def intake_doc(doc: Doc, index: int = 0) -> Doc:
    found: Doc = doc["patients"][0]["intakes"][index]
    return found


def test_intakes_are_exported_under_their_patient(db: Database, journal: Journal) -> None:
    intakes = export_document(db)["patients"][0]["intakes"]
    assert [i["source"] for i in intakes] == ["pdf", "app"]
    first = intakes[0]
    assert first["submitted_at"] == "2026-03-02T09:15:00+01:00"
    assert first["case_id"] == str(journal.case.id)
    assert first["screening"] == {
        "outcome": "refer_now",
        "red_flags": ["fever"],
        "cautions": ["anticoagulants"],
        "unanswered": [],
    }
    assert [r["decision"] for r in first["reviews"]] == ["refer_out", "accept_with_caution"]
    assert first["unreadable"] == {"onset_date": "after Christmas"}
    assert intakes[1]["case_id"] is None


def test_export_import_export_gives_the_same_document(
    db: Database, journal: Journal, other_db: Database
) -> None:
    before = exported(db)
    report = import_document(other_db, export_document(db))
    assert report.added.intakes == 2
    assert exported(other_db) == before
    again = import_document(other_db, export_document(db))
    assert again.added.total == 0
    assert again.skipped.intakes == 2
    assert "2 intakes already in the journal" in again.summary()
    stored = intakes_of_patient(other_db, journal.patient.id)
    assert stored[1].screening.red_flags == (RedFlag.FEVER,)
    assert stored[1].screening.cautions == (Caution.ANTICOAGULANTS,)
    assert len(stored[1].reviews) == 2


def test_the_export_matches_the_schema_and_its_enums_follow_the_model(
    db: Database, journal: Journal
) -> None:
    schema = json.loads(resource_path("schema", "acujournal-1.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(export_document(db))
    defs = schema["$defs"]
    screening = defs["intake_screening"]["properties"]
    assert screening["red_flags"]["items"]["enum"] == [f.value for f in RedFlag]
    assert screening["cautions"]["items"]["enum"] == [c.value for c in Caution]
    assert defs["intake"]["properties"]["source"]["enum"] == [s.value for s in IntakeSource]
    decisions = defs["intake_review"]["properties"]["decision"]["enum"]
    assert decisions == [d.value for d in ReviewDecision]


def test_a_one_patient_export_carries_the_reviewer(db: Database, journal: Journal) -> None:
    other = make_journal(db, "Ola Nordmann")
    doc = export_document(db, journal.patient.id)
    # The reviewer treats no session of this patient but must travel with the intake.
    assert [p["id"] for p in doc["practitioners"]] == [str(journal.practitioner.id)]
    assert str(other.practitioner.id) not in json.dumps(doc)


def test_a_file_from_before_intakes_still_imports(
    db: Database, journal: Journal, other_db: Database
) -> None:
    doc = export_document(db)
    for patient in doc["patients"]:
        del patient["intakes"]
    report = import_document(other_db, doc)
    assert report.added.patients == 1
    assert report.added.intakes == 0


def refusal(other_db: Database, doc: Doc) -> str:
    with pytest.raises(InterchangeError) as caught:
        import_document(other_db, doc)
    assert intakes_of_patient(other_db, _patient_id(doc)) == []
    return str(caught.value)


def _patient_id(doc: Doc) -> Any:
    import uuid

    return uuid.UUID(doc["patients"][0]["id"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: intake_doc(d)["screening"].update(red_flags=[], outcome="caution"),
            "patients[0].intakes[0].screening: the answers give fever, which it does not list",
        ),
        (
            lambda d: intake_doc(d)["screening"].update(outcome="no_flags"),
            'screening.outcome: "no_flags" does not follow from the flags listed',
        ),
        (
            lambda d: intake_doc(d)["screening"].update(red_flags=["bad_luck"]),
            "screening.red_flags[0]: 'bad_luck' is not a known code",
        ),
        (
            lambda d: intake_doc(d).update(answers=["yes"]),
            "intakes[0].answers: must be an object of answers by question",
        ),
        (
            lambda d: intake_doc(d)["answers"].update(complaint="nul\x00"),
            "intakes[0].answers: contains a NUL character",
        ),
        (
            lambda d: intake_doc(d)["answers"].update(phone="x" * 5000),
            "holds a text longer than 4000 characters",
        ),
        (
            lambda d: intake_doc(d).update(unreadable={"x": 1}),
            "intakes[0].unreadable: must be an object of texts by question",
        ),
        (
            lambda d: intake_doc(d).update(source="fax"),
            'intakes[0].source: "fax" is not one of app, pdf, import',
        ),
        (
            lambda d: intake_doc(d).update(case_id="00000000-0000-4000-8000-000000000001"),
            "intakes[0].case_id: no case 00000000-0000-4000-8000-000000000001",
        ),
        (
            lambda d: intake_doc(d)["reviews"][0].update(
                reviewer_id="00000000-0000-4000-8000-000000000002"
            ),
            "reviews[0].reviewer_id: no practitioner 00000000-0000-4000-8000-000000000002",
        ),
        (
            lambda d: intake_doc(d)["reviews"][0].update(decision="maybe"),
            'reviews[0].decision: "maybe" is not one of accept, accept_with_caution, refer_out',
        ),
        (
            lambda d: intake_doc(d).update(extra=1),
            "intakes[0].extra: is not a field of acujournal/1",
        ),
        (
            lambda d: d["patients"][0].update(intakes={}),
            "patients[0].intakes: must be a list",
        ),
        (
            lambda d: intake_doc(d, 1).update(id=intake_doc(d)["id"]),
            "is used twice in the file",
        ),
    ],
)
@pytest.mark.sqlite_suffices  # refused by a SQLite journal; only the export reads ``db``
def test_bad_intakes_are_refused_and_nothing_is_stored(
    db: Database, journal: Journal, other_db: Database, change: Any, message: str
) -> None:
    doc = copy.deepcopy(export_document(db))
    change(doc)
    assert message in refusal(other_db, doc)


def test_an_intake_pointing_at_another_patients_case_is_refused(
    db: Database, journal: Journal, other_db: Database
) -> None:
    other = make_journal(db, "Ola Nordmann")
    doc = export_document(db)
    mine = next(p for p in doc["patients"] if p["id"] == str(journal.patient.id))
    mine["intakes"][0]["case_id"] = str(other.case.id)
    with pytest.raises(InterchangeError, match="case_id: is a case of another patient"):
        import_document(other_db, doc)


def test_a_clinic_questionnaire_is_imported_with_its_screening_as_written(
    db: Database, journal: Journal, other_db: Database
) -> None:
    doc = export_document(db)
    own = intake_doc(doc)
    own["questionnaire"] = "clinic_neck"
    own["screening"].update(red_flags=[], outcome="caution")
    assert import_document(other_db, doc).added.intakes == 2
