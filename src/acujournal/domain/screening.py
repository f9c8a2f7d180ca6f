"""Screening of intake answers: refer now, proceed with caution, or no flags.

Pure rules, one per red flag and one per needling-safety caution, following the clinical notes
in the design folder. A rule reads *facts*: the answers of an intake questionnaire keyed by
the screening :class:`Signal` each question feeds (``acujournal.domain.intake`` builds them).
A fact is present with ``None`` when the question was asked but left unanswered, and absent
when the questionnaire does not ask it at all.

Safety first, in three ways:

- one "yes" to any red flag means *refer now*, whatever else was answered;
- "no flags" is said only when every screening question that was asked was answered "no": an
  unanswered red-flag or caution question makes the result *caution* ("ask about ..."), never a
  silent pass;
- facts that point at a flag from two directions count either way: pain marked on both legs
  of the body chart raises "pain in both legs" even when that question was answered "no".

The result is the automatic screening only; the practitioner's review decision (accept,
accept with caution, refer out) is recorded separately and never rewrites it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

# The body-chart regions of a leg: pain marked on any of these on both sides is pain in both
# legs. The buttocks are not legs.
LEG_PARTS = ("thigh", "knee", "calf", "foot")
AGE_LIMIT = 50
"""A patient older than this many whole years carries the "age over 50" flag."""


class Signal(StrEnum):
    """What a questionnaire question may feed into screening (its ``screen`` tag)."""

    BIRTH_DATE = "birth_date"
    PAIN_REGIONS = "pain_regions"
    BOTH_LEGS = "both_legs"
    SADDLE_NUMBNESS = "saddle_numbness"
    BLADDER_CHANGES = "bladder_changes"
    BOWEL_INCONTINENCE = "bowel_incontinence"
    PROGRESSIVE_WEAKNESS = "progressive_weakness"
    FOOT_DROP = "foot_drop"
    CANCER_HISTORY = "cancer_history"
    WEIGHT_LOSS = "weight_loss"
    NO_IMPROVEMENT = "no_improvement"
    NIGHT_PAIN = "night_pain"
    FEVER = "fever"
    IV_DRUG_USE = "iv_drug_use"
    IMMUNOSUPPRESSION = "immunosuppression"
    URINARY_INFECTION = "urinary_infection"
    TRAUMA = "trauma"
    OSTEOPOROSIS = "osteoporosis"
    STEROIDS = "steroids"
    ANTICOAGULANTS = "anticoagulants"
    BLEEDING_DISORDER = "bleeding_disorder"
    PACEMAKER_OR_IMPLANT = "pacemaker_or_implant"
    PREGNANCY = "pregnancy"
    DIABETES = "diabetes"
    KNOWN_CAUSES = "known_causes"
    NEEDLE_FEAR = "needle_fear"
    FAINTING = "fainting"


SIGNAL_KINDS: dict[Signal, str] = dict.fromkeys(Signal, "yes_no") | {
    Signal.BIRTH_DATE: "date",
    Signal.PAIN_REGIONS: "body_regions",
    Signal.PREGNANCY: "choice",
    Signal.KNOWN_CAUSES: "multi_choice",
}
"""The question kind (``acujournal.domain.questionnaire.QuestionKind`` value) each signal
needs, so a questionnaire cannot feed a date into a yes/no rule."""

PREGNANCY_YES = "yes"
PREGNANCY_NOT_SURE = "not_sure"
PREGNANCY_NO = "no"
KNOWN_CAUSE_DIABETES = "diabetes"
SIGNAL_CHOICES: dict[Signal, tuple[str, ...]] = {
    Signal.PREGNANCY: (PREGNANCY_YES, PREGNANCY_NO, PREGNANCY_NOT_SURE),
}
"""Choice values a choice signal must offer, because the rules read them."""


class RedFlagGroup(StrEnum):
    """What a red flag may point at."""

    CAUDA_EQUINA = "cauda_equina"
    CANCER = "cancer"
    INFECTION = "infection"
    FRACTURE = "fracture"


class RedFlag(StrEnum):
    """A finding that must raise an unmissable "refer now"."""

    BOTH_LEGS = "both_legs"
    SADDLE_NUMBNESS = "saddle_numbness"
    BLADDER_CHANGES = "bladder_changes"
    BOWEL_INCONTINENCE = "bowel_incontinence"
    PROGRESSIVE_WEAKNESS = "progressive_weakness"
    FOOT_DROP = "foot_drop"
    CANCER_HISTORY = "cancer_history"
    WEIGHT_LOSS = "weight_loss"
    AGE_OVER_50 = "age_over_50"
    NO_IMPROVEMENT = "no_improvement"
    NIGHT_PAIN = "night_pain"
    FEVER = "fever"
    IV_DRUG_USE = "iv_drug_use"
    IMMUNOSUPPRESSION = "immunosuppression"
    URINARY_INFECTION = "urinary_infection"
    TRAUMA = "trauma"
    OSTEOPOROSIS = "osteoporosis"
    STEROIDS = "steroids"


class Caution(StrEnum):
    """A needling-safety finding: treatment may go ahead with care."""

    ANTICOAGULANTS = "anticoagulants"
    PACEMAKER_OR_IMPLANT = "pacemaker_or_implant"
    PREGNANCY = "pregnancy"
    DIABETES = "diabetes"
    NEEDLE_FEAR_OR_FAINTING = "needle_fear_or_fainting"


class ScreeningOutcome(StrEnum):
    REFER_NOW = "refer_now"
    CAUTION = "caution"
    NO_FLAGS = "no_flags"


RED_FLAG_GROUPS: dict[RedFlag, RedFlagGroup] = {
    flag: group
    for group, flags in (
        (
            RedFlagGroup.CAUDA_EQUINA,
            (
                RedFlag.BOTH_LEGS,
                RedFlag.SADDLE_NUMBNESS,
                RedFlag.BLADDER_CHANGES,
                RedFlag.BOWEL_INCONTINENCE,
                RedFlag.PROGRESSIVE_WEAKNESS,
                RedFlag.FOOT_DROP,
            ),
        ),
        (
            RedFlagGroup.CANCER,
            (
                RedFlag.CANCER_HISTORY,
                RedFlag.WEIGHT_LOSS,
                RedFlag.AGE_OVER_50,
                RedFlag.NO_IMPROVEMENT,
                RedFlag.NIGHT_PAIN,
            ),
        ),
        (
            RedFlagGroup.INFECTION,
            (
                RedFlag.FEVER,
                RedFlag.IV_DRUG_USE,
                RedFlag.IMMUNOSUPPRESSION,
                RedFlag.URINARY_INFECTION,
            ),
        ),
        (RedFlagGroup.FRACTURE, (RedFlag.TRAUMA, RedFlag.OSTEOPOROSIS, RedFlag.STEROIDS)),
    )
    for flag in flags
}

RED_FLAG_LABELS: dict[RedFlag, str] = {
    RedFlag.BOTH_LEGS: "pain or numbness in both legs",
    RedFlag.SADDLE_NUMBNESS: "numbness in the saddle area (between the legs, around the anus)",
    RedFlag.BLADDER_CHANGES: "new bladder changes (retention, hesitancy, poor stream)",
    RedFlag.BOWEL_INCONTINENCE: "bowel incontinence",
    RedFlag.PROGRESSIVE_WEAKNESS: "leg weakness that is getting worse",
    RedFlag.FOOT_DROP: "foot drop",
    RedFlag.CANCER_HISTORY: "a history of cancer",
    RedFlag.WEIGHT_LOSS: "unexplained weight loss",
    RedFlag.AGE_OVER_50: "age over 50",
    RedFlag.NO_IMPROVEMENT: "no improvement after 4-6 weeks",
    RedFlag.NIGHT_PAIN: "pain at night or at rest",
    RedFlag.FEVER: "fever",
    RedFlag.IV_DRUG_USE: "intravenous drug use",
    RedFlag.IMMUNOSUPPRESSION: "a weakened immune system",
    RedFlag.URINARY_INFECTION: "a recent urinary infection",
    RedFlag.TRAUMA: "a significant injury or fall",
    RedFlag.OSTEOPOROSIS: "osteoporosis",
    RedFlag.STEROIDS: "long-term steroid use",
}
"""Practitioner wording of each red flag (reports and the command line; the app translates)."""

RED_FLAG_GROUP_LABELS: dict[RedFlagGroup, str] = {
    RedFlagGroup.CAUDA_EQUINA: "possible cauda equina syndrome (an emergency)",
    RedFlagGroup.CANCER: "possible cancer",
    RedFlagGroup.INFECTION: "possible infection",
    RedFlagGroup.FRACTURE: "possible fracture",
}

CAUTION_LABELS: dict[Caution, str] = {
    Caution.ANTICOAGULANTS: "blood thinners or a bleeding disorder",
    Caution.PACEMAKER_OR_IMPLANT: "pacemaker or implanted device: no electro-acupuncture",
    Caution.PREGNANCY: "pregnant or possibly pregnant",
    Caution.DIABETES: "diabetes (neuropathy, infection risk)",
    Caution.NEEDLE_FEAR_OR_FAINTING: "fear of needles or fainting before",
}


# Facts ------------------------------------------------------------------------------------

Facts = Mapping[Signal, object]
"""Answers by signal: present with None when asked and unanswered, absent when not asked."""


class _Unasked:
    """A rule whose questions the questionnaire does not ask at all."""

    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED = _Unasked()
RuleAnswer = bool | None | _Unasked
"""True (the finding is present), False (answered, absent), None (asked, unanswered)."""


def _yes(facts: Facts, signal: Signal) -> RuleAnswer:
    if signal not in facts:
        return NOT_ASKED
    value = facts[signal]
    return value if isinstance(value, bool) else None


def _any_of(*answers: RuleAnswer) -> RuleAnswer:
    """True when any answer is True; else unanswered when any is; else False (or not asked)."""
    asked = [a for a in answers if a is not NOT_ASKED]
    if not asked:
        return NOT_ASKED
    if any(a is True for a in asked):
        return True
    if any(a is None for a in asked):
        return None
    return False


def legs_marked(regions: object) -> set[str]:
    """The sides ("left", "right") on which a leg region is marked in a body-chart answer."""
    if not isinstance(regions, list | tuple):
        return set()
    sides = set()
    for code in regions:
        if isinstance(code, str):
            side, _, part = code.partition("_")
            if side in ("left", "right") and part in LEG_PARTS:
                sides.add(side)
    return sides


def pain_in_both_legs(facts: Facts) -> RuleAnswer:
    """Pain or numbness in both legs: said so, or marked on both legs of the body chart."""
    marked: RuleAnswer = NOT_ASKED
    if Signal.PAIN_REGIONS in facts:
        regions = facts[Signal.PAIN_REGIONS]
        # Regions marked on one leg do not answer the question; both legs do.
        marked = True if legs_marked(regions) == {"left", "right"} else NOT_ASKED
    return _any_of(_yes(facts, Signal.BOTH_LEGS), marked)


def age_in_years(born: date, on: date) -> int:
    """Whole years between ``born`` and ``on`` (a birthday counts from its day)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def over_age_limit(facts: Facts, on: date) -> RuleAnswer:
    """Older than 50 whole years on the day of the intake; unanswered without a birth date."""
    if Signal.BIRTH_DATE not in facts:
        return NOT_ASKED
    born = facts[Signal.BIRTH_DATE]
    if not isinstance(born, date) or isinstance(born, datetime) or born > on:
        return None
    return age_in_years(born, on) > AGE_LIMIT


