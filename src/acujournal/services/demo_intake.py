"""Intake questionnaires of the demo clinic: answers, their screening and the review.

Every sciatica case of the demo clinic starts with the shipped sciatica questionnaire, handed
in a few days before the first session (in the fillable PDF at home, or on the clinic's
tablet) and reviewed by the case's practitioner a day later. The answers agree with the case
(side, how far the pain reaches, onset, numbness, known cause, the first session's back and
leg pain) and with the patient (name, contact details, birth date; the pregnancy question by
sex and age). The screening stored with them is what :func:`acujournal.domain.intake.
screen_answers` gives for those answers, never something made up beside the rules; as when
the app saves an intake, its pain ratings become baseline measurements of the case.

What the reviews look like:

- no flags: accepted;
- needling-safety cautions (blood thinners, diabetes, a pacemaker, pregnancy, fear of needles
  or fainting; about 15 % of intakes): accepted with caution, the reason saying what is done
  (a pacemaker also takes electro-acupuncture out of the course);
- red flags the rules raise for findings that are common and usually harmless here (age over
  50, weeks without improvement, night pain, an old cancer, osteoporosis, pain in both legs):
  accepted, with caution for pain in both legs, the reason saying why it is safe;
- about 1.5 %: signs that need a doctor first (possible cauda equina syndrome, a leg getting
  weaker, possible cancer or infection): referred out with the reason; no case is opened and
  the patient has no sessions afterwards.

Besides, the patients seen last whose latest case is sciatica hand in a new questionnaire with
such a sign that nobody has reviewed yet (:meth:`DemoIntakes.awaiting_review`), so the red
banner of the app has something to show on a demo clinic: they are among the first patients
of the list (sorted by last visit).

Draws come from a ``random.Random`` of their own, so intakes leave the clinic's own draws
alone; only a referral, which ends a patient's history, changes what is drawn after it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from acujournal.domain.intake import (
    Intake,
    IntakeReview,
    IntakeSource,
    ReviewDecision,
    screen_answers,
)
from acujournal.domain.model import CaseSide, Patient, Radiation
from acujournal.domain.questionnaire import QuestionKind, Questionnaire
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.domain.screening import (
    PREGNANCY_NOT_SURE,
    PREGNANCY_YES,
    Caution,
    RedFlag,
    ScreeningResult,
    age_in_years,
    label_of,
)

REFER_OUT_RATE = 0.015
"""Share of sciatica intakes with signs that need a doctor first: the patient is referred out."""
AWAITING_REVIEW = 2
"""Patients whose newest intake raises a red flag nobody has reviewed yet."""
PDF_SHARE = 0.6
"""Intakes filled in the PDF at home; the others on the clinic's tablet."""
SKIPPED_WARNING_RATE = 0.03
"""PDF forms that come back with one warning-sign question left blank."""


@dataclass(frozen=True, slots=True)
class IntakeSubject:
    """Who answers, and the case the answers must agree with."""

    patient: Patient
    female: bool
    case_id: uuid.UUID | None
    side: CaseSide
    radiation: Radiation | None
    onset: date | None
    numbness: bool | None
    cause: str
    back: int | None
    leg: int | None
    earlier: Mapping[str, object] | None = None
    """The answers of the patient's intake for this case, when there is one."""


@dataclass(frozen=True, slots=True)
class _Emergency:
    """Answers that need a doctor before any acupuncture, and what the practitioner did."""

    yes: tuple[str, ...]
    complaint: str
    referral: str
    weight: float


