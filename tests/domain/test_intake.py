"""Intake answers: what is missing, unreadable or contradictory; review rules; the alert level."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from acujournal.domain.intake import (
    AlertLevel,
    AnswerIssue,
    IntakeReview,
    IssueKind,
    ReviewDecision,
    ScreeningStatus,
    answer_issues,
    facts_of,
    parse_date_text,
    patient_from_answers,
    review_problems,
    screen_answers,
    suggested_decision,
)
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.domain.screening import (
    Caution,
    RedFlag,
    ScreeningOutcome,
    ScreeningResult,
    Signal,
)
from tests.services.intake_answers import clean_answers

TODAY = date(2026, 3, 30)


def issues(answers: dict[str, object], **kwargs: object) -> list[AnswerIssue]:
    return answer_issues(shipped_questionnaire(), answers, on=TODAY, **kwargs)  # type: ignore[arg-type]


def test_a_complete_form_has_no_issues_and_no_flags() -> None:
    answers = clean_answers()
    assert issues(answers) == []
    result = screen_answers(shipped_questionnaire(), answers, TODAY)
    assert result.outcome is ScreeningOutcome.NO_FLAGS


def test_missing_required_answers_are_named() -> None:
    answers = clean_answers()
    del answers["name"]
    answers["fever"] = None
    answers["complaint"] = ""
    assert issues(answers) == [
        AnswerIssue("name", IssueKind.MISSING, "is not answered"),
        AnswerIssue("complaint", IssueKind.MISSING, "is not answered"),
        AnswerIssue("fever", IssueKind.MISSING, "is not answered"),
    ]


def test_an_empty_form_misses_every_required_answer() -> None:
    found = issues({})
    required = [q.key for q in shipped_questionnaire().questions() if q.required]
    assert [i.question for i in found] == required
    assert {i.kind for i in found} == {IssueKind.MISSING}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("nrs_back", 11, "must be a whole number from 0 to 10"),
        ("nrs_leg", True, "must be a whole number from 0 to 10"),
        ("fever", "yes", "must be yes (true) or no (false)"),
        ("side", "upwards", "'upwards' is not one of left, right, both, central, unknown"),
        ("pain_regions", ["left_wing"], "'left_wing' is not a possible choice"),
        ("worse_with", ["sitting", "sitting"], "names a choice twice"),
        ("birth_date", "2.4.1980", "must be a date written YYYY-MM-DD"),
        ("name", "x" * 201, "is longer than 200 characters"),
        ("odi", [1, 2, None, None, None, 1, 1, 1, 1, 1], "only 7 of 10 sections answered"),
        ("rmdq", [True] * 23, "expected 24 answers, got 23"),
        ("sbi", [1, 2, 3, 7], "must be a whole number from 0 to 6"),
    ],
)
def test_impossible_answers_are_invalid(key: str, value: object, message: str) -> None:
    answers = clean_answers()
    answers[key] = value
    found = issues(answers)
    assert len(found) == 1
    assert found[0].question == key
    assert found[0].kind is IssueKind.INVALID
    assert message in found[0].message


def test_unreadable_writing_is_shown_not_guessed() -> None:
    answers = clean_answers()
    del answers["birth_date"]
    assert issues(answers, unreadable={"birth_date": "spring 1980"}) == [
        AnswerIssue("birth_date", IssueKind.UNREADABLE, 'could not be read: "spring 1980"')
    ]


@pytest.mark.parametrize(
    ("change", "question", "message"),
    [
        ({"both_legs": True}, "side", "pain in both legs is answered yes"),
        ({"radiation": "low_back"}, "nrs_leg", "leg pain is scored above 0"),
        (
            {"duration": "under_2_weeks", "no_improvement": True},
            "no_improvement",
            "less than 2 weeks old",
        ),
        ({"known_causes": ["unknown", "stenosis"]}, "known_causes", '"No cause found'),
        ({"worse_with": ["none", "walking"]}, "worse_with", '"None of these" is ticked together'),
        ({"onset_date": "2026-04-02"}, "onset_date", "2026-04-02 is in the future"),
    ],
)
def test_contradictory_answers_are_flagged(
    change: dict[str, object], question: str, message: str
) -> None:
    answers = clean_answers() | change
    found = [i for i in issues(answers) if i.kind is IssueKind.CONTRADICTORY]
    assert len(found) == 1
    assert found[0].question == question
    assert message in found[0].message


def test_answers_to_unknown_questions_are_listed() -> None:
    answers = clean_answers() | {"favourite_colour": "blue"}
    assert issues(answers) == [
        AnswerIssue(
            "favourite_colour", IssueKind.UNKNOWN, "is not a question of this questionnaire"
        )
    ]


def test_facts_map_answers_to_signals_and_drop_invalid_ones() -> None:
    answers = clean_answers() | {"fever": "maybe"}
    facts = facts_of(shipped_questionnaire(), answers)
    assert facts[Signal.BIRTH_DATE] == date(1980, 4, 2)
    assert facts[Signal.FEVER] is None
    assert facts[Signal.KNOWN_CAUSES] == ["herniated_disc"]
    assert Signal.PREGNANCY in facts


def test_the_patient_record_birth_date_stands_in_for_a_missing_answer() -> None:
    answers = clean_answers()
    del answers["birth_date"]
    questionnaire = shipped_questionnaire()
    assert screen_answers(questionnaire, answers, TODAY).unanswered == ("age_over_50",)
    older = screen_answers(questionnaire, answers, TODAY, birth_date=date(1950, 1, 1))
    assert older.red_flags == (RedFlag.AGE_OVER_50,)


def test_screening_reads_the_shipped_questions() -> None:
    answers = clean_answers() | {
        "saddle_numbness": True,
        "anticoagulants": True,
        "pregnancy": "not_sure",
    }
    result = screen_answers(shipped_questionnaire(), answers, TODAY)
    assert result.red_flags == (RedFlag.SADDLE_NUMBNESS,)
    assert result.cautions == (Caution.ANTICOAGULANTS, Caution.PREGNANCY)
    assert result.emergency


def test_a_new_patient_comes_from_the_contact_answers() -> None:
    patient = patient_from_answers(shipped_questionnaire(), clean_answers())
    assert patient is not None
    assert (patient.name, patient.birth_date, patient.phone) == (
        "Åse Bjørnstad",
        date(1980, 4, 2),
        "+47 912 34 567",
    )
    nameless = clean_answers()
    nameless["name"] = "   "
    assert patient_from_answers(shipped_questionnaire(), nameless) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-30", date(2026, 3, 30)),
        (" 1968-4-2 ", date(1968, 4, 2)),
        ("30.3.2026", date(2026, 3, 30)),
        ("30. 03. 2026", date(2026, 3, 30)),
        ("30 March 2026", date(2026, 3, 30)),
        ("2 apr 1968", date(1968, 4, 2)),
        ("April 2, 1968", date(1968, 4, 2)),
        ("03/04/2026", None),  # day and month could be either way round
        ("2026-02-30", None),
        ("next spring", None),
        ("", None),
    ],
)
def test_dates_are_read_only_when_certain(text: str, expected: date | None) -> None:
    assert parse_date_text(text) == expected


REFER = ScreeningResult(ScreeningOutcome.REFER_NOW, red_flags=(RedFlag.FEVER,))
CAUTION = ScreeningResult(ScreeningOutcome.CAUTION, cautions=(Caution.DIABETES,))
CLEAR = ScreeningResult(ScreeningOutcome.NO_FLAGS)
GAPS = ScreeningResult(ScreeningOutcome.CAUTION, unanswered=("fever",))


def test_referring_out_needs_a_reason() -> None:
    assert [p.field for p in review_problems(CLEAR, ReviewDecision.REFER_OUT, " ")] == [
        "review.reason"
    ]
    assert review_problems(CLEAR, ReviewDecision.REFER_OUT, "To the GP for a check") == []


def test_going_ahead_despite_a_red_flag_needs_a_reason() -> None:
    for decision in (ReviewDecision.ACCEPT, ReviewDecision.ACCEPT_WITH_CAUTION):
        assert review_problems(REFER, decision, "")
        assert review_problems(REFER, decision, "Fever was a cold; GP saw her yesterday") == []
    assert review_problems(CAUTION, ReviewDecision.ACCEPT, "") == []


def test_the_suggested_decision_follows_the_screening() -> None:
    assert suggested_decision(REFER) is ReviewDecision.REFER_OUT
    assert suggested_decision(CAUTION) is ReviewDecision.ACCEPT_WITH_CAUTION
    assert suggested_decision(CLEAR) is ReviewDecision.ACCEPT


def status(screening: ScreeningResult, decision: ReviewDecision | None) -> ScreeningStatus:
    review = (
        None
        if decision is None
        else IntakeReview(decision, uuid.uuid4(), datetime(2026, 3, 30, tzinfo=UTC), "why")
    )
    return ScreeningStatus(
        uuid.uuid4(), uuid.uuid4(), None, datetime(2026, 3, 29, tzinfo=UTC), screening, review
    )


@pytest.mark.parametrize(
    ("screening", "decision", "level"),
    [
        (REFER, None, AlertLevel.REFER),
        (REFER, ReviewDecision.REFER_OUT, AlertLevel.REFER),
        (REFER, ReviewDecision.ACCEPT, AlertLevel.CAUTION),
        (REFER, ReviewDecision.ACCEPT_WITH_CAUTION, AlertLevel.CAUTION),
        (CAUTION, None, AlertLevel.CAUTION),
        (CAUTION, ReviewDecision.ACCEPT, AlertLevel.CAUTION),
        (CAUTION, ReviewDecision.REFER_OUT, AlertLevel.REFER),
        (GAPS, None, AlertLevel.CAUTION),
        (GAPS, ReviewDecision.ACCEPT, None),
        (GAPS, ReviewDecision.ACCEPT_WITH_CAUTION, AlertLevel.CAUTION),
        (CLEAR, None, None),
        (CLEAR, ReviewDecision.ACCEPT, None),
        (CLEAR, ReviewDecision.ACCEPT_WITH_CAUTION, AlertLevel.CAUTION),
        (CLEAR, ReviewDecision.REFER_OUT, AlertLevel.REFER),
    ],
)
def test_alert_level_of_screening_and_review(
    screening: ScreeningResult, decision: ReviewDecision | None, level: AlertLevel | None
) -> None:
    assert status(screening, decision).level is level
