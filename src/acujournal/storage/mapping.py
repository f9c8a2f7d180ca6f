"""Translation between ORM rows and domain objects.

Each entity has a ``*_values`` function giving the plain column dict of a domain object (used
both to build ORM rows and for bulk ``insert()`` paths, which are many times faster than ORM
``add_all`` on large imports) and a ``*_from_row`` function building the domain object back.
"""

from __future__ import annotations

import uuid
from typing import Any

from acujournal.domain.intake import Intake, IntakeReview, IntakeSource, ReviewDecision
from acujournal.domain.model import (
    AcupunctureStyle,
    AdverseEvent,
    AdverseEventCategory,
    Amendment,
    Case,
    CaseSide,
    NeedleAngle,
    NeedleInsertion,
    OutcomeMeasurement,
    PainScores,
    Patient,
    Practitioner,
    Protocol,
    ProtocolPoint,
    Radiation,
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
from acujournal.domain.screening import Caution, RedFlag, ScreeningOutcome, ScreeningResult
from acujournal.storage.models import (
    AdverseEventRow,
    AmendmentRow,
    CaseRow,
    IntakeReviewRow,
    IntakeRow,
    MeasurementRow,
    NeedleRow,
    PatientRow,
    PractitionerRow,
    ProtocolRow,
    SessionRow,
)

Values = dict[str, Any]


def practitioner_values(p: Practitioner) -> Values:
    return {
        "id": p.id,
        "name": p.name,
        "qualification": p.qualification,
        "years_in_practice": p.years_in_practice,
        "style": p.style.value,
        "default_gauge_mm": p.default_gauge_mm,
        "default_length_mm": p.default_length_mm,
        "default_needle_brand": p.default_needle_brand,
        "active": p.active,
    }


def practitioner_from_row(row: PractitionerRow) -> Practitioner:
    return Practitioner(
        id=row.id,
        name=row.name,
        qualification=row.qualification,
        years_in_practice=row.years_in_practice,
        style=AcupunctureStyle(row.style),
        default_gauge_mm=row.default_gauge_mm,
        default_length_mm=row.default_length_mm,
        default_needle_brand=row.default_needle_brand,
        active=row.active,
    )


def patient_values(p: Patient) -> Values:
    return {
        "id": p.id,
        "name": p.name,
        "birth_date": p.birth_date,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
        "archived": p.archived,
    }


def patient_from_row(row: PatientRow) -> Patient:
    return Patient(
        id=row.id,
        name=row.name,
        birth_date=row.birth_date,
        phone=row.phone,
        email=row.email,
        address=row.address,
        archived=row.archived,
    )


def case_values(c: Case) -> Values:
    return {
        "id": c.id,
        "patient_id": c.patient_id,
        "title": c.title,
        "condition": c.condition,
        "side": c.side.value,
        "suspected_cause": c.suspected_cause,
        "onset_date": c.onset_date,
        "radiation": c.radiation.value if c.radiation else None,
        "numbness": c.numbness,
        "style": c.style.value if c.style else None,
        "rationale": c.rationale,
        "opened_on": c.opened_on,
        "closed_on": c.closed_on,
    }


def case_from_row(row: CaseRow) -> Case:
    return Case(
        id=row.id,
        patient_id=row.patient_id,
        title=row.title,
        condition=row.condition,
        side=CaseSide(row.side),
        suspected_cause=row.suspected_cause,
        onset_date=row.onset_date,
        radiation=Radiation(row.radiation) if row.radiation else None,
        numbness=row.numbness,
        style=AcupunctureStyle(row.style) if row.style else None,
        rationale=row.rationale,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
    )


def needle_values(session_id: uuid.UUID, position: int, n: NeedleInsertion) -> Values:
    return {
        "session_id": session_id,
        "position": position,
        "point": n.point,
        "side": n.side.value,
        "spinal_level": n.spinal_level,
        "region": n.region,
        "description": n.description,
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
    }


def needle_from_row(row: NeedleRow) -> NeedleInsertion:
    return NeedleInsertion(
        point=row.point,
        side=Side(row.side),
        spinal_level=row.spinal_level,
        region=row.region,
        description=row.description,
        depth_mm=row.depth_mm,
        tissue_level=TissueLevel(row.tissue_level) if row.tissue_level else None,
        angle=NeedleAngle(row.angle) if row.angle else None,
        gauge_mm=row.gauge_mm,
        length_mm=row.length_mm,
        needle_brand=row.needle_brand,
        stimulation=Stimulation(
            method=StimulationMethod(row.method),
            frequency_hz=row.frequency_hz,
            frequency_high_hz=row.frequency_high_hz,
            intensity_ma=row.intensity_ma,
            waveform=row.waveform,
        ),
        response_sought=ResponseSought(row.response_sought),
        deqi=row.deqi,
        retention_min=row.retention_min,
    )


def adverse_event_values(session_id: uuid.UUID, e: AdverseEvent) -> Values:
    return {
        "id": e.id,
        "session_id": session_id,
        "category": e.category.value,
        "severity": e.severity.value,
        "action": e.action,
        "description": e.description,
    }


def adverse_event_from_row(row: AdverseEventRow) -> AdverseEvent:
    return AdverseEvent(
        id=row.id,
        category=AdverseEventCategory(row.category),
        severity=Severity(row.severity),
        action=row.action,
        description=row.description,
    )


def amendment_values(session_id: uuid.UUID, a: Amendment) -> Values:
    return {
        "id": a.id,
        "session_id": session_id,
        "author_id": a.author_id,
        "created_at": a.created_at,
        "text": a.text,
    }


def amendment_from_row(row: AmendmentRow) -> Amendment:
    return Amendment(id=row.id, author_id=row.author_id, created_at=row.created_at, text=row.text)


def session_values(s: TreatmentSession) -> Values:
    """Column values of a session row (children not included)."""
    return {
        "id": s.id,
        "case_id": s.case_id,
        "practitioner_id": s.practitioner_id,
        "started_at": s.started_at,
        "time_zone": s.time_zone,
        "entered_at": s.entered_at,
        "status": s.status.value,
        "signed_by": s.signed_by,
        "signed_at": s.signed_at,
        "pain_before_back": s.pain_before.back,
        "pain_before_leg": s.pain_before.leg,
        "pain_after_back": s.pain_after.back,
        "pain_after_leg": s.pain_after.leg,
        "needles_in": s.needles_in,
        "needles_out": s.needles_out,
        "subjective": s.notes.subjective,
        "objective": s.notes.objective,
        "assessment": s.notes.assessment,
        "plan": s.notes.plan,
        "internal_note": s.internal_note,
        "patient_advice": s.patient_advice,
        "co_interventions": list(s.co_interventions),
        "sham": s.sham,
        "protocol_id": s.protocol_id,
    }


def session_from_row(row: SessionRow) -> TreatmentSession:
    return TreatmentSession(
        id=row.id,
        case_id=row.case_id,
        practitioner_id=row.practitioner_id,
        started_at=row.started_at,
        time_zone=row.time_zone,
        entered_at=row.entered_at,
        status=SessionStatus(row.status),
        signed_by=row.signed_by,
        signed_at=row.signed_at,
        pain_before=PainScores(row.pain_before_back, row.pain_before_leg),
        pain_after=PainScores(row.pain_after_back, row.pain_after_leg),
        needles_in=row.needles_in,
        needles_out=row.needles_out,
        notes=SoapNotes(row.subjective, row.objective, row.assessment, row.plan),
        internal_note=row.internal_note,
        patient_advice=row.patient_advice,
        co_interventions=list(row.co_interventions or []),
        sham=row.sham,
        protocol_id=row.protocol_id,
        needles=[needle_from_row(n) for n in row.needles],
        adverse_events=[adverse_event_from_row(e) for e in row.adverse_events],
        amendments=[amendment_from_row(a) for a in row.amendments],
    )


def protocol_point_to_json(p: ProtocolPoint) -> Values:
    return {
        "point": p.point,
        "side": p.side.value,
        "depth_mm": p.depth_mm,
        "method": p.stimulation.method.value,
        "frequency_hz": p.stimulation.frequency_hz,
        "frequency_high_hz": p.stimulation.frequency_high_hz,
        "intensity_ma": p.stimulation.intensity_ma,
        "retention_min": p.retention_min,
        "spinal_level": p.spinal_level,
        "region": p.region,
        "description": p.description,
    }


def protocol_point_from_json(v: Values) -> ProtocolPoint:
    return ProtocolPoint(
        point=v["point"],
        side=Side(v["side"]),
        depth_mm=v.get("depth_mm"),
        stimulation=Stimulation(
            method=StimulationMethod(v.get("method", "manual")),
            frequency_hz=v.get("frequency_hz"),
            frequency_high_hz=v.get("frequency_high_hz"),
            intensity_ma=v.get("intensity_ma"),
        ),
        retention_min=v.get("retention_min"),
        spinal_level=v.get("spinal_level"),
        region=v.get("region"),
        description=v.get("description", ""),
    )


def protocol_values(p: Protocol) -> Values:
    return {
        "id": p.id,
        "family_id": p.family_id,
        "version": p.version,
        "name": p.name,
        "condition": p.condition,
        "points": [protocol_point_to_json(pt) for pt in p.points],
        "created_at": p.created_at,
    }


def protocol_from_row(row: ProtocolRow) -> Protocol:
    return Protocol(
        id=row.id,
        family_id=row.family_id,
        version=row.version,
        name=row.name,
        condition=row.condition,
        points=[protocol_point_from_json(v) for v in row.points],
        created_at=row.created_at,
    )


def measurement_values(m: OutcomeMeasurement) -> Values:
    return {
        "id": m.id,
        "case_id": m.case_id,
        "session_id": m.session_id,
        "instrument": m.instrument,
        "taken_at": m.taken_at,
        "time_zone": m.time_zone,
        "answers": m.answers,
        "value": m.value,
        "score": m.score,
        "note": m.note,
    }


def measurement_from_row(row: MeasurementRow) -> OutcomeMeasurement:
    return OutcomeMeasurement(
        id=row.id,
        case_id=row.case_id,
        session_id=row.session_id,
        instrument=row.instrument,
        taken_at=row.taken_at,
        time_zone=row.time_zone,
        answers=row.answers,
        value=row.value,
        score=row.score,
        note=row.note,
    )


def intake_values(i: Intake) -> Values:
    """Column values of an intake row (its reviews not included)."""
    return {
        "id": i.id,
        "patient_id": i.patient_id,
        "case_id": i.case_id,
        "questionnaire_key": i.questionnaire_key,
        "questionnaire_version": i.questionnaire_version,
        "submitted_at": i.submitted_at,
        "time_zone": i.time_zone,
        "source": i.source.value,
        "answers": dict(i.answers),
        "unreadable": dict(i.unreadable),
        "screening_outcome": i.screening.outcome.value,
        "red_flags": [flag.value for flag in i.screening.red_flags],
        "cautions": [caution.value for caution in i.screening.cautions],
        "unanswered": list(i.screening.unanswered),
    }


def intake_review_values(intake_id: uuid.UUID, r: IntakeReview) -> Values:
    return {
        "id": r.id,
        "intake_id": intake_id,
        "decision": r.decision.value,
        "reason": r.reason,
        "reviewer_id": r.reviewer_id,
        "reviewed_at": r.reviewed_at,
    }


def intake_review_from_row(row: IntakeReviewRow) -> IntakeReview:
    return IntakeReview(
        id=row.id,
        decision=ReviewDecision(row.decision),
        reason=row.reason,
        reviewer_id=row.reviewer_id,
        reviewed_at=row.reviewed_at,
    )


def screening_from_values(
    outcome: str, red_flags: list[Any], cautions: list[Any], unanswered: list[Any]
) -> ScreeningResult:
    """The stored screening columns as a result (``not_asked`` is not stored)."""
    return ScreeningResult(
        outcome=ScreeningOutcome(outcome),
        red_flags=tuple(RedFlag(flag) for flag in red_flags),
        cautions=tuple(Caution(caution) for caution in cautions),
        unanswered=tuple(str(code) for code in unanswered),
    )


def intake_from_row(row: IntakeRow) -> Intake:
    return Intake(
        id=row.id,
        patient_id=row.patient_id,
        case_id=row.case_id,
        questionnaire_key=row.questionnaire_key,
        questionnaire_version=row.questionnaire_version,
        submitted_at=row.submitted_at,
        time_zone=row.time_zone,
        source=IntakeSource(row.source),
        answers=dict(row.answers),
        unreadable={str(k): str(v) for k, v in (row.unreadable or {}).items()},
        screening=screening_from_values(
            row.screening_outcome, row.red_flags, row.cautions, row.unanswered
        ),
        reviews=[intake_review_from_row(r) for r in row.reviews],
    )
