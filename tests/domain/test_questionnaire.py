"""Questionnaire files: the shipped one loads, broken ones are refused with every problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from acujournal.domain.outcomes import ODI_SECTIONS
from acujournal.domain.questionnaire import QuestionKind, QuestionnaireError
from acujournal.domain.questionnaire_file import (
    find_questionnaire,
    load_questionnaire,
    parse_questionnaire,
    shipped_dir,
    shipped_questionnaire,
)
from acujournal.domain.screening import RED_FLAG_RULES, Signal, screen


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((shipped_dir() / "sciatica.json").read_text("utf-8"))
    return data


def refused(data: object) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(data, "test.json")
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_sciatica_questionnaire_loads() -> None:
    questionnaire = shipped_questionnaire("sciatica")
    assert questionnaire.form_id == "sciatica/1"
    assert questionnaire.condition == "sciatica"
    assert [s.key for s in questionnaire.sections] == [
        "contact",
        "complaint",
        "health",
        "warning_signs",
        "pain_now",
        "clinic_forms",
    ]
    assert questionnaire.mapped("patient.name") is not None
    assert questionnaire.question("odi") is not None
    assert find_questionnaire("sciatica", 1) is questionnaire
    assert find_questionnaire("sciatica", 2) is None
    assert find_questionnaire("neck", 1) is None


def test_the_shipped_questionnaire_asks_every_screening_question() -> None:
    questionnaire = shipped_questionnaire()
    asked = {q.screen for q in questionnaire.questions() if q.screen is not None}
    assert asked == set(Signal)
    facts = dict.fromkeys(asked)
    # Nothing is "not asked": every red flag and caution can be answered from this form.
    result = screen(facts, __import__("datetime").date(2026, 1, 1))
    assert result.not_asked == ()
    assert len(result.unanswered) == len(RED_FLAG_RULES) + 5


def test_every_red_flag_question_must_be_answered() -> None:
    section = next(s for s in shipped_questionnaire().sections if s.key == "warning_signs")
    assert all(q.required and q.kind is QuestionKind.YES_NO for q in section.questions)


def test_licensed_instruments_ship_no_question_text() -> None:
    """ODI and RMDQ items are copyrighted: the form names the instrument and nothing more."""
    text = (shipped_dir() / "sciatica.json").read_text("utf-8").lower()
    # Words from the ODI's own section statements must not appear; section names may.
    for phrase in ("i can look after myself", "i cannot sit", "pain prevents me"):
        assert phrase not in text
    assert ODI_SECTIONS  # the names come from domain.outcomes, not from this file


def test_unknown_shipped_questionnaire_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match='no questionnaire "neck"'):
        shipped_questionnaire("neck")
    with pytest.raises(LookupError):
        shipped_questionnaire("../secrets")


def test_a_clinic_questionnaire_for_another_complaint_loads(tmp_path: Path) -> None:
    data = {
        "format": "acujournal-questionnaire/1",
        "key": "neck_pain",
        "version": 3,
        "title": "Neck pain",
        "condition": "neck pain",
        "sections": [
            {
                "key": "main",
                "title": "Your neck",
                "questions": [
                    {"key": "name", "kind": "text", "label": "Name", "maps_to": "patient.name"},
                    {
                        "key": "fever",
                        "kind": "yes_no",
                        "label": "Fever?",
                        "screen": "fever",
                        "required": True,
                    },
                    {"key": "pain", "kind": "nrs", "label": "Neck pain now"},
                ],
            }
        ],
    }
    path = tmp_path / "neck.json"
    path.write_text(json.dumps(data), "utf-8")
    questionnaire = load_questionnaire(path)
    assert questionnaire.form_id == "neck_pain/3"
    assert [q.key for q in questionnaire.questions()] == ["name", "fever", "pain"]


def test_every_problem_is_named_by_its_path() -> None:
    data = shipped_data()
    data["version"] = 0
    data["sections"][0]["questions"][0]["kind"] = "essay"
    data["sections"][1]["questions"][2]["choices"][1]["value"] = "Into Buttock"
    data["sections"][2]["questions"][1]["screen"] = "bad_luck"
    data["sections"][0]["extra"] = 1
    problems = refused(data)
    assert problems == [
        "version: must be a whole number from 1 to 10000",
        "sections[0].extra: is not a questionnaire field",
        "sections[0].questions[0].kind: 'essay' is not one of text, long_text, date, yes_no, "
        "choice, multi_choice, body_regions, nrs, instrument",
        'sections[1].questions[2].choices[1].value: "Into Buttock" must be lower-case letters, '
        "digits and single underscores",
        'sections[1].questions[2].choices: "Into Buttock" is not a value of case.radiation',
        "sections[2].questions[1].screen: 'bad_luck' is not a screening signal",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format="other/1"), 'format: must be "acujournal-questionnaire/1"'),
        (lambda d: d.update(sections=[]), "sections: a questionnaire needs at least one section"),
        (
            lambda d: d["sections"][3]["questions"][0].update(kind="text"),
            "sections[3].questions[0].screen: both_legs needs a yes_no question",
        ),
        (
            lambda d: d["sections"][1]["questions"].append(
                {"key": "name", "kind": "text", "label": "again"}
            ),
            'sections[1].questions[10].key: "name" is also sections[0].questions[0]',
        ),
        (
            lambda d: d["sections"][2]["questions"][5]["choices"].pop(2),
            "sections[2].questions[5].choices: pregnancy needs the choices not_sure",
        ),
        (
            lambda d: d["sections"][5]["questions"][0].update(instrument="VAS_BACK"),
            "sections[5].questions[0].instrument: 'VAS_BACK': one of ODI, RMDQ, SBI",
        ),
        (
            lambda d: d["sections"][0]["questions"][2].update(maps_to="patient.name"),
            "sections[0].questions[2].maps_to: patient.name is filled twice",
        ),
        (
            lambda d: d["sections"][0]["questions"][1].update(maps_to="case.side"),
            "sections[0].questions[1].maps_to: case.side cannot be filled by a date question",
        ),
        (
            lambda d: d["consistency"][0]["when"].update(question="nope"),
            'consistency[0].when.question: "nope" is not a question of this questionnaire',
        ),
        (
            lambda d: d["consistency"][0]["conflicts"].update(one_of=["upwards"]),
            "consistency[0].conflicts: 'upwards' is not a possible answer to side",
        ),
        (
            lambda d: d["sections"][0]["questions"][0].update(max_length=500),
            "sections[0].questions[0].max_length: must be a whole number from 1 to 200",
        ),
        (
            lambda d: d["sections"][4]["questions"][0].update(max_length=5),
            "sections[4].questions[0].max_length: applies to text questions only",
        ),
    ],
)
def test_broken_questionnaires_are_refused(change: Any, expected: str) -> None:
    data = copy.deepcopy(shipped_data())
    change(data)
    assert expected in refused(data)


def test_not_json_and_not_an_object_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{nope", "utf-8")
    with pytest.raises(QuestionnaireError, match=r"broken\.json: .* is not valid JSON"):
        load_questionnaire(path)
    assert refused([]) == [
        "(questionnaire): must be an object",
        'format: must be "acujournal-questionnaire/1"',
        "version: must be a whole number from 1 to 10000",
        "key: is missing",
        "title: is missing",
        "condition: is missing",
        "sections: a questionnaire needs at least one section",
    ]
