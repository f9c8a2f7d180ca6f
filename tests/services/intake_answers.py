"""Sample answers to the shipped sciatica questionnaire, for the intake tests."""

from __future__ import annotations

from acujournal.domain.questionnaire import QuestionKind
from acujournal.domain.questionnaire_file import shipped_questionnaire


def clean_answers(**changes: object) -> dict[str, object]:
    """A complete form without flags: a woman of 45 with left-sided sciatica to the calf."""
    answers: dict[str, object] = {
        q.key: False for q in shipped_questionnaire().questions() if q.kind is QuestionKind.YES_NO
    }
    answers |= {
        "name": "Åse Bjørnstad",
        "birth_date": "1980-04-02",
        "phone": "+47 912 34 567",
        "email": "ase@example.org",
        "complaint": "Shooting pain down the left leg\nsince lifting a box",
        "pain_regions": ["low_back", "left_buttock", "left_thigh", "left_calf"],
        "radiation": "calf",
        "side": "left",
        "onset_date": "2026-02-20",
        "duration": "weeks_2_to_6",
        "numbness": True,
        "worse_with": ["sitting", "coughing"],
        "known_causes": ["herniated_disc"],
        "pregnancy": "no",
        "nrs_back": 5,
        "nrs_leg": 7,
        "odi": [2, 3, 1, 0, 2, 3, 1, None, 2, 1],
    }
    answers.update(changes)
    return answers
