"""Use cases around practitioner profiles."""

from __future__ import annotations

from acujournal.domain.model import Practitioner
from acujournal.domain.validation import Problem, ValidationError
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage.db import Database


def list_practitioners(db: Database) -> list[Practitioner]:
    """Every practitioner of the clinic, by name."""
    with read_only(db) as repo:
        return repo.practitioners()


def add_practitioner(db: Database, practitioner: Practitioner) -> Practitioner:
    """Store a new practitioner profile."""
    if not practitioner.name.strip():
        raise ValidationError([Problem("practitioner.name", "a practitioner needs a name")])
    with unit_of_work(db) as repo:
        repo.add_practitioner(practitioner)
    return practitioner
