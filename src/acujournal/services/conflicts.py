"""Two rooms, one record: telling the second of two conflicting saves what changed.

Every patient, case and session row carries a ``version`` that goes up with each change, and
the domain object read from it remembers the version and values it was read with. Saving it
again first compares: when the stored version moved on and what is stored now differs from what
this room read, the save is refused with a :class:`ConflictError` naming who changed it, when,
and which fields; nothing is written, and the caller keeps its own object to show, merge or
save again over the newer version.

A version that moved on without any compared field changing (the cached time of the latest
visit, say) is no conflict. Two saves racing each other in the same instant are caught by the
ORM's version check on the UPDATE itself and reported the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError

from acujournal.storage.repository import JournalRepository

FIELD_LABELS = {
    "subjective": "subjective notes",
    "objective": "objective findings",
    "assessment": "assessment",
    "plan": "plan",
    "internal_note": "internal note",
    "patient_advice": "advice to the patient",
    "pain_before_back": "back pain before",
    "pain_before_leg": "leg pain before",
    "pain_after_back": "back pain after",
    "pain_after_leg": "leg pain after",
    "needles_in": "needles in",
    "needles_out": "needles out",
    "co_interventions": "co-interventions",
    "adverse_events": "adverse events",
    "started_at": "start time",
    "time_zone": "time zone",
    "practitioner_id": "practitioner",
    "protocol_id": "protocol",
    "birth_date": "date of birth",
    "onset_date": "onset date",
    "suspected_cause": "suspected cause",
    "opened_on": "opening date",
    "closed_on": "closing date",
}


def field_label(name: str) -> str:
    """How a compared field is named to the practitioner."""
    return FIELD_LABELS.get(name, name.replace("_", " "))


class ConflictError(ValueError):
    """The record was changed elsewhere since it was read; nothing was written.

    ``fields`` are the names of the fields that differ between what was read and what is
    stored now (empty when that is not known), ``stored`` the record as stored now.
    """

    def __init__(
        self,
        entity: str,
        fields: list[str],
        changed_by: str | None = None,
        changed_at: datetime | None = None,
        stored: Any = None,
    ) -> None:
        self.entity = entity
        self.fields = fields
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.stored = stored
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        who = f" by {self.changed_by}" if self.changed_by else ""
        when = f" at {self.changed_at.astimezone():%Y-%m-%d %H:%M}" if self.changed_at else ""
        what = (
            f"; it now differs in: {', '.join(field_label(f) for f in self.fields)}"
            if self.fields
            else ""
        )
        return (
            f"This {self.entity} was changed in another room{who}{when} since you opened it"
            f"{what}. Nothing was saved, and your version is kept."
        )


def differing_fields(read: dict[str, object], stored: dict[str, object]) -> list[str]:
    """The fields whose stored value is not the one read, in a stable order."""
    return [key for key in stored if read.get(key) != stored[key]]


def refuse_if_changed(
    repo: JournalRepository,
    entity: str,
    record: Any,
    stored: Any,
    state: Callable[[Any], dict[str, object]],
) -> None:
    """Raise :class:`ConflictError` when ``stored`` moved on from what ``record`` was read as.

    ``record`` without a version (new, or made without reading) is never refused.
    """
    if stored is None or record.version is None or record.version == stored.version:
        return
    stored_state = state(stored)
    read_state = record.read_state
    if read_state is None:
        fields = differing_fields(state(record), stored_state)
    else:
        fields = differing_fields(read_state, stored_state)
    if not fields:
        return
    raise _conflict(repo, entity, stored.id, fields, stored)


def _conflict(
    repo: JournalRepository, entity: str, record_id: uuid.UUID, fields: list[str], stored: Any
) -> ConflictError:
    last = repo.last_change(entity, record_id)
    return ConflictError(
        entity,
        fields,
        changed_by=last.actor if last else None,
        changed_at=last.at if last else None,
        stored=stored,
    )


@contextmanager
def reported_as_conflict(entity: str, record: Any) -> Iterator[None]:
    """Keep ``record`` as it was when the save fails, and report the ORM's own version check
    (two saves in the same instant) as a ConflictError."""
    kept = (record.version, record.read_state)
    try:
        yield
    except StaleDataError as error:
        record.version, record.read_state = kept
        raise ConflictError(entity, []) from error
    except BaseException:
        record.version, record.read_state = kept
        raise