def possibly_pregnant(facts: Facts) -> RuleAnswer:
    """Pregnant, or not sure: either way needles are placed with pregnancy in mind."""
    if Signal.PREGNANCY not in facts:
        return NOT_ASKED
    value = facts[Signal.PREGNANCY]
    if not isinstance(value, str):
        return None
    return value in (PREGNANCY_YES, PREGNANCY_NOT_SURE)


def has_diabetes(facts: Facts) -> RuleAnswer:
    """Diabetes said in the safety questions, or given as a known cause of the complaint."""
    cause: RuleAnswer = NOT_ASKED
    if Signal.KNOWN_CAUSES in facts:
        causes = facts[Signal.KNOWN_CAUSES]
        # Other causes ticked do not say "no diabetes"; only the ticked box says anything.
        if isinstance(causes, list | tuple) and KNOWN_CAUSE_DIABETES in causes:
            cause = True
    return _any_of(_yes(facts, Signal.DIABETES), cause)


Rule = Callable[[Facts, date], RuleAnswer]


def _asked(signal: Signal) -> Rule:
    return lambda facts, _on: _yes(facts, signal)


def _either(first: Signal, second: Signal) -> Rule:
    return lambda facts, _on: _any_of(_yes(facts, first), _yes(facts, second))


RED_FLAG_RULES: dict[RedFlag, Rule] = {
    RedFlag.BOTH_LEGS: lambda facts, _on: pain_in_both_legs(facts),
    RedFlag.SADDLE_NUMBNESS: _asked(Signal.SADDLE_NUMBNESS),
    RedFlag.BLADDER_CHANGES: _asked(Signal.BLADDER_CHANGES),
    RedFlag.BOWEL_INCONTINENCE: _asked(Signal.BOWEL_INCONTINENCE),
    RedFlag.PROGRESSIVE_WEAKNESS: _asked(Signal.PROGRESSIVE_WEAKNESS),
    RedFlag.FOOT_DROP: _asked(Signal.FOOT_DROP),
    RedFlag.CANCER_HISTORY: _asked(Signal.CANCER_HISTORY),
    RedFlag.WEIGHT_LOSS: _asked(Signal.WEIGHT_LOSS),
    RedFlag.AGE_OVER_50: over_age_limit,
    RedFlag.NO_IMPROVEMENT: _asked(Signal.NO_IMPROVEMENT),
    RedFlag.NIGHT_PAIN: _asked(Signal.NIGHT_PAIN),
    RedFlag.FEVER: _asked(Signal.FEVER),
    RedFlag.IV_DRUG_USE: _asked(Signal.IV_DRUG_USE),
    RedFlag.IMMUNOSUPPRESSION: _asked(Signal.IMMUNOSUPPRESSION),
    RedFlag.URINARY_INFECTION: _asked(Signal.URINARY_INFECTION),
    RedFlag.TRAUMA: _asked(Signal.TRAUMA),
    RedFlag.OSTEOPOROSIS: _asked(Signal.OSTEOPOROSIS),
    RedFlag.STEROIDS: _asked(Signal.STEROIDS),
}
"""One rule per red flag, in the order the flags are listed."""

