"""Use cases around practitioner profiles."""

from __future__ import annotations

from acujournal.domain.model import Practitioner
from acujournal.domain.validation import ValidationError, practitioner_problems
from acujournal.services.unit_of_work import read_only, unit_of_work
from acujournal.storage.db import Database


def list_practitioners(db: Database) -> list[Practitioner]:
    """Every practitioner of the clinic, by name."""
    with read_only(db) as repo:
        return repo.practitioners()


def add_practitioner(db: Database, practitioner: Practitioner) -> Practitioner:
    """Store a new practitioner profile."""
    problems = practitioner_problems(practitioner)
    if problems:
        raise ValidationError(problems)
    with unit_of_work(db) as repo:
        repo.add_practitioner(practitioner)
    return practitioner


def update_practitioner(db: Database, practitioner: Practitioner) -> Practitioner:
    """Change a practitioner's profile (sessions keep pointing at the same practitioner).

    A practitioner who left is made inactive rather than removed: their signed sessions
    must still name them.
    """
    problems = practitioner_problems(practitioner)
    if problems:
        raise ValidationError(problems)
    with unit_of_work(db) as repo:
        repo.update_practitioner(practitioner)
    return practitioner
