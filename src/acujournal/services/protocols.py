"""Protocols: named, versioned point prescriptions.

Revising a protocol never changes a stored version: it adds a new one with the same family, so
a session's ``protocol_id`` keeps naming what the patient was actually given (STRICTA 1c: the
extent treatment varied from the protocol).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from acujournal.domain.model import (
    NeedleInsertion,
    Practitioner,
    Protocol,
    ProtocolPoint,
    Stimulation,
)
from acujournal.domain.validation import Problem, ValidationError, validate_protocol_point
from acujournal.services.unit_of_work import read_only, unit_of_work, utc_now
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError


def protocol_points_from_needles(needles: Iterable[NeedleInsertion]) -> list[ProtocolPoint]:
    """The prescription part of needle rows: where and how, not today's needle or de qi."""
    return [
        ProtocolPoint(
            point=needle.point,
            side=needle.side,
            depth_mm=needle.depth_mm,
            stimulation=Stimulation(
                method=needle.stimulation.method,
                frequency_hz=needle.stimulation.frequency_hz,
                frequency_high_hz=needle.stimulation.frequency_high_hz,
                intensity_ma=needle.stimulation.intensity_ma,
                waveform=needle.stimulation.waveform,
            ),
            retention_min=needle.retention_min,
            spinal_level=needle.spinal_level,
            region=needle.region,
            description=needle.description,
        )
        for needle in needles
    ]


def _check(name: str, points: list[ProtocolPoint]) -> None:
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("protocol.name", "a protocol needs a name"))
    elif len(name) > 200:
        problems.append(Problem("protocol.name", "must be at most 200 characters"))
    if not points:
        problems.append(Problem("protocol.points", "a protocol needs at least one point"))
    for index, point in enumerate(points):
        problems += validate_protocol_point(f"protocol.points[{index}]", point)
    if problems:
        raise ValidationError(problems)


def save_protocol(
    db: Database, name: str, points: list[ProtocolPoint], condition: str = ""
) -> Protocol:
    """Store a new protocol (version 1 of a new family)."""
    name = name.strip()
    _check(name, points)
    protocol = Protocol(
        name=name, points=list(points), condition=condition.strip(), created_at=utc_now()
    )
    with unit_of_work(db) as repo:
        repo.add_protocol(protocol)
    return protocol


def save_protocol_from_session(
    db: Database, name: str, needles: Iterable[NeedleInsertion], condition: str = ""
) -> Protocol:
    """Store the points of a session (or of the editor's table) as a new protocol."""
    return save_protocol(db, name, protocol_points_from_needles(needles), condition)


def revise_protocol(
    db: Database, family_id: uuid.UUID, points: list[ProtocolPoint], name: str | None = None
) -> Protocol:
    """Add a new version of a protocol with changed points (and, optionally, a new name).

    Earlier versions stay stored unchanged, so sessions given them keep pointing at them.
    """
    with unit_of_work(db) as repo:
        current = next((p for p in repo.current_protocols() if p.family_id == family_id), None)
        if current is None:
            raise NotFoundError(f"No protocol with family id {family_id}.")
        revised = Protocol(
            name=(name if name is not None else current.name).strip(),
            points=list(points),
            family_id=family_id,
            version=current.version + 1,
            condition=current.condition,
            created_at=utc_now(),
        )
        _check(revised.name, revised.points)
        repo.add_protocol(revised)
    return revised


def list_protocols(db: Database) -> list[Protocol]:
    """The newest version of every protocol, by name."""
    with read_only(db) as repo:
        return repo.current_protocols()


def get_protocol(db: Database, protocol_id: uuid.UUID) -> Protocol:
    """One stored protocol version (also an old one a session was given)."""
    with read_only(db) as repo:
        return repo.get_protocol(protocol_id)


def apply_protocol(
    protocol: Protocol, practitioner: Practitioner | None = None
) -> list[NeedleInsertion]:
    """Needle rows for a protocol, with the practitioner's default needle filled in.

    A protocol says where and how to needle; the needle itself (gauge, length, brand) is the
    practitioner's (STRICTA 2g), and de qi is left open because it is observed today.
    """
    return [
        NeedleInsertion(
            point=point.point,
            side=point.side,
            depth_mm=point.depth_mm,
            gauge_mm=practitioner.default_gauge_mm if practitioner else None,
            length_mm=practitioner.default_length_mm if practitioner else None,
            needle_brand=practitioner.default_needle_brand if practitioner else "",
            stimulation=Stimulation(
                method=point.stimulation.method,
                frequency_hz=point.stimulation.frequency_hz,
                frequency_high_hz=point.stimulation.frequency_high_hz,
                intensity_ma=point.stimulation.intensity_ma,
                waveform=point.stimulation.waveform,
            ),
            retention_min=point.retention_min,
            spinal_level=point.spinal_level,
            region=point.region,
            description=point.description,
        )
        for point in protocol.points
    ]
