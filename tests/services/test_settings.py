"""Clinic settings: plain values, snippets and caution depths."""

from __future__ import annotations

import pytest

from acujournal.domain.validation import ValidationError
from acujournal.services.settings import (
    caution_depth_exceeded,
    delete_setting,
    get_caution_depths,
    get_setting,
    get_snippets,
    set_caution_depths,
    set_setting,
    set_snippets,
)
from acujournal.storage.db import Database


def test_values_are_stored_replaced_and_deleted(db: Database) -> None:
    assert get_setting(db, "clinic.name", "unnamed") == "unnamed"
    set_setting(db, "clinic.name", "Akupunktur Oslo")
    set_setting(db, "clinic.name", {"name": "Akupunktur Oslo", "rooms": 2})
    assert get_setting(db, "clinic.name") == {"name": "Akupunktur Oslo", "rooms": 2}
    delete_setting(db, "clinic.name")
    assert get_setting(db, "clinic.name") is None


def test_snippets_round_trip_and_bad_ones_are_named(db: Database) -> None:
    assert get_snippets(db) == {}
    set_snippets(db, {"walk": "Walk 20 minutes daily.", "heat": "Warm compress, 15 min."})
    assert get_snippets(db) == {"heat": "Warm compress, 15 min.", "walk": "Walk 20 minutes daily."}
    with pytest.raises(ValidationError) as error:
        set_snippets(db, {"two words": "x", "ok": "  "})
    fields = [p.field for p in error.value.problems]
    assert fields == ["snippets[two words]", "snippets[ok]"]


def test_caution_depths_are_keyed_by_who_code(db: Database) -> None:
    assert get_caution_depths(db) == {}
    stored = set_caution_depths(db, {"gb 21": 15, "UB43": 10.5})
    assert stored == {"GB21": 15.0, "BL43": 10.5}
    assert get_caution_depths(db) == stored
    with pytest.raises(ValidationError, match="names no point"):
        set_caution_depths(db, {"XX99": 10})
    with pytest.raises(ValidationError, match="outside the allowed range"):
        set_caution_depths(db, {"GB21": 900})
    assert caution_depth_exceeded(stored, "GB21", 20) == 15.0
    assert caution_depth_exceeded(stored, "GB21", 15) is None
    assert caution_depth_exceeded(stored, "BL40", 60) is None
    assert caution_depth_exceeded(stored, "GB21", None) is None
