"""HR's work on one learning session: who is registered, recording what happened to each of
them, people who came without booking, and finding the people HR name one per line to
register or invite."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pathways import Framework

from ..csv_files import csv_text
from ..imports.csv_import import find_people
from ..locks import lock
from ..models import LIVE_REGISTRATION, Department, LearningItem, LearningSession, Person, Registration, User
from ..permissions import department_scope
from ..vocabulary import REGISTRATION_STATUS_NAMES, audience_name, grade_name
from . import audit, learning, learning_outcomes
from .schemes import people_in_scope

RECORDED_AFTER_THE_START = learning_outcomes.RECORDED
WALK_IN = "walk_in"  # a registration's source when HR added someone who came without booking
# Long enough to catch up after the day; later than this, attendance comes by import, so a
# walk-in cannot be used to credit learning long after the event.
WALK_INS_UP_TO = timedelta(days=7)


def registrations(db: Session, learning_session: LearningSession, user: User) -> list[tuple[Registration, Person, str]]:
    """The session's registrations the user may see: departmental HR see their own people."""
    return list(
        db.exec(
            select(Registration, Person, Department.name)
            .join(Person, Person.id == Registration.person_id)
            .join(Department, Department.id == Person.department_id)
            .where(Registration.session_id == learning_session.id, people_in_scope(user))
            .order_by(Registration.status, Person.display_name)
        )
    )


def registrations_csv(rows: list[tuple[Registration, Person, str]]) -> str:
    return csv_text(
        ["Name", "Staff number", "Department", "Grade", "Status", "Grade code", "Status code"],
        [
            [p.display_name, p.staff_number or "", dept, grade_name(p.grade), REGISTRATION_STATUS_NAMES[r.status]]
            + [p.grade or "", r.status]
            for r, p, dept in rows
        ],
    )


@dataclass
class AttendanceRecorded:
    problems: list[str] = field(default_factory=list)  # "name: why not", one per person refused
    given_up: list[str] = field(default_factory=list)  # "name: the session on 5 May 2026"
    cancelled: int = 0
    started: bool = False  # attendance and completion were open to record


def record_attendance(
    db: Session, framework: Framework, learning_session: LearningSession, user: User, chosen: Mapping[int, str]
) -> AttendanceRecorded:
    """HR's choices on the session page (registration id to status), in one transaction.
    Statuses not offered, or unchanged, leave a registration as it is; attendance and
    completion wait until the session has started."""
    started = learning.has_started(learning_session)
    allowed, signed_up_late = learning_outcomes.who_may_be_recorded(db, learning_session)
    outcome = AttendanceRecorded(started=started)
    for registration, person, _ in registrations(db, learning_session, user):
        status = chosen.get(registration.id)
        if status not in learning.OUTCOMES or status == registration.status:
            continue  # not on the form, or tampered, or unchanged: left as it is
        if status in RECORDED_AFTER_THE_START:
            if not started:
                continue
            refusal = learning_outcomes.why_not_recorded(person.id, allowed, signed_up_late)
            if refusal:
                outcome.problems.append(f"{person.display_name}: {refusal}")
                continue
        given_up: list[Registration] = []
        try:
            learning_outcomes.set_outcome(db, framework, registration, status, user, given_up=given_up)
        except learning.RegistrationRefused as refused:
            outcome.problems.append(f"{person.display_name}: {refused}")
            continue
        outcome.cancelled += status == "cancelled"
        for other in given_up:
            day = learning.to_uk(db.get(LearningSession, other.session_id).starts_at)
            outcome.given_up.append(f"{person.display_name}: the session on {day:%-d %B %Y}")
    audit.record(db, "learning.attendance_recorded", actor=user, subject=learning_session)
    db.commit()
    return outcome


def walk_ins_open(learning_session: LearningSession) -> bool:
    """Whether someone who came without booking may still be added: up to `WALK_INS_UP_TO`
    after the session ends (after that, its attendance is imported)."""
    return learning.uk_now() <= learning_session.ends_at + WALK_INS_UP_TO


