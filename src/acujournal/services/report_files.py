"""Reports as files: one call to build any report's PDF, safe names, atomic writes, batches.

Shared by the command line and the app, so both build the same report from the same request
and write it the same careful way: through a temporary file in the destination folder,
renamed into place, readable by its owner only (it holds health data).
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path

from acujournal.services.reporting import ReportError, build_patient_summary, build_progress_report
from acujournal.storage.db import Database

_UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class ReportKind(StrEnum):
    PROGRESS = "progress"
    """The practitioner's progress report."""
    SUMMARY = "summary"
    """The patient's plain-language summary."""
    CLINIC = "clinic"
    """The clinic manager's report for a period."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Which report, for whom and for which period (local dates, both inclusive)."""

    kind: ReportKind
    patient_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    include_internal: bool = False

    def problem(self) -> str | None:
        """Why this request cannot be built, in one sentence, or None."""
        if self.kind is ReportKind.CLINIC:
            if self.patient_id or self.case_id or self.include_internal:
                return (
                    "The clinic report covers the whole clinic: drop --patient, --case and "
                    "--include-internal."
                )
        elif self.patient_id is None:
            return f"A {self.kind} report needs --patient ID."
        if self.kind is ReportKind.SUMMARY and self.include_internal:
            return "A patient summary never holds internal notes; drop --include-internal."
        return None


def year_before(day: date) -> date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def clinic_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """The clinic report's period: by default the twelve months up to today."""
    last = date_to or date.today()
    first = date_from or year_before(last) + timedelta(days=1)
    return first, last


def render_report(db: Database, request: ReportRequest) -> bytes:
    """Build the requested report and return the PDF.

    Raises ReportError for a request that cannot be built (its message is one sentence) and
    NotFoundError for an unknown patient or case.
    """
    problem = request.problem()
    if problem:
        raise ReportError(problem)
    if request.kind is ReportKind.CLINIC:
        from acujournal.reports.clinic import render_clinic_report
        from acujournal.services.clinic_stats import build_clinic_report

        first, last = clinic_period(request.date_from, request.date_to)
        return render_clinic_report(build_clinic_report(db, first, last))
    assert request.patient_id is not None
    if request.kind is ReportKind.PROGRESS:
        from acujournal.reports.progress import render_progress_report

        return render_progress_report(
            build_progress_report(
                db,
                request.patient_id,
                case_id=request.case_id,
                date_from=request.date_from,
                date_to=request.date_to,
                include_internal=request.include_internal,
            )
        )
    from acujournal.reports.summary import render_patient_summary

    return render_patient_summary(
        build_patient_summary(
            db,
            request.patient_id,
            case_id=request.case_id,
            date_from=request.date_from,
            date_to=request.date_to,
        )
    )


def safe_file_name(name: str, default: str = "report.pdf") -> str:
    """``name`` usable as a file name on every system, ending in ``.pdf``.

    Suggested names hold patient names (user text): separators and characters Windows refuses
    are replaced, and the length is kept well under file-system limits.
    """
    cleaned = _UNSAFE_IN_FILE_NAMES.sub("-", name).strip(" .-")[:120]
    if not cleaned:
        return default
    return cleaned if cleaned.lower().endswith(".pdf") else f"{cleaned}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a failure never leaves half a file under that name.

    The file is created readable by its owner only. Raises OSError on failure.
    """
    handle, temporary = tempfile.mkstemp(prefix=".report-", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(slots=True)
class BatchResult:
    """What a batch export wrote, skipped and could not write."""

    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Names of patients with nothing to report (no sessions in the period)."""
    failed: list[str] = field(default_factory=list)
    """One sentence per patient whose summary could not be built or written."""
    cancelled: bool = False

    def sentence(self) -> str:
        parts = [f"{len(self.written)} patient summaries written"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} patients without sessions skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        text = ", ".join(parts)
        return f"Cancelled: {text}." if self.cancelled else f"{text[0].upper()}{text[1:]}."


def _unused(folder: Path, name: str, taken: set[str]) -> Path:
    """A path in ``folder`` for ``name`` that neither exists nor was used in this batch."""
    stem = name.removesuffix(".pdf")
    candidate, number = name, 2
    while candidate.lower() in taken or (folder / candidate).exists():
        candidate = f"{stem} ({number}).pdf"
        number += 1
    taken.add(candidate.lower())
    return folder / candidate


def export_summaries(
    db: Database,
    patients: Sequence[tuple[uuid.UUID, str]],
    folder: Path,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchResult:
    """Write each patient's summary into ``folder`` as ``<name> - summary.pdf``.

    ``patients`` are (id, name) pairs. Existing files are never overwritten (a number is
    added). ``progress(done, total, name)`` is called after each patient; ``cancelled()`` is
    asked before each one, and a cancelled batch keeps what it already wrote.
    """
    from acujournal.reports.summary import render_patient_summary

    result = BatchResult()
    taken: set[str] = set()
    for done, (patient_id, name) in enumerate(patients):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        try:
            summary = build_patient_summary(db, patient_id, date_from=date_from, date_to=date_to)
            if not summary.courses:
                result.skipped.append(name)
            else:
                path = _unused(folder, safe_file_name(f"{name} - summary"), taken)
                write_atomically(path, render_patient_summary(summary))
                result.written.append(path)
        except (ReportError, LookupError) as error:
            result.failed.append(f"{name}: {error}")
        except OSError as error:
            result.failed.append(f"{name}: could not write to {folder}: {error.strerror or error}")
        if progress is not None:
            progress(done + 1, len(patients), name)
    return result
