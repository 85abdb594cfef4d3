"""The people feed: an HR system telling the service who people are. Rows are upserted by
staff number; a batch is checked whole and applied whole, or not at all; the same batch twice
changes nothing. Shared by the API (POST /api/v1/people), HR's CSV upload and the command line.

Fields the feed sets (name, work email, grade, department, profession, line manager) are the
HR record: while a person has one (`Person.hr_record_at`), they cannot change them themselves.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from pathways import Framework

from ..caches import population
from ..models import AuditEvent, ConfirmationRequest, Department, LineManagement, Person, User
from ..vocabulary import PROFESSION_NAMES
from . import audit, line_managers, user_sessions

MAX_ROWS = 10_000
STAFF_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
CHUNK = 500  # ids per IN (...) query, well inside every database's limit
FEED = "feed"  # LineManagement.source for links the HR system made


@dataclass(frozen=True)
class FeedRow:
    staff_number: str
    email: str = ""
    name: str = ""
    grade: str = ""
    department: str = ""
    profession: str = ""
    line_manager: str = ""  # the manager's staff number, or "" for none
    left: bool = False


@dataclass(frozen=True)
class FeedError:
    index: int  # the row's place in the batch, from 0
    field: str
    problem: str


@dataclass
class FeedResult:
    errors: list[FeedError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "left": self.left}


def now() -> datetime:
    return datetime.now(UTC)


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _Lookups:
    """Everything the batch refers to, read in a few queries rather than one per row."""

    def __init__(self, db: Session, rows: list[FeedRow]):
        numbers = sorted({r.staff_number for r in rows} | {r.line_manager for r in rows if r.line_manager})
        emails = sorted({r.email for r in rows if r.email})
        self.people: dict[str, Person] = {}
        for chunk in _chunks(numbers):
            for person in db.exec(select(Person).where(Person.staff_number.in_(chunk))).all():
                self.people[person.staff_number] = person
        self.users: dict[str, User] = {}
        self.by_hr_email: dict[str, Person] = {}
        for chunk in _chunks(emails):
            for user in db.exec(select(User).where(func.lower(User.email).in_(chunk))).all():
                self.users[user.email.lower()] = user
            for person in db.exec(select(Person).where(Person.hr_email.in_(chunk))).all():
                self.by_hr_email[person.hr_email] = person
        user_ids = [u.id for u in self.users.values()]
        self.person_of_user: dict[int, Person] = {}
        for chunk in _chunks(user_ids):
            for person in db.exec(select(Person).where(Person.user_id.in_(chunk))).all():
                self.person_of_user[person.user_id] = person
        self.departments: dict[str, int] = {}
        for department in db.exec(select(Department)).all():
            self.departments[department.name.casefold()] = department.id
            self.departments.setdefault(department.abbreviation.casefold(), department.id)


def _profession(value: str) -> str | None:
    wanted = value.strip().casefold()
    for code, name in PROFESSION_NAMES.items():
        if wanted in (code, name.casefold(), code.replace("_", " ")):
            return code
    return None


def check(db: Session, framework: Framework, rows: list[FeedRow], department_scope: int | None) -> list[FeedError]:
    """Every problem in the batch, or none. `department_scope`: a departmental client's
    department, whose people alone it may feed."""
    if len(rows) > MAX_ROWS:
        return [FeedError(0, "", f"Send {MAX_ROWS:,} people or fewer in one batch")]
    found = _Lookups(db, rows)
    errors: list[FeedError] = []
    seen_numbers: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    in_batch = {r.staff_number for r in rows}
    for i, row in enumerate(rows):

        def problem(name: str, words: str, i=i) -> None:
            errors.append(FeedError(i, name, words))

        if not STAFF_NUMBER.match(row.staff_number):
            problem("staff_number", "Staff number must be 1 to 20 letters, numbers or hyphens")
            continue
        if row.staff_number in seen_numbers:
            problem("staff_number", f"Staff number {row.staff_number} is in the batch more than once")
            continue
        seen_numbers[row.staff_number] = i
        existing = found.people.get(row.staff_number)
        if department_scope is not None and existing is not None and existing.department_id != department_scope:
            problem("staff_number", f"Staff number {row.staff_number} is not one of your department’s people")
            continue
        if row.left:
            if existing is None:
                problem("staff_number", f"Staff number {row.staff_number} is not known, so cannot be marked as left")
            continue
        _check_details(row, existing, found, framework, department_scope, problem)
        if row.email:
            if row.email in seen_emails:
                problem("email", f"Email address {row.email} is in the batch more than once")
            seen_emails[row.email] = i
            owner = found.by_hr_email.get(row.email)
            user = found.users.get(row.email)
            holder = owner or (found.person_of_user.get(user.id) if user else None)
            if holder is not None and holder.staff_number not in (None, row.staff_number):
                problem("email", f"Email address {row.email} belongs to staff number {holder.staff_number}")
        if row.line_manager:
            if row.line_manager == row.staff_number:
                problem("line_manager", "Nobody can be their own line manager")
            elif row.line_manager not in found.people and row.line_manager not in in_batch:
                problem("line_manager", f"Line manager’s staff number {row.line_manager} is not known")
    if not errors:
        errors += _loops(db, rows, found)
    return errors


def _check_details(row, existing, found, framework, department_scope, problem) -> None:
    if existing is None and not row.name:
        problem("name", "Enter the person’s name")
    if len(row.name) > 200:
        problem("name", "Name must be 200 characters or fewer")
    if existing is None and not row.email:
        problem("email", "Enter the person’s work email address")
    if row.email:
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            problem("email", "Enter an email address in the correct format, like name@example.gov.uk")
    if row.grade not in framework.grade_codes:
        problem("grade", f"Grade must be one of {', '.join(framework.grade_codes)}")
    department = found.departments.get(row.department.casefold())
    if department is None:
        problem("department", f"Department {row.department!r} is not known: give its name or abbreviation")
    elif department_scope is not None and department != department_scope:
        problem("department", "Department must be your own department")
    if _profession(row.profession) is None:
        problem("profession", f"Profession must be one of {', '.join(PROFESSION_NAMES)}")


def _loops(db: Session, rows: list[FeedRow], found: _Lookups) -> list[FeedError]:
    """Line management loops the batch would make, with everyone's current managers."""
    number_of = {p.id: n for n, p in found.people.items()}
    manager_of: dict[str, str] = {}
    for report_id, manager_id in db.exec(
        select(LineManagement.report_id, LineManagement.manager_id).where(
            LineManagement.ended_at.is_(None), LineManagement.accepted_at.is_not(None)
        )
    ).all():
        report, manager = number_of.get(report_id), number_of.get(manager_id)
        if report and manager:
            manager_of[report] = manager
    for row in rows:
        if row.left:
            manager_of.pop(row.staff_number, None)
        elif row.line_manager:
            manager_of[row.staff_number] = row.line_manager
        else:
            manager_of.pop(row.staff_number, None)
    errors = []
    for i, row in enumerate(rows):
        seen, current = {row.staff_number}, manager_of.get(row.staff_number)
        while current is not None:
            if current in seen:
                errors.append(FeedError(i, "line_manager", f"Line manager {row.line_manager} would make a loop: "
                                        f"{row.staff_number} is above them in the line management chain"))  # fmt: skip
                break
            seen.add(current)
            current = manager_of.get(current)
    return errors


