"""Editor drafts: the session editor's state, written on every edit, so nothing typed is lost.

A draft is a plain JSON object (``payload``) stored in ``editor_drafts``, one row per session
being edited. It holds whatever was typed so far, valid or not, so a crash or power cut
mid-entry loses nothing: the next start offers it back. The format:

.. code-block:: text

    {"format_version": 1,
     "session": {...the TreatmentSession as JSON: ids and times as strings...},
     "editor": {...the editor's own state: text in the point entry, etc....}}

``format_version`` lets a later version read (or at least recognise) older drafts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from acujournal.domain.model import (
    AdverseEvent,
    AdverseEventCategory,
    Amendment,
    Case,
    NeedleAngle,
    NeedleInsertion,
    PainScores,
    Patient,
    Practitioner,
    ResponseSought,
    SessionStatus,
    Severity,
    Side,
    SoapNotes,
    Stimulation,
    StimulationMethod,
    TissueLevel,
    TreatmentSession,
)
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.db import Database
from acujournal.storage.models import EditorDraftRow

DRAFT_FORMAT_VERSION = 1

Json = dict[str, Any]


class DraftFormatError(ValueError):
    """A stored draft this version cannot read (the message says why)."""


@dataclass(frozen=True, slots=True)
class EditorDraft:
    """One stored draft: which session, whose, when it was last written, and the state."""

    session_id: uuid.UUID
    patient_id: uuid.UUID
    updated_at: datetime
    payload: Json

    def session(self) -> TreatmentSession:
        """The session the draft holds (DraftFormatError when it cannot be read)."""
        return session_from_payload(self.payload)

    def editor_state(self) -> Json:
        """The editor's own part of the draft (``{}`` when there is none)."""
        state = self.payload.get("editor", {})
        return state if isinstance(state, dict) else {}


@dataclass(frozen=True, slots=True)
class EditorContext:
    """What the editor shows around a session: whose it is, which case, who is writing."""

    patient: Patient
    case: Case
    practitioner: Practitioner
    practitioner_names: dict[uuid.UUID, str]


def editor_context(db: Database, case_id: uuid.UUID, practitioner_id: uuid.UUID) -> EditorContext:
    """The patient and case of a session, the practitioner at the keyboard, and every
    practitioner's name (addenda show their authors), in one read."""
    with read_only(db) as repo:
        case = repo.get_case(case_id)
        return EditorContext(
            patient=repo.get_patient(case.patient_id),
            case=case,
            practitioner=repo.get_practitioner(practitioner_id),
            practitioner_names={p.id: p.name for p in repo.practitioners()},
        )


# Writing and reading drafts ----------------------------------------------------------------
def save_editor_draft(
    db: Database, session_id: uuid.UUID, patient_id: uuid.UUID, payload: Json
) -> None:
    """Write (or overwrite) the draft of one session, in one small transaction."""
    if payload.get("format_version") != DRAFT_FORMAT_VERSION:
        raise DraftFormatError(f"a draft payload needs format_version {DRAFT_FORMAT_VERSION}")
    with unit_of_work(db) as repo:
        row = repo.session.get(EditorDraftRow, session_id)
        if row is None:
            repo.session.add(
                EditorDraftRow(
                    session_id=session_id,
                    patient_id=patient_id,
                    updated_at=utc_now(),
                    payload=payload,
                )
            )
        else:
            row.patient_id = patient_id
            row.updated_at = utc_now()
            row.payload = payload


def load_editor_drafts(db: Database) -> list[EditorDraft]:
    """Every stored draft, the most recently written first."""
    with read_only(db) as repo:
        rows = repo.session.scalars(
            select(EditorDraftRow).order_by(EditorDraftRow.updated_at.desc())
        )
        return [EditorDraft(r.session_id, r.patient_id, r.updated_at, r.payload) for r in rows]


def load_editor_draft(db: Database, session_id: uuid.UUID) -> EditorDraft | None:
    """The draft of one session, or None."""
    with read_only(db) as repo:
        row = repo.session.get(EditorDraftRow, session_id)
        if row is None:
            return None
        return EditorDraft(row.session_id, row.patient_id, row.updated_at, row.payload)


def discard_editor_draft(db: Database, session_id: uuid.UUID) -> None:
    """Remove a session's draft (after saving or signing, or when the practitioner discards it)."""
    with unit_of_work(db) as repo:
        row = repo.session.get(EditorDraftRow, session_id)
        if row is not None:
            repo.session.delete(row)


# The payload format -----------------------------------------------------------------------
def draft_payload(session: TreatmentSession, editor_state: Json | None = None) -> Json:
    """The JSON payload of a draft: the session and the editor's own state."""
    return {
        "format_version": DRAFT_FORMAT_VERSION,
        "session": session_to_json(session),
        "editor": dict(editor_state or {}),
    }


def session_from_payload(payload: Json) -> TreatmentSession:
    """The session in a draft payload; DraftFormatError when it is not one this version reads."""
    version = payload.get("format_version")
    if version != DRAFT_FORMAT_VERSION:
        raise DraftFormatError(
            f"the draft has format version {version!r}; this version reads {DRAFT_FORMAT_VERSION}"
        )
    try:
        return session_from_json(payload["session"])
    except (KeyError, TypeError, ValueError) as error:
        raise DraftFormatError(f"the draft is damaged: {error!r}") from error


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value is not None else None


