"""Completions a learning system reports (POST /api/v1/learning/completions): by staff number,
learning item and the day it was completed. They become course evidence under the same rules as
an attendance import: all or nothing, a completion is never undone, a disputed one is left to HR,
and the same report twice changes nothing.

Each completion is recorded at a session of its own kind: one per item and day, online, marked
as reported by a learning system, so HR and the person see where it came from."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from pathways import Framework

from ..models import LearningItem, LearningSession, Person, Registration
from . import audit, course_evidence
from .batches import BatchError, chunks
from .learning_outcomes import RegistrationRefused, audit_outcomes, set_outcome

MAX_ROWS = 10_000
LONDON = ZoneInfo("Europe/London")
EARLIEST = date(2000, 1, 1)  # nothing earlier is a real completion of this catalogue
REPORTED = "Reported by a learning system"  # the location of the sessions completions are recorded at


@dataclass(frozen=True)
class Completion:
    staff_number: str
    item: str  # the learning item's id in the catalogue (its slug)
    completed_on: date


@dataclass
class CompletionResult:
    errors: list[BatchError] = field(default_factory=list)
    recorded: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _people(db: Session, numbers: list[str]) -> dict[str, Person]:
    found = {}
    for chunk in chunks(numbers):
        for person in db.exec(select(Person).where(Person.staff_number.in_(chunk))).all():
            found[person.staff_number] = person
    return found


def report(
    db: Session, framework: Framework, rows: list[Completion], actor, department_scope: int | None
) -> CompletionResult:
    if len(rows) > MAX_ROWS:
        return CompletionResult(errors=[BatchError(0, "", f"Send {MAX_ROWS:,} completions or fewer at once")])
    people = _people(db, sorted({r.staff_number for r in rows}))
    items = {i.slug: i for i in db.exec(select(LearningItem).where(LearningItem.slug.in_({r.item for r in rows})))}
    errors, seen, today = [], {}, datetime.now(UTC).date()
    for i, row in enumerate(rows):
        person = people.get(row.staff_number)
        # Someone outside a departmental client's department is reported exactly as an unknown one.
        if person is None or (department_scope is not None and person.department_id != department_scope):
            errors.append(BatchError(i, "staff_number", f"No one with staff number {row.staff_number} was found"))
        elif person.left_at is not None:
            errors.append(BatchError(i, "staff_number", f"Staff number {row.staff_number} has left"))
        if row.item not in items:
            errors.append(BatchError(i, "item", f"No learning item {row.item!r} is in the catalogue"))
        if row.completed_on > today:
            errors.append(BatchError(i, "completed_on", "The date completed must be today or in the past"))
        elif row.completed_on < EARLIEST:
            errors.append(BatchError(i, "completed_on", f"The date completed must be in {EARLIEST.year} or later"))
        key = (row.staff_number, row.item)
        if key in seen:
            errors.append(BatchError(i, "item", "The same person and learning are in the report more than once"))
        seen.setdefault(key, i)
    if errors:
        db.rollback()
        return CompletionResult(errors=errors)
    return _record(db, framework, rows, people, items, actor)


def _record(db, framework, rows, people, items, actor) -> CompletionResult:
    result, sessions, recorded, completed_by_item = CompletionResult(), {}, [], {}
    held = {}
    person_ids = [people[r.staff_number].id for r in rows]
    for chunk in chunks(person_ids):
        for registration in db.exec(select(Registration).where(Registration.person_id.in_(chunk))):
            held.setdefault((registration.person_id, registration.item_id), []).append(registration)
    for i, row in enumerate(rows):
        person, item = people[row.staff_number], items[row.item]
        theirs = held.get((person.id, item.id), [])
        if any(r.status == "completed" for r in theirs):
            result.unchanged += 1  # completed already, here or at a session HR ran
            continue
        attended = next((r for r in theirs if r.status == "attended"), None)
        registration = attended or Registration(
            session_id=_session(db, item, row.completed_on, sessions).id, item_id=item.id, person_id=person.id,
            status="", source="imported",
        )  # fmt: skip
        db.add(registration)
        db.flush()
        try:
            set_outcome(db, framework, registration, "completed", actor, credit_now=False)
        except RegistrationRefused as refused:
            db.rollback()
            return CompletionResult(errors=[BatchError(i, "staff_number", str(refused))])
        recorded.append(registration)
        completed_by_item.setdefault(item.id, []).append(person.id)
        result.recorded += 1
    audit_outcomes(db, actor, recorded)
    for item_id, person_ids in completed_by_item.items():
        course_evidence.credit(db, framework, db.get(LearningItem, item_id), person_ids, actor)
    if recorded:
        audit.record(db, "learning.completions_reported", actor=actor, subject=("learning_completions", len(recorded)))
    db.commit()
    return result


def _session(db: Session, item: LearningItem, day: date, made: dict) -> LearningSession:
    """The session completions of this item on this day are recorded at, made the first time."""
    if (item.id, day) in made:
        return made[(item.id, day)]
    starts = datetime.combine(day, time(0, 0), tzinfo=LONDON)  # that day where people work
    found = db.exec(
        select(LearningSession).where(
            LearningSession.item_id == item.id,
            LearningSession.starts_at == starts,
            LearningSession.location == REPORTED,
        )
    ).first()
    if found is None:
        found = LearningSession(item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=23, minutes=59),
                                online=True,
                                location=REPORTED, capacity=MAX_ROWS)  # fmt: skip
        db.add(found)
        db.flush()
    made[(item.id, day)] = found
    return found