_EMERGENCIES = (
    _Emergency(
        ("saddle_numbness", "bladder_changes"),
        "Pain down {my_leg}. Since yesterday it feels numb between my legs and it is hard "
        "to pass water.",
        "Numbness in the saddle area with new trouble passing urine: possible cauda equina "
        "syndrome. Phoned the patient at once and sent them to the emergency department the "
        "same day; the GP was told. No acupuncture.",
        35,
    ),
    _Emergency(
        ("progressive_weakness", "foot_drop"),
        "Sciatica in {my_leg}, and it is getting weaker: my foot catches on the stairs.",
        "The leg is getting weaker and the foot drops: referred to the GP for an urgent "
        "neurological examination and MRI. Acupuncture can be reconsidered once a doctor "
        "has seen them.",
        35,
    ),
    _Emergency(
        ("cancer_history", "weight_loss", "night_pain"),
        "Back pain down {my_leg} that keeps me awake at night. I have lost weight without trying.",
        "Earlier cancer with unexplained weight loss and pain at night: referred to the GP to "
        "rule out a spinal cause before any treatment.",
        15,
    ),
    _Emergency(
        ("fever", "urinary_infection"),
        "Back pain going into {my_leg}, with fever since a bladder infection.",
        "Fever and back pain after a recent urinary infection: referred to the GP the same "
        "day to rule out a spinal infection.",
        15,
    ),
)

_PASSING = ("fever", "urinary_infection", "weight_loss", "night_pain", "no_improvement")
"""Warning signs of the moment, answered anew when the form is filled in again (a history of
cancer, an injury at the onset or osteoporosis stay as they were)."""
_COMPLAINTS = (
    "Shooting pain from the lower back down {my_leg}{reach}.",
    "Sciatica in {my_leg}, worst when I sit.",
    "Back pain that has spread into {my_leg}{reach}.",
    "Burning pain down the back of {my_leg}{reach}; it is hard to sleep.",
    "Pain in the buttock running down {my_leg}{reach}.",
)
_REACH = {
    Radiation.THIGH: " as far as the knee",
    Radiation.CALF: " as far as the calf",
    Radiation.FOOT: " all the way to the foot",
}
_MY_LEG = {CaseSide.LEFT: "my left leg", CaseSide.RIGHT: "my right leg", CaseSide.BOTH: "both legs"}
_LEG_PARTS = {
    None: ("buttock", "thigh"),
    Radiation.LOW_BACK: (),
    Radiation.BUTTOCK: ("buttock",),
    Radiation.THIGH: ("buttock", "thigh"),
    Radiation.CALF: ("buttock", "thigh", "calf"),
    Radiation.FOOT: ("buttock", "thigh", "calf", "foot"),
}
_CAUSES = {
    "herniated disc": ["herniated_disc"],
    "spinal stenosis": ["stenosis"],
    "bone spur": ["bone_spur"],
    "diabetes": ["diabetes"],
    "unknown": ["unknown"],
}
_WORSE_WITH = ("sitting", "standing", "bending", "sudden_movement", "coughing", "walking")
_TREATMENTS = (
    "Physiotherapy for six weeks; it helped a little.",
    "Painkillers from the GP; they take the edge off.",
    "Chiropractor twice, no change.",
    "An epidural injection last year helped for two months.",
    "Nothing yet.",
    "Exercises from the physiotherapist, and heat.",
    "Massage, which helps for a day or two.",
    "Acupuncture years ago for the same pain; it helped.",
)
_BLOOD_THINNERS = (
    "Apixaban 5 mg twice a day",
    "Rivaroxaban 20 mg daily",
    "Warfarin",
    "Clopidogrel 75 mg daily",
    "Aspirin 75 mg daily",
)
_DIABETES_MEDICINES = ("Metformin 1 g twice a day", "Metformin 500 mg", "Insulin")
_PAINKILLERS = (
    "Paracetamol 1 g as needed",
    "Ibuprofen 400 mg as needed",
    "Naproxen 500 mg twice a day",
    "Pregabalin 75 mg twice a day",
    "Paracetamol and ibuprofen",
)
_OTHER_MEDICINES = (
    "Levothyroxine 50 micrograms",
    "Amlodipine 5 mg",
    "Atorvastatin 20 mg",
    "Omeprazole 20 mg",
)
_IMPLANTS = ("Pacemaker", "Pacemaker, fitted four years ago", "Implanted defibrillator (ICD)")

