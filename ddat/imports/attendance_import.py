"""Importing a session's attendance from a CSV file (email or staff number, status): every row
checked first, then all applied in one transaction or none. Importing it again changes nothing.
Only people registered for the learning or invited to it before the session started can be
recorded (`learning_outcomes.who_may_be_recorded`), so a file cannot credit learning to people who
never signed up for it, or signed up once it was over; someone registered for another
session who attended or completed this one gives up that place, and the result names it. A
disputed record is settled on the session page, never by a file. Completion adds course
evidence, recorded against the HR user importing it."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from pathways import Framework

from ..models import LearningItem, LearningSession, Person, Registration, User
from ..services import audit, course_evidence
from ..services.audit import Actor
from ..services.learning import has_started
from ..services.learning_outcomes import (
    DISPUTED,
    RECORDED,
    audit_outcomes,
    set_outcome,
    who_may_be_recorded,
    why_not_recorded,
)
from .csv_import import (
    ImportResult,
    RequiredColumns,
    RowError,
    find_people,
    identify,
    read_rows,
    who_column,
)

REQUIRED_COLUMNS = RequiredColumns(("status",), "email or staff number, status")
# What people type in a spreadsheet, to the status it means.
STATUS_WORDS = {
    "attended": "attended",
    "completed": "completed",
    "no_show": "no_show",
    "no show": "no_show",
    "no-show": "no_show",
    "did not attend": "no_show",
}


@dataclass
class AttendanceResult(ImportResult):
    # Places people held at other sessions of the learning, given up because they attended this one.
    given_up: list[tuple[Person, LearningSession]] = field(default_factory=list)


def import_attendance(
    db: Session,
    framework: Framework,
    learning_session: LearningSession,
    actor: User | Actor,
    content: bytes,
    scope: int | None,
) -> AttendanceResult:
    """`actor` is who the import is recorded against; `scope` the one department whose people
    it may name (None: every department)."""
    records, errors = read_rows(content, REQUIRED_COLUMNS)
    result = AttendanceResult(errors)
    if errors:
        return result
    if not has_started(learning_session):
        result.errors.append(RowError(1, "", "Attendance can only be recorded once the session has started"))
        return result
    people = find_people(db, records, scope)
    registrations = {
        r.person_id: r for r in db.exec(select(Registration).where(Registration.session_id == learning_session.id))
    }
    seen: dict[int, int] = {}
    planned = []
    recorded_elsewhere = set(
        db.exec(
            select(Registration.person_id).where(
                Registration.item_id == learning_session.item_id,
                Registration.session_id != learning_session.id,
                Registration.status.in_(("attended", "completed")),
            )
        )
    )
    allowed, signed_up_late = who_may_be_recorded(db, learning_session)
    for number, record in enumerate(records, start=2):
        if record is None:
            continue
        before = len(result.errors)
        person = identify(number, record, people, seen, result.errors)
        status = STATUS_WORDS.get(record["status"].strip().lower())
        if status is None:
            result.errors.append(RowError(number, "status", "Status must be one of: attended, no show, completed"))
        registration = registrations.get(person.id) if person else None
        refusal = why_not_recorded(person.id, allowed, signed_up_late) if person else None
        if registration and registration.disputed_at is not None:
            result.errors.append(RowError(number, who_column(record), DISPUTED))
        elif registration and registration.status == "completed" and status and status != "completed":
            result.errors.append(
                RowError(number, who_column(record), "Already completed: a completion cannot be undone")
            )
        elif person and person.id in recorded_elsewhere:
            result.errors.append(
                RowError(number, who_column(record), "Already recorded at another session of this learning")
            )
        elif refusal:
            result.errors.append(RowError(number, who_column(record), refusal))
        if len(result.errors) == before:
            planned.append((person, status))
    if result.errors:
        db.rollback()  # nothing is written: end the transaction the checks read in
        return result
    completed, recorded, corrected = [], [], set()
    for person, status in planned:
        registration = registrations.get(person.id)
        if registration is None:
            registration = Registration(
                session_id=learning_session.id,
                item_id=learning_session.item_id,
                person_id=person.id,
                status="",
                source="imported",
            )
            db.add(registration)
            result.added += 1
        elif registration.status == status:
            result.unchanged += 1
            continue
        else:
            result.changed += 1
            if registration.status in RECORDED:
                corrected.add(registration.id)
        given_up: list[Registration] = []
        if set_outcome(db, framework, registration, status, actor, credit_now=False, given_up=given_up):
            completed.append(person.id)
        recorded.append(registration)
        result.given_up += [(person, db.get(LearningSession, other.session_id)) for other in given_up]
    audit_outcomes(db, actor, recorded, corrected)
    course_evidence.credit(db, framework, db.get(LearningItem, learning_session.item_id), completed, actor)
    audit.record(db, "learning.attendance_imported", actor=actor, subject=learning_session)
    db.commit()
    return result
