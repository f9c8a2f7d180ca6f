"""Sample answers to the shipped sciatica questionnaire and to a clinic's own neck-pain
questionnaire (``tests/data/neck_pain.json``), for the intake tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from acujournal.domain.questionnaire import QuestionKind
from acujournal.domain.questionnaire_file import shipped_questionnaire

NECK_PAIN_FILE = Path(__file__).resolve().parents[1] / "data" / "neck_pain.json"
"""A clinic's own questionnaire: neck pain, without the cauda equina questions."""


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


def neck_pain_definition(**changes: object) -> dict[str, Any]:
    """The neck-pain questionnaire's JSON, with top-level fields changed (``version=2``)."""
    definition: dict[str, Any] = json.loads(NECK_PAIN_FILE.read_text("utf-8"))
    return definition | changes


def neck_answers(**changes: object) -> dict[str, object]:
    """A complete neck-pain form without flags: a man of 40, worse on the left."""
    answers: dict[str, object] = {
        "name": "Ola Nordmann",
        "born": "1986-05-17",
        "phone": "+47 400 00 000",
        "what_hurts": "Stiff neck after long days at the computer",
        "where": ["neck", "left_shoulder"],
        "which_side": "left",
        "how_bad": 6,
        "triggers": ["turning", "screen_work"],
        "arm_tingling": False,
        "fever": False,
        "cancer": False,
        "injury": False,
        "blood_thinners": False,
        "implant": False,
    }
    answers.update(changes)
    return answers
