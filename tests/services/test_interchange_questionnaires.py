"""A clinic's own questionnaires travel with the intakes that use them in acujournal/1 files."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from acujournal.domain.intake import IntakeSource
from acujournal.resource_files import resource_path
from acujournal.services.intake import intakes_of_patient, prepare_intake, save_intake
from acujournal.services.interchange import InterchangeError, export_document, import_document
from acujournal.services.questionnaires import (
    add_questionnaire,
    add_questionnaire_file,
    available_questionnaires,
    newest_questionnaire,
    questionnaire_version,
)
from acujournal.storage.db import Database
from tests.builders import Journal, make_journal
from tests.services.intake_answers import NECK_PAIN_FILE, neck_answers, neck_pain_definition

SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)
Doc = dict[str, Any]


@pytest.fixture
def journal(db: Database) -> Journal:
    """A patient with an intake on the clinic's neck-pain questionnaire, which has a second
    version the intake does not use."""
    journal = make_journal(db, "Ola Nordmann")
    add_questionnaire_file(db, NECK_PAIN_FILE)
    prepared = prepare_intake(
        newest_questionnaire(db, "neck_pain"),
        neck_answers(blood_thinners=True),
        patient_id=journal.patient.id,
        case_id=journal.case.id,
        source=IntakeSource.APP,
        submitted_at=SUBMITTED,
        time_zone="Europe/Oslo",
    )
    save_intake(db, prepared)
    add_questionnaire(db, neck_pain_definition(version=2, title="Revised"))
    return journal


def exported(db: Database, patient: Any = None) -> Doc:
    doc = export_document(db, patient)
    doc.pop("exported_at")
    return doc


def test_the_export_carries_the_definitions_and_another_journal_imports_them(
    db: Database, journal: Journal, other_db: Database
) -> None:
    doc = export_document(db)
    assert list(doc)[5:] == ["questionnaires", "patients"]
    assert [(q["key"], q["version"]) for q in doc["questionnaires"]] == [
        ("neck_pain", 1),
        ("neck_pain", 2),
    ]
    assert doc["questionnaires"][0] == json.loads(NECK_PAIN_FILE.read_text("utf-8"))
    schema = json.loads(resource_path("schema", "acujournal-1.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)

    report = import_document(other_db, doc)
    assert (report.added.questionnaires, report.added.intakes) == (2, 1)
    assert "2 questionnaires" in report.summary()
    assert [(q.key, q.version) for q in available_questionnaires(other_db)][1] == ("neck_pain", 2)
    first = questionnaire_version(other_db, "neck_pain", 1)
    assert first == questionnaire_version(db, "neck_pain", 1)
    [intake] = intakes_of_patient(other_db, journal.patient.id)
    assert intake.questionnaire_key == "neck_pain"
    assert exported(other_db) == exported(db)

    again = import_document(other_db, export_document(db))
    assert again.added.total == 0
    assert again.skipped.questionnaires == 2


def test_a_one_patient_export_carries_only_the_versions_its_intakes_use(
    db: Database, journal: Journal
) -> None:
    doc = export_document(db, journal.patient.id)
    assert [(q["key"], q["version"]) for q in doc["questionnaires"]] == [("neck_pain", 1)]
    other = make_journal(db, "Kari Nordmann")
    assert "questionnaires" not in export_document(db, other.patient.id)


def test_files_without_clinic_questionnaires_leave_the_key_out_and_still_import(
    db: Database, other_db: Database
) -> None:
    journal = make_journal(db)
    doc = export_document(db)
    assert "questionnaires" not in doc
    assert import_document(other_db, doc).added.patients == 1
    assert intakes_of_patient(other_db, journal.patient.id) == []


def refusal(other_db: Database, doc: Doc) -> str:
    with pytest.raises(InterchangeError) as caught:
        import_document(other_db, doc)
    assert [q.key for q in available_questionnaires(other_db)] == ["sciatica"]
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["questionnaires"][0]["sections"][1]["questions"][3].update(kind="dial"),
            "questionnaires[0].sections[1].questions[3].kind: 'dial' is not one of",
        ),
        (
            lambda d: d["questionnaires"][1].update(key="sciatica"),
            'questionnaires[1].key: "sciatica" is a questionnaire AcuJournal ships',
        ),
        (
            lambda d: d["questionnaires"].append(copy.deepcopy(d["questionnaires"][0])),
            "questionnaires[2].version: this version is also questionnaires[0]",
        ),
        (lambda d: d.update(questionnaires={}), "questionnaires: must be a list"),
        (lambda d: d["questionnaires"].append([]), "questionnaires[2]: must be an object"),
        (
            # The carried definition screens the answers: a file cannot hide a caution.
            lambda d: d["patients"][0]["intakes"][0]["screening"].update(
                cautions=[], outcome="no_flags"
            ),
            "the answers give anticoagulants, which it does not list",
        ),
    ],
)
@pytest.mark.sqlite_suffices  # refused by a SQLite journal; only the export reads ``db``
def test_bad_definitions_are_refused_by_their_path_and_nothing_is_stored(
    db: Database, journal: Journal, other_db: Database, change: Any, message: str
) -> None:
    doc = copy.deepcopy(export_document(db))
    change(doc)
    assert message in refusal(other_db, doc)


def test_a_version_the_journal_holds_with_other_content_is_refused(
    db: Database, journal: Journal, other_db: Database
) -> None:
    add_questionnaire(other_db, neck_pain_definition(title="Another clinic's neck form"))
    with pytest.raises(InterchangeError) as caught:
        import_document(other_db, export_document(db))
    assert 'questionnaires[0].version: the journal already has version 1 of "neck_pain"' in str(
        caught.value
    )
    assert newest_questionnaire(other_db, "neck_pain").title == "Another clinic's neck form"
    assert intakes_of_patient(other_db, journal.patient.id) == []
