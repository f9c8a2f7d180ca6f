"""Protocols are versioned; applying one fills in the practitioner's needle."""

from __future__ import annotations

import pytest

from acujournal.domain.model import NeedleInsertion, Practitioner, Side
from acujournal.domain.validation import ValidationError
from acujournal.services.protocols import (
    apply_protocol,
    get_protocol,
    list_protocols,
    protocol_points_from_needles,
    revise_protocol,
    save_protocol_from_session,
)
from acujournal.services.sessions import record_session
from acujournal.storage.db import Database
from acujournal.storage.repository import NotFoundError
from tests.builders import make_journal, make_session, sciatica_needles


def test_save_revise_and_list_keep_old_versions(db: Database) -> None:
    journal = make_journal(db)
    first = save_protocol_from_session(db, " Sciatica basic ", sciatica_needles(), "sciatica")
    assert (first.name, first.version, first.condition) == ("Sciatica basic", 1, "sciatica")
    assert [p.point for p in first.points][:2] == ["BL23", "BL25"]

    session = make_session(journal)
    session.protocol_id = first.id
    record_session(db, session)

    points = protocol_points_from_needles(
        [*sciatica_needles(), NeedleInsertion("EX-B2", Side.BILATERAL, spinal_level="L4")]
    )
    second = revise_protocol(db, first.family_id, points)
    assert (second.version, second.family_id, second.name) == (2, first.family_id, first.name)

    assert [(p.name, p.version) for p in list_protocols(db)] == [("Sciatica basic", 2)]
    # The session keeps the version it was given.
    assert get_protocol(db, first.id).points == first.points
    assert len(get_protocol(db, second.id).points) == 9


def test_bad_protocols_are_refused_naming_the_problem(db: Database) -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        save_protocol_from_session(db, "  ", sciatica_needles())
    with pytest.raises(ValidationError, match="spinal level"):
        save_protocol_from_session(db, "Jiaji", [NeedleInsertion("EX-B2", Side.BILATERAL)])
    with pytest.raises(ValidationError, match="at least one point"):
        save_protocol_from_session(db, "Empty", [])
    with pytest.raises(NotFoundError):
        revise_protocol(db, Practitioner("x").id, [])


def test_apply_uses_the_practitioners_needle_and_leaves_deqi_open(db: Database) -> None:
    protocol = save_protocol_from_session(db, "Sciatica", sciatica_needles())
    practitioner = Practitioner("Dr Lin", default_gauge_mm=0.3, default_length_mm=50.0)
    needles = apply_protocol(protocol, practitioner)
    assert [n.point for n in needles] == [p.point for p in protocol.points]
    assert all(n.gauge_mm == 0.3 and n.length_mm == 50.0 for n in needles)
    assert all(n.deqi is None and n.depth_mm == 25 and n.retention_min == 25 for n in needles)
    assert apply_protocol(protocol)[0].gauge_mm is None
