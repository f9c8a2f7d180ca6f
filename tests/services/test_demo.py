"""The demo clinic: deterministic, realistic, valid, and only written into an empty journal."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from statistics import median
from typing import Any

import pytest

from acujournal.domain.intake import (
    AlertLevel,
    IssueKind,
    ReviewDecision,
    answer_issues,
    local_day,
    screen_answers,
)
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.domain.screening import Caution, ScreeningOutcome
from acujournal.services.demo import ClinicNotEmptyError, DemoReport, generate_clinic
from acujournal.services.intake import screening_status
from acujournal.services.interchange import check_document, export_document
from acujournal.services.patients import list_patients
from acujournal.storage.db import Database, database_url, open_database
from tests.builders import make_journal

Doc = dict[str, Any]


def _clinic(folder: Path, name: str, **kwargs: Any) -> tuple[DemoReport, Doc]:
    db = open_database(database_url(folder / f"{name}.sqlite3"))
    try:
        report = generate_clinic(db, **kwargs)
        document = export_document(db)
    finally:
        db.dispose()
    return report, document


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoReport, Doc]:
    """A clinic large enough to hold long-term patients: 120 patients over 7 years."""
    return _clinic(tmp_path_factory.mktemp("demo"), "clinic", patients=120, years=7, seed=3)


def _intakes(document: Doc) -> list[Doc]:
    return [intake for patient in document["patients"] for intake in patient["intakes"]]


def _sessions(document: Doc) -> list[Doc]:
    return [
        session
        for patient in document["patients"]
        for case in patient["cases"]
        for session in case["sessions"]
    ]


def test_same_seed_gives_the_same_clinic_and_another_seed_does_not(tmp_path: Path) -> None:
    first = _clinic(tmp_path, "a", patients=25, years=2, seed=7)
    again = _clinic(tmp_path, "b", patients=25, years=2, seed=7)
    other = _clinic(tmp_path, "c", patients=25, years=2, seed=8)
    for _, document in (first, again):
        del document["exported_at"]
    assert first == again
    assert first[1]["patients"] != other[1]["patients"]
    intakes = [_intakes(document) for _, document in (first, again, other)]
    assert intakes[0], "the clinic has intakes"
    assert intakes[0] == intakes[1], "the same seed gives the same intakes, ids included"
    assert intakes[0] != intakes[2]


def test_the_report_counts_what_was_written(clinic: tuple[DemoReport, Doc]) -> None:
    report, document = clinic
    sessions = _sessions(document)
    assert report.patients == len(document["patients"]) == 120
    assert report.practitioners == len(document["practitioners"])
    assert report.sessions == len(sessions)
    assert report.needles == sum(len(s["needles"]) for s in sessions)
    assert report.adverse_events == sum(len(s["adverse_events"]) for s in sessions)
    assert "120 patients" in report.summary()
    intakes = _intakes(document)
    decisions = Counter(i["reviews"][-1]["decision"] if i["reviews"] else None for i in intakes)
    assert report.intakes == len(intakes) > 0
    assert report.red_flag_intakes == sum(1 for i in intakes if i["screening"]["red_flags"])
    assert report.referred_out == decisions[ReviewDecision.REFER_OUT.value] > 0
    assert report.awaiting_review == decisions[None] > 0
    assert f"{report.intakes} intake questionnaires" in report.summary()
    assert f"{report.red_flag_intakes} with red flags" in report.summary()


def test_every_record_passes_the_import_checks(clinic: tuple[DemoReport, Doc]) -> None:
    """Schema, point catalogue and every validation rule: the demo writes nothing invalid."""
    check_document(clinic[1])


def test_the_clinic_looks_like_a_real_practice(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    assert len(document["practitioners"]) >= 2
    cases = [case for patient in document["patients"] for case in patient["cases"]]
    conditions = Counter(case["condition"] for case in cases)
    assert conditions.most_common(1)[0][0] == "sciatica"
    assert len(conditions) >= 4

    per_patient = [
        sum(len(case["sessions"]) for case in patient["cases"]) for patient in document["patients"]
    ]
    assert max(per_patient) >= 300, "some long-term patients have 300+ sessions"
    course_lengths = [len(case["sessions"]) for case in cases if len(case["sessions"]) < 30]
    assert 6 <= median(course_lengths) <= 12

    sessions = _sessions(document)
    statuses = Counter(session["status"] for session in sessions)
    assert statuses["signed"] > 0.95 * len(sessions)
    assert 0 < statuses["draft"] < 0.05 * len(sessions)
    with_events = sum(1 for s in sessions if s["adverse_events"])
    assert 0.03 < with_events / len(sessions) < 0.15, "adverse events near the published 7.6 %"
    hours = Counter(
        datetime.fromisoformat(s["started_at"]).hour for s in sessions if s["status"] == "signed"
    )
    assert min(hours) >= 7, "sessions fall in working hours, local time"
    assert max(hours) <= 19, "sessions fall in working hours, local time"
    measured = {
        m["instrument"] for p in document["patients"] for c in p["cases"] for m in c["measurements"]
    }
    assert {"ODI", "NRS_LEG"} <= measured


def test_pain_falls_over_most_courses(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    improved = total = 0
    for patient in document["patients"]:
        for case in patient["cases"]:
            scored = [s for s in case["sessions"] if s["pain_before"]["back"] is not None]
            if len(scored) < 6:
                continue
            total += 1
            improved += scored[-1]["pain_before"]["back"] <= scored[0]["pain_before"]["back"] - 2
    assert total > 20
    assert 0.5 < improved / total < 0.95, "most respond, some do not"


def test_records_stop_before_the_end_date(tmp_path: Path) -> None:
    _, document = _clinic(tmp_path, "end", patients=10, years=1, end=date(2024, 3, 1))
    latest = max(datetime.fromisoformat(s["started_at"]) for s in _sessions(document))
    assert latest.date() < date(2024, 3, 1)
    assert latest.date() > date(2023, 3, 1)


def test_a_journal_with_patients_is_refused_untouched(db: Database) -> None:
    make_journal(db, "Ada Existing")
    with pytest.raises(ClinicNotEmptyError, match="already holds patients"):
        generate_clinic(db, patients=5, years=1)
    assert [p.name for p in list_patients(db, include_archived=True)] == ["Ada Existing"]


@pytest.mark.parametrize(("patients", "years"), [(0, 1), (5, 0), (5, 31)])
def test_unsupported_sizes_are_refused_with_the_limit(
    db: Database, patients: int, years: int
) -> None:
    with pytest.raises(ValueError, match="demo clinic"):
        generate_clinic(db, patients=patients, years=years)


def test_progress_is_reported_up_to_the_last_patient(db: Database) -> None:
    calls: list[tuple[int, int]] = []
    generate_clinic(
        db, patients=12, years=1, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (12, 12)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


# Intakes ------------------------------------------------------------------------------------


def test_every_sciatica_course_starts_with_an_intake_that_agrees_with_it(
    clinic: tuple[DemoReport, Doc],
) -> None:
    _, document = clinic
    courses = 0
    for patient in document["patients"]:
        by_case = Counter(i["case_id"] for i in patient["intakes"])
        for case in patient["cases"]:
            if case["condition"] != "sciatica":
                continue
            courses += 1
            intake = next(i for i in patient["intakes"] if i["case_id"] == case["id"])
            answers, first = intake["answers"], case["sessions"][0]
            submitted = datetime.fromisoformat(intake["submitted_at"])
            review = intake["reviews"][0]
            reviewed = datetime.fromisoformat(review["reviewed_at"])
            started = datetime.fromisoformat(first["started_at"])
            assert submitted < reviewed < started
            assert 1 <= (started.date() - submitted.date()).days <= 10, "a few days before"
            assert (reviewed.date() - submitted.date()).days == 1, "reviewed a day later"
            assert intake["source"] in ("app", "pdf")
            assert review["decision"] != ReviewDecision.REFER_OUT.value
            assert answers["name"] == patient["name"]
            assert answers["birth_date"] == patient["birth_date"]
            assert answers["side"] == case["side"]
            assert answers["numbness"] == case["numbness"]
            assert answers.get("onset_date", case["onset_date"]) == case["onset_date"]
            assert answers.get("radiation", case["radiation"]) == case["radiation"]
            assert answers["nrs_back"] == first["pain_before"]["back"]
            assert answers["nrs_leg"] == first["pain_before"]["leg"]
            assert by_case[case["id"]] <= 2, "the first intake, and at most one handed in since"
    assert courses > 50
    assert len(_intakes(document)) >= courses


def test_the_stored_screening_is_what_the_rules_give(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    questionnaire = shipped_questionnaire("sciatica")
    for patient in document["patients"]:
        born = date.fromisoformat(patient["birth_date"])
        for intake in patient["intakes"]:
            day = local_day(datetime.fromisoformat(intake["submitted_at"]), intake["time_zone"])
            answers = intake["answers"]
            found = screen_answers(questionnaire, answers, day, birth_date=born)
            assert intake["screening"] == {
                "outcome": found.outcome.value,
                "red_flags": [flag.value for flag in found.red_flags],
                "cautions": [caution.value for caution in found.cautions],
                "unanswered": list(found.unanswered),
            }
            # Realistic answers: nothing invalid or contradictory, at most a skipped question.
            issues = answer_issues(questionnaire, answers, on=day)
            assert {issue.kind for issue in issues} <= {IssueKind.MISSING}, issues


def test_reviews_follow_the_screening(clinic: tuple[DemoReport, Doc]) -> None:
    _, document = clinic
    practitioners = {p["id"] for p in document["practitioners"]}
    reviewed = [i for i in _intakes(document) if i["reviews"]]
    decisions = Counter(i["reviews"][-1]["decision"] for i in reviewed)
    assert decisions[ReviewDecision.ACCEPT.value] > 0.6 * len(reviewed), "most are accepted"
    cautious = [i for i in reviewed if i["screening"]["cautions"]]
    assert 0.08 < len(cautious) / len(reviewed) < 0.25, "about 15 % with needling cautions"
    assert 0 < decisions[ReviewDecision.REFER_OUT.value] < 0.05 * len(reviewed)
    for intake in reviewed:
        review = intake["reviews"][-1]
        screening = intake["screening"]
        assert review["reviewer_id"] in practitioners
        if review["decision"] == ReviewDecision.REFER_OUT.value:
            assert screening["outcome"] == ScreeningOutcome.REFER_NOW.value
            assert review["reason"]
        elif screening["cautions"]:
            assert review["decision"] == ReviewDecision.ACCEPT_WITH_CAUTION.value
            assert review["reason"]
        elif screening["red_flags"]:
            assert review["reason"], "going ahead despite a red flag says why"


def test_referred_out_patients_have_no_sessions_after_the_referral(
    clinic: tuple[DemoReport, Doc],
) -> None:
    _, document = clinic
    referred = 0
    for patient in document["patients"]:
        sessions = [s for case in patient["cases"] for s in case["sessions"]]
        for intake in patient["intakes"]:
            review = intake["reviews"][-1] if intake["reviews"] else None
            if review is None or review["decision"] != ReviewDecision.REFER_OUT.value:
                continue
            referred += 1
            assert intake["case_id"] is None, "no case is opened for a referred patient"
            when = datetime.fromisoformat(review["reviewed_at"])
            assert all(datetime.fromisoformat(s["started_at"]) < when for s in sessions)
    assert referred > 0


def test_no_electro_acupuncture_for_a_patient_with_a_pacemaker(
    clinic: tuple[DemoReport, Doc],
) -> None:
    _, document = clinic
    checked = 0
    for patient in document["patients"]:
        cases = {case["id"]: case for case in patient["cases"]}
        for intake in patient["intakes"]:
            if Caution.PACEMAKER_OR_IMPLANT.value not in intake["screening"]["cautions"]:
                continue
            if intake["case_id"] in cases:
                checked += 1
                needles = [n for s in cases[intake["case_id"]]["sessions"] for n in s["needles"]]
                assert all(n["stimulation"]["method"] != "electro" for n in needles)
    assert checked > 0


def test_a_patient_seen_lately_shows_an_unreviewed_red_flag(db: Database) -> None:
    """The red banner has something to show in a demo: near the top of the patient list."""
    generate_clinic(db, patients=40, years=2, seed=5)
    shown = [screening_status(db, p.id) for p in list_patients(db)[:5]]
    waiting = [s for s in shown if s is not None and s.review is None and s.screening.red_flags]
    assert waiting
    assert all(s.level is AlertLevel.REFER for s in waiting)