# What the practitioner checked before going ahead despite a red flag, by flag.
_CLEARED: dict[RedFlag, str] = {
    RedFlag.AGE_OVER_50: "over 50, with no other sign of a serious cause",
    RedFlag.NO_IMPROVEMENT: "weeks without improvement, already examined by the GP",
    RedFlag.NIGHT_PAIN: "the night pain eases on turning over, so it is mechanical",
    RedFlag.CANCER_HISTORY: "cancer treated years ago, followed up and clear since",
    RedFlag.WEIGHT_LOSS: "the weight loss comes from a planned diet",
    RedFlag.TRAUMA: "the pain began after a minor fall; no fracture on the X-ray",
    RedFlag.OSTEOPOROSIS: "osteoporosis on treatment, no new injury",
    RedFlag.STEROIDS: "long-term prednisolone for a rheumatic disease, no fall",
    RedFlag.BOTH_LEGS: (
        "pain in both legs, but no saddle numbness, no bladder or bowel changes and normal strength"
    ),
    RedFlag.IMMUNOSUPPRESSION: "immune-lowering medicine but no fever; strict needle hygiene",
    RedFlag.URINARY_INFECTION: "the urinary infection is treated and gone, no fever",
}
_CAUTIONS: dict[Caution, str] = {
    Caution.ANTICOAGULANTS: (
        "blood thinners: thin needles, no deep needling near large vessels, firm pressure "
        "after removing each needle"
    ),
    Caution.PACEMAKER_OR_IMPLANT: "pacemaker or implanted device: no electro-acupuncture",
    Caution.PREGNANCY: (
        "pregnant or possibly pregnant: gentle needling lying on the side, no BL60 and no "
        "points on the lower abdomen"
    ),
    Caution.DIABETES: "diabetes: check the feet for feeling and skin, strict needle hygiene",
    Caution.NEEDLE_FEAR_OR_FAINTING: (
        "afraid of needles or has fainted: treat lying down, few needles at the first visit"
    ),
}
_CLEARED_OPENINGS = (
    "Talked it through with the patient by phone:",
    "Checked with the patient:",
    "Red flags checked with the patient:",
)
_CLEARED_CLOSINGS = (
    "Safe to treat; refer at once if anything changes.",
    "Acupuncture may go ahead; warning signs explained to the patient.",
)


