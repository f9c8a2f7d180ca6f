"""Erasing a patient: the deliberate exception to keeping clinical records.

Archiving (:func:`acujournal.services.patients.set_archived`) is how a patient is retired: the
record stays, out of the patient list, for as long as clinical records must be kept. Erasure
removes the patient for good, signed sessions included, and so it is guarded:

- within the retention period (the clinic setting ``records.retention_years``, by default 10
  years after the patient's last session or measurement) it is refused unless the caller
  overrides it, having established that no duty to keep the records applies;
- the patient's name must be typed as confirmation;
- it happens in one transaction: every row of the patient goes, their audit entries lose their
  content (before/after), and one ``erase`` entry records who erased which ids and how many
  rows, never what the records said.

Backups made afterwards no longer hold the patient. Backups made before still do until
rotation drops them (at most 12 months); the result says so, so older copies can be removed by
hand when the erasure must reach them too.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from acujournal.services.audit import ActorLike, as_actor
from acujournal.services.settings import get_setting
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage import audit
from acujournal.storage.audit_chain import NewEvent
from acujournal.storage.db import Database
from acujournal.storage.erasure import erase_patient_rows
from acujournal.storage.models import CaseRow, MeasurementRow, PatientRow, SessionRow
from acujournal.storage.repository import JournalRepository

RETENTION_KEY = "records.retention_years"
DEFAULT_RETENTION_YEARS = 10


class ErasureRefusedError(ValueError):
    """The patient was not erased; the message says why in one sentence."""


@dataclass(frozen=True, slots=True)
class ErasurePreview:
    """What erasing a patient would remove, and until when their records must be kept."""

    patient_id: uuid.UUID
    name: str
    archived: bool
    cases: int
    sessions: int
    signed_sessions: int
    measurements: int
    last_record_at: datetime | None
    retention_years: int
    retention_until: date | None

    def within_retention(self, today: date) -> bool:
        """Whether the records must still be kept on ``today``."""
        return self.retention_until is not None and today < self.retention_until


@dataclass(frozen=True, slots=True)
class ErasureResult:
    """What an erasure removed."""

    patient_id: uuid.UUID
    deleted: dict[str, int]
    signed_sessions: int
    redacted_entries: int

    def summary(self) -> str:
        """One sentence for the person who erased."""
        sessions = self.deleted.get("sessions", 0)
        return (
            f"Erased patient {self.patient_id}: {self.deleted.get('cases', 0)} cases, "
            f"{sessions} sessions ({self.signed_sessions} signed) and "
            f"{self.deleted.get('measurements', 0)} measurements; "
            f"{self.redacted_entries} audit entries lost their content. Backups made before "
            "now still hold the patient until rotation drops them."
        )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _retention_years(db: Database) -> int:
    stored = get_setting(db, RETENTION_KEY, DEFAULT_RETENTION_YEARS)
    if isinstance(stored, int) and not isinstance(stored, bool) and 0 <= stored <= 100:
        return stored
    return DEFAULT_RETENTION_YEARS


def _preview(repo: JournalRepository, patient_id: uuid.UUID, years: int) -> ErasurePreview:
    patient = repo.get_patient(patient_id)
    session = repo.session
    case_ids = select(CaseRow.id).where(CaseRow.patient_id == patient_id)
    cases = session.scalar(
        select(func.count()).select_from(CaseRow).where(CaseRow.id.in_(case_ids))
    )
    sessions = session.execute(
        select(func.count(), func.max(SessionRow.started_at)).where(
            SessionRow.case_id.in_(case_ids)
        )
    ).one()
    signed = session.scalar(
        select(func.count()).where(SessionRow.case_id.in_(case_ids), SessionRow.status == "signed")
    )
    measurements = session.execute(
        select(func.count(), func.max(MeasurementRow.taken_at)).where(
            MeasurementRow.case_id.in_(case_ids)
        )
    ).one()
    created = session.scalar(select(PatientRow.created_at).where(PatientRow.id == patient_id))
    moments = [m for m in (sessions[1], measurements[1]) if m is not None]
    last = max(moments) if moments else created
    return ErasurePreview(
        patient_id=patient_id,
        name=patient.name,
        archived=patient.archived,
        cases=int(cases or 0),
        sessions=int(sessions[0]),
        signed_sessions=int(signed or 0),
        measurements=int(measurements[0]),
        last_record_at=last,
        retention_years=years,
        retention_until=_add_years(last.date(), years) if last is not None else None,
    )


def erasure_preview(db: Database, patient_id: uuid.UUID) -> ErasurePreview:
    """What erasing the patient would remove; NotFoundError for an unknown patient."""
    years = _retention_years(db)
    with read_only(db) as repo:
        return _preview(repo, patient_id, years)


def _same_name(typed: str, name: str) -> bool:
    def normal(text: str) -> str:
        return unicodedata.normalize("NFC", text).strip()

    return bool(normal(name)) and normal(typed) == normal(name)


def _checkpoint(db: Database) -> None:
    """Fold the write-ahead log into the journal file, so the erased pages are overwritten there.

    Best effort: while another connection reads, SQLite checkpoints what it can and the rest
    follows at a later checkpoint.
    """
    if db.is_sqlite:
        with db.engine.connect() as connection:
            # On the driver's connection: a checkpoint must run outside any transaction.
            driver = connection.connection.dbapi_connection
            assert driver is not None
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def erase_patient(
    db: Database,
    patient_id: uuid.UUID,
    actor: ActorLike,
    confirmation: str,
    *,
    override_retention: bool = False,
    today: date | None = None,
) -> ErasureResult:
    """Erase a patient and everything recorded about them, signed sessions included.

    ``confirmation`` must be the patient's name as stored. Refused (ErasureRefusedError) when it is
    not, and within the retention period unless ``override_retention``; NotFoundError for an
    unknown patient. The erasure is recorded in the audit trail with ids and counts only.
    """
    years = _retention_years(db)
    today = today or date.today()
    with unit_of_work(db, as_actor(db, actor)) as repo:
        preview = _preview(repo, patient_id, years)
        if not _same_name(confirmation, preview.name):
            raise ErasureRefusedError(
                "The confirmation does not match the patient's name; nothing was erased. "
                "Type the name exactly as the journal has it."
            )
        if preview.within_retention(today) and not override_retention:
            raise ErasureRefusedError(
                f"The records of this patient must be kept until {preview.retention_until} "
                f"({years} years after the last record); archive the patient instead, or "
                "override the retention period if no duty to keep the records applies."
            )
        erased = erase_patient_rows(repo.session.connection(), patient_id)
        audit.queue_event(
            repo.session,
            NewEvent(
                "erase",
                "patient",
                str(patient_id),
                patient_id,
                None,
                {
                    "deleted": erased.deleted,
                    "case_ids": list(erased.case_ids),
                    "session_ids": list(erased.session_ids),
                    "signed_sessions": erased.signed_sessions,
                    "audit_entries_emptied": erased.redacted_entries,
                    "retention_until": preview.retention_until,
                    "retention_overridden": preview.within_retention(today),
                },
            ),
        )
    _checkpoint(db)
    return ErasureResult(
        patient_id=patient_id,
        deleted=erased.deleted,
        signed_sessions=erased.signed_sessions,
        redacted_entries=erased.redacted_entries,
    )
