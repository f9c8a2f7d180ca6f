"""A clinic's own questionnaires: added from a file, listed, looked up, used for intakes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from acujournal.domain.intake import IntakeSource
from acujournal.domain.model import CaseSide
from acujournal.domain.screening import Caution, RedFlag, ScreeningOutcome
from acujournal.domain.validation import ValidationError
from acujournal.services import questionnaires
from acujournal.services.audit import Actor, set_actor
from acujournal.services.audit_report import audit_lines
from acujournal.services.intake import (
    intakes_of_patient,
    open_case_from_intake,
    prepare_for_patient,
    save_intake,
)
from acujournal.services.intake_pdf import (
    UnknownFormError,
    intake_form_pdf,
    prepare_pdf_intake,
    read_form,
)
from acujournal.services.questionnaires import (
    QuestionnaireNotAddedError,
    add_questionnaire,
    add_questionnaire_file,
    available_questionnaires,
    newest_questionnaire,
    questionnaire_version,
)
from acujournal.services.settings import (
    ClinicDetails,
    get_default_questionnaire,
    save_settings,
    set_default_questionnaire,
)
from acujournal.storage.db import Database
from tests.builders import make_journal
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import NECK_PAIN_FILE, neck_answers, neck_pain_definition

SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def write(folder: Path, definition: object, name: str = "neck.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(definition), "utf-8")
    return path


def refused(db: Database, path: Path) -> QuestionnaireNotAddedError:
    with pytest.raises(QuestionnaireNotAddedError) as caught:
        add_questionnaire_file(db, path)
    return caught.value


def test_a_clinic_questionnaire_is_added_listed_and_found(db: Database) -> None:
    set_actor(db, Actor("reception@clinic"))
    added = add_questionnaire_file(db, NECK_PAIN_FILE)
    assert added.new
    info = added.info
    assert (info.key, info.version, info.source) == ("neck_pain", 1, "clinic")
    assert info.title == "Before your first visit: neck and shoulder pain"
    assert info.added_by == "reception@clinic"
    assert info.added_at is not None
    listed = available_questionnaires(db)
    assert [(q.key, q.version, q.source) for q in listed] == [
        ("sciatica", 1, "shipped"),
        ("neck_pain", 1, "clinic"),
    ]
    assert listed[1].condition == "neck pain"
    found = newest_questionnaire(db, "neck_pain")
    assert found.form_id == "neck_pain/1"
    assert questionnaire_version(db, "neck_pain", 1) == found
    assert questionnaire_version(db, "neck_pain", 2) is None
    assert questionnaire_version(None, "neck_pain", 1) is None  # no journal: shipped only
    # Adding a questionnaire is in the audit trail, under its key and version.
    [entry] = [line for line in audit_lines(db) if line.entity == "questionnaire"]
    assert entry.record == "questionnaire neck_pain/1"
    assert (entry.action, entry.entity_id, entry.actor) == (
        "create",
        "neck_pain/1",
        "reception@clinic",
    )


def test_the_same_content_again_is_harmless_and_other_content_needs_a_new_version(
    db: Database, tmp_path: Path
) -> None:
    add_questionnaire_file(db, NECK_PAIN_FILE)
    entries = len(audit_lines(db))
    # The same questions, laid out differently: nothing to add.
    again = add_questionnaire(db, json.loads(NECK_PAIN_FILE.read_text("utf-8")), "copy.json")
    assert not again.new
    assert len(audit_lines(db)) == entries

    changed = neck_pain_definition(title="Neck pain, revised")
    error = refused(db, write(tmp_path, changed))
    assert [p.field for p in error.problems] == ["version"]
    assert 'raise "version"' in error.problems[0].message
    assert str(error).startswith("neck.json: the questionnaire was not added: version: ")
    assert newest_questionnaire(db, "neck_pain").title.startswith("Before your first visit")

    add_questionnaire_file(db, write(tmp_path, neck_pain_definition(version=2, title="Revised")))
    assert [(q.key, q.version, q.title) for q in available_questionnaires(db)][1] == (
        "neck_pain",
        2,
        "Revised",
    )
    # Forms of the first version, handed out earlier, are still read with its questions.
    first = questionnaire_version(db, "neck_pain", 1)
    assert first is not None
    assert first.title.startswith("Before your first visit")


def test_a_file_with_problems_is_refused_whole_with_every_problem_named(
    db: Database, tmp_path: Path
) -> None:
    definition = neck_pain_definition(key="Neck Pain")
    definition["sections"][1]["questions"][3]["kind"] = "slider"
    definition["sections"][2]["questions"][0]["screen"] = "headache"
    error = refused(db, write(tmp_path, definition))
    fields = [p.field for p in error.problems]
    assert "key" in fields
    assert "sections[1].questions[3].kind" in fields
    assert "sections[2].questions[0].screen" in fields
    assert available_questionnaires(db)[-1].key == "sciatica"
    assert not [line for line in audit_lines(db) if line.entity == "questionnaire"]


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        (b"{not json", "(file)", "is not valid JSON"),
        (b"\xff\xfe", "(file)", "is not UTF-8 text"),
        (json.dumps(neck_pain_definition(key="sciatica")).encode(), "key", "AcuJournal ships"),
    ],
)
def test_unreadable_files_and_shipped_keys_are_refused(
    db: Database, tmp_path: Path, content: bytes, field: str, message: str
) -> None:
    path = tmp_path / "neck.json"
    path.write_bytes(content)
    [problem] = refused(db, path).problems
    assert problem.field == field
    assert message in problem.message
    assert [q.key for q in available_questionnaires(db)] == ["sciatica"]


def test_a_missing_file_is_named(db: Database, tmp_path: Path) -> None:
    [problem] = refused(db, tmp_path / "nowhere.json").problems
    assert (problem.field, problem.message) == ("(file)", "there is no such file")


def test_the_clinic_default_questionnaire_is_a_setting(db: Database) -> None:
    assert get_default_questionnaire(db) == "sciatica"
    assert get_default_questionnaire(None) == "sciatica"
    with pytest.raises(ValidationError, match="there is no questionnaire"):
        set_default_questionnaire(db, "neck_pain")
    add_questionnaire_file(db, NECK_PAIN_FILE)
    set_default_questionnaire(db, "neck_pain")
    assert get_default_questionnaire(db) == "neck_pain"
    with pytest.raises(ValidationError) as caught:
        save_settings(db, ClinicDetails(), [], {}, default_questionnaire="knee")
    assert [p.field for p in caught.value.problems] == ["intake.default_questionnaire"]
    save_settings(db, ClinicDetails(), [], {}, default_questionnaire="sciatica")
    assert get_default_questionnaire(db) == "sciatica"


def test_an_intake_on_a_clinic_questionnaire_is_screened_stored_and_opens_a_case(
    db: Database,
) -> None:
    journal = make_journal(db, "Ola Nordmann")
    add_questionnaire_file(db, NECK_PAIN_FILE)
    questionnaire = newest_questionnaire(db, "neck_pain")
    prepared = prepare_for_patient(
        db,
        questionnaire,
        neck_answers(fever=True, blood_thinners=True),
        source=IntakeSource.APP,
        patient_id=journal.patient.id,
        case_id=None,
        now=SUBMITTED,
    )
    screening = prepared.intake.screening
    assert screening.outcome is ScreeningOutcome.REFER_NOW
    assert screening.red_flags == (RedFlag.FEVER,)
    assert screening.cautions == (Caution.ANTICOAGULANTS,)
    # The neck form asks no cauda equina questions: said so, never taken for a "no".
    assert {"saddle_numbness", "bladder_changes", "foot_drop"} <= set(screening.not_asked)
    assert "saddle_numbness" not in screening.unanswered
    intake = save_intake(db, prepared)
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert (stored.questionnaire_key, stored.questionnaire_version) == ("neck_pain", 1)

    case = open_case_from_intake(db, intake.id)
    assert case.title == "Stiff neck after long days at the computer"
    assert case.side is CaseSide.LEFT


def test_the_pdf_form_of_a_clinic_questionnaire_is_read_back_with_the_journal(
    db: Database,
) -> None:
    journal = make_journal(db, "Ola Nordmann")
    add_questionnaire_file(db, NECK_PAIN_FILE)
    set_default_questionnaire(db, "neck_pain")
    blank = intake_form_pdf(db)  # the clinic's default questionnaire
    questionnaire = newest_questionnaire(db, "neck_pain")
    answers = neck_answers(injury=True, where=["neck", "right_shoulder"])
    filled = fill(blank, form_values(questionnaire, answers))

    with pytest.raises(UnknownFormError, match="neck_pain/1, which this version of AcuJournal"):
        read_form(filled, "ola.pdf")
    # A newer version added since does not stop the older form being read.
    add_questionnaire(db, neck_pain_definition(version=2, title="Revised"))
    form = read_form(filled, "ola.pdf", db)
    assert form.questionnaire.form_id == "neck_pain/1"
    assert form.answers == answers

    prepared = prepare_pdf_intake(db, form, patient_id=journal.patient.id, now=SUBMITTED)
    assert prepared.intake.screening.red_flags == (RedFlag.TRAUMA,)
    contradictions = [i for i in prepared.issues if i.kind.value == "contradictory"]
    assert [i.question for i in contradictions] == ["where"]
    save_intake(db, prepared)
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert stored.source is IntakeSource.PDF
    assert stored.answers["how_bad"] == 6


def test_two_rooms_adding_the_same_questionnaire_at_once_both_succeed(
    db: Database, other_room: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        pytest.skip("a SQLite journal has one writer at a time: its adds cannot overlap")
    original = questionnaires.add_definition

    def other_room_first(*args: Any) -> Any:
        # The other room commits the same version between this room's look and its insert.
        monkeypatch.setattr(questionnaires, "add_definition", original)
        add_questionnaire_file(other_room, NECK_PAIN_FILE)
        return original(*args)

    monkeypatch.setattr(questionnaires, "add_definition", other_room_first)
    added = add_questionnaire_file(db, NECK_PAIN_FILE)
    assert not added.new
    assert [(q.key, q.version) for q in available_questionnaires(db)] == [
        ("sciatica", 1),
        ("neck_pain", 1),
    ]
