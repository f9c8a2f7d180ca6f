"""Screening rules, one by one: every red flag refers now, every caution says which."""

from __future__ import annotations

from datetime import date

import pytest

from acujournal.domain.screening import (
    CAUTION_LABELS,
    CAUTION_RULES,
    NOT_ASKED,
    RED_FLAG_GROUPS,
    RED_FLAG_LABELS,
    RED_FLAG_RULES,
    Caution,
    RedFlag,
    RedFlagGroup,
    ScreeningOutcome,
    Signal,
    age_in_years,
    label_of,
    screen,
)

TODAY = date(2026, 3, 30)

# Red flags answered by one yes/no question of the same name.
PLAIN_FLAGS = [flag for flag in RedFlag if flag not in (RedFlag.AGE_OVER_50, RedFlag.BOTH_LEGS)]


def all_clear() -> dict[Signal, object]:
    """Facts of a patient who answered every screening question with no."""
    facts: dict[Signal, object] = dict.fromkeys(Signal, False)
    facts[Signal.BIRTH_DATE] = date(1980, 6, 1)
    facts[Signal.PAIN_REGIONS] = ["low_back", "left_buttock", "left_thigh", "left_calf"]
    facts[Signal.PREGNANCY] = "no"
    facts[Signal.KNOWN_CAUSES] = ["herniated_disc"]
    return facts


def test_all_no_means_no_flags() -> None:
    result = screen(all_clear(), TODAY)
    assert result.outcome is ScreeningOutcome.NO_FLAGS
    assert result.red_flags == result.cautions == result.unanswered == result.not_asked == ()


@pytest.mark.parametrize("flag", PLAIN_FLAGS, ids=str)
def test_each_red_flag_question_answered_yes_refers_now(flag: RedFlag) -> None:
    facts = all_clear()
    facts[Signal(flag.value)] = True
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.REFER_NOW
    assert result.red_flags == (flag,)
    assert result.cautions == ()


@pytest.mark.parametrize("flag", PLAIN_FLAGS, ids=str)
def test_each_red_flag_question_left_empty_is_not_a_pass(flag: RedFlag) -> None:
    facts = all_clear()
    facts[Signal(flag.value)] = None
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.CAUTION
    assert result.unanswered == (flag.value,)


def test_both_legs_answered_yes_refers_now() -> None:
    facts = all_clear()
    facts[Signal.BOTH_LEGS] = True
    result = screen(facts, TODAY)
    assert result.red_flags == (RedFlag.BOTH_LEGS,)
    assert result.emergency


def test_both_legs_marked_on_the_body_chart_refers_now_even_after_a_no() -> None:
    facts = all_clear()
    facts[Signal.PAIN_REGIONS] = ["low_back", "left_calf", "right_foot"]
    result = screen(facts, TODAY)
    assert result.red_flags == (RedFlag.BOTH_LEGS,)


def test_both_buttocks_are_not_both_legs() -> None:
    facts = all_clear()
    facts[Signal.PAIN_REGIONS] = ["left_buttock", "right_buttock", "left_thigh"]
    assert screen(facts, TODAY).outcome is ScreeningOutcome.NO_FLAGS


def test_one_leg_marked_does_not_answer_the_both_legs_question() -> None:
    facts = all_clear()
    facts[Signal.BOTH_LEGS] = None
    facts[Signal.PAIN_REGIONS] = ["left_thigh"]
    assert screen(facts, TODAY).unanswered == ("both_legs",)


@pytest.mark.parametrize(
    ("born", "flagged"),
    [
        (date(1975, 3, 30), True),  # 51 today
        (date(1975, 3, 31), False),  # 51 tomorrow: 50 today
        (date(1976, 3, 30), False),  # exactly 50 is not over 50
        (date(1940, 1, 1), True),
        (date(2001, 1, 1), False),
    ],
)
def test_age_over_50_counts_whole_years_on_the_day_of_the_intake(born: date, flagged: bool) -> None:
    facts = all_clear()
    facts[Signal.BIRTH_DATE] = born
    result = screen(facts, TODAY)
    assert (RedFlag.AGE_OVER_50 in result.red_flags) is flagged


def test_an_unknown_birth_date_leaves_the_age_flag_unanswered() -> None:
    facts = all_clear()
    facts[Signal.BIRTH_DATE] = None
    assert screen(facts, TODAY).unanswered == ("age_over_50",)


def test_a_birth_date_in_the_future_is_not_an_age() -> None:
    facts = all_clear()
    facts[Signal.BIRTH_DATE] = date(2030, 1, 1)
    assert screen(facts, TODAY).unanswered == ("age_over_50",)


