"""The red-flag banner: a patient's intake screening, impossible to miss.

One strip above the patient page and the session editor. Red, white text: a red flag nobody has
reviewed yet, or a patient referred out. Amber, black text: proceed with caution (anticoagulants,
a pacemaker ruling out electro-acupuncture, pregnancy, diabetes, needle fear), questions the
patient left unanswered (until the intake is reviewed), or red flags a practitioner reviewed
and accepted (with the reason).
Hidden when there is nothing to say. Both colour pairs pass WCAG AA contrast at any size (white
on #B71C1C is 6.6:1, black on #FFC107 is 12.4:1), the title is large and bold, and the banner's
accessible name and description carry the whole message for screen readers.

Use: ``banner.set_status(screening_status(db, patient_id))`` whenever the patient is shown or
an intake is saved or reviewed; ``review_requested(intake_id)`` asks for the review dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.intake import AlertLevel, ReviewDecision, ScreeningStatus
from acujournal.domain.screening import Caution, RedFlag, RedFlagGroup, ScreeningOutcome

COLOURS = {
    AlertLevel.REFER: ("#B71C1C", "#FFFFFF"),
    AlertLevel.CAUTION: ("#FFC107", "#000000"),
}
"""Background and text colour of each level."""


def flag_label(code: str) -> str:
    """A red flag or caution in the practitioner's words, translated."""
    t = QCoreApplication.translate
    labels: dict[str, str] = {
        RedFlag.BOTH_LEGS: t("Screening", "pain or numbness in both legs"),
        RedFlag.SADDLE_NUMBNESS: t("Screening", "saddle numbness"),
        RedFlag.BLADDER_CHANGES: t("Screening", "new bladder changes"),
        RedFlag.BOWEL_INCONTINENCE: t("Screening", "bowel incontinence"),
        RedFlag.PROGRESSIVE_WEAKNESS: t("Screening", "progressive leg weakness"),
        RedFlag.FOOT_DROP: t("Screening", "foot drop"),
        RedFlag.CANCER_HISTORY: t("Screening", "history of cancer"),
        RedFlag.WEIGHT_LOSS: t("Screening", "unexplained weight loss"),
        RedFlag.AGE_OVER_50: t("Screening", "age over 50"),
        RedFlag.NO_IMPROVEMENT: t("Screening", "no improvement after 4-6 weeks"),
        RedFlag.NIGHT_PAIN: t("Screening", "night pain or pain at rest"),
        RedFlag.FEVER: t("Screening", "fever"),
        RedFlag.IV_DRUG_USE: t("Screening", "intravenous drug use"),
        RedFlag.IMMUNOSUPPRESSION: t("Screening", "immunosuppression"),
        RedFlag.URINARY_INFECTION: t("Screening", "recent urinary infection"),
        RedFlag.TRAUMA: t("Screening", "significant trauma"),
        RedFlag.OSTEOPOROSIS: t("Screening", "osteoporosis"),
        RedFlag.STEROIDS: t("Screening", "long-term steroids"),
        Caution.ANTICOAGULANTS: t("Screening", "anticoagulants or bleeding disorder"),
        Caution.PACEMAKER_OR_IMPLANT: t(
            "Screening", "pacemaker or implant: no electro-acupuncture"
        ),
        Caution.PREGNANCY: t("Screening", "pregnant or possibly pregnant"),
        Caution.DIABETES: t("Screening", "diabetes"),
        Caution.NEEDLE_FEAR_OR_FAINTING: t("Screening", "needle fear or fainting"),
    }
    return labels.get(code, code.replace("_", " "))


def group_label(group: RedFlagGroup) -> str:
    t = QCoreApplication.translate
    return {
        RedFlagGroup.CAUDA_EQUINA: t("Screening", "possible cauda equina syndrome: emergency"),
        RedFlagGroup.CANCER: t("Screening", "possible cancer"),
        RedFlagGroup.INFECTION: t("Screening", "possible infection"),
        RedFlagGroup.FRACTURE: t("Screening", "possible fracture"),
    }[group]


def decision_label(decision: ReviewDecision) -> str:
    t = QCoreApplication.translate
    return {
        ReviewDecision.ACCEPT: t("Screening", "Accepted"),
        ReviewDecision.ACCEPT_WITH_CAUTION: t("Screening", "Accepted with caution"),
        ReviewDecision.REFER_OUT: t("Screening", "Referred out"),
    }[decision]