def apply(
    db: Session, framework: Framework, rows: list[FeedRow], actor, department_scope: int | None = None
) -> FeedResult:
    """Check the batch and, if it has no problems, make it so in one transaction."""
    errors = check(db, framework, rows, department_scope)
    if errors:
        db.rollback()
        return FeedResult(errors=errors)
    line_managers.take_turns(db)  # the feed changes links too: nothing else may at the same moment
    found = _Lookups(db, rows)
    result, when = FeedResult(), now()
    touched: dict[str, list] = {"created": [], "changed": [], "left": []}
    for row in rows:
        person = found.people.get(row.staff_number)
        if row.left:
            if person.left_at is None:
                _leave(db, person, when, actor)
                touched["left"].append(person.id)
                result.left += 1
            else:
                result.unchanged += 1
            continue
        person, created, changed = _upsert(db, row, person, found)
        found.people[row.staff_number] = person
        if created:
            touched["created"].append(person)
            result.created += 1
        elif changed:
            touched["changed"].append(person)
            result.updated += 1
        else:
            result.unchanged += 1
    db.flush()
    linked = _line_managers(db, rows, found, when, actor)
    for person in touched["created"] + touched["changed"]:
        person.hr_record_at = when
        db.add(person)
    # A link changed by itself (a new manager, nothing else) still counts as an update.
    for number in linked:
        person = found.people[number]
        if person not in touched["created"] and person not in touched["changed"]:
            person.hr_record_at = when
            touched["changed"].append(person)
            result.updated, result.unchanged = result.updated + 1, result.unchanged - 1
    db.flush()
    _audit(db, actor, touched)
    if touched["created"] or touched["changed"] or touched["left"]:
        population.bump(db)
    db.commit()
    return result


