"""A patient's page: who they are, their cases, how the pain went, what was needled.

The page shows what it is given (``show_patient``, ``set_screening``, ``set_outcome_settings``)
and asks for everything else through signals, so it never touches the database and can be
tested on its own. The one exception is an optional ``needles_provider`` the caller may set: the
history summaries list point codes but not their sides, so the page asks the provider for the
exact needles of the session it shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from acujournal.domain.intake import AlertLevel, ScreeningStatus
from acujournal.domain.model import Case, CaseSide, OutcomeMeasurement, Radiation
from acujournal.domain.outcomes import Instrument, Thresholds
from acujournal.services.outcome_progress import CaseProgress, case_progress
from acujournal.services.patients import PatientOverview
from acujournal.storage.repository import SessionSummary
from acujournal.ui.body_chart import REGION_CODES, BodyChart
from acujournal.ui.combo import index_of_data
from acujournal.ui.history_model import SESSION_ID_ROLE, SessionHistoryModel
from acujournal.ui.outcome_chart import OutcomeChartView
from acujournal.ui.pain_chart import PainChartView
from acujournal.ui.patient_dialog import condition_label
from acujournal.ui.red_flag_banner import COLOURS, RedFlagBanner

NeedlesProvider = Callable[[uuid.UUID], Sequence[tuple[str, str] | tuple[str, str, str | None]]]

_RADIATION_ORDER = (
    Radiation.LOW_BACK,
    Radiation.BUTTOCK,
    Radiation.THIGH,
    Radiation.CALF,
    Radiation.FOOT,
)
_CONDITION_REGIONS = {
    "low back pain": ("low_back",),
    "neck pain": ("neck",),
    "headache/migraine": ("head",),
    "knee osteoarthritis": ("knee",),
    "shoulder pain": ("shoulder",),
}


def pain_regions_for_case(case: Case) -> list[str]:
    """Body chart regions a case's own record implies: where its pain is.

    Sciatica radiates from the low back down one or both legs as far as ``radiation``; a few
    other conditions have an obvious place. Sided parts follow the case's side (both legs for
    ``BOTH``; none when the side is not known, rather than guess).
    """
    sides = {
        CaseSide.LEFT: ("left",),
        CaseSide.RIGHT: ("right",),
        CaseSide.BOTH: ("left", "right"),
    }.get(case.side, ())
    if case.radiation is not None:
        reach = _RADIATION_ORDER[: _RADIATION_ORDER.index(case.radiation) + 1]
        parts = [r.value for r in reach]
    else:
        parts = list(_CONDITION_REGIONS.get(case.condition.strip().lower(), ()))
    regions: list[str] = []
    for part in parts:
        if part in REGION_CODES:
            regions.append(part)
        regions.extend(f"{side}_{part}" for side in sides if f"{side}_{part}" in REGION_CODES)
    return [code for code in REGION_CODES if code in regions]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _pain_change(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    change = f"{first} → {last}"
    if first > 0 and last != first:
        change += f" ({round((last - first) / first * 100):+d} %)"
    return change


class PatientPage(QWidget):
    """One patient: header, red-flag banner, case selector, pain and outcome charts, body
    chart, history."""

    new_session_requested = Signal(object)
    """The selected case's id: record a new session in it."""
    session_opened = Signal(object)
    """A session's id: the user double-clicked or pressed Enter on its history row."""
    new_case_requested = Signal()
    edit_patient_requested = Signal()
    pain_regions_changed = Signal(object, list)
    """A case's id and the body regions the user marked for it on the body chart."""
    review_intake_requested = Signal(object)
    """An intake's id: the user pressed "Review intake…" on the red-flag banner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientPage")
        self.setAccessibleName(self.tr("Patient"))
        self._overview: PatientOverview | None = None
        self._measurements: Mapping[uuid.UUID, list[OutcomeMeasurement]] = {}
        self._marked: dict[uuid.UUID, list[str]] = {}
        self._needles_provider: NeedlesProvider | None = None
        self._thresholds: Mapping[str, Thresholds] = {}
        self._clinic_measures: Mapping[str, Instrument] = {}

        self.name_label = QLabel()
        self.name_label.setObjectName("patientName")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.name_label.setFont(font)
        self.details_label = QLabel()
        self.details_label.setObjectName("patientDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.edit_button = QPushButton(self.tr("&Edit patient…"))
        self.edit_button.setAccessibleName(self.tr("Edit patient"))
        self.edit_button.clicked.connect(self.edit_patient_requested)

        # The intake screening of the patient: red (refer), amber (caution) or hidden.
        self.screening_banner = RedFlagBanner()
        self.screening_banner.review_requested.connect(self.review_intake_requested)
        self.red_flag_frame = self.screening_banner
        self.red_flag_banner = self.screening_banner.title

        self.case_combo = QComboBox()
        self.case_combo.setObjectName("caseSelector")
        self.case_combo.setAccessibleName(self.tr("Case"))
        self.case_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.case_combo.currentIndexChanged.connect(self._case_chosen)
        case_label = QLabel(self.tr("&Case:"))
        case_label.setBuddy(self.case_combo)
        self.case_details = QLabel()
        self.case_details.setObjectName("caseDetails")
        self.case_details.setTextFormat(Qt.TextFormat.PlainText)
        self.case_details.setWordWrap(True)
        self.new_case_button = QPushButton(self.tr("New c&ase…"))
        self.new_case_button.setAccessibleName(self.tr("New case"))
        self.new_case_button.clicked.connect(self.new_case_requested)
        self.new_session_button = QPushButton(self.tr("&New session"))
        self.new_session_button.setAccessibleName(self.tr("New session"))
        self.new_session_button.setDefault(True)
        self.new_session_button.clicked.connect(self._request_session)

        self.pain_chart = PainChartView()
        self.outcome_chart = OutcomeChartView()
        self.no_outcomes = QLabel()
        self.no_outcomes.setObjectName("noOutcomes")
        self.no_outcomes.setTextFormat(Qt.TextFormat.PlainText)
        self.no_outcomes.setWordWrap(True)
        self.no_outcomes.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.outcomes = QStackedWidget()
        self.outcomes.setObjectName("caseOutcomes")
        self.outcomes.addWidget(self.outcome_chart)
        self.outcomes.addWidget(self.no_outcomes)
        self.charts = QTabWidget()
        self.charts.setObjectName("caseCharts")
        self.charts.setDocumentMode(True)
        self.charts.addTab(self.pain_chart, self.tr("Pain"))
        self.charts.addTab(self.outcomes, self.tr("Ou&tcome measures"))
        self.history = SessionHistoryModel(self)
        self.history_view = QTableView()
        self.history_view.setObjectName("caseHistory")
        self.history_view.setAccessibleName(self.tr("Sessions of the case"))
        self.history_view.setModel(self.history)
        self.history_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.history_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.history_view.setAlternatingRowColors(True)
        self.history_view.setWordWrap(False)
        self.history_view.verticalHeader().hide()
        header = self.history_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SessionHistoryModel.POINTS, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.history_view.activated.connect(self._row_activated)
        self.history_view.selectionModel().selectionChanged.connect(self._row_selected)

        self.body_title = QLabel(
            self.tr("<b>Where it hurts</b> · click a region (or use the arrow keys and Space)")
        )
        self.body_title.setTextFormat(Qt.TextFormat.RichText)
        self.body_chart = BodyChart()
        self.body_chart.regions_changed.connect(self._regions_marked)
        self.needles_label = QLabel()
        self.needles_label.setObjectName("needledPoints")
        self.needles_label.setWordWrap(True)
        self.needles_label.setTextFormat(Qt.TextFormat.PlainText)

        self._lay_out(case_label)
        self.show_empty()

    def _lay_out(self, case_label: QLabel) -> None:
        header = QHBoxLayout()
        who = QVBoxLayout()
        who.setSpacing(2)
        who.addWidget(self.name_label)
        who.addWidget(self.details_label)
        header.addLayout(who, 1)
        header.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        case_bar = QHBoxLayout()
        case_bar.addWidget(case_label)
        case_bar.addWidget(self.case_combo)
        case_bar.addStretch(1)
        case_bar.addWidget(self.new_case_button)
        case_bar.addWidget(self.new_session_button)

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.charts)
        left.addWidget(self.history_view)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setSizes([420, 280])
        left.setChildrenCollapsible(False)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addWidget(self.body_title)
        body_layout.addWidget(self.body_chart, 1)
        body_layout.addWidget(self.needles_label)

        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(body)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 1)
        # The chart and the history need the width; the figures read well at ~300 px.
        main.setSizes([900, 300])
        main.setChildrenCollapsible(False)
        self.splitter = main

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.red_flag_frame)
        layout.addLayout(case_bar)
        layout.addWidget(self.case_details)
        layout.addWidget(main, 1)

    def _size_columns(self) -> None:
        # Fixed widths from the font instead of ResizeToContents, which measures every row.
        metrics = self.history_view.fontMetrics()
        widths = {
            SessionHistoryModel.DATE: metrics.horizontalAdvance("2026-12-31 23:59") + 16,
            SessionHistoryModel.PRACTITIONER: metrics.horizontalAdvance("Dr Lin Mei-Ling") + 16,
            SessionHistoryModel.BACK: metrics.horizontalAdvance(self.tr("Back pain")) + 24,
            SessionHistoryModel.LEG: metrics.horizontalAdvance(self.tr("Back pain")) + 24,
            SessionHistoryModel.STATUS: metrics.horizontalAdvance(self.tr("signed")) + 24,
        }
        for column, width in widths.items():
            self.history_view.setColumnWidth(column, width)

    # Public API ---------------------------------------------------------------------------
    def set_needles_provider(self, provider: NeedlesProvider | None) -> None:
        """Where the page gets a session's needles with their sides (code, side[, region])."""
        self._needles_provider = provider

    def set_screening(self, status: ScreeningStatus | None) -> None:
        """Show the patient's intake screening (None: no intake) in the red-flag banner."""
        self.screening_banner.title.setAccessibleName("")
        self.screening_banner.review_button.setVisible(status is not None)
        self.screening_banner.set_status(status)

    def screening(self) -> ScreeningStatus | None:
        return self.screening_banner.status()

    def set_red_flag(self, text: str | None) -> None:
        """Show a free-text warning in the red strip, or hide the strip with None.

        For a warning with no intake behind it; ``set_screening`` replaces it.
        """
        banner = self.screening_banner
        banner.set_status(None)
        banner.title.setAccessibleName("")
        if not text:
            return
        background, foreground = COLOURS[AlertLevel.REFER]
        banner.setStyleSheet(
            f"#redFlagBanner {{ background: {background}; border-radius: 4px; }}"
            f"#redFlagBanner QLabel {{ color: {foreground}; }}"
        )
        banner.title.setText(text)
        banner.review_button.hide()
        name = self.tr("Red flag: %1").replace("%1", text)
        banner.title.setAccessibleName(name)
        banner.setAccessibleName(name)
        banner.show()

    def set_outcome_settings(
        self,
        thresholds: Mapping[str, Thresholds] | None = None,
        clinic_measures: Mapping[str, Instrument] | None = None,
    ) -> None:
        """The clinic's own important changes and measures, for the outcome chart; they apply
        from the next ``show_patient``."""
        self._thresholds = dict(thresholds or {})
        self._clinic_measures = dict(clinic_measures or {})

    def show_empty(self) -> None:
        """No patient chosen."""
        self._overview = None
        self.name_label.setText(self.tr("Choose a patient"))
        self.details_label.clear()
        self.edit_button.setEnabled(False)
        self.new_case_button.setEnabled(False)
        self.set_screening(None)
        self._fill_cases([])

    def show_patient(
        self,
        overview: PatientOverview,
        measurements_by_case: Mapping[uuid.UUID, list[OutcomeMeasurement]] | None = None,
    ) -> None:
        """Show a patient; the case of their most recent session is selected."""
        self._overview = overview
        self._measurements = measurements_by_case or {}
        self._marked = {}
        patient = overview.patient
        self.name_label.setText(patient.name)
        details = []
        if patient.birth_date is not None:
            details.append(
                self.tr("born %1 (%2 years)")
                .replace("%1", patient.birth_date.isoformat())
                .replace("%2", str(_age(patient.birth_date, date.today())))
            )
        else:
            details.append(self.tr("birth date unknown"))
        details.extend(value for value in (patient.phone, patient.email) if value)
        self.details_label.setText(" · ".join(details))
        self.edit_button.setEnabled(True)
        self.new_case_button.setEnabled(True)
        self._fill_cases(overview.cases)

    def selected_case_id(self) -> uuid.UUID | None:
        data = self.case_combo.currentData()
        return data if isinstance(data, uuid.UUID) else None

    def select_case(self, case_id: uuid.UUID) -> None:
        index = index_of_data(self.case_combo, case_id)
        if index >= 0:
            self.case_combo.setCurrentIndex(index)

    # Cases --------------------------------------------------------------------------------
    def _fill_cases(self, cases: Sequence[Case]) -> None:
        history = self._overview.history if self._overview else []
        latest = history[0].case_id if history else None
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        for case in cases:
            self.case_combo.addItem(self._case_label(case), case.id)
        self.case_combo.setEnabled(bool(cases))
        if not cases:
            self.case_combo.addItem(self.tr("No cases yet: open one to start"))
        chosen = index_of_data(self.case_combo, latest) if latest is not None else 0
        self.case_combo.setCurrentIndex(max(chosen, 0))
        self.case_combo.blockSignals(False)
        self._case_chosen()

    def _case_label(self, case: Case) -> str:
        if case.closed_on is not None and case.opened_on is not None:
            period = f"{case.opened_on.isoformat()} – {case.closed_on.isoformat()}"
        elif case.opened_on is not None:
            period = self.tr("since %1").replace("%1", case.opened_on.isoformat())
        else:
            period = ""
        return f"{case.title} · {period}" if period else case.title

    def _case(self) -> Case | None:
        case_id = self.selected_case_id()
        if self._overview is None or case_id is None:
            return None
        return next((c for c in self._overview.cases if c.id == case_id), None)

    def _case_chosen(self, _index: int = 0) -> None:
        case = self._case()
        sessions = (
            [s for s in self._overview.history if s.case_id == case.id]
            if case is not None and self._overview is not None
            else []
        )
        self.new_session_button.setEnabled(case is not None)
        self.history.set_sessions(sessions)
        self.pain_chart.set_data(
            sessions, self._measurements.get(case.id, []) if case is not None else []
        )
        self._show_outcomes(case, sessions)
        self.case_details.setText(self._case_summary(case, sessions) if case else "")
        self.case_details.setVisible(case is not None)
        if case is None:
            self.body_chart.set_marked_regions([])
        else:
            regions = self._marked.get(case.id)
            self.body_chart.set_marked_regions(
                regions if regions is not None else pain_regions_for_case(case)
            )
        if sessions:
            self.history_view.selectRow(0)
        else:
            self._show_needles(None)

    def _show_outcomes(self, case: Case | None, sessions: Sequence[SessionSummary]) -> None:
        if case is None:
            progress = CaseProgress(None, (), None)
        else:
            progress = case_progress(
                self._measurements.get(case.id, []),
                sessions,
                case_id=case.id,
                thresholds=self._thresholds,
                clinic_measures=self._clinic_measures,
            )
        self.outcome_chart.set_progress(progress)
        if progress.instruments:
            self.outcomes.setCurrentWidget(self.outcome_chart)
            return
        self.no_outcomes.setText(
            self.tr("No outcome measures have been recorded for this case yet.")
            if case is not None
            else self.tr("Open a case to follow its outcome measures.")
        )
        self.outcomes.setCurrentWidget(self.no_outcomes)

    def _case_summary(self, case: Case, sessions: Sequence[SessionSummary]) -> str:
        parts = [condition_label(case.condition)]
        side = {
            CaseSide.LEFT: self.tr("left side"),
            CaseSide.RIGHT: self.tr("right side"),
            CaseSide.BOTH: self.tr("both sides"),
            CaseSide.CENTRAL: self.tr("central"),
        }.get(case.side)
        if side:
            parts.append(side)
        if case.suspected_cause:
            parts.append(self.tr("suspected %1").replace("%1", case.suspected_cause))
        if case.radiation is not None:
            reach = {
                Radiation.LOW_BACK: self.tr("stays in the low back"),
                Radiation.BUTTOCK: self.tr("radiates to the buttock"),
                Radiation.THIGH: self.tr("radiates to the thigh"),
                Radiation.CALF: self.tr("radiates to the calf"),
                Radiation.FOOT: self.tr("radiates to the foot"),
            }
            parts.append(reach[case.radiation])
        if case.numbness:
            parts.append(self.tr("numbness or tingling"))
        if case.onset_date is not None:
            parts.append(self.tr("onset %1").replace("%1", case.onset_date.isoformat()))
        parts.append(self.tr("%n session(s)", "", len(sessions)))
        ordered = sorted(sessions, key=lambda s: s.started_at)
        for label, key in ((self.tr("back"), "back"), (self.tr("leg"), "leg")):
            scores = [getattr(s, f"pain_before_{key}") for s in ordered]
            recorded = [score for score in scores if score is not None]
            change = _pain_change(recorded[0], recorded[-1]) if recorded else ""
            if change:
                parts.append(f"{label} {change}")
        return " · ".join(parts)

    # History ------------------------------------------------------------------------------
    def _request_session(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.new_session_requested.emit(case_id)

    def _row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.session_opened.emit(index.data(SESSION_ID_ROLE))

    def _row_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        self._show_needles(indexes[0].row() if indexes else None)

    def _show_needles(self, row: int | None) -> None:
        if row is None:
            self.body_chart.set_needled_points([])
            self.needles_label.setText(self.tr("No session recorded in this case yet."))
            return
        session = self.history.session_at(row)
        points: Sequence[tuple[str, str] | tuple[str, str, str | None]]
        if self._needles_provider is not None:
            points = self._needles_provider(session.id)
        else:
            points = [(code, "") for code in session.points]
        self.body_chart.set_needled_points(points)
        when = self.history.index(row, SessionHistoryModel.DATE).data()
        self.needles_label.setText(
            self.tr("Needled on %1: %2")
            .replace("%1", when)
            .replace("%2", ", ".join(session.points) or self.tr("none"))
        )

    def _regions_marked(self, regions: list[str]) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self._marked[case_id] = regions
            self.pain_regions_changed.emit(case_id, regions)