class RedFlagBanner(QFrame):
    """A patient's screening as a red or amber strip; hidden when there is no flag."""

    review_requested = Signal(object)
    """The intake's id: the user pressed "Review intake…"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("redFlagBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._status: ScreeningStatus | None = None

        self.icon = QLabel()
        self.icon.setObjectName("redFlagIcon")
        self.title = QLabel()
        self.title.setObjectName("redFlagTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.details = QLabel()
        self.details.setObjectName("redFlagDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        details_font = self.details.font()
        details_font.setPointSizeF(details_font.pointSizeF() * 1.15)
        details_font.setBold(True)
        self.details.setFont(details_font)
        self.review_line = QLabel()
        self.review_line.setObjectName("redFlagReview")
        self.review_line.setTextFormat(Qt.TextFormat.PlainText)
        self.review_line.setWordWrap(True)
        self.review_button = QPushButton(self.tr("Review intake…"))
        self.review_button.setObjectName("redFlagReviewButton")
        self.review_button.setMinimumHeight(40)
        self.review_button.clicked.connect(self._request_review)

        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.details)
        text.addWidget(self.review_line)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        layout.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    # Public API ---------------------------------------------------------------------------
    def status(self) -> ScreeningStatus | None:
        return self._status

    def level(self) -> AlertLevel | None:
        """What is shown: red (refer), amber (caution) or nothing."""
        return self._status.level if self._status is not None else None

    def set_status(self, status: ScreeningStatus | None) -> None:
        """Show a patient's screening (None: no intake), or hide when there is no flag."""
        self._status = status
        level = self.level()
        if status is None or level is None:
            self.title.clear()
            self.details.clear()
            self.review_line.clear()
            self.setAccessibleName("")
            self.setAccessibleDescription("")
            self.hide()
            return
        background, foreground = COLOURS[level]
        self.setStyleSheet(
            f"#redFlagBanner {{ background: {background}; border-radius: 4px; }}"
            f"#redFlagBanner QLabel {{ color: {foreground}; }}"
        )
        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if level is AlertLevel.REFER
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_LargeIconSize)
        self.icon.setPixmap(self.style().standardIcon(pixmap).pixmap(size, size))
        self.title.setText(self._title(status))
        self.details.setText(self._details(status))
        self.review_line.setText(self._review(status))
        kind = self.tr("Red flag") if level is AlertLevel.REFER else self.tr("Caution")
        self.setAccessibleName(f"{kind}: {self.title.text()}")
        self.setAccessibleDescription(
            " ".join(t for t in (self.details.text(), self.review_line.text()) if t)
        )
        self.icon.setAccessibleName(kind)
        self.show()

    # Wording ------------------------------------------------------------------------------
    def _title(self, status: ScreeningStatus) -> str:
        screening = status.screening
        decision = status.review.decision if status.review else None
        if decision is ReviewDecision.REFER_OUT:
            return self.tr("Referred out")
        if screening.outcome is ScreeningOutcome.REFER_NOW:
            if decision is None:
                if screening.emergency:
                    return self.tr("REFER NOW: emergency red flag")
                return self.tr("REFER NOW: red flag")
            return self.tr("Red flags reviewed: treatment accepted")
        return self.tr("Proceed with caution")

    def _details(self, status: ScreeningStatus) -> str:
        screening = status.screening
        parts: list[str] = []
        if screening.red_flags:
            flags = ", ".join(flag_label(f) for f in screening.red_flags)
            groups = "; ".join(group_label(g) for g in screening.red_flag_groups)
            parts.append(self.tr("Red flags: %1 (%2)").replace("%1", flags).replace("%2", groups))
        if screening.cautions:
            cautions = ", ".join(flag_label(c) for c in screening.cautions)
            parts.append(self.tr("Caution: %1").replace("%1", cautions))
        if screening.unanswered:
            asked = ", ".join(flag_label(code) for code in screening.unanswered)
            parts.append(self.tr("Not answered, ask about: %1").replace("%1", asked))
        return "\n".join(parts)

    def _review(self, status: ScreeningStatus) -> str:
        review = status.review
        if review is None:
            return self.tr("Intake of %1, not reviewed yet").replace(
                "%1", status.submitted_at.astimezone().date().isoformat()
            )
        line = (
            self.tr("%1 by %2 on %3")
            .replace("%1", decision_label(review.decision))
            .replace("%2", status.reviewer_name or self.tr("a practitioner"))
            .replace("%3", review.reviewed_at.astimezone().date().isoformat())
        )
        reason = " ".join(review.reason.split())
        return f"{line}: {reason}" if reason else line

    def _request_review(self) -> None:
        if self._status is not None:
            self.review_requested.emit(self._status.intake_id)
