"""The red-flag banner: hidden without a flag, red for refer now, amber for caution."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from acujournal.domain.intake import AlertLevel, IntakeReview, ReviewDecision, ScreeningStatus
from acujournal.domain.screening import Caution, RedFlag, ScreeningOutcome, ScreeningResult
from acujournal.ui.red_flag_banner import RedFlagBanner

SUBMITTED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
REVIEWED = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def status(
    screening: ScreeningResult, decision: ReviewDecision | None = None, reason: str = ""
) -> ScreeningStatus:
    review = None if decision is None else IntakeReview(decision, uuid.uuid4(), REVIEWED, reason)
    return ScreeningStatus(
        uuid.uuid4(), uuid.uuid4(), None, SUBMITTED, screening, review, "Dr Lin Mei"
    )


REFER = ScreeningResult(
    ScreeningOutcome.REFER_NOW,
    red_flags=(RedFlag.SADDLE_NUMBNESS, RedFlag.FEVER),
    cautions=(Caution.ANTICOAGULANTS,),
)
CAUTION = ScreeningResult(
    ScreeningOutcome.CAUTION,
    cautions=(Caution.PACEMAKER_OR_IMPLANT, Caution.PREGNANCY),
    unanswered=("steroids",),
)
CLEAR = ScreeningResult(ScreeningOutcome.NO_FLAGS)


@pytest.fixture
def banner(qtbot: QtBot) -> RedFlagBanner:
    widget = RedFlagBanner()
    qtbot.addWidget(widget)
    widget.resize(900, 120)
    widget.show()
    return widget


def background(widget: RedFlagBanner) -> QColor:
    image = widget.grab().toImage()
    return image.pixelColor(image.width() - 3, image.height() // 2)


def test_hidden_without_an_intake_or_without_flags(banner: RedFlagBanner) -> None:
    banner.set_status(None)
    assert banner.isHidden()
    banner.set_status(status(CLEAR))
    assert banner.isHidden()
    assert banner.level() is None
    banner.set_status(status(CLEAR, ReviewDecision.ACCEPT))
    assert banner.isHidden()


def test_an_unreviewed_red_flag_is_a_red_strip_naming_the_flags(banner: RedFlagBanner) -> None:
    banner.set_status(status(REFER))
    assert banner.isVisible()
    assert banner.level() is AlertLevel.REFER
    assert banner.title.text() == "REFER NOW: emergency red flag"
    details = banner.details.text()
    assert "saddle numbness" in details
    assert "fever" in details
    assert "possible cauda equina syndrome: emergency" in details
    assert "anticoagulants or bleeding disorder" in details
    assert banner.review_line.text() == "Intake of 2026-03-02, not reviewed yet"
    assert background(banner) == QColor("#B71C1C")
    assert banner.title.palette().color(banner.title.foregroundRole()) == QColor("#FFFFFF")
    assert banner.title.font().bold()
    assert banner.title.font().pointSizeF() > banner.font().pointSizeF() * 1.3


def test_the_banner_speaks_its_whole_message(banner: RedFlagBanner) -> None:
    banner.set_status(status(REFER))
    assert banner.accessibleName() == "Red flag: REFER NOW: emergency red flag"
    assert "saddle numbness" in banner.accessibleDescription()
    assert "not reviewed yet" in banner.accessibleDescription()


def test_cautions_and_unanswered_questions_are_an_amber_strip(banner: RedFlagBanner) -> None:
    banner.set_status(status(CAUTION))
    assert banner.level() is AlertLevel.CAUTION
    assert banner.title.text() == "Proceed with caution"
    assert "pacemaker or implant: no electro-acupuncture" in banner.details.text()
    assert "pregnant or possibly pregnant" in banner.details.text()
    assert "Not answered, ask about: long-term steroids" in banner.details.text()
    assert background(banner) == QColor("#FFC107")
    assert banner.accessibleName().startswith("Caution: ")


def test_red_flags_accepted_on_review_turn_amber_with_the_reason(banner: RedFlagBanner) -> None:
    banner.set_status(status(REFER, ReviewDecision.ACCEPT, "GP saw her;\nno neurology"))
    assert banner.level() is AlertLevel.CAUTION
    assert banner.title.text() == "Red flags reviewed: treatment accepted"
    assert banner.review_line.text() == (
        "Accepted by Dr Lin Mei on 2026-03-03: GP saw her; no neurology"
    )


def test_a_referral_stays_red(banner: RedFlagBanner) -> None:
    banner.set_status(status(CAUTION, ReviewDecision.REFER_OUT, "To the GP for the fever"))
    assert banner.level() is AlertLevel.REFER
    assert banner.title.text() == "Referred out"
    assert banner.review_line.text().startswith("Referred out by Dr Lin Mei on 2026-03-03")


def test_the_review_button_asks_for_the_intake(banner: RedFlagBanner, qtbot: QtBot) -> None:
    shown = status(REFER)
    banner.set_status(shown)
    with qtbot.waitSignal(banner.review_requested) as signal:
        qtbot.mouseClick(banner.review_button, Qt.MouseButton.LeftButton)
    assert signal.args == [shown.intake_id]


def test_switching_patients_replaces_or_clears_everything(banner: RedFlagBanner) -> None:
    banner.set_status(status(REFER))
    banner.set_status(status(CAUTION))
    assert "saddle" not in banner.details.text()
    banner.set_status(None)
    assert banner.isHidden()
    assert banner.details.text() == ""
    assert banner.accessibleName() == ""