class DemoIntakes:
    """Makes the intakes of the demo clinic, one case at a time, with their own random draws."""

    def __init__(self, rng: random.Random, time_zone: str) -> None:
        self.rng = rng
        self.time_zone = time_zone
        self.zone = ZoneInfo(time_zone)
        self.questionnaire: Questionnaire = shipped_questionnaire("sciatica")
        self.order = [q.key for q in self.questionnaire.questions()]
        self.yes_no = [
            q.key for q in self.questionnaire.questions() if q.kind is QuestionKind.YES_NO
        ]
        warnings = next(s for s in self.questionnaire.sections if s.key == "warning_signs")
        self.warning_keys = [q.key for q in warnings.questions]
        self.emergencies = list(_EMERGENCIES)
        self.emergency_weights = [e.weight for e in _EMERGENCIES]
        self.waiting = 0

    def _new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _at(self, day: date, minute_of_day: int) -> datetime:
        hour, minute = divmod(minute_of_day, 60)
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)

    # Intakes -------------------------------------------------------------------------------
    def before_first_visit(self, who: IntakeSubject, first: date) -> tuple[Intake, str]:
        """The questionnaire handed in a few days before a case's first session on ``first``.

        Returns the screened intake, not yet reviewed (see :meth:`review`), and the reason to
        refer the patient out ("" when the course may go ahead).
        """
        rng = self.rng
        emergency = self._emergency() if rng.random() < REFER_OUT_RATE else None
        # At least a day after the onset, and reviewed the day after, before the first session.
        room = (first - who.onset).days - 1 if who.onset else 8
        submitted_day = first - timedelta(days=max(2, min(room, rng.randint(2, 8))))
        source = IntakeSource.PDF if rng.random() < PDF_SHARE else IntakeSource.APP
        if source is IntakeSource.APP and submitted_day.weekday() >= 5:
            source = IntakeSource.PDF  # the clinic, and its tablet, is closed at weekends
        if source is IntakeSource.APP:
            minute = rng.randrange(8 * 60, 17 * 60 + 30, 5)
        else:
            minute = rng.randrange(7 * 60, 23 * 60, 1)
        answers = self._answers(who, submitted_day, emergency)
        if source is IntakeSource.PDF and emergency is None and rng.random() < SKIPPED_WARNING_RATE:
            blank = [key for key in self.warning_keys if answers.get(key) is False]
            del answers[rng.choice(blank)]
        intake = self._intake(who, answers, self._at(submitted_day, minute), source)
        return intake, emergency.referral if emergency else ""

    def awaiting_review(self, who: IntakeSubject, after: datetime, end: date) -> Intake:
        """A new questionnaire with a red flag, handed in after ``after`` and before ``end``,
        that nobody has reviewed yet: possible cauda equina syndrome, then a leg getting
        weaker (the signs a demo of the banner should show first)."""
        rng = self.rng
        emergency = self.emergencies[self.waiting % len(self.emergencies)]
        self.waiting += 1
        earliest = after + timedelta(hours=3)
        latest = max(self._at(end - timedelta(days=1), 22 * 60), earliest + timedelta(hours=1))
        seconds = int((latest - earliest).total_seconds())
        submitted = earliest + timedelta(minutes=rng.randrange(seconds // 60))
        submitted = submitted.replace(second=0, microsecond=0)
        day = submitted.astimezone(self.zone).date()
        if who.earlier is None:
            answers = self._answers(who, day, emergency)
        else:
            answers = self._again(who, day, emergency)
        return self._intake(who, answers, submitted, IntakeSource.PDF)

    def review(self, intake: Intake, reviewer_id: uuid.UUID, referral: str) -> None:
        """Add the practitioner's decision, a day after the intake came in."""
        rng = self.rng
        day = self.review_day(intake)
        start, stop = (7 * 60 + 30, 18 * 60) if day.weekday() < 5 else (9 * 60, 20 * 60)
        reviewed_at = self._at(day, rng.randrange(start, stop, 5))
        decision, reason = self._decision(intake.screening, referral)
        intake.reviews = [
            IntakeReview(
                decision=decision,
                reviewer_id=reviewer_id,
                reviewed_at=reviewed_at,
                reason=reason,
                id=self._new_id(),
            )
        ]

    def review_day(self, intake: Intake) -> date:
        """The day :meth:`review` records the decision on."""
        return intake.submitted_at.astimezone(self.zone).date() + timedelta(days=1)

    def _intake(
        self,
        who: IntakeSubject,
        answers: dict[str, object],
        submitted_at: datetime,
        source: IntakeSource,
    ) -> Intake:
        day = submitted_at.astimezone(self.zone).date()
        questionnaire = self.questionnaire
        return Intake(
            id=self._new_id(),
            patient_id=who.patient.id,
            case_id=who.case_id,
            questionnaire_key=questionnaire.key,
            questionnaire_version=questionnaire.version,
            submitted_at=submitted_at,
            time_zone=self.time_zone,
            source=source,
            answers=answers,
            screening=screen_answers(
                questionnaire, answers, day, birth_date=who.patient.birth_date
            ),
        )

    def _emergency(self) -> _Emergency:
        return self.rng.choices(self.emergencies, weights=self.emergency_weights)[0]

    # Answers -------------------------------------------------------------------------------
    def _answers(
        self, who: IntakeSubject, day: date, emergency: _Emergency | None
    ) -> dict[str, object]:
        rng = self.rng
        rand = rng.random
        patient = who.patient
        age = age_in_years(patient.birth_date, day) if patient.birth_date else 50
        answers: dict[str, object] = dict.fromkeys(self.yes_no, False)
        answers["name"] = patient.name
        if patient.birth_date is not None:
            answers["birth_date"] = patient.birth_date.isoformat()
        for key in ("phone", "email", "address"):
            value = getattr(patient, key)
            if value and rand() < 0.9:
                answers[key] = value

        # The complaint, as the case has it.
        my_leg = _MY_LEG.get(who.side, "my leg")
        reach = _REACH.get(who.radiation, "") if who.radiation else ""
        if emergency is not None:
            complaint = emergency.complaint.format(my_leg=my_leg)
        else:
            complaint = rng.choice(_COMPLAINTS).format(my_leg=my_leg, reach=reach)
            if who.numbness and rand() < 0.5:
                complaint += " It tingles and feels numb at times."
        answers["complaint"] = complaint
        answers["pain_regions"] = self._regions(who)
        if who.radiation is not None and who.radiation is not Radiation.LOW_BACK:
            answers["radiation"] = who.radiation.value  # "stays in the back" would contradict
        answers["side"] = who.side.value
        weeks = (day - who.onset).days / 7 if who.onset else None
        if who.onset is not None and rand() < 0.9:
            answers["onset_date"] = who.onset.isoformat()
        if weeks is not None:
            answers["duration"] = _duration(weeks)
        if who.numbness is not None:
            answers["numbness"] = who.numbness
        if rand() < 0.05:
            answers["worse_with"] = ["none"]
        else:
            answers["worse_with"] = rng.sample(_WORSE_WITH, rng.randint(1, 3))
        if who.cause in _CAUSES:
            answers["known_causes"] = list(_CAUSES[who.cause])
        if rand() < 0.6:
            answers["previous_treatments"] = rng.choice(_TREATMENTS)

        # Health and safety: rarer when young, commoner when old.
        older = age >= 65
        thinners = rand() < (0.09 if older else 0.025 if age >= 50 else 0.008)
        answers["anticoagulants"] = thinners
        answers["bleeding_disorder"] = rand() < 0.004
        pacemaker = rand() < (0.025 if older else 0.003)
        answers["pacemaker_or_implant"] = pacemaker
        if pacemaker:
            answers["implant_details"] = rng.choice(_IMPLANTS)
        answers["pregnancy"] = self._pregnancy(who.female, age)
        diabetes = who.cause == "diabetes" or rand() < (0.06 if older else 0.025)
        answers["diabetes"] = diabetes
        answers["needle_fear"] = rand() < 0.02
        answers["fainting"] = rand() < 0.012
        steroids = rand() < 0.008
        immune = rand() < 0.006
        medicines = []
        if thinners:
            medicines.append(rng.choice(_BLOOD_THINNERS))
        if diabetes:
            medicines.append(rng.choice(_DIABETES_MEDICINES))
        if steroids:
            medicines.append("Prednisolone 5 mg daily")
        if immune:
            medicines.append("Methotrexate 15 mg weekly")
        if rand() < 0.55:
            medicines.append(rng.choice(_PAINKILLERS))
        if rand() < (0.4 if older else 0.12):
            medicines.append(rng.choice(_OTHER_MEDICINES))
        if medicines:
            answers["medication"] = "\n".join(medicines)
        elif rand() < 0.5:
            answers["medication"] = "None"

        # Warning signs: the weaker ones at about the rates a sciatica clinic sees them.
        answers["both_legs"] = who.side is CaseSide.BOTH
        answers["steroids"] = steroids
        answers["immunosuppression"] = immune
        answers["trauma"] = rand() < 0.04
        answers["osteoporosis"] = rand() < (0.1 if who.female and age >= 60 else 0.008)
        answers["cancer_history"] = rand() < (0.04 if age >= 50 else 0.01)
        answers["weight_loss"] = rand() < 0.004
        answers["night_pain"] = rand() < 0.1
        answers["urinary_infection"] = rand() < (0.01 if who.female else 0.003)
        if weeks is not None and weeks >= 6:
            answers["no_improvement"] = rand() < 0.25
        elif weeks is not None and weeks >= 4:
            answers["no_improvement"] = rand() < 0.05
        if emergency is not None:
            for key in emergency.yes:
                answers[key] = True

        if who.back is not None:
            answers["nrs_back"] = who.back
        if who.leg is not None:
            answers["nrs_leg"] = who.leg
        return {key: answers[key] for key in self.order if key in answers}

    def _again(self, who: IntakeSubject, day: date, emergency: _Emergency) -> dict[str, object]:
        """The form filled in again during the course: the same person and history as the
        first time, today's pain, and the new warning signs."""
        assert who.earlier is not None
        answers = dict(who.earlier)
        for key in self.warning_keys:
            answers.setdefault(key, False)
        for key in _PASSING:
            answers[key] = False
        for key in emergency.yes:
            answers[key] = True
        answers["complaint"] = emergency.complaint.format(my_leg=_MY_LEG.get(who.side, "my leg"))
        if who.onset is not None:
            answers["duration"] = _duration((day - who.onset).days / 7)
        for key, pain in (("nrs_back", who.back), ("nrs_leg", who.leg)):
            if pain is not None:
                answers[key] = pain
        return {key: answers[key] for key in self.order if key in answers}

    def _regions(self, who: IntakeSubject) -> list[str]:
        regions = ["low_back"] if who.back else []
        if who.side in (CaseSide.LEFT, CaseSide.RIGHT):
            sides: tuple[str, ...] = (who.side.value,)
            parts = _LEG_PARTS[who.radiation]
        elif who.side is CaseSide.BOTH:
            sides, parts = ("left", "right"), _LEG_PARTS[who.radiation]
        else:  # "hard to say": marked on both buttocks, not down a leg
            sides, parts = ("left", "right"), ("buttock",)
        return regions + [f"{side}_{part}" for part in parts for side in sides]

    def _pregnancy(self, female: bool, age: int) -> str:
        draw = self.rng.random()
        if not female:
            return "not_applicable" if draw < 0.85 else "no"
        if age <= 45:
            return PREGNANCY_YES if draw < 0.025 else PREGNANCY_NOT_SURE if draw < 0.035 else "no"
        return "no" if age <= 55 or draw < 0.3 else "not_applicable"

    # Decisions -----------------------------------------------------------------------------
    def _decision(self, screening: ScreeningResult, referral: str) -> tuple[ReviewDecision, str]:
        """What the practitioner decides on this screening, and why (in their words)."""
        rng = self.rng
        if referral:
            return ReviewDecision.REFER_OUT, referral
        cautions = [_CAUTIONS[c] for c in screening.cautions]
        if screening.red_flags:
            cleared = [_CLEARED.get(f, label_of(f.value)) for f in screening.red_flags]
            if RedFlag.AGE_OVER_50 in screening.red_flags and len(screening.red_flags) > 1:
                cleared[screening.red_flags.index(RedFlag.AGE_OVER_50)] = "over 50"
            reason = f"{rng.choice(_CLEARED_OPENINGS)} {'; '.join(cleared)}."
            if cautions:
                reason += f" Cautions: {'; '.join(cautions)}."
            reason += f" {rng.choice(_CLEARED_CLOSINGS)}"
            cautious = bool(cautions) or screening.emergency
            return (
                ReviewDecision.ACCEPT_WITH_CAUTION if cautious else ReviewDecision.ACCEPT,
                reason,
            )
        if cautions:
            text = "; ".join(cautions)
            return ReviewDecision.ACCEPT_WITH_CAUTION, f"{text[0].upper()}{text[1:]}."
        if screening.unanswered:
            asked = ", ".join(label_of(code) for code in screening.unanswered)
            return ReviewDecision.ACCEPT, f"Left blank on the form; asked by phone ({asked}): no."
        return ReviewDecision.ACCEPT, ""


def _duration(weeks: float) -> str:
    """The answer to "How long have you had this pain?"."""
    if weeks < 2:
        return "under_2_weeks"
    if weeks < 6:
        return "weeks_2_to_6"
    return "weeks_6_to_12" if weeks < 12 else "over_3_months"