def _needle_to_json(n: NeedleInsertion) -> Json:
    return {
        "point": n.point,
        "side": n.side.value,
        "depth_mm": n.depth_mm,
        "tissue_level": n.tissue_level.value if n.tissue_level else None,
        "angle": n.angle.value if n.angle else None,
        "gauge_mm": n.gauge_mm,
        "length_mm": n.length_mm,
        "needle_brand": n.needle_brand,
        "method": n.stimulation.method.value,
        "frequency_hz": n.stimulation.frequency_hz,
        "frequency_high_hz": n.stimulation.frequency_high_hz,
        "intensity_ma": n.stimulation.intensity_ma,
        "waveform": n.stimulation.waveform,
        "response_sought": n.response_sought.value,
        "deqi": n.deqi,
        "retention_min": n.retention_min,
        "spinal_level": n.spinal_level,
        "region": n.region,
        "description": n.description,
    }


def _needle_from_json(v: Json) -> NeedleInsertion:
    return NeedleInsertion(
        point=v["point"],
        side=Side(v["side"]),
        depth_mm=v.get("depth_mm"),
        tissue_level=TissueLevel(v["tissue_level"]) if v.get("tissue_level") else None,
        angle=NeedleAngle(v["angle"]) if v.get("angle") else None,
        gauge_mm=v.get("gauge_mm"),
        length_mm=v.get("length_mm"),
        needle_brand=v.get("needle_brand", ""),
        stimulation=Stimulation(
            method=StimulationMethod(v.get("method", "manual")),
            frequency_hz=v.get("frequency_hz"),
            frequency_high_hz=v.get("frequency_high_hz"),
            intensity_ma=v.get("intensity_ma"),
            waveform=v.get("waveform", ""),
        ),
        response_sought=ResponseSought(v.get("response_sought", "deqi")),
        deqi=v.get("deqi"),
        retention_min=v.get("retention_min"),
        spinal_level=v.get("spinal_level"),
        region=v.get("region"),
        description=v.get("description", ""),
    )


def session_to_json(s: TreatmentSession) -> Json:
    """A session as plain JSON (every field, children included)."""
    return {
        "id": str(s.id),
        "case_id": str(s.case_id),
        "practitioner_id": str(s.practitioner_id),
        "started_at": _time(s.started_at),
        "time_zone": s.time_zone,
        "entered_at": _time(s.entered_at),
        "status": s.status.value,
        "signed_by": str(s.signed_by) if s.signed_by else None,
        "signed_at": _time(s.signed_at),
        "pain_before": {"back": s.pain_before.back, "leg": s.pain_before.leg},
        "pain_after": {"back": s.pain_after.back, "leg": s.pain_after.leg},
        "needles": [_needle_to_json(n) for n in s.needles],
        "needles_in": s.needles_in,
        "needles_out": s.needles_out,
        "notes": {
            "subjective": s.notes.subjective,
            "objective": s.notes.objective,
            "assessment": s.notes.assessment,
            "plan": s.notes.plan,
        },
        "internal_note": s.internal_note,
        "patient_advice": s.patient_advice,
        "co_interventions": list(s.co_interventions),
        "adverse_events": [
            {
                "id": str(e.id),
                "category": e.category.value,
                "severity": e.severity.value,
                "action": e.action,
                "description": e.description,
            }
            for e in s.adverse_events
        ],
        "amendments": [
            {
                "id": str(a.id),
                "author_id": str(a.author_id),
                "created_at": _time(a.created_at),
                "text": a.text,
            }
            for a in s.amendments
        ],
        "sham": s.sham,
        "protocol_id": str(s.protocol_id) if s.protocol_id else None,
    }


def session_from_json(v: Json) -> TreatmentSession:
    """The session written by :func:`session_to_json`."""
    started_at = _parse_time(v["started_at"])
    if started_at is None:
        raise ValueError("a session needs started_at")
    notes = v.get("notes", {})
    return TreatmentSession(
        id=uuid.UUID(v["id"]),
        case_id=uuid.UUID(v["case_id"]),
        practitioner_id=uuid.UUID(v["practitioner_id"]),
        started_at=started_at,
        time_zone=v["time_zone"],
        entered_at=_parse_time(v.get("entered_at")),
        status=SessionStatus(v.get("status", "draft")),
        signed_by=_uuid(v.get("signed_by")),
        signed_at=_parse_time(v.get("signed_at")),
        pain_before=PainScores(**v.get("pain_before", {})),
        pain_after=PainScores(**v.get("pain_after", {})),
        needles=[_needle_from_json(n) for n in v.get("needles", [])],
        needles_in=v.get("needles_in"),
        needles_out=v.get("needles_out"),
        notes=SoapNotes(
            subjective=notes.get("subjective", ""),
            objective=notes.get("objective", ""),
            assessment=notes.get("assessment", ""),
            plan=notes.get("plan", ""),
        ),
        internal_note=v.get("internal_note", ""),
        patient_advice=v.get("patient_advice", ""),
        co_interventions=list(v.get("co_interventions", [])),
        adverse_events=[
            AdverseEvent(
                id=uuid.UUID(e["id"]),
                category=AdverseEventCategory(e["category"]),
                severity=Severity(e.get("severity", "mild")),
                action=e.get("action", ""),
                description=e.get("description", ""),
            )
            for e in v.get("adverse_events", [])
        ],
        amendments=[
            Amendment(
                id=uuid.UUID(a["id"]),
                author_id=uuid.UUID(a["author_id"]),
                created_at=datetime.fromisoformat(a["created_at"]),
                text=a["text"],
            )
            for a in v.get("amendments", [])
        ],
        sham=bool(v.get("sham", False)),
        protocol_id=_uuid(v.get("protocol_id")),
    )