def record_walk_in(
    db: Session, framework: Framework, learning_session: LearningSession, person: Person, user: User
) -> list[Registration]:
    """Someone who came without booking, added and recorded as attended in one step once the
    session has started; returns the places they held at other sessions of the learning,
    given up as attending this one does. Raises RegistrationRefused, saying why, for someone
    already on this session's list (their record is in the table) or already recorded at
    another session. HR saying they were in the room is what lets a walk-in be recorded after
    the start, when registering is closed: the audit names who said so.

    The places are not checked: they limit bookings, made before the day, and someone who
    was in the room attended however many places there were. So a session can end with more
    people recorded than places; no one is waiting for a place once it has started."""
    if not learning.has_started(learning_session):
        raise learning.RegistrationRefused("This session has not started yet: register them instead")
    if not walk_ins_open(learning_session):
        raise learning.RegistrationRefused(
            f"Walk-ins can be added up to {WALK_INS_UP_TO.days} days after a session: this one ended on "
            f"{learning.to_uk(learning_session.ends_at):%-d %B %Y}. Import its attendance instead"
        )
    item = db.get(LearningItem, learning_session.item_id)
    if not learning.in_audience(item, person):
        raise learning.RegistrationRefused(
            f"{person.display_name} is not someone this learning is for ({audience_name(item.audience)} only), "
            "so their attendance cannot count towards it"
        )
    lock(db, LearningSession, learning_session.id)  # the same person added twice at once is added once
    here = db.exec(
        select(Registration).where(Registration.session_id == learning_session.id, Registration.person_id == person.id)
    ).first()
    if here is not None:
        db.rollback()
        status = REGISTRATION_STATUS_NAMES[here.status].lower()
        raise learning.RegistrationRefused(
            f"{person.display_name} is already on this session’s list ({status}): "
            "record what happened to them in the table on the session page"
        )
    elsewhere = learning.live_registration(db, learning_session.item_id, person.id)
    if elsewhere is not None and elsewhere.status in ("attended", "completed"):
        db.rollback()
        day = learning.to_uk(db.get(LearningSession, elsewhere.session_id).starts_at)
        done = "has already completed this learning"
        if elsewhere.status == "attended":
            done = "is already recorded as attended"
        raise learning.RegistrationRefused(f"{person.display_name} {done} at the session on {day:%-d %B %Y}")
    registration = Registration(
        session_id=learning_session.id,
        item_id=learning_session.item_id,
        person_id=person.id,
        status="",
        source=WALK_IN,
    )
    given_up: list[Registration] = []
    try:
        learning_outcomes.set_outcome(
            db, framework, registration, "attended", user, credit_now=False, given_up=given_up
        )
        db.flush()
        audit.record(db, "learning.walk_in_recorded", actor=user, subject=registration)
        db.commit()
    except learning.RegistrationRefused:
        db.rollback()
        raise
    except IntegrityError:  # they booked another session at this moment: the one-live-place index kept that
        db.rollback()
        raise learning.RegistrationRefused(
            f"{person.display_name}’s places changed while you were adding them: check the session page and try again"
        ) from None
    return given_up


def walk_ins(db: Session, session_id: int) -> int:
    """How many of the session's places are held by people who came without booking."""
    return db.exec(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.session_id == session_id,
            Registration.source == WALK_IN,
            Registration.status.in_(learning.HOLDS_A_PLACE),
        )
    ).one()


def named_people(db: Session, user: User, names: list[str]) -> tuple[list[Person], list[str]]:
    """People named one per line (email address or staff number), within the user's scope,
    and the lines that named no one."""
    # Staff numbers are kept in capitals; HR type them any way (cs0000929).
    records = [{"email": n} if "@" in n else {"staff_number": n.upper()} for n in names]
    found = find_people(db, records, department_scope(user))
    people, unknown = [], []
    for name, record in zip(names, records, strict=True):
        key = f"email:{name.lower()}" if "email" in record else f"staff:{record['staff_number']}"
        (people.append(found[key]) if key in found else unknown.append(name))
    return people, unknown


def register_people(
    db: Session, learning_session: LearningSession, people: list[Person], user: User
) -> tuple[int, list[str]]:
    """HR registering people: how many were, and why each of the others was not."""
    registered, problems = 0, []
    for person in people:
        try:
            learning.register(db, learning_session, person, source="hr", actor=user)
            registered += 1
        except learning.RegistrationRefused as refused:
            problems.append(f"{person.display_name}: {refused}")
    return registered, problems


def audience_without_a_place(db: Session, item: LearningItem, user: User) -> list[Person]:
    """Everyone in the item's audience, within the user's scope and still in post, who could
    still book it: not booked, waiting, attended or completed (an invitation to choose a session would be a dead
    end for them, as one live place per item is all anyone may hold)."""
    placed = select(Registration.person_id).where(
        Registration.item_id == item.id, Registration.status.in_(LIVE_REGISTRATION)
    )
    query = select(Person).where(people_in_scope(user), Person.left_at.is_(None), Person.id.not_in(placed))
    if item.audience:
        query = query.where(Person.grade.in_(item.audience))
    return list(db.exec(query))
