"""The main window shows the journal's patients and finds them forgivingly."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acujournal.services.sessions import record_session
from acujournal.storage.db import Database
from acujournal.storage.repository import PatientSummary, SessionSummary
from acujournal.ui.history_model import SessionHistoryModel
from acujournal.ui.main_window import MainWindow
from acujournal.ui.patient_list_model import PatientFilterModel, PatientListModel
from tests.builders import make_journal, make_session, mixed_needles


def _summary(name: str, phone: str = "", born: date | None = None) -> PatientSummary:
    from acujournal.domain.model import new_id

    return PatientSummary(new_id(), name, born, phone, False, None)


def test_patient_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PatientListModel()
    model.set_patients([_summary("Åse Bjørnstad", "+47 912 34 567"), _summary("José Núñez")])
    qtmodeltester.check(model)
    proxy = PatientFilterModel()
    proxy.setSourceModel(model)
    proxy.set_query("jose")
    qtmodeltester.check(proxy)


def test_history_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    from acujournal.domain.model import new_id

    model = SessionHistoryModel()
    model.set_sessions(
        [
            SessionSummary(
                new_id(),
                new_id(),
                datetime(2026, 3, 29, 7, tzinfo=UTC),
                "Europe/Oslo",
                "Dr Lin",
                "signed",
                ("BL40", "EX-B2 L4"),
                6,
                7,
                3,
                4,
            )
        ]
    )
    qtmodeltester.check(model)
    # 07:00 UTC on the day summer time starts is 09:00 in Oslo.
    assert model.index(0, model.DATE).data() == "2026-03-29 09:00"
    assert model.index(0, model.BACK).data() == "6 → 3"


def _visible_names(window: MainWindow) -> list[str]:
    model = window.filtered
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_window_lists_patients_and_search_forgives_accents_and_case(
    qtbot: QtBot, db: Database
) -> None:
    make_journal(db, "Åse Bjørnstad")
    make_journal(db, "José Núñez")
    make_journal(db, "Mark Olsen")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    assert sorted(_visible_names(window)) == ["José Núñez", "Mark Olsen", "Åse Bjørnstad"]

    qtbot.keyClicks(window.search, "ASE bjor")
    assert _visible_names(window) == ["Åse Bjørnstad"]
    window.search.clear()
    qtbot.keyClicks(window.search, "nunez")
    assert _visible_names(window) == ["José Núñez"]
    window.search.clear()
    qtbot.keyClicks(window.search, "91234")
    assert len(_visible_names(window)) == 3  # every builder patient has that phone number
    window.search.clear()
    qtbot.keyClicks(window.search, "1968-04")
    assert len(_visible_names(window)) == 3


def test_choosing_a_patient_shows_their_history(qtbot: QtBot, db: Database) -> None:
    journal = make_journal(db)
    record_session(db, make_session(journal))
    record_session(db, make_session(journal, days_later=7, pain_before=5, pain_after=2))
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.select_patient(journal.patient.id)
    assert window.page.name_label.text() == "Åse Bjørnstad"
    history = window.page.history
    assert history.rowCount() == 2
    assert history.index(0, history.BACK).data() == "5 → 2"
    assert "BL23" in history.index(0, history.POINTS).data()


def test_archiving_hides_a_patient_until_archived_patients_are_shown(
    qtbot: QtBot, db: Database
) -> None:
    journal = make_journal(db, "Åse Bjørnstad")
    make_journal(db, "Mark Olsen")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.select_patient(journal.patient.id)
    window.archive_action.trigger()
    assert _visible_names(window) == ["Mark Olsen"]
    assert "archived" in window.statusBar().currentMessage()
    window.show_archived.setChecked(True)
    assert sorted(_visible_names(window)) == ["Mark Olsen", "Åse Bjørnstad"]
    window.select_patient(journal.patient.id)
    window.archive_action.trigger()
    window.show_archived.setChecked(False)
    assert sorted(_visible_names(window)) == ["Mark Olsen", "Åse Bjørnstad"]


def test_find_shortcut_focuses_the_search(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.patient_view.setFocus()
    qtbot.keyClick(window.patient_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus)


def _filtered_names(proxy: PatientFilterModel) -> list[str]:
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def test_search_typed_on_and_back_gives_what_a_fresh_search_gives() -> None:
    people = [
        _summary("Åse Bjørnstad", "+47 912 34 567", date(1968, 4, 2)),
        _summary("José Núñez", "+34 600 12 34 56", date(1980, 1, 5)),
        _summary("Jon Olsen", "", date(1990, 12, 24)),
        _summary("Joséphine Bæk", "+33 6 12 34 56 78"),
        _summary("Mark Olsen", "912 00 111"),
    ]
    model = PatientListModel()
    model.set_patients(people * 3)
    typed = PatientFilterModel()
    typed.setSourceModel(model)
    text = ""
    # Typed on letter by letter, then erased again: each step narrows or widens the last result.
    steps = [*"jose nu", *["jose n", "jose ", "jose", "jo", "j", ""], *"olsen 1990", "91234"]
    for step in steps:
        text = step if len(step) > 1 or step == "" else text + step
        typed.set_query(text)
        fresh = PatientFilterModel()
        fresh.setSourceModel(model)
        fresh.set_query(text)
        assert _filtered_names(typed) == _filtered_names(fresh), text
    assert _filtered_names(typed) == ["Åse Bjørnstad"] * 3


def test_search_keeps_the_list_order_and_matches_every_word() -> None:
    model = PatientListModel()
    model.set_patients([_summary("Mark Olsen"), _summary("Åse Olsen"), _summary("Mark Berg")])
    proxy = PatientFilterModel()
    proxy.setSourceModel(model)
    proxy.set_query("OLSEN")
    assert _filtered_names(proxy) == ["Mark Olsen", "Åse Olsen"]
    proxy.set_query("olsen mark")
    assert _filtered_names(proxy) == ["Mark Olsen"]
    model.set_patients([_summary("Kari Olsen"), *[model.patient_at(r) for r in range(3)]])
    assert _filtered_names(proxy) == ["Mark Olsen"], "a reloaded list is searched again"
    proxy.set_query("")
    assert len(_filtered_names(proxy)) == 4


def test_a_chosen_patient_stays_chosen_while_the_search_still_finds_them(
    qtbot: QtBot, db: Database
) -> None:
    make_journal(db, "Åse Bjørnstad")
    make_journal(db, "José Núñez")
    chosen = make_journal(db, "Mark Olsen")
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.select_patient(chosen.patient.id)

    def selected() -> list[str]:
        rows = window.patient_view.selectionModel().selectedRows()
        return [index.data() for index in rows]

    assert selected() == ["Mark Olsen"]
    qtbot.keyClicks(window.search, "ol")
    assert selected() == ["Mark Olsen"]
    assert window.patient_view.verticalHeader().count() == window.filtered.rowCount()
    qtbot.keyClicks(window.search, "x")
    assert selected() == []
    assert window.patient_view.verticalHeader().count() == window.filtered.rowCount() == 0
    assert window.current_patient_id == chosen.patient.id, "the page still shows them"


def test_the_patient_columns_are_not_sized_by_reading_every_row(qtbot: QtBot, db: Database) -> None:
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    view = window.patient_view
    widths = [view.columnWidth(column) for column in range(1, 4)]
    many = [_summary(f"Patient {n}", f"+47 {n:011d} 999 999", date(1970, 1, 1)) for n in range(500)]
    window.patients.set_patients(many)
    qtbot.wait(10)
    assert [view.columnWidth(column) for column in range(1, 4)] == widths
    assert all(width > 0 for width in widths)


def test_the_body_chart_shows_where_the_chosen_sessions_needles_went(
    qtbot: QtBot, db: Database
) -> None:
    journal = make_journal(db)
    session = make_session(journal)
    session.needles = mixed_needles()
    session.needles_in = session.needles_out = None
    record_session(db, session)
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.select_patient(journal.patient.id)
    dots = {(d.point, d.region) for d in window.page.body_chart.needle_dots()}
    # Jiaji at L4 on the left, the Ashi point in the left buttock, GB30 on the left.
    assert ("EX-B2 L4", "low_back") in dots
    assert ("ASHI", "left_buttock") in dots
    assert ("GB30", "left_buttock") in dots
    assert "EX-B2 L4" in window.page.needles_label.text()
