"""The practitioner's review dialog: answers with their problems, screening, decision, letter."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from acujournal.domain.intake import AlertLevel, IntakeSource, ReviewDecision
from acujournal.domain.questionnaire_file import shipped_questionnaire
from acujournal.services.intake import (
    PreparedIntake,
    intakes_of_patient,
    prepare_intake,
    save_intake,
)
from acujournal.services.intake_pdf import IntakeFormError, intake_form_pdf
from acujournal.services.patients import list_patients, patient_overview
from acujournal.storage.db import Database
from acujournal.ui.intake_answers_model import ISSUE_ROLE, KEY_ROLE, AnswersModel
from acujournal.ui.intake_form import IntakeFormDialog
from acujournal.ui.intake_review import (
    IntakeReviewDialog,
    review_pdf_form,
    review_tablet_answers,
)
from tests.builders import Journal
from tests.reports.intake_pdf_fill import fill, form_values
from tests.services.intake_answers import clean_answers

LEFT = Qt.MouseButton.LeftButton
SUBMITTED = datetime(2026, 3, 2, 8, 15, tzinfo=UTC)


def prepared(journal: Journal, *, case: bool = True, **answers: object) -> PreparedIntake:
    values = clean_answers(**answers)
    for key in [k for k, v in values.items() if v is None]:
        del values[key]
    return prepare_intake(
        shipped_questionnaire(),
        values,
        patient_id=journal.patient.id,
        case_id=journal.case.id if case else None,
        source=IntakeSource.PDF,
        submitted_at=SUBMITTED,
        time_zone="Europe/Oslo",
        unreadable={"onset_date": "after Christmas"},
    )


def dialog_for(
    qtbot: QtBot,
    db: Database,
    journal: Journal,
    *,
    prepared: PreparedIntake | None = None,
    intake_id: uuid.UUID | None = None,
) -> IntakeReviewDialog:
    dialog = IntakeReviewDialog(
        db, prepared=prepared, intake_id=intake_id, practitioner_id=journal.practitioner.id
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_answers_model_passes_the_model_checks(
    qtmodeltester: ModelTester, journal: Journal
) -> None:
    model = AnswersModel()
    qtmodeltester.check(model)
    intake = prepared(journal, fever=None, both_legs=True)
    model.set_intake(
        intake.questionnaire, intake.intake.answers, intake.intake.unreadable, intake.issues
    )
    qtmodeltester.check(model)
    assert model.rowCount() == len(list(shipped_questionnaire().questions()))
    assert model.columnCount() == 4


def test_answers_are_listed_with_what_to_look_at(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal, fever=None, both_legs=True))
    model = dialog.model

    def row(key: str) -> list[str]:
        number = model.row_of(key)
        return [model.index(number, column).data() for column in range(4)]

    assert row("name") == ["About you", "Your full name", "Åse Bjørnstad", ""]
    assert row("pain_regions")[2] == "low back, left buttock, left thigh, left calf"
    assert row("fever")[2:] == ["not answered", "missing: is not answered"]
    assert row("onset_date")[2] == "could not be read: “after Christmas”"
    assert row("side")[3].startswith("contradictory: pain in both legs is answered yes")
    fever = model.index(model.row_of("fever"), 0)
    assert fever.data(ISSUE_ROLE) == ["missing"]
    assert fever.data(KEY_ROLE) == "fever"
    assert model.index(model.row_of("name"), 0).data(ISSUE_ROLE) == []
    assert "1 missing, 1 unreadable, 1 contradictory" in dialog.issues_label.text()


def test_the_screening_shows_in_the_banner_and_suggests_the_decision(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal, saddle_numbness=True))
    assert dialog.banner.isVisible()
    assert dialog.banner.level() is AlertLevel.REFER
    assert "saddle numbness" in dialog.banner.details.text()
    assert dialog.decision() is ReviewDecision.REFER_OUT
    assert not dialog.letter_button.isEnabled()


def test_going_ahead_despite_a_red_flag_needs_a_reason(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal, fever=True))
    qtbot.mouseClick(dialog.decision_buttons["accept"], LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert dialog.problems_label.text() == "say why treatment may go ahead despite the red flags"
    assert intakes_of_patient(db, journal.patient.id) == []
    qtbot.keyClicks(dialog.reason, "GP saw her yesterday: a cold")
    with qtbot.waitSignal(dialog.saved) as signal:
        qtbot.mouseClick(dialog.save_button, LEFT)
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert signal.args == [stored.id]
    assert stored.review is not None
    assert stored.review.decision is ReviewDecision.ACCEPT
    assert stored.review.reason == "GP saw her yesterday: a cold"
    assert stored.review.reviewer_id == journal.practitioner.id
    assert dialog.banner.level() is AlertLevel.CAUTION
    assert dialog.history.text().startswith("Accepted by Dr Lin Mei on 2026-")
    assert dialog.letter_button.isEnabled()
    assert dialog.save_button.text() == "Record decision"


def test_decide_later_stores_the_intake_without_a_review(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal))
    qtbot.mouseClick(dialog.decision_buttons["later"], LEFT)
    qtbot.mouseClick(dialog.save_button, LEFT)
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert stored.reviews == []
    assert dialog.decision_buttons["later"].isHidden()
    assert dialog.decision() is ReviewDecision.ACCEPT
    measurements = patient_overview(db, journal.patient.id).measurements[journal.case.id]
    assert {m.instrument for m in measurements} == {"NRS_BACK", "NRS_LEG", "ODI"}


def test_cancel_stores_nothing(qtbot: QtBot, db: Database, journal: Journal) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal))
    dialog.reject()
    assert intakes_of_patient(db, journal.patient.id) == []


def test_a_stored_intake_gets_a_further_decision_and_a_letter(
    qtbot: QtBot, db: Database, journal: Journal, tmp_path: Path
) -> None:
    intake = save_intake(db, prepared(journal, pacemaker_or_implant=True))
    dialog = dialog_for(qtbot, db, journal, intake_id=intake.id)
    assert "later" not in dialog.decision_buttons
    assert dialog.decision() is ReviewDecision.ACCEPT_WITH_CAUTION
    qtbot.keyClicks(dialog.reason, "No electro-acupuncture.")
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.mouseClick(dialog.decision_buttons["refer_out"], LEFT)
    qtbot.keyClicks(dialog.reason, "Cardiology first")
    qtbot.mouseClick(dialog.save_button, LEFT)
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert [r.decision for r in stored.reviews] == [
        ReviewDecision.ACCEPT_WITH_CAUTION,
        ReviewDecision.REFER_OUT,
    ]
    assert len(dialog.history.text().splitlines()) == 2
    letter = tmp_path / "letter.pdf"
    dialog.save_letter(letter)
    text = " ".join(PdfReader(letter).pages[0].extract_text().split())
    assert "Please see a doctor first" in text
    assert "Cardiology first" in text


def test_a_case_can_be_opened_from_the_answers(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    dialog = dialog_for(qtbot, db, journal, prepared=prepared(journal, case=False))
    assert dialog.open_case.isVisible()
    qtbot.mouseClick(dialog.open_case, LEFT, pos=QPoint(8, dialog.open_case.height() // 2))
    assert dialog.open_case.isChecked()
    qtbot.mouseClick(dialog.save_button, LEFT)
    cases = patient_overview(db, journal.patient.id).cases
    assert len(cases) == 2
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert stored.case_id in {c.id for c in cases} - {journal.case.id}


def test_a_filled_pdf_opens_for_review_and_bad_files_are_refused(
    qtbot: QtBot, db: Database, journal: Journal, tmp_path: Path
) -> None:
    blank = intake_form_pdf(None)
    values = form_values(shipped_questionnaire(), clean_answers(name="Kari Nordmann"))
    path = tmp_path / "kari.pdf"
    path.write_bytes(fill(blank, values))
    dialog = review_pdf_form(db, path, practitioner_id=journal.practitioner.id)
    qtbot.addWidget(dialog)
    assert dialog.model.index(0, 2).data() == "Kari Nordmann"
    assert "read from the PDF form" in dialog.header.text()
    assert [p.name for p in list_patients(db)] == ["Åse Bjørnstad"]
    dialog.save()
    assert sorted(p.name for p in list_patients(db)) == ["Kari Nordmann", "Åse Bjørnstad"]
    path.write_bytes(b"not a pdf")
    with pytest.raises(IntakeFormError, match=r"^kari\.pdf is not a PDF file\.$"):
        review_pdf_form(db, path)


def test_the_tablet_answers_open_for_review_for_a_known_patient(
    qtbot: QtBot, db: Database, journal: Journal
) -> None:
    form = IntakeFormDialog(shipped_questionnaire(), clean_answers(fever=True))
    qtbot.addWidget(form)
    dialog = review_tablet_answers(
        db, form, patient_id=journal.patient.id, practitioner_id=journal.practitioner.id
    )
    qtbot.addWidget(dialog)
    assert dialog.intake.case_id == journal.case.id  # the patient's open case
    assert dialog.banner.level() is AlertLevel.REFER
    qtbot.keyClicks(dialog.reason, "To the GP: fever")
    assert dialog.save()
    [stored] = intakes_of_patient(db, journal.patient.id)
    assert stored.source is IntakeSource.APP
    assert stored.review is not None
    assert stored.review.decision is ReviewDecision.REFER_OUT
