"""Per-case progress: baseline, latest, change, when it became important; follow-ups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from acujournal.domain.model import OutcomeMeasurement, new_id
from acujournal.domain.outcomes import Thresholds, clinic_measure
from acujournal.domain.validation import ValidationError
from acujournal.services import settings
from acujournal.services.outcome_progress import case_progress, case_progress_of
from acujournal.services.sessions import sign_session
from acujournal.services.unit_of_work import unit_of_work
from acujournal.storage.db import Database
from acujournal.storage.repository import SessionSummary
from tests.builders import make_journal, make_session

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CASE = new_id()


def week(n: float) -> datetime:
    return START + timedelta(weeks=n)


def measure(
    code: str,
    when: datetime,
    *,
    value: float | None = None,
    answers: object = None,
    session_id: uuid.UUID | None = None,
) -> OutcomeMeasurement:
    return OutcomeMeasurement(
        case_id=CASE,
        instrument=code,
        taken_at=when,
        value=value,
        answers=answers,
        session_id=session_id,
    )


def session(when: datetime, back: int | None, leg: int | None) -> SessionSummary:
    return SessionSummary(
        new_id(), CASE, when, "Europe/Oslo", "Dr Lin Mei", "signed", (), back, leg, None, None
    )


def odi(total: int) -> list[int | None]:
    """Ten ODI answers summing to ``total`` (each 0-5)."""
    items: list[int | None] = []
    for _ in range(10):
        items.append(min(5, total))
        total -= items[-1]  # type: ignore[operator]
    return items


def test_nrs_progress_joins_intake_baseline_sessions_and_follow_ups() -> None:
    sessions = [session(week(n), back, None) for n, back in ((1, 7), (2, 6), (3, 5), (4, 4))]
    measurements = [
        measure("NRS_BACK", week(0), value=8),  # the intake's baseline
        measure("NRS_BACK", week(10), value=2),  # follow-up six weeks after the last session
    ]
    progress = case_progress(measurements, sessions, case_id=CASE).of("NRS_BACK")
    assert progress is not None
    assert [r.score for r in progress.readings] == [8, 7, 6, 5, 4, 2]
    assert [r.follow_up for r in progress.readings] == [False] * 5 + [True]
    assert (progress.baseline.score, progress.latest.score) == (8, 2)
    assert progress.improvement == 6
    assert progress.improvement_percent == 75
    assert progress.important_now is True
    # 2 points from 8 is reached at 6 (week 2), before 30 % (5.6).
    assert progress.first_important_at == week(2)
    assert progress.important_at == 6
    assert progress.follow_ups == (progress.readings[-1],)
    assert not progress.recovered


def test_a_measurement_at_a_session_replaces_that_sessions_pain_score() -> None:
    first = session(week(1), 6, 7)
    measurements = [measure("NRS_LEG", week(1), value=8, session_id=first.id)]
    progress = case_progress(measurements, [first]).of("NRS_LEG")
    assert progress is not None
    assert [r.score for r in progress.readings] == [8]
    assert progress.important_now is False  # one reading is no change


def test_disability_scores_use_their_own_thresholds() -> None:
    measurements = [
        measure("ODI", week(0), answers=odi(25)),  # 50 %
        measure("ODI", week(4), answers=odi(22)),  # 44 %
        measure("ODI", week(8), answers=odi(19)),  # 38 %
        measure("RMDQ", week(0), answers=[True] * 12 + [False] * 12),
        measure("RMDQ", week(8), answers=[True] * 2 + [False] * 22),
    ]
    result = case_progress(measurements)
    assert [p.instrument for p in result.instruments] == ["ODI", "RMDQ"]
    odi_progress, rmdq = result.instruments
    assert odi_progress.improvement == pytest.approx(12)
    assert odi_progress.first_important_at == week(8)
    assert odi_progress.important_at == 40
    assert rmdq.important_now
    assert rmdq.recovered


def test_without_an_agreed_threshold_nothing_is_claimed() -> None:
    measurements = [
        measure("SBI", week(0), answers=[5, 4, 3, 5]),
        measure("SBI", week(6), answers=[1, 1, 0, 1]),
    ]
    progress = case_progress(measurements).of("SBI")
    assert progress is not None
    assert progress.thresholds is None
    assert progress.improvement == 14
    assert (progress.important_now, progress.first_important_at, progress.important_at) == (
        None,
        None,
        None,
    )


def test_the_clinics_threshold_overrides_the_instruments_own() -> None:
    measurements = [
        measure("SBI", week(0), answers=[5, 4, 3, 5]),
        measure("SBI", week(6), answers=[3, 3, 3, 3]),
    ]
    progress = case_progress(measurements, thresholds={"SBI": Thresholds(points=4)}).of("SBI")
    assert progress is not None
    assert progress.important_now is True
    assert progress.important_at == 13
    strict = case_progress(measurements, thresholds={"SBI": Thresholds(points=6)}).of("SBI")
    assert strict is not None
    assert strict.important_now is False


def test_higher_is_better_for_the_pressure_pain_threshold() -> None:
    trials = {"site": "BL25 left", "unit": "kgf/cm2"}
    measurements = [
        measure("PPT", week(0), answers=trials | {"trials": [3.0, 3.2]}),
        measure("PPT", week(6), answers=trials | {"trials": [4.5, 4.7]}),
    ]
    progress = case_progress(measurements, thresholds={"PPT": Thresholds(points=1.2)}).of("PPT")
    assert progress is not None
    assert not progress.lower_is_better
    assert progress.improvement == pytest.approx(1.5)
    assert progress.important_at == pytest.approx(4.3)
    assert progress.important_now


def test_clinic_measures_count_and_unknown_or_unscorable_readings_are_left_out() -> None:
    walk = clinic_measure(
        "WALK_MIN",
        "Walking minutes",
        minimum=0,
        maximum=240,
        unit="min",
        better="higher",
        mcid_points=10,
    )
    measurements = [
        measure("WALK_MIN", week(0), value=10),
        measure("WALK_MIN", week(5), value=30),
        measure("MYSTERY", week(1), value=3),
        measure("NRS_BACK", week(1), value=None),
    ]
    result = case_progress(measurements, clinic_measures={"WALK_MIN": walk})
    assert [p.instrument for p in result.instruments] == ["WALK_MIN"]
    assert result.instruments[0].first_important_at == week(5)
    assert case_progress(measurements).instruments == ()


def test_case_progress_is_loaded_with_the_clinics_settings(db: Database) -> None:
    journal = make_journal(db)
    for days, before in ((0, 6), (7, 5), (14, 5)):
        sign_session(
            db,
            make_session(journal, days_later=days, pain_before=before),
            journal.practitioner.id,
        )
    with unit_of_work(db) as repo:
        repo.add_measurement(
            OutcomeMeasurement(
                case_id=journal.case.id,
                instrument="NRS_BACK",
                taken_at=datetime(2026, 3, 1, tzinfo=UTC),
                value=4,
            )
        )
    progress = case_progress_of(db, journal.case.id)
    back = progress.of("NRS_BACK")
    assert back is not None
    assert [r.score for r in back.readings] == [6, 5, 5, 4]
    assert back.first_important_at == datetime(2026, 3, 1, tzinfo=UTC)
    settings.set_outcome_thresholds(db, {"NRS_BACK": Thresholds(points=1)})
    back = case_progress_of(db, journal.case.id).of("NRS_BACK")
    assert back is not None
    assert back.first_important_at == make_session(journal).started_at + (timedelta(days=7))


def test_thresholds_and_clinic_measures_round_trip_through_the_settings(db: Database) -> None:
    walk = clinic_measure("WALK_MIN", "Walking minutes", minimum=0, maximum=240, unit="min")
    settings.set_clinic_measures(db, [walk])
    assert settings.get_clinic_measures(db) == {"WALK_MIN": walk}
    settings.set_outcome_thresholds(
        db, {"SBI": Thresholds(points=4), "WALK_MIN": Thresholds(percent=25)}
    )
    assert settings.get_outcome_thresholds(db) == {
        "SBI": Thresholds(4, None),
        "WALK_MIN": Thresholds(None, 25),
    }


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ({"XYZ": Thresholds(points=1)}, '"XYZ" is not an instrument of this clinic'),
        ({"SBI": Thresholds()}, "give a change in points, in percent, or both"),
        ({"SBI": Thresholds(points=-1)}, "must be a number above 0"),
        ({"NRS_BACK": Thresholds(percent=150)}, "must be a number from 0 to 100"),
    ],
)
def test_bad_thresholds_are_refused(
    db: Database, thresholds: dict[str, Thresholds], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        settings.set_outcome_thresholds(db, thresholds)
    assert settings.get_outcome_thresholds(db) == {}
