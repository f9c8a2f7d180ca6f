"""The acujournal/1 interchange format: lossless round trip, idempotent all-or-nothing import."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Case,
    CaseSide,
    OutcomeMeasurement,
    Patient,
    Practitioner,
    Protocol,
    ProtocolPoint,
    Radiation,
    Severity,
    Side,
    Stimulation,
    StimulationMethod,
    TreatmentSession,
)
from acujournal.resource_files import resource_path
from acujournal.services.interchange import (
    InterchangeError,
    export_document,
    import_document,
    import_file,
    load_file,
    write_export,
)
from acujournal.services.patients import create_patient, list_patients, open_case, set_archived
from acujournal.services.sessions import amend_session, record_session, sign_session
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage.db import Database, database_url, open_database
from acujournal.storage.models import Base, PatientRow
from acujournal.storage.repository import NotFoundError
from tests.builders import mixed_needles, mixed_session

Doc = dict[str, Any]
OSLO = "Europe/Oslo"
NEW_YORK = "America/New_York"


@dataclass
class RichJournal:
    lin: Practitioner
    ola: Practitioner
    unused: Practitioner
    protocol: Protocol
    revised: Protocol
    aase: Patient
    john: Patient
    sciatica: Case
    john_case: Case
    sessions: list[TreatmentSession]


def _session(
    case: Case, practitioner: Practitioner, local: datetime, zone: str, **changes: Any
) -> TreatmentSession:
    return mixed_session(
        case,
        practitioner,
        local,
        time_zone=zone,
        needles=mixed_needles("BL23", ashi_brand="Seirin J"),
        internal_note="Referrer wants a report",
        **changes,
    )


def build_rich_journal(db: Database) -> RichJournal:
    """Drafts and signed sessions, electro 2/100 Hz, Jiaji, Ashi, adverse events, addenda,
    measurements, sessions in two zones across daylight-saving changes."""
    lin = Practitioner(name="Dr Lin Mei", qualification="MSc Acupuncture", years_in_practice=12)
    ola = Practitioner(name="Ola Nordmann", default_needle_brand="Seirin", default_gauge_mm=None)
    unused = Practitioner(name="Zed Unused", active=False)
    protocol = Protocol(
        name="Sciatica basic",
        condition="sciatica",
        points=[
            ProtocolPoint(point="BL40", side=Side.BILATERAL, depth_mm=20, retention_min=25),
            ProtocolPoint(
                point="EX-B2",
                side=Side.LEFT,
                spinal_level="L5",
                stimulation=Stimulation(
                    method=StimulationMethod.ELECTRO, frequency_hz=2, frequency_high_hz=100
                ),
            ),
        ],
        created_at=datetime(2025, 12, 1, 12, tzinfo=UTC),
    )
    revised = Protocol(
        name="Sciatica basic",
        condition="sciatica",
        family_id=protocol.family_id,
        version=2,
        points=[ProtocolPoint(point="ASHI", side=Side.LEFT, region="buttock")],
        created_at=datetime(2026, 2, 1, 12, tzinfo=UTC),
    )
    with unit_of_work(db) as repo:
        for practitioner in (lin, ola, unused):
            repo.add_practitioner(practitioner)
        repo.add_protocol(protocol)
        repo.add_protocol(revised)
    aase = create_patient(
        db, Patient(name="Åse Bjørnstad", birth_date=date(1968, 4, 2), phone="+47 912 34 567")
    )
    john = create_patient(db, Patient(name="John Doe", email="john@example.com", address="1 Main"))
    archived = create_patient(db, Patient(name="Old Patient"))
    set_archived(db, archived.id, True)
    sciatica = open_case(
        db,
        Case(
            patient_id=aase.id,
            title="Left-sided sciatica",
            condition="sciatica",
            side=CaseSide.LEFT,
            radiation=Radiation.CALF,
            numbness=True,
            suspected_cause="L5 disc",
            onset_date=date(2026, 2, 20),
            opened_on=date(2026, 3, 1),
        ),
    )
    john_case = open_case(
        db, Case(patient_id=john.id, title="Neck pain", condition="neck pain", opened_on=None)
    )
    oslo, new_york = ZoneInfo(OSLO), ZoneInfo(NEW_YORK)
    # Europe/Oslo moves to summer time on 2026-03-29; America/New_York on 2026-03-08.
    before_dst = _session(sciatica, lin, datetime(2026, 3, 28, 9, tzinfo=oslo), OSLO)
    after_dst = _session(
        sciatica,
        lin,
        datetime(2026, 3, 30, 9, tzinfo=oslo),
        OSLO,
        protocol_id=protocol.id,
        adverse_events=[
            AdverseEvent(category=AdverseEventCategory.BLEEDING_BRUISING, action="pressure"),
            AdverseEvent(
                category=AdverseEventCategory.FAINTING_NAUSEA,
                severity=Severity.MODERATE,
                description="dizzy after removal",
            ),
        ],
    )
    draft = _session(
        sciatica,
        ola,
        datetime(2026, 4, 2, 14, 30, tzinfo=oslo),
        OSLO,
        sham=True,
        needles_out=None,
        protocol_id=revised.id,
    )
    ny_before = _session(john_case, ola, datetime(2026, 3, 7, 8, tzinfo=new_york), NEW_YORK)
    ny_after = _session(john_case, lin, datetime(2026, 3, 9, 8, tzinfo=new_york), NEW_YORK)
    for session in (before_dst, after_dst, ny_before, ny_after):
        sign_session(db, session, session.practitioner_id)
    record_session(db, draft)
    amend_session(db, after_dst.id, ola.id, "Patient phoned: bruise gone.")
    amend_session(db, after_dst.id, lin.id, "Second addendum\nwith a new line.")
    with unit_of_work(db) as repo:
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=sciatica.id,
                instrument="ODI",
                taken_at=datetime(2026, 3, 28, 8, 45, tzinfo=oslo),
                time_zone=OSLO,
                answers=[2, 3, 1, 0, 2, 3, 1, None, 2, 1],
                score=33.3,
                session_id=before_dst.id,
            )
        )
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=sciatica.id,
                instrument="RMDQ",
                taken_at=datetime(2026, 6, 28, 10, tzinfo=oslo),
                time_zone=OSLO,
                answers=[True, False, True] + [False] * 21,
                score=2,
                note="three-month follow-up",
            )
        )
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=john_case.id,
                instrument="NRS",
                taken_at=datetime(2026, 3, 9, 7, 55, tzinfo=new_york),
                time_zone=NEW_YORK,
                value=5,
            )
        )
    return RichJournal(
        lin, ola, unused, protocol, revised, aase, john, sciatica, john_case,
        [before_dst, after_dst, draft, ny_before, ny_after],
    )  # fmt: skip


@pytest.fixture
def rich(db: Database) -> RichJournal:
    return build_rich_journal(db)


def without_export_time(doc: Doc) -> Doc:
    return {key: value for key, value in doc.items() if key != "exported_at"}


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for "nothing was written" checks."""
    with read_only(db) as repo:
        return {
            table.name: sorted(
                (tuple(row) for row in repo.session.execute(select(table))), key=repr
            )
            for table in Base.metadata.sorted_tables
        }


