"""Use cases of a treatment session: record, repeat, sign, amend."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

from acujournal.domain.model import (
    Amendment,
    NeedleInsertion,
    SessionStatus,
    TreatmentSession,
    new_id,
)
from acujournal.domain.validation import (
    Problem,
    ValidationError,
    signing_problems,
    validate_session,
)
from acujournal.services.conflicts import refuse_if_changed, reported_as_conflict
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.audit import Actor
from acujournal.storage.db import Database
from acujournal.storage.repository import JournalRepository, NeedleSite, session_state


class SignedSessionError(PermissionError):
    """A signed session was about to be changed; only an addendum may be added."""


def _refuse_if_signed(repo: JournalRepository, session_id: uuid.UUID) -> None:
    _refuse_signed(repo.find_session(session_id))


def _refuse_signed(stored: TreatmentSession | None) -> None:
    if stored is not None and stored.is_signed:
        raise SignedSessionError(
            "This session is signed and cannot be changed; add an addendum instead."
        )


def record_session(db: Database, record: TreatmentSession) -> TreatmentSession:
    """Save a session as a draft (new or changed), in one transaction.

    The entry time is set on first save and then kept, so a session written up late is
    honest about it. Refused for a signed session, and with a ConflictError when another room
    changed it since ``record`` was read.
    """
    validate_session(record)
    if record.is_signed:
        raise SignedSessionError("Use sign_session to sign a session.")
    with reported_as_conflict("session", record), unit_of_work(db) as repo:
        stored = repo.find_session(record.id)
        _refuse_signed(stored)
        refuse_if_changed(repo, "session", record, stored, session_state)
        record.entered_at = stored.entered_at if stored is not None else utc_now()
        repo.save_session(record)
        repo.touch_last_visit(repo.patient_id_of_case(record.case_id), record.started_at)
    return record


def sign_session(db: Database, record: TreatmentSession, signer_id: uuid.UUID) -> TreatmentSession:
    """Save and sign a session; refused while needles in and out differ.

    After signing the session is locked: changes go into an addendum. Refused with a
    ConflictError when another room changed it since ``record`` was read; the record is then
    left a draft, as it was.
    """
    problems = signing_problems(record)
    if problems:
        raise ValidationError(problems)
    unsigned = (record.entered_at, record.status, record.signed_by, record.signed_at)
    try:
        with (
            reported_as_conflict("session", record),
            unit_of_work(db, Actor.practitioner(signer_id)) as repo,
        ):
            stored = repo.find_session(record.id)
            _refuse_signed(stored)
            refuse_if_changed(repo, "session", record, stored, session_state)
            repo.get_practitioner(signer_id)
            now = utc_now()
            record.entered_at = stored.entered_at if stored is not None else now
            record.status = SessionStatus.SIGNED
            record.signed_by = signer_id
            record.signed_at = now
            repo.save_session(record)
            repo.touch_last_visit(repo.patient_id_of_case(record.case_id), record.started_at)
    except BaseException:
        record.entered_at, record.status, record.signed_by, record.signed_at = unsigned
        raise
    return record


def amend_session(
    db: Database, session_id: uuid.UUID, author_id: uuid.UUID, text: str
) -> Amendment:
    """Add an addendum to a signed session: the original stays exactly as it was signed."""
    if not text.strip():
        raise ValidationError([Problem("amendment.text", "an addendum needs some text")])
    with unit_of_work(db, Actor.practitioner(author_id)) as repo:
        record = repo.get_session(session_id)
        if not record.is_signed:
            raise ValidationError(
                [
                    Problem(
                        "amendment", "a draft is edited directly; only signed sessions take addenda"
                    )
                ]
            )
        repo.get_practitioner(author_id)
        amendment = Amendment(author_id=author_id, created_at=utc_now(), text=text)
        record.amendments.append(amendment)
        repo.save_session(record)
    return amendment


def delete_draft(db: Database, session_id: uuid.UUID) -> None:
    """Discard a draft session. Signed sessions are never deleted."""
    with unit_of_work(db) as repo:
        _refuse_if_signed(repo, session_id)
        repo.delete_session(session_id)


def get_session(db: Database, session_id: uuid.UUID) -> TreatmentSession:
    """A stored session with its needles, adverse events and addenda."""
    with read_only(db) as repo:
        return repo.get_session(session_id)


def needle_sites(db: Database, session_id: uuid.UUID) -> list[NeedleSite]:
    """Where a session's needles went (point with spinal level, side, region), in order."""
    with read_only(db) as repo:
        return repo.needle_sites(session_id)


def repeat_last_session(
    db: Database,
    case_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    started_at: datetime,
    time_zone: str,
) -> TreatmentSession:
    """A new draft with the points of the case's latest session ("same as last time").

    Points, sides, depths, needles, stimulation and retention are carried over; pain scores,
    counts, notes and adverse events start empty because they belong to today. Nothing is
    saved until the practitioner saves.
    """
    with read_only(db) as repo:
        last = repo.latest_session(case_id=case_id)
    needles: list[NeedleInsertion] = copy.deepcopy(last.needles) if last else []
    for needle in needles:
        needle.deqi = None
    return TreatmentSession(
        id=new_id(),
        case_id=case_id,
        practitioner_id=practitioner_id,
        started_at=started_at,
        time_zone=time_zone,
        needles=needles,
        co_interventions=list(last.co_interventions) if last else [],
        protocol_id=last.protocol_id if last else None,
    )