def test_age_in_years_counts_from_the_birthday() -> None:
    assert age_in_years(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_in_years(date(2000, 2, 29), date(2026, 3, 1)) == 26


@pytest.mark.parametrize(
    ("signal", "caution"),
    [
        (Signal.ANTICOAGULANTS, Caution.ANTICOAGULANTS),
        (Signal.BLEEDING_DISORDER, Caution.ANTICOAGULANTS),
        (Signal.PACEMAKER_OR_IMPLANT, Caution.PACEMAKER_OR_IMPLANT),
        (Signal.DIABETES, Caution.DIABETES),
        (Signal.NEEDLE_FEAR, Caution.NEEDLE_FEAR_OR_FAINTING),
        (Signal.FAINTING, Caution.NEEDLE_FEAR_OR_FAINTING),
    ],
    ids=str,
)
def test_each_safety_question_answered_yes_gives_its_caution(
    signal: Signal, caution: Caution
) -> None:
    facts = all_clear()
    facts[signal] = True
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.CAUTION
    assert result.cautions == (caution,)
    assert result.red_flags == ()


def test_a_pacemaker_rules_out_electro_acupuncture() -> None:
    facts = all_clear()
    assert not screen(facts, TODAY).electro_contraindicated
    facts[Signal.PACEMAKER_OR_IMPLANT] = True
    assert screen(facts, TODAY).electro_contraindicated


@pytest.mark.parametrize(("answer", "cautious"), [("yes", True), ("not_sure", True), ("no", False)])
def test_pregnancy_or_possible_pregnancy_gives_the_caution(answer: str, cautious: bool) -> None:
    facts = all_clear()
    facts[Signal.PREGNANCY] = answer
    assert (Caution.PREGNANCY in screen(facts, TODAY).cautions) is cautious


def test_a_choice_outside_yes_no_not_sure_is_no_pregnancy() -> None:
    facts = all_clear()
    facts[Signal.PREGNANCY] = "not_applicable"
    assert screen(facts, TODAY).outcome is ScreeningOutcome.NO_FLAGS


def test_diabetes_as_a_known_cause_gives_the_caution_even_after_a_no() -> None:
    facts = all_clear()
    facts[Signal.KNOWN_CAUSES] = ["stenosis", "diabetes"]
    assert screen(facts, TODAY).cautions == (Caution.DIABETES,)


def test_unanswered_safety_question_is_caution_not_no_flags() -> None:
    facts = all_clear()
    facts[Signal.ANTICOAGULANTS] = None
    facts[Signal.BLEEDING_DISORDER] = None
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.CAUTION
    assert result.unanswered == ("anticoagulants",)


def test_a_red_flag_outranks_cautions_and_gaps() -> None:
    facts = all_clear()
    facts[Signal.FEVER] = True
    facts[Signal.DIABETES] = True
    facts[Signal.STEROIDS] = None
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.REFER_NOW
    assert result.red_flags == (RedFlag.FEVER,)
    assert result.cautions == (Caution.DIABETES,)
    assert result.unanswered == ("steroids",)
    assert result.red_flag_groups == (RedFlagGroup.INFECTION,)
    assert not result.emergency


def test_questions_a_questionnaire_does_not_ask_are_listed_not_flagged() -> None:
    facts = all_clear()
    for signal in (Signal.SADDLE_NUMBNESS, Signal.BLADDER_CHANGES):
        del facts[signal]
    result = screen(facts, TODAY)
    assert result.outcome is ScreeningOutcome.NO_FLAGS
    assert result.not_asked == ("saddle_numbness", "bladder_changes")


def test_rules_return_not_asked_for_an_empty_questionnaire() -> None:
    rules = [*RED_FLAG_RULES.values(), *CAUTION_RULES.values()]
    assert all(rule({}, TODAY) is NOT_ASKED for rule in rules)


def test_answers_of_the_wrong_type_count_as_unanswered() -> None:
    facts = all_clear()
    facts[Signal.FEVER] = "yes"
    assert screen(facts, TODAY).unanswered == ("fever",)


def test_every_flag_has_a_rule_a_group_and_a_label() -> None:
    assert set(RED_FLAG_RULES) == set(RedFlag) == set(RED_FLAG_GROUPS) == set(RED_FLAG_LABELS)
    assert set(CAUTION_RULES) == set(Caution) == set(CAUTION_LABELS)
    assert label_of("saddle_numbness").startswith("numbness in the saddle area")
    assert label_of("pacemaker_or_implant").endswith("no electro-acupuncture")
    assert label_of("something_else") == "something else"
