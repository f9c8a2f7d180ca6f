"""The outcome chart: one instrument at a time, baseline, important-change band, follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from acujournal.domain.model import OutcomeMeasurement, new_id
from acujournal.domain.outcomes import Thresholds
from acujournal.storage.repository import SessionSummary
from acujournal.ui.outcome_chart import OutcomeChartView

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CASE = new_id()


def week(n: float) -> datetime:
    return START + timedelta(weeks=n)


def reading(
    code: str, when: datetime, value: float | None = None, answers: object = None
) -> OutcomeMeasurement:
    return OutcomeMeasurement(
        case_id=CASE, instrument=code, taken_at=when, value=value, answers=answers
    )


def session(when: datetime, back: int) -> SessionSummary:
    return SessionSummary(
        new_id(), CASE, when, "UTC", "Dr Lin Mei", "signed", (), back, None, None, None
    )


@pytest.fixture
def view(qtbot: QtBot) -> OutcomeChartView:
    widget = OutcomeChartView()
    qtbot.addWidget(widget)
    widget.resize(700, 420)
    widget.show()
    return widget


def points(series: object) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in series.points()]  # type: ignore[attr-defined]


def ms(moment: datetime) -> float:
    return moment.timestamp() * 1000


def sample() -> dict[str, list[OutcomeMeasurement]]:
    return {
        "NRS_BACK": [reading("NRS_BACK", week(0), 8), reading("NRS_BACK", week(12), 2)],
        "ODI": [
            reading("ODI", week(0), answers=[3, 3, 3, 3, 3, 2, 2, 2, 2, 2]),
            reading("ODI", week(6), answers=[1, 1, 1, 1, 2, 2, 1, 1, 1, 1]),
        ],
    }


def test_an_empty_case_says_so(view: OutcomeChartView) -> None:
    view.set_measurements({})
    assert view.instruments() == []
    assert not view.chooser.isEnabled()
    assert view.chart_view.chart().title() == "No outcome measures recorded for this case yet"
    assert view.readings.count() == 0


def test_the_chooser_lists_measured_instruments_in_a_fixed_order(view: OutcomeChartView) -> None:
    view.set_measurements(sample())
    assert view.instruments() == ["NRS_BACK", "ODI"]
    assert view.chooser.itemText(1) == "Oswestry Disability Index"
    assert view.current_instrument() == "NRS_BACK"


def test_nrs_with_sessions_shows_baseline_band_star_and_follow_up(view: OutcomeChartView) -> None:
    sessions = [session(week(n), back) for n, back in ((1, 7), (2, 6), (3, 5))]
    view.set_measurements(sample(), sessions=sessions)
    assert [y for _, y in points(view.readings)] == [8, 7, 6, 5, 2]
    assert points(view.follow_ups) == [(ms(week(12)), 2)]
    assert {y for _, y in points(view.baseline)} == {8}
    # 2 points from a baseline of 8 comes before 30 % (2.4): the band ends at 6.
    assert {y for _, y in points(view.band_edge)} == {6}
    assert points(view.important) == [(ms(week(2)), 6)]
    assert view.axis_y.min() == 0
    assert view.axis_y.max() == 10
    assert "2 points or 30 %" in view.chart_view.chart().title()
    summary = view.summary.text()
    assert summary.startswith("Pain intensity, back (NRS 0-10): baseline 8, latest 2")
    assert "improved by 6 points (75 %)" in summary
    assert "clinically important improvement since 2026-01-19" in summary
    assert "1 follow-up reading" in summary
    assert view.accessibleDescription() == summary


def test_choosing_another_instrument_redraws_and_signals(
    view: OutcomeChartView, qtbot: QtBot
) -> None:
    view.set_measurements(sample())
    with qtbot.waitSignal(view.instrument_changed) as signal:
        view.chooser.setCurrentIndex(1)
    assert signal.args == ["ODI"]
    assert [round(y) for _, y in points(view.readings)] == [50, 24]
    assert {y for _, y in points(view.band_edge)} == {40}
    assert view.axis_y.max() == 100
    assert view.axis_y.titleText() == "Oswestry Disability Index (%)"


def test_the_chosen_instrument_stays_when_the_data_is_refreshed(view: OutcomeChartView) -> None:
    view.set_measurements(sample())
    view.show_instrument("ODI")
    view.set_measurements(sample())
    assert view.current_instrument() == "ODI"
    with pytest.raises(KeyError):
        view.show_instrument("RMDQ")


def test_without_a_threshold_there_is_no_band_until_the_clinic_sets_one(
    view: OutcomeChartView,
) -> None:
    sbi = {
        "SBI": [
            reading("SBI", week(0), answers=[5, 4, 3, 5]),
            reading("SBI", week(6), answers=[2, 2, 2, 2]),
        ]
    }
    view.set_measurements(sbi)
    assert view.band_edge.count() == 0
    assert view.important.count() == 0
    assert view.chart_view.chart().title().startswith("No agreed clinically important change")
    view.set_measurements(sbi, thresholds={"SBI": Thresholds(points=4)})
    assert {y for _, y in points(view.band_edge)} == {13}
    assert points(view.important) == [(ms(week(6)), 8)]


def test_scores_are_written_with_one_decimal_and_one_reading_gets_distinct_dates(
    view: OutcomeChartView,
) -> None:
    # Nine answered sections of 45 possible points: 15/45 = 33.33... %.
    odi = {"ODI": [reading("ODI", week(0), answers=[2, 2, 2, 2, 2, 1, 1, 2, 1, None])]}
    view.set_measurements(odi)
    summary = view.summary.text()
    assert "baseline 33.3, latest 33.3" in summary
    assert "33.33" not in summary
    left, right = view.axis_x.min(), view.axis_x.max()
    assert left.daysTo(right) >= 14