CAUTION_RULES: dict[Caution, Rule] = {
    Caution.ANTICOAGULANTS: _either(Signal.ANTICOAGULANTS, Signal.BLEEDING_DISORDER),
    Caution.PACEMAKER_OR_IMPLANT: _asked(Signal.PACEMAKER_OR_IMPLANT),
    Caution.PREGNANCY: lambda facts, _on: possibly_pregnant(facts),
    Caution.DIABETES: lambda facts, _on: has_diabetes(facts),
    Caution.NEEDLE_FEAR_OR_FAINTING: _either(Signal.NEEDLE_FEAR, Signal.FAINTING),
}
"""One rule per needling-safety caution."""


# The result -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """What the automatic screening found.

    ``unanswered`` names the red flags and cautions (their codes) whose questions were asked
    but left empty; ``not_asked`` those the questionnaire does not ask about at all.
    """

    outcome: ScreeningOutcome
    red_flags: tuple[RedFlag, ...] = ()
    cautions: tuple[Caution, ...] = ()
    unanswered: tuple[str, ...] = ()
    not_asked: tuple[str, ...] = ()

    @property
    def electro_contraindicated(self) -> bool:
        """A pacemaker or implanted device rules out electro-acupuncture."""
        return Caution.PACEMAKER_OR_IMPLANT in self.cautions

    @property
    def red_flag_groups(self) -> tuple[RedFlagGroup, ...]:
        """The groups of the red flags found, in the order of :class:`RedFlagGroup`."""
        found = {RED_FLAG_GROUPS[flag] for flag in self.red_flags}
        return tuple(group for group in RedFlagGroup if group in found)

    @property
    def emergency(self) -> bool:
        """Any sign of cauda equina syndrome: refer the same day, as an emergency."""
        return RedFlagGroup.CAUDA_EQUINA in self.red_flag_groups


def outcome_of(
    red_flags: Sequence[RedFlag], cautions: Sequence[Caution], unanswered: Sequence[str]
) -> ScreeningOutcome:
    """Refer now on any red flag; caution on any caution or unanswered question; else none."""
    if red_flags:
        return ScreeningOutcome.REFER_NOW
    if cautions or unanswered:
        return ScreeningOutcome.CAUTION
    return ScreeningOutcome.NO_FLAGS


def screen(facts: Facts, on: date) -> ScreeningResult:
    """Run every rule on ``facts`` (answers by signal), for an intake made on ``on``."""
    red_flags: list[RedFlag] = []
    cautions: list[Caution] = []
    unanswered: list[str] = []
    not_asked: list[str] = []
    rules: list[tuple[RedFlag | Caution, Rule]] = [*RED_FLAG_RULES.items()]
    rules += CAUTION_RULES.items()
    for code, rule in rules:
        answer = rule(facts, on)
        if answer is NOT_ASKED:
            not_asked.append(code.value)
        elif answer is None:
            unanswered.append(code.value)
        elif answer is True:
            if isinstance(code, RedFlag):
                red_flags.append(code)
            else:
                cautions.append(code)
    return ScreeningResult(
        outcome=outcome_of(red_flags, cautions, unanswered),
        red_flags=tuple(red_flags),
        cautions=tuple(cautions),
        unanswered=tuple(unanswered),
        not_asked=tuple(not_asked),
    )


def label_of(code: str) -> str:
    """Practitioner wording of a red flag or caution code (the code itself when unknown)."""
    if code in RedFlag._value2member_map_:
        return RED_FLAG_LABELS[RedFlag(code)]
    if code in Caution._value2member_map_:
        return CAUTION_LABELS[Caution(code)]
    return code.replace("_", " ")