def sessions_of(doc: Doc) -> list[Doc]:
    return [s for p in doc["patients"] for c in p["cases"] for s in c["sessions"]]


# Round trip ------------------------------------------------------------------------------------
def test_export_import_export_gives_the_same_document(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    first = export_document(db)
    report = import_document(other_db, first)
    second = export_document(other_db)

    assert without_export_time(second) == without_export_time(first)
    # Byte for byte too: the numbers keep their types (25.0 stays 25.0).
    assert json.dumps(without_export_time(second)) == json.dumps(without_export_time(first))
    assert report.added.sessions == 5
    assert report.added.needles == 5 * 4
    assert report.added.adverse_events == 2
    assert report.added.amendments == 2
    assert report.added.measurements == 3
    assert report.skipped.total == 0


def test_the_document_holds_every_kind_of_record(db: Database, rich: RichJournal) -> None:
    doc = export_document(db)
    assert doc["format"] == "acujournal/1"
    assert doc["generator"].startswith("AcuJournal ")
    assert [p["name"] for p in doc["practitioners"]] == ["Dr Lin Mei", "Ola Nordmann", "Zed Unused"]
    assert [p["version"] for p in doc["protocols"]] == [1, 2]
    assert [p["name"] for p in doc["patients"]] == ["John Doe", "Old Patient", "Åse Bjørnstad"]
    after_dst = sessions_of(doc)[3]
    electro = after_dst["needles"][1]
    assert electro["point"] == "EX-B2"
    assert electro["spinal_level"] == "L4"
    assert electro["stimulation"] == {
        "method": "electro",
        "frequency_hz": 2.0,
        "frequency_high_hz": 100.0,
        "intensity_ma": 1.5,
        "waveform": "dense-disperse",
    }
    assert after_dst["needles"][2]["region"] == "buttock"
    assert [a["text"] for a in after_dst["amendments"]] == [
        "Patient phoned: bruise gone.",
        "Second addendum\nwith a new line.",
    ]
    assert after_dst["status"] == "signed"
    assert sessions_of(doc)[4]["status"] == "draft"
    odi = doc["patients"][2]["cases"][0]["measurements"][0]
    assert odi["answers"] == [2, 3, 1, 0, 2, 3, 1, None, 2, 1]
    assert odi["session_id"] == sessions_of(doc)[2]["id"]


def test_session_times_are_written_in_local_time_across_dst(
    db: Database, rich: RichJournal
) -> None:
    doc = export_document(db)
    started = {s["id"]: (s["started_at"], s["time_zone"]) for s in sessions_of(doc)}
    before, after, draft, ny_before, ny_after = (started[str(s.id)] for s in rich.sessions)
    assert before == ("2026-03-28T09:00:00+01:00", OSLO)
    assert after == ("2026-03-30T09:00:00+02:00", OSLO)
    assert draft == ("2026-04-02T14:30:00+02:00", OSLO)
    assert ny_before == ("2026-03-07T08:00:00-05:00", NEW_YORK)
    assert ny_after == ("2026-03-09T08:00:00-04:00", NEW_YORK)


def test_sessions_are_ordered_by_start_even_across_zones(db: Database, rich: RichJournal) -> None:
    doc = export_document(db)
    for patient in doc["patients"]:
        for case in patient["cases"]:
            moments = [datetime.fromisoformat(s["started_at"]) for s in case["sessions"]]
            assert moments == sorted(moments)


def test_export_matches_the_json_schema(db: Database, rich: RichJournal) -> None:
    schema = json.loads(resource_path("schema", "acujournal-1.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    doc = export_document(db)
    assert list(validator.iter_errors(doc)) == []
    # The schema is strict: a misspelt key is caught by it too.
    sessions_of(doc)[0]["pain_befor"] = {"back": 1, "leg": 1}
    assert not validator.is_valid(doc)


def test_schema_enums_follow_the_model() -> None:
    from acujournal.domain import model

    schema = json.loads(resource_path("schema", "acujournal-1.schema.json").read_text("utf-8"))
    defs = schema["$defs"]
    assert defs["needle"]["properties"]["side"]["enum"] == [s.value for s in model.Side]
    assert defs["adverse_event"]["properties"]["category"]["enum"] == [
        c.value for c in model.AdverseEventCategory
    ]
    assert defs["session"]["properties"]["status"]["enum"] == [s.value for s in model.SessionStatus]


def test_patient_export_holds_only_that_patient_and_what_they_point_at(
    db: Database, rich: RichJournal
) -> None:
    doc = export_document(db, rich.john.id)
    assert [p["name"] for p in doc["patients"]] == ["John Doe"]
    # John was treated by both practitioners, never with a protocol.
    assert {p["name"] for p in doc["practitioners"]} == {"Dr Lin Mei", "Ola Nordmann"}
    assert doc["protocols"] == []

    aase = export_document(db, rich.aase.id)
    assert {p["id"] for p in aase["protocols"]} == {str(rich.protocol.id), str(rich.revised.id)}


def test_exporting_an_unknown_patient_is_refused(db: Database, rich: RichJournal) -> None:
    with pytest.raises(NotFoundError, match="No patient"):
        export_document(db, uuid.uuid4())


def test_write_export_writes_utf8_json(db: Database, rich: RichJournal, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "journal.json"
    written = write_export(db, path)
    assert json.loads(path.read_text("utf-8")) == written
    assert "Åse" in path.read_text("utf-8")
    # Written under a temporary name and renamed: nothing else is left behind.
    assert [p.name for p in folder.iterdir()] == ["journal.json"]


def test_the_example_in_the_documentation_imports_and_exports_unchanged(db: Database) -> None:
    text = (Path(__file__).parents[2] / "docs" / "interchange.md").read_text("utf-8")
    example = json.loads(text.split("```json\n")[1].split("```")[0])
    report = import_document(db, example)
    assert report.added.sessions == 1
    assert without_export_time(export_document(db)) == without_export_time(example)


# Idempotent import -----------------------------------------------------------------------------
def test_importing_twice_adds_nothing_the_second_time(
    db: Database, rich: RichJournal, other_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "journal.json"
    write_export(db, path)
    first = import_file(other_db, path)
    before = snapshot(other_db)
    second = import_file(other_db, path)

    assert snapshot(other_db) == before
    assert second.added.total == 0
    assert second.skipped == first.added
    assert second.skipped.patients == 3
    assert second.summary() == (
        "Added nothing; skipped 3 practitioners, 2 protocols, 3 patients, 2 cases, 5 sessions "
        "and 3 measurements already in the journal."
    )
    assert first.summary() == (
        "Added 3 practitioners, 2 protocols, 3 patients, 2 cases, 5 sessions and 3 measurements."
    )


def test_a_later_export_adds_only_the_new_session(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    import_document(other_db, export_document(db))
    later = datetime(2026, 4, 9, 9, tzinfo=ZoneInfo(OSLO))
    sign_session(db, _session(rich.sciatica, rich.lin, later, OSLO), rich.lin.id)
    report = import_document(other_db, export_document(db))

    assert report.added.sessions == 1
    assert report.added.needles == 4
    assert report.skipped.sessions == 5
    assert report.added.patients == 0
    # The patient list puts Åse first again: her last visit moved with the new session.
    assert list_patients(other_db)[0].last_visit_at == later
    assert without_export_time(export_document(other_db)) == without_export_time(
        export_document(db)
    )


def test_imported_patients_get_their_last_visit(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    import_document(other_db, export_document(db))
    with read_only(other_db) as repo:
        row = repo.session.get(PatientRow, rich.aase.id)
        assert row is not None
        assert row.last_visit_at == rich.sessions[2].started_at
        assert row.version == 1


def renew_ids(value: Any, renewed: dict[str, str]) -> None:
    """Give every record inside ``value`` a fresh id, keeping references between them."""
    if isinstance(value, dict):
        for key in ("id", "session_id"):
            if isinstance(value.get(key), str):
                value[key] = renewed.setdefault(value[key], str(uuid.uuid4()))
        for item in value.values():
            renew_ids(item, renewed)
    elif isinstance(value, list):
        for item in value:
            renew_ids(item, renewed)


def test_references_may_point_at_records_already_in_the_journal(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    import_document(other_db, export_document(db))
    doc = export_document(db, rich.aase.id)
    # A copy of Åse's record under new ids, whose practitioners and protocols are not in the
    # file: they are found in the journal.
    doc["practitioners"], doc["protocols"] = [], []
    renew_ids(doc["patients"], {})
    report = import_document(other_db, doc)
    assert report.added.patients == 1
    assert report.added.sessions == 3
    assert report.skipped.total == 0


# Refused files -----------------------------------------------------------------------------------
def refused(db: Database, doc: object) -> InterchangeError:
    """Import ``doc``, expecting a refusal that leaves the journal exactly as it was."""
    before = snapshot(db)
    with pytest.raises(InterchangeError) as caught:
        import_document(db, doc)
    assert snapshot(db) == before
    return caught.value


def test_a_bad_value_is_named_by_its_json_path(db: Database, rich: RichJournal) -> None:
    doc = export_document(db)
    sessions_of(doc)[3]["needles"][0]["depth_mm"] = 400
    error = refused(db, doc)
    assert (
        "patients[2].cases[0].sessions[1].needles[0].depth_mm: "
        "400 mm is outside the allowed range 0.5-150 mm"
    ) in str(error)


def mutate(path: str, value: object) -> Callable[[Doc], None]:
    """Set the value at a dotted path (``[n]`` for list items); DELETE removes the key."""

    def apply(doc: Doc) -> None:
        parts = path.replace("[", ".").replace("]", "").split(".")
        target: Any = doc
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return apply


DELETE = object()
S = "patients[2].cases[0].sessions[1]"  # Åse's signed session after the DST change
N = f"{S}.needles[1]"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (mutate("format", "acujournal/2"), 'format: "acujournal/2" is not acujournal/1'),
        (mutate("format", "something"), "format: this is not an AcuJournal file"),
        (mutate(f"{S}.pain_befor", {}), f"{S}.pain_befor: is not a field of acujournal/1"),
        (mutate(f"{S}.sham", DELETE), f"{S}: lacks sham"),
        (mutate(f"{S}.needles_in", "16"), f"{S}.needles_in: must be a whole number, not text"),
        (mutate(f"{S}.pain_before.back", 11), f"{S}.pain_before.back: 11 is outside"),
        (mutate(f"{S}.started_at", "2026-03-30T09:00:00"), f"{S}.started_at: must include a time"),
        (mutate(f"{S}.started_at", "yesterday"), f'{S}.started_at: "yesterday" is not a date'),
        (mutate(f"{S}.time_zone", "Europe/Olso"), f'{S}.time_zone: "Europe/Olso" is not a known'),
        (mutate(f"{S}.notes.plan", "a\x00b"), f"{S}.notes.plan: contains a NUL character"),
        (mutate(f"{S}.notes.plan", "\ud800"), f"{S}.notes.plan: contains a lone surrogate"),
        (mutate(f"{S}.notes.plan", "x" * 1_000_001), f"{S}.notes.plan: is 1000001 characters"),
        (mutate("patients[0].name", "x" * 201), "patients[0].name: is 201 characters long"),
        (mutate("patients[0].name", " "), "patients[0].name: must not be empty"),
        (mutate("patients[0].birth_date", "1968-02-30"), 'patients[0].birth_date: "1968-02-30"'),
        (mutate(f"{S}.id", "not-a-uuid"), f'{S}.id: "not-a-uuid" is not an id'),
        (mutate(f"{S}.status", "final"), f'{S}.status: "final" is not one of draft, signed'),
        (mutate(f"{N}.spinal_level", None), f"{N}.spinal_level: EX-B2 needs a spinal level"),
        (mutate(f"{N}.point", "UB40"), f'{N}.point: write the point as "BL40"'),
        (
            mutate(f"{N}.stimulation.frequency_hz", 1e400),
            f"{N}.stimulation.frequency_hz: must be a finite",
        ),
        (mutate(f"{N}.depth_mm", True), f"{N}.depth_mm: must be a number or null, not true/false"),
        (mutate(f"{S}.needles_out", 10), f"{S}.needles_out: 5 in, 10 out"),
        (mutate(f"{S}.signed_by", None), f"{S}.signed_by: a signed session needs its signer"),
        (mutate(f"{S}.co_interventions", ["cupping", 3]), f"{S}.co_interventions[1]: must be text"),
        (mutate(f"{S}.needles", {}), f"{S}.needles: must be a list, not an object"),
        (mutate("patients[2].cases[0]", []), "patients[2].cases[0]: must be an object, not a list"),
        (mutate("protocols[0].points", []), "protocols[0].points: a protocol needs at least one"),
        (mutate("protocols[1].version", 1), "protocols[1].version: version 1 of this protocol"),
        (
            mutate("patients[2].cases[0].measurements[0].answers", [[[[[[[[[[1]]]]]]]]]]),
            "patients[2].cases[0].measurements[0].answers: nests deeper than 8",
        ),
        (
            mutate(f"{S}.practitioner_id", "00000000-0000-4000-8000-000000000000"),
            f"{S}.practitioner_id: no practitioner 00000000-0000-4000-8000-000000000000",
        ),
        (
            mutate(f"{S}.protocol_id", "00000000-0000-4000-8000-000000000000"),
            f"{S}.protocol_id: no protocol",
        ),
    ],
)
# Each case is refused by validation, before the journal plays any part; refusals by a
# journal on PostgreSQL are checked by the tests around this one.
@pytest.mark.sqlite_suffices
def test_malformed_files_are_refused_with_the_path_and_nothing_written(
    db: Database,
    rich: RichJournal,
    other_db: Database,
    change: Callable[[Doc], None],
    expected: str,
) -> None:
    doc = export_document(db)
    change(doc)
    assert expected in str(refused(other_db, doc))
    # The target journal held data already: still untouched.
    assert expected in str(refused(db, doc))


def test_duplicate_ids_are_refused(db: Database, rich: RichJournal, other_db: Database) -> None:
    doc = export_document(db)
    case = doc["patients"][2]["cases"][0]
    case["sessions"].append(copy.deepcopy(case["sessions"][0]))
    doc["practitioners"].append(copy.deepcopy(doc["practitioners"][0]))
    message = str(refused(other_db, doc))
    assert f"patients[2].cases[0].sessions[3].id: {case['sessions'][0]['id']} is used twice" in (
        message
    )
    assert "also by patients[2].cases[0].sessions[0]" in message
    assert "practitioners[3].id:" in message


def test_a_measurement_must_point_at_a_session_of_its_own_case(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    doc = export_document(db)
    john_session = doc["patients"][0]["cases"][0]["sessions"][0]["id"]
    doc["patients"][2]["cases"][0]["measurements"][0]["session_id"] = john_session
    assert f"session {john_session} belongs to another case" in str(refused(other_db, doc))


def test_a_draft_with_addenda_or_a_signer_is_refused(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    doc = export_document(db)
    signed = sessions_of(doc)[3]
    signed["status"] = "draft"
    message = str(refused(other_db, doc))
    assert "a draft has no signer or signing time" in message
    assert "only signed sessions take addenda" in message


def test_ids_taken_in_the_journal_by_other_records_are_refused(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    import_document(other_db, export_document(db))
    doc = export_document(db)
    session = sessions_of(doc)[3]
    session["id"] = str(uuid.uuid4())  # a new session reusing stored adverse event ids
    doc["protocols"][1]["id"] = str(uuid.uuid4())  # a new row for a stored family and version
    message = str(refused(other_db, doc))
    assert f"{S}.adverse_events[0].id: {session['adverse_events'][0]['id']} is already used" in (
        message
    )
    assert "protocols[1].version: the journal already has version 2" in message


def test_the_message_shows_ten_problems_and_counts_the_rest(
    db: Database, rich: RichJournal, other_db: Database
) -> None:
    doc = export_document(db)
    for session in sessions_of(doc):
        for needle in session["needles"]:
            needle["depth_mm"] = "deep"
    error = refused(other_db, doc)
    assert len(error.problems) == 20
    assert str(error).startswith("20 problems, nothing was imported: patients[")
    assert str(error).endswith("; and 10 more")
    assert "\n" not in str(error)


def test_not_an_object_is_refused(other_db: Database) -> None:
    assert "(document): must be an object, not a list" in str(refused(other_db, []))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe{}", "is not UTF-8 text"),
        (b'{"format": "acujournal/1",', "is not valid JSON (Expecting property name"),
        (b'{"value": NaN}', "NaN is not a number JSON allows"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
        (b"", "is not valid JSON"),
    ],
)
def test_files_that_are_not_utf8_json_are_refused(
    tmp_path: Path, other_db: Database, content: bytes, expected: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    before = snapshot(other_db)
    with pytest.raises(InterchangeError) as caught:
        import_file(other_db, path)
    assert str(caught.value).startswith("broken.json: 1 problem, nothing was imported: broken.json")
    assert expected in str(caught.value)
    assert snapshot(other_db) == before


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert load_file(path) == {"a": 1}


# Hostile files ---------------------------------------------------------------------------------
def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON value, as key/index tuples."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "x" * 1_000_001, "\ud800", "2026-03-30T09:00:00", "L4", "BL40"]),
    st.sampled_from(["00000000-0000-4000-8000-000000000000", "Europe/Olso", "draft", "signed"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutations(draw: st.DrawFn, doc: Doc) -> Doc:
    """A valid document with one to three random mutations."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        location = draw(st.sampled_from(_paths(doc)[1:]))
        parent: Any = doc
        for part in location[:-1]:
            parent = parent[part]
        key = location[-1]
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "add_key"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "add_key" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(json_values)
    return doc


@pytest.fixture(scope="module")
def source_document(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    """The rich journal's export, built once for all the generated examples."""
    source = open_database(database_url(tmp_path_factory.mktemp("src") / "j.sqlite3"))
    build_rich_journal(source)
    document = export_document(source)
    source.dispose()
    return document


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_mutations_either_import_or_are_refused_without_writing(
    source_document: Doc, other_db: Database, data: st.DataObject
) -> None:
    doc = data.draw(mutations(source_document))
    before = snapshot(other_db)
    error = _import_or_error(other_db, doc)
    if error is not None:
        assert error.problems
        assert "\n" not in str(error)
        assert snapshot(other_db) == before
    else:
        # Whatever went in, a second import of the same document adds nothing.
        after = snapshot(other_db)
        assert import_document(other_db, doc).added.total == 0
        assert snapshot(other_db) == after


def _import_or_error(db: Database, doc: Doc) -> InterchangeError | None:
    """None when the import succeeds; any exception but InterchangeError fails the test."""
    try:
        import_document(db, doc)
    except InterchangeError as error:
        return error
    return None
