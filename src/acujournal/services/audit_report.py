"""Reading the audit trail: the viewer's lines and the audit report (PDF)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from acujournal.domain.wording import plural
from acujournal.reports.audit_report import AuditReportData, AuditReportLine
from acujournal.services.audit import ActorLike, record_export, verify_audit_chain
from acujournal.services.report_files import write_atomically
from acujournal.services.reporting import ReportError, read_clinic_header
from acujournal.services.unit_of_work import read_only
from acujournal.storage.audit_chain import AuditEntry, count_entries, read_entries
from acujournal.storage.db import Database
from acujournal.storage.models import PatientRow

MAX_LINES = 10_000
ERASED = "(erased patient)"


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry as the viewer shows it."""

    seq: int
    recorded_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    patient_id: uuid.UUID | None
    patient_name: str
    summary: str
    before: Any
    after: Any
    redacted: bool

    @property
    def record(self) -> str:
        """The record in a few words: "session 3f2a9c1e", "questionnaire neck_pain/2",
        "journal"."""
        kind = self.entity.replace("_", " ")
        # An id is cut to its first digits; a key of several parts ("neck_pain/2") is whole.
        shown = self.entity_id if "/" in self.entity_id else self.entity_id[:8]
        return f"{kind} {shown}" if shown else kind


def summarize(entry: AuditEntry) -> str:
    """What an entry says happened, without any clinical content (field names only)."""
    if entry.redacted:
        return "content removed when the patient was erased"
    after = entry.after if isinstance(entry.after, dict) else {}
    before = entry.before if isinstance(entry.before, dict) else {}
    if entry.action in ("export", "print"):
        return str(after.get("what", ""))
    if entry.action in ("import", "demo"):
        return str(after.get("summary", ""))
    if entry.action == "erase":
        deleted = after.get("deleted", {})
        parts = [plural(int(n), str(t).rstrip("s").replace("_", " ")) for t, n in deleted.items()]
        return "patient erased: " + (", ".join(parts) or "no records")
    if entry.action == "new_key":
        return f"new audit key {after.get('key_id', '')}: {after.get('reason', '')}"
    if entry.before is None:
        return "created and signed" if entry.action == "sign" else "created"
    if entry.after is None:
        return "deleted"
    fields = sorted(before.keys() | after.keys())
    return ", ".join(name.replace("_", " ") for name in fields)


def _bounds(
    date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """Local dates (both inclusive) as UTC instants [since, until)."""
    if date_from and date_to and date_to < date_from:
        raise ReportError(f"The period ends ({date_to}) before it starts ({date_from}).")
    since = datetime.combine(date_from, time.min).astimezone() if date_from else None
    until = (
        datetime.combine(date_to + timedelta(days=1), time.min).astimezone() if date_to else None
    )
    return (
        since.astimezone(UTC) if since else None,
        until.astimezone(UTC) if until else None,
    )


def _read(
    db: Database,
    patient_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
) -> tuple[list[AuditLine], int]:
    since, until = _bounds(date_from, date_to)
    with read_only(db) as repo:
        connection = repo.session.connection()
        entries = read_entries(
            connection, patient_id=patient_id, since=since, until=until, limit=limit
        )
        total = len(entries)
        if total == limit:
            total = count_entries(connection, patient_id=patient_id, since=since, until=until)
        ids = list({e.patient_id for e in entries if e.patient_id is not None})
        names: dict[uuid.UUID, str] = {}
        for start in range(0, len(ids), 500):
            query = select(PatientRow.id, PatientRow.name).where(
                PatientRow.id.in_(ids[start : start + 500])
            )
            names.update({row.id: row.name for row in repo.session.execute(query)})
    lines = [
        AuditLine(
            seq=e.seq,
            recorded_at=e.recorded_at,
            actor=e.actor_label,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            patient_id=e.patient_id,
            patient_name="" if e.patient_id is None else names.get(e.patient_id, ERASED),
            summary=summarize(e),
            before=e.before,
            after=e.after,
            redacted=e.redacted,
        )
        for e in entries
    ]
    return lines, total


def audit_lines(
    db: Database,
    *,
    patient_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = MAX_LINES,
) -> list[AuditLine]:
    """Entries of the trail, newest first, for one patient and/or a period of local dates.

    At most ``limit`` lines (the newest); the patient's name is looked up, or shown as erased.
    Raises ReportError for a period that ends before it starts.
    """
    return _read(db, patient_id, date_from, date_to, limit)[0]


def count_audit_lines(
    db: Database,
    *,
    patient_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> int:
    """How many entries :func:`audit_lines` would list without a limit."""
    since, until = _bounds(date_from, date_to)
    with read_only(db) as repo:
        return count_entries(
            repo.session.connection(), patient_id=patient_id, since=since, until=until
        )


def build_audit_report(
    db: Database,
    *,
    patient_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    generated_at: datetime | None = None,
    limit: int = MAX_LINES,
) -> AuditReportData:
    """The audit report's data: the check of the whole trail, then the chosen entries."""
    lines, total = _read(db, patient_id, date_from, date_to, limit)
    verdict = verify_audit_chain(db)
    with read_only(db) as repo:
        clinic = read_clinic_header(repo.session)
        patient_name = repo.get_patient(patient_id).name if patient_id is not None else None
    shown = list(reversed(lines))
    return AuditReportData(
        clinic=clinic,
        generated_at=generated_at or datetime.now().astimezone(),
        lines=tuple(
            AuditReportLine(
                seq=line.seq,
                recorded_at=line.recorded_at.astimezone(),
                actor=line.actor,
                action=line.action,
                record=line.record,
                patient=line.patient_name,
                summary=line.summary,
            )
            for line in shown
        ),
        verdict=verdict.message,
        verdict_ok=verdict.ok,
        period_from=date_from,
        period_to=date_to,
        patient_name=patient_name,
        total=total,
    )


def write_audit_report(
    db: Database,
    path: Path,
    *,
    actor: ActorLike = None,
    patient_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> AuditReportData:
    """Write the audit report as a PDF (owner-readable only) and record that it was exported.

    Raises OSError when the file cannot be written, ReportError for a period that ends before
    it starts, NotFoundError for an unknown patient.
    """
    from acujournal.reports.audit_report import render_audit_report

    data = build_audit_report(db, patient_id=patient_id, date_from=date_from, date_to=date_to)
    write_atomically(path, render_audit_report(data))
    record_export(
        db,
        actor,
        patient_id,
        f"audit report ({plural(len(data.lines), 'entry', 'entries')}) to {path.name}",
    )
    return data