def _upsert(db: Session, row: FeedRow, person: Person | None, found: _Lookups) -> tuple[Person, bool, bool]:
    """The person as the row says, and whether they are new, or changed."""
    department = found.departments[row.department.casefold()]
    profession = _profession(row.profession)
    created = changed = False
    if person is None:
        user = found.users.get(row.email) if row.email else None
        person = found.by_hr_email.get(row.email) or (found.person_of_user.get(user.id) if user else None)
        if person is None:
            person = Person(display_name=row.name, department_id=department, profession=profession, grade=row.grade,
                            user_id=user.id if user else None)  # fmt: skip
            created = True
        person.staff_number = row.staff_number
        changed = True
    wanted = {"department_id": department, "profession": profession, "grade": row.grade}
    if row.name:
        wanted["display_name"] = row.name
    if row.email:
        wanted["hr_email"] = row.email
    if person.left_at is not None:
        wanted["left_at"] = None  # back from leaving
    for name, value in wanted.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    if changed and person.left_at is None and person.user_id:
        user = db.get(User, person.user_id)
        if user is not None and user.left_at is not None:
            user.left_at = None
            db.add(user)
    db.add(person)
    return person, created, changed


def _line_managers(db: Session, rows: list[FeedRow], found: _Lookups, when: datetime, actor) -> set[str]:
    """Make each row's line manager so; the staff numbers whose link changed."""
    changed = set()
    ids = [found.people[r.staff_number].id for r in rows if not r.left]
    current: dict[int, LineManagement] = {}
    for chunk in _chunks(ids):
        for link in db.exec(
            select(LineManagement).where(
                LineManagement.report_id.in_(chunk),
                LineManagement.ended_at.is_(None),
                LineManagement.accepted_at.is_not(None),
            )
        ).all():
            current[link.report_id] = link
    for row in rows:
        if row.left:
            continue
        report = found.people[row.staff_number]
        manager = found.people.get(row.line_manager) if row.line_manager else None
        link = current.get(report.id)
        if (link.manager_id if link else None) == (manager.id if manager else None):
            continue
        if link is not None:
            line_managers.end_link(db, link, "set_by_hr", actor)
        line_managers.new_manager(db, report, actor)
        if manager is not None:
            made = LineManagement(report_id=report.id, manager_id=manager.id, source=FEED, accepted_at=when,
                                  manager_email=found_email(db, manager))  # fmt: skip
            db.add(made)
            db.flush()
            audit.record(db, "line_manager.set_by_hr", actor=actor, subject=made)
        changed.add(row.staff_number)
    return changed


def found_email(db: Session, person: Person) -> str:
    user = db.get(User, person.user_id) if person.user_id else None
    return (user.email if user else person.hr_email or "").lower()


def _leave(db: Session, person: Person, when: datetime, actor) -> None:
    """Someone the HR system says has left: they cannot sign in, are signed out everywhere,
    drop out of line management, pools and dashboards at once, and their data follows the
    retention rules in docs/privacy.md."""
    person.left_at = when
    db.add(person)
    if person.user_id:
        user = db.get(User, person.user_id)
        user.left_at = when
        db.add(user)
        user_sessions.end_every_session(db, user)
    links = db.exec(
        select(LineManagement).where(
            (LineManagement.report_id == person.id) | (LineManagement.manager_id == person.id),
            LineManagement.ended_at.is_(None),
        )
    ).all()
    for link in links:
        line_managers.end_link(db, link, "left", actor)
    db.exec(
        update(ConfirmationRequest)
        .where(ConfirmationRequest.person_id == person.id, ConfirmationRequest.completed_at.is_(None),
               ConfirmationRequest.withdrawn_at.is_(None))
        .values(withdrawn_at=when)
    )  # fmt: skip


def _audit(db: Session, actor, touched: dict[str, list]) -> None:
    events = []
    for action, people in (("people_feed.created", touched["created"]), ("people_feed.updated", touched["changed"])):
        events += [_event(action, actor, p.id) for p in people]
    events += [_event("people_feed.left", actor, pid) for pid in touched["left"]]
    if events:
        db.execute(insert(AuditEvent), events)  # thousands at once: one statement, not one object each


def _event(action: str, actor, person_id: int) -> dict:
    if action not in audit.EVENTS:
        raise ValueError(action)
    return {"action": action, "at": now(), "actor_user_id": actor.id if actor else None,
            "actor_role": actor.role if actor else None, "object_type": "person",
            "object_id": str(person_id)}  # fmt: skip
