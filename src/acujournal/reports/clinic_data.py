"""What the clinic report shows, as frozen dataclasses (see :mod:`acujournal.reports.data`).

Counts only: nothing here can hold a patient's name or notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from acujournal.domain.model import AdverseEventCategory, Severity
from acujournal.reports.data import ClinicHeader


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Sessions and new patients of one practitioner in one calendar month ("2026-01")."""

    month: str
    practitioner: str
    sessions: int = 0
    new_patients: int = 0


@dataclass(frozen=True, slots=True)
class ConditionOutcome:
    """Cases of one condition treated in the period and how many improved importantly.

    ``with_scores`` counts the cases that have a pain baseline and at least one later score, the
    only ones whose improvement can be judged.
    """

    condition: str
    cases: int
    with_scores: int
    improved: int


@dataclass(frozen=True, slots=True)
class AdverseEventCount:
    category: AdverseEventCategory
    mild: int = 0
    moderate: int = 0
    severe: int = 0

    @property
    def total(self) -> int:
        return self.mild + self.moderate + self.severe


@dataclass(frozen=True, slots=True)
class ForgottenNeedle:
    """A forgotten needle, named one by one: it is an avoidable error worth reviewing."""

    on: date
    practitioner: str
    severity: Severity
    action: str = ""


@dataclass(frozen=True, slots=True)
class ClinicReportData:
    """A clinic manager's report for a period, all counts aggregated in the database."""

    clinic: ClinicHeader
    generated_at: datetime
    period_from: date
    period_to: date
    months: tuple[str, ...]
    practitioners: tuple[str, ...]
    month_counts: tuple[MonthCount, ...]
    sessions: int
    patients_seen: int
    new_patients: int
    conditions: tuple[ConditionOutcome, ...]
    adverse_events: tuple[AdverseEventCount, ...]
    forgotten_needles: tuple[ForgottenNeedle, ...] = ()
