"""The patient page: cases filter the history and chart; actions come out as signals."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acujournal.domain.model import Case, CaseSide, OutcomeMeasurement, Patient, Radiation
from acujournal.services.patients import PatientOverview
from acujournal.storage.repository import SessionSummary
from acujournal.ui.patient_page import PatientPage, pain_regions_for_case

START = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)


def _sessions(case: Case, count: int, first_day: int = 0) -> list[SessionSummary]:
    return [
        SessionSummary(
            uuid.uuid4(),
            case.id,
            START + timedelta(days=first_day + 3 * i),
            "Europe/Oslo",
            "Dr Lin Mei",
            "signed",
            ("BL23", "GB30", "BL40"),
            max(7 - i // 2, 0),
            max(8 - i // 2, 0),
            max(5 - i // 2, 0),
            max(6 - i // 2, 0),
        )
        for i in range(count)
    ]


def _overview(sciatica_sessions: int = 12) -> PatientOverview:
    patient = Patient(name="Åse Bjørnstad", birth_date=date(1968, 4, 2), phone="+47 912 34 567")
    sciatica = Case(
        patient_id=patient.id,
        title="Left-sided sciatica",
        condition="sciatica",
        side=CaseSide.LEFT,
        radiation=Radiation.CALF,
        opened_on=date(2026, 1, 5),
    )
    neck = Case(
        patient_id=patient.id,
        title="Neck pain",
        condition="neck pain",
        opened_on=date(2025, 3, 1),
        closed_on=date(2025, 4, 1),
    )
    history = _sessions(sciatica, sciatica_sessions) + _sessions(neck, 3, first_day=-300)
    history.sort(key=lambda s: s.started_at, reverse=True)
    return PatientOverview(patient, [sciatica, neck], history)


@pytest.fixture
def page(qtbot: QtBot) -> PatientPage:
    widget = PatientPage()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


def test_starts_empty_and_disabled(page: PatientPage) -> None:
    assert page.name_label.text() == "Choose a patient"
    assert not page.new_session_button.isEnabled()
    assert not page.new_case_button.isEnabled()
    assert page.history.rowCount() == 0


def test_shows_the_patient_and_the_latest_case(page: PatientPage) -> None:
    overview = _overview()
    sciatica, neck = overview.cases
    follow_up = OutcomeMeasurement(
        case_id=sciatica.id,
        instrument="NRS_LEG",
        taken_at=START + timedelta(days=90),
        value=2,
    )
    page.show_patient(overview, {sciatica.id: [follow_up]})

    assert page.name_label.text() == "Åse Bjørnstad"
    assert "1968-04-02" in page.details_label.text()
    assert "+47 912 34 567" in page.details_label.text()
    assert page.selected_case_id() == sciatica.id
    assert page.history.rowCount() == 12
    assert all(page.history.session_at(r).case_id == sciatica.id for r in range(12))
    assert page.pain_chart.back.before.count() == 12
    assert page.pain_chart.leg.follow_up.count() == 1
    assert "back 7 → 2 (-71 %)" in page.case_details.text()
    # The case's own record says where it hurts.
    assert page.body_chart.marked_regions() == [
        "low_back",
        "left_buttock",
        "left_thigh",
        "left_calf",
    ]
    # The newest session is selected and its points are drawn (side unknown: rings).
    assert page.history_view.currentIndex().row() == 0
    assert {d.point for d in page.body_chart.needle_dots()} == {"BL23", "GB30", "BL40"}

    page.select_case(neck.id)
    assert page.history.rowCount() == 3
    assert page.pain_chart.back.before.count() == 3
    assert page.pain_chart.leg.follow_up.count() == 0
    assert page.body_chart.marked_regions() == ["neck"]


def test_history_model_passes_the_model_tester(
    page: PatientPage, qtmodeltester: ModelTester
) -> None:
    page.show_patient(_overview())
    qtmodeltester.check(page.history)


def test_needles_provider_supplies_sides(page: PatientPage) -> None:
    asked: list[uuid.UUID] = []

    def needles(session_id: uuid.UUID) -> list[tuple[str, str]]:
        asked.append(session_id)
        return [("GB30", "left"), ("BL23", "bilateral")]

    page.set_needles_provider(needles)
    overview = _overview()
    page.show_patient(overview)
    assert asked == [page.history.session_at(0).id]
    regions = sorted(d.region for d in page.body_chart.needle_dots())
    assert regions == ["left_buttock", "low_back", "low_back"]
    assert all(d.side_known for d in page.body_chart.needle_dots())
    page.history_view.selectRow(2)
    assert asked[-1] == page.history.session_at(2).id


def test_buttons_emit_their_signals(qtbot: QtBot, page: PatientPage) -> None:
    overview = _overview()
    page.show_patient(overview)
    with qtbot.waitSignal(page.new_session_requested) as new_session:
        qtbot.mouseClick(page.new_session_button, Qt.MouseButton.LeftButton)
    assert new_session.args == [overview.cases[0].id]
    with qtbot.waitSignal(page.new_case_requested):
        qtbot.mouseClick(page.new_case_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.edit_patient_requested):
        qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)


def test_double_click_or_enter_opens_a_session(qtbot: QtBot, page: PatientPage) -> None:
    page.show()
    page.show_patient(_overview())
    view = page.history_view
    third = page.history.index(2, 0)
    with qtbot.waitSignal(page.session_opened) as opened:
        rect = view.visualRect(third)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [page.history.session_at(2).id]

    view.setFocus()
    view.setCurrentIndex(page.history.index(4, 0))
    with qtbot.waitSignal(page.session_opened) as entered:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert entered.args == [page.history.session_at(4).id]


def test_marking_a_region_reports_it_for_the_case(qtbot: QtBot, page: PatientPage) -> None:
    overview = _overview()
    page.show_patient(overview)
    with qtbot.waitSignal(page.pain_regions_changed) as changed:
        page.body_chart.toggle_region("left_foot")
    case_id, regions = changed.args
    assert case_id == overview.cases[0].id
    assert "left_foot" in regions
    # The marks stay with the case while the patient is shown.
    page.select_case(overview.cases[1].id)
    page.select_case(overview.cases[0].id)
    assert "left_foot" in page.body_chart.marked_regions()


def test_red_flag_banner_shows_and_hides(page: PatientPage) -> None:
    page.show()
    assert not page.red_flag_banner.isVisibleTo(page)
    page.set_red_flag("Refer now: saddle numbness")
    assert page.red_flag_banner.isVisibleTo(page)
    assert page.red_flag_banner.text() == "Refer now: saddle numbness"
    assert "Red flag" in page.red_flag_banner.accessibleName()
    page.set_red_flag(None)
    assert not page.red_flag_banner.isVisibleTo(page)


def test_patient_without_cases(page: PatientPage) -> None:
    patient = Patient(name="Mark Olsen")
    page.show_patient(PatientOverview(patient, [], []))
    assert page.selected_case_id() is None
    assert not page.new_session_button.isEnabled()
    assert page.new_case_button.isEnabled()
    assert "birth date unknown" in page.details_label.text()
    assert page.body_chart.needle_dots() == []


def test_three_hundred_sessions(page: PatientPage) -> None:
    page.show()
    overview = _overview(sciatica_sessions=300)
    page.show_patient(overview)
    assert page.history.rowCount() == 300
    assert page.pain_chart.leg.after.count() == 300
    page.grab()  # paints without trouble


@pytest.mark.parametrize(
    ("side", "radiation", "condition", "expected"),
    [
        (CaseSide.RIGHT, Radiation.THIGH, "sciatica", ["low_back", "right_buttock", "right_thigh"]),
        (
            CaseSide.BOTH,
            Radiation.BUTTOCK,
            "sciatica",
            ["low_back", "left_buttock", "right_buttock"],
        ),
        (CaseSide.UNKNOWN, Radiation.FOOT, "sciatica", ["low_back"]),
        (CaseSide.LEFT, None, "knee osteoarthritis", ["left_knee"]),
        (CaseSide.CENTRAL, None, "headache/migraine", ["head"]),
        (CaseSide.LEFT, None, "tennis elbow", []),
    ],
)
def test_pain_regions_for_case(
    side: CaseSide, radiation: Radiation | None, condition: str, expected: list[str]
) -> None:
    case = Case(uuid.uuid4(), "t", condition, side=side, radiation=radiation)
    assert pain_regions_for_case(case) == expected
