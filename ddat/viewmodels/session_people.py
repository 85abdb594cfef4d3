"""The people table on HR's session page: for each registration, what HR may change it to in
the table, whether it is a completion they may correct on its own page, and whether the
table has anything left to save at all (no Save button otherwise)."""

from dataclasses import dataclass

from ..models import Person, Registration
from ..services.learning_corrections import why_not_corrected
from ..services.session_people import RECORDED_AFTER_THE_START, WALK_IN


@dataclass(frozen=True)
class PersonRow:
    registration: Registration
    person: Person
    department: str
    choices: list[str]  # the statuses the row's select offers; none when it is not changed in the table
    correctable: bool  # a completion HR may correct on its own page
    walk_in: bool  # came without booking


@dataclass(frozen=True)
class SessionPeople:
    rows: list[PersonRow]

    @property
    def to_save(self) -> bool:
        return any(row.choices for row in self.rows)


def choices_for(registration: Registration, started: bool) -> list[str]:
    """A completion, or a record once disputed, is not changed in the table, and nor is one
    with no other status to offer (cancelled before the session). A place is only
    given by registering (within the places), never by changing a status, so someone waiting
    or cancelled keeps their status or gets an outcome, never "registered"."""
    if registration.status == "completed" or registration.disputed_at is not None:
        return []
    holds_place = registration.status not in ("waiting", "cancelled")
    offered = [registration.status if not holds_place else "registered"]
    offered += [*RECORDED_AFTER_THE_START] if started else []
    offered = list(dict.fromkeys([*offered, "cancelled"]))  # each once, in order
    return offered if len(offered) > 1 else []  # only what it already is: nothing to change


def session_people(rows: list[tuple[Registration, Person, str]], started: bool) -> SessionPeople:
    return SessionPeople(
        [
            PersonRow(
                registration,
                person,
                department,
                choices_for(registration, started),
                why_not_corrected(registration) is None,
                registration.source == WALK_IN,
            )
            for registration, person, department in rows
        ]
    )
