"""The pain chart: baseline, clinically important change band, sessions and follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtGui import QColor, QPainter, QPalette
from pytestqt.qtbot import QtBot

from acujournal.domain.model import OutcomeMeasurement, new_id
from acujournal.storage.repository import SessionSummary
from acujournal.ui.pain_chart import ImportantChange, PainChartView, important_change

START = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
CASE = new_id()


def _session(
    day: int, back: tuple[int | None, int | None], leg: tuple[int | None, int | None]
) -> SessionSummary:
    return SessionSummary(
        new_id(),
        CASE,
        START + timedelta(days=day),
        "Europe/Oslo",
        "Dr Lin Mei",
        "signed",
        ("BL23", "GB30"),
        back[0],
        leg[0],
        back[1],
        leg[1],
    )


def _ms(day: int) -> float:
    return (START + timedelta(days=day)).timestamp() * 1000


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # 30 % of 7 is 2.1: the 2-point rule is reached first.
        ([7, 6, 5, 4], ImportantChange(7.0, 5.0, 2)),
        # 30 % of 5 is 1.5: the percentage rule is reached first; 4 is not enough, 3 is.
        ([5, 4, 3], ImportantChange(5.0, 3.5, 2)),
        ([6, 5, 4], ImportantChange(6.0, 4.2, 2)),
        ([10, 9, 8], ImportantChange(10.0, 8.0, 2)),
        # The baseline is the first recorded score; later gaps are skipped.
        ([None, 8, None, 7, 6], ImportantChange(8.0, 6.0, 4)),
        ([4, 4, 5], ImportantChange(4.0, 2.8, None)),
        # Nothing to improve from a pain-free baseline.
        ([0, 0], ImportantChange(0.0, 0.0, None)),
    ],
)
def test_important_change_against_hand_computed_values(
    scores: list[int | None], expected: ImportantChange
) -> None:
    assert important_change(scores) == expected


def test_important_change_needs_a_score() -> None:
    assert important_change([]) is None
    assert important_change([None, None]) is None


def _ys(series: object) -> list[float]:
    return [p.y() for p in series.points()]  # type: ignore[attr-defined]


def _xs(series: object) -> list[float]:
    return [p.x() for p in series.points()]  # type: ignore[attr-defined]


def test_series_hold_the_sessions_in_date_order(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    sessions = [
        _session(7, (5, 3), (6, 4)),
        _session(0, (7, 5), (8, None)),
        _session(14, (4, 2), (None, None)),
    ]
    chart.set_data(sessions, [])

    assert _xs(chart.back.before) == [_ms(0), _ms(7), _ms(14)]
    assert _ys(chart.back.before) == [7, 5, 4]
    assert _ys(chart.back.after) == [5, 3, 2]
    # Missing scores leave gaps rather than zeros.
    assert _ys(chart.leg.before) == [8, 6]
    assert _xs(chart.leg.after) == [_ms(7)]
    assert chart.accessibleName() == "Pain chart"


def test_baseline_band_and_first_important_session(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    chart.set_data(
        [_session(0, (6, 4), (8, 6)), _session(7, (5, 3), (7, 5)), _session(14, (4, 2), (6, 5))],
        [],
    )
    assert _ys(chart.back.baseline) == [6, 6]
    assert _ys(chart.back.band_top) == [6, 6]
    assert _ys(chart.back.band_bottom) == pytest.approx([4.2, 4.2])
    assert _ys(chart.leg.band_bottom) == [6, 6]
    # Back reached 4 (<= 4.2) in the third session; leg reached 6 in the third too.
    assert _xs(chart.back.important) == [_ms(14)]
    assert _ys(chart.back.important) == [4]
    assert _ys(chart.leg.important) == [6]
    # The band spans the whole timeline.
    assert _xs(chart.back.band_bottom) == [_ms(0), _ms(14)]


def test_no_star_before_an_important_change(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    chart.set_data([_session(0, (7, 6), (None, None)), _session(7, (6, 5), (None, None))], [])
    assert chart.back.important.count() == 0
    assert chart.changes["leg"] is None
    assert chart.leg.band_bottom.count() == 0
    assert "no clinically important improvement yet" in chart.accessibleDescription()


def test_follow_ups_after_the_last_session_join_the_timeline(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    sessions = [_session(0, (6, 4), (7, 5)), _session(7, (5, 4), (6, 5))]

    def reading(day: int, instrument: str, value: float, **extra: object) -> OutcomeMeasurement:
        return OutcomeMeasurement(
            case_id=CASE,
            instrument=instrument,
            taken_at=START + timedelta(days=day),
            value=value,
            **extra,  # type: ignore[arg-type]
        )

    measurements = [
        reading(60, "NRS_BACK", 3),
        reading(60, "NRS_LEG", 2),
        reading(120, "NRS_LEG", 1),
        reading(3, "NRS_BACK", 5),  # during the course, not a follow-up
        reading(7, "NRS_BACK", 5, session_id=sessions[1].id),  # recorded in a session
        reading(90, "ODI", 20),  # another instrument
    ]
    chart.set_data(sessions, measurements)

    assert _xs(chart.back.follow_up) == [_ms(60)]
    assert _ys(chart.back.follow_up) == [3]
    assert _ys(chart.leg.follow_up) == [2, 1]
    # The follow-up is the first back score 2 points below the baseline of 6 (threshold 4.2).
    assert _xs(chart.back.important) == [_ms(60)]
    # The x axis reaches the last follow-up.
    assert chart.axis_x.max().toMSecsSinceEpoch() > _ms(120)


def test_three_hundred_sessions_fill_every_series(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    sessions = [_session(day, (7 - day % 5, 5 - day % 5), (8, 6)) for day in range(300)]
    chart.set_data(list(reversed(sessions)), [])
    assert chart.back.before.count() == 300
    assert chart.leg.after.count() == 300
    assert not chart.back.before.pointsVisible()  # markers would be a smear at this density
    assert not chart.renderHints() & QPainter.RenderHint.Antialiasing  # nor smoothing worth it
    chart.set_data(sessions[:5], [])
    assert chart.back.before.count() == 5
    assert chart.back.before.pointsVisible()
    assert chart.renderHints() & QPainter.RenderHint.Antialiasing


@pytest.mark.parametrize(("days", "shown"), [(60, "5 Jan"), (700, "Jan 26"), (3650, "2026")])
def test_date_labels_shorten_as_the_course_lengthens(qtbot: QtBot, days: int, shown: str) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    chart.set_data([_session(0, (6, 7), (3, 4)), _session(days, (4, 5), (2, 3))], [])
    first = QDateTime.fromMSecsSinceEpoch(int(_ms(0)), QTimeZone.UTC)
    assert first.toString(chart.axis_x.format()) == shown


def test_empty_case_says_so(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    chart.set_data([], [])
    assert "No pain scores" in chart.chart().title()
    assert chart.back.before.count() == 0


def test_colours_follow_the_palette(qtbot: QtBot) -> None:
    chart = PainChartView()
    qtbot.addWidget(chart)
    light_line = chart.back.before.pen().color().lightness()
    dark = QPalette(chart.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    chart.setPalette(dark)
    assert chart.chart().backgroundBrush().color() == QColor("#1e1e1e")
    assert chart.back.before.pen().color().lightness() > light_line
