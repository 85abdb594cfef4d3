"""The people feed: an HR system telling the service who people are. Rows are upserted by
staff number; a batch is checked whole and applied whole, or not at all; the same batch twice
changes nothing. Shared by the API (POST /api/v1/people), HR's CSV upload and the command line.

Fields the feed sets (name, work email, grade, department, profession, line manager) are the
HR record: while a person has one (`Person.hr_record_at`), they cannot change them themselves.

Batches are up to 10,000 people, so the work is done in a few statements, not a few per person:
lookups by chunks of ids, line management changes and audit events as bulk statements.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, insert, update
from sqlmodel import Session, select

from pathways import Framework

from ..caches import population
from ..models import AuditEvent, ConfirmationRequest, Department, LineManagement, Person, SchemeMember, User
from ..vocabulary import PROFESSION_NAMES
from . import audit, line_managers, user_sessions
from .batches import BatchError, chunks
from .learning_outcomes import give_up_places

MAX_ROWS = 10_000
STAFF_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
FEED = "feed"  # LineManagement.source for links the HR system made
MAX_CHAIN = 200
STILL_IN_A_SCHEME = (
    "invited",
    "applied",
    "shortlisted",
    "enrolled",
)  # longer line management chains than this are taken to be loops


@dataclass(frozen=True)
class FeedRow:
    staff_number: str
    email: str = ""
    name: str = ""
    grade: str = ""
    department: str = ""
    profession: str = ""
    # The manager's staff number; "" for none; None when the row does not say (kept as it is).
    line_manager: str | None = None
    left: bool = False


@dataclass
class FeedResult:
    errors: list[BatchError] = field(default_factory=list)
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


class _Lookups:
    """Everything the batch refers to, read in a few queries rather than one per row."""

    def __init__(self, db: Session, rows: list[FeedRow]):
        numbers = sorted({r.staff_number for r in rows} | {r.line_manager for r in rows if r.line_manager})
        emails = sorted({r.email for r in rows if r.email})
        self.people: dict[str, Person] = {}
        for chunk in chunks(numbers):
            for person in db.exec(select(Person).where(Person.staff_number.in_(chunk))).all():
                self.people[person.staff_number] = person
        self.users: dict[str, User] = {}
        self.by_hr_email: dict[str, Person] = {}
        for chunk in chunks(emails):
            for user in db.exec(select(User).where(func.lower(User.email).in_(chunk))).all():
                self.users[user.email.lower()] = user
            for person in db.exec(select(Person).where(Person.hr_email.in_(chunk))).all():
                self.by_hr_email[person.hr_email] = person
        # Accounts that run the service (HR, leaders, admins) whose records the batch names.
        named_users = [p.user_id for p in self.people.values() if p.user_id]
        self.staff_accounts: set[int] = set()
        for chunk in chunks(named_users):
            self.staff_accounts |= set(
                db.exec(select(User.id).where(User.id.in_(chunk), User.role != "civil_servant")).all()
            )
        self.person_of_user: dict[int, Person] = {}
        for chunk in chunks([u.id for u in self.users.values()]):
            for person in db.exec(select(Person).where(Person.user_id.in_(chunk))).all():
                self.person_of_user[person.user_id] = person
        self.departments: dict[str, int] = {}
        for department in db.exec(select(Department)).all():
            self.departments[department.name.casefold()] = department.id
            self.departments.setdefault(department.abbreviation.casefold(), department.id)
        # The people's current line managers: report id -> (link id, manager id), plain values
        # that the bulk statements later cannot leave stale.
        self.links: dict[int, tuple[int, int | None, str]] = {}
        for chunk in chunks([p.id for p in self.people.values()]):
            for link_id, report_id, manager_id, source in db.exec(select(
                LineManagement.id, LineManagement.report_id, LineManagement.manager_id, LineManagement.source
            ).where(
                LineManagement.report_id.in_(chunk), LineManagement.ended_at.is_(None),
                LineManagement.accepted_at.is_not(None),
            )).all():  # fmt: skip
                self.links[report_id] = (link_id, manager_id, source)


def _profession(value: str) -> str | None:
    wanted = value.strip().casefold()
    for code, name in PROFESSION_NAMES.items():
        if wanted in (code, name.casefold(), code.replace("_", " ")):
            return code
    return None


def apply(
    db: Session, framework: Framework, rows: list[FeedRow], actor, department_scope: int | None = None
) -> FeedResult:
    """Check the batch and, if it has no problems, make it so in one transaction.
    `department_scope`: a departmental client's department, whose people alone it may feed."""
    if len(rows) > MAX_ROWS:
        return FeedResult(errors=[BatchError(0, "", f"Send {MAX_ROWS:,} people or fewer in one batch")])
    # Links change here too: nothing else may change them between the check and the writing.
    line_managers.take_turns(db)
    found = _Lookups(db, rows)
    errors = _check(db, framework, rows, found, department_scope)
    if errors:
        db.rollback()
        return FeedResult(errors=errors)
    result, when = FeedResult(), now()
    left = [found.people[r.staff_number] for r in rows if r.left and found.people[r.staff_number].left_at is None]
    for person in left:
        _leave(db, person, when, actor)
    db.flush()
    created, changed = _write_people(db, [r for r in rows if not r.left], found, when)
    relinked = _line_managers(db, rows, found, when, actor)
    changed |= relinked - created
    _stamp(db, changed | created, when)
    _audit(db, actor, created, changed, {p.id for p in left})
    if created or changed or left:
        population.bump(db, people=created | changed | {p.id for p in left})
    db.commit()
    result.created, result.updated, result.left = len(created), len(changed), len(left)
    result.unchanged = len(rows) - result.created - result.updated - result.left
    return result


def _check(db, framework, rows, found: _Lookups, department_scope) -> list[BatchError]:
    errors: list[BatchError] = []
    seen_numbers: set[str] = set()
    seen_emails: set[str] = set()
    in_batch = {r.staff_number for r in rows}
    for i, row in enumerate(rows):

        def problem(name: str, words: str, i=i) -> None:
            errors.append(BatchError(i, name, words))

        if not STAFF_NUMBER.match(row.staff_number):
            problem("staff_number", "Staff number must be 1 to 20 letters, numbers or hyphens")
            continue
        if row.staff_number in seen_numbers:
            problem("staff_number", f"Staff number {row.staff_number} is in the batch more than once")
            continue
        seen_numbers.add(row.staff_number)
        existing = found.people.get(row.staff_number)
        if department_scope is not None and existing is not None and existing.department_id != department_scope:
            problem("staff_number", f"Staff number {row.staff_number} is not one of your department’s people")
            continue
        if existing is not None and existing.user_id in found.staff_accounts:
            problem("staff_number", f"Staff number {row.staff_number} is an account that runs the service: "
                    "its record is not the feed's to change")  # fmt: skip
            continue
        if row.left:
            if existing is None:
                problem("staff_number", f"Staff number {row.staff_number} is not known, so cannot be marked as left")
            continue
        _check_details(row, existing, found, framework, department_scope, problem)
        if row.email:
            if row.email in seen_emails:
                problem("email", f"Email address {row.email} is in the batch more than once")
            seen_emails.add(row.email)
            _check_email(row, found, department_scope, problem)
        if row.line_manager:
            if row.line_manager == row.staff_number:
                problem("line_manager", "Nobody can be their own line manager")
            elif row.line_manager not in found.people and row.line_manager not in in_batch:
                problem("line_manager", f"Line manager’s staff number {row.line_manager} is not known")
    return errors or _loops(db, rows, found)


def _check_email(row: FeedRow, found: _Lookups, department_scope: int | None, problem) -> None:
    """An address may become a person's record only if it is nobody else's: not another person's,
    not an account that runs the service (HR, leaders, admins are never the feed's), and, for
    a departmental client, not someone in another department. The words never say whose it is."""
    user = found.users.get(row.email)
    holder = found.by_hr_email.get(row.email) or (found.person_of_user.get(user.id) if user else None)
    refused = (
        (user is not None and user.role != "civil_servant")
        or (holder is not None and holder.staff_number not in (None, row.staff_number))
        or (holder is not None and department_scope is not None and holder.department_id != department_scope)
        # An account with no record yet names no department: only a central client may give it one.
        or (user is not None and holder is None and department_scope is not None)
    )
    if refused:
        problem("email", f"Email address {row.email} cannot be this person’s: it is already someone else’s")


def _check_details(row, existing, found, framework, department_scope, problem) -> None:
    if any("\x00" in value for value in (row.staff_number, row.email, row.name, row.grade, row.department,
                                          row.profession, row.line_manager or "")):  # fmt: skip
        problem("", "The row has a character that cannot be stored (NUL)")
    if existing is None and not row.name:
        problem("name", "Enter the person’s name")
    if len(row.name) > 200:
        problem("name", "Name must be 200 characters or fewer")
    if existing is None and not row.email:
        problem("email", "Enter the person’s work email address")
    if row.email and (existing is None or row.email != existing.hr_email):  # an address kept is checked already
        try:
            validate_email(row.email, check_deliverability=False)
        except EmailNotValidError:
            problem("email", "Enter an email address in the correct format, like name@example.gov.uk")
    # Someone new needs every field; for someone known, a field left out keeps what they have.
    for name, words in (("grade", "grade"), ("department", "department"), ("profession", "profession")):
        if existing is None and not getattr(row, name):
            problem(name, f"Enter the person’s {words}")
    if row.grade and row.grade not in framework.grade_codes:
        problem("grade", f"Grade must be one of {', '.join(framework.grade_codes)}")
    department = found.departments.get(row.department.casefold()) if row.department else None
    if row.department and department is None:
        problem("department", f"Department {row.department!r} is not known: give its name or abbreviation")
    elif department_scope is not None and department is not None and department != department_scope:
        problem("department", "Department must be your own department")
    if row.profession and _profession(row.profession) is None:
        problem("profession", f"Profession must be one of {', '.join(PROFESSION_NAMES)}")


def _loops(db: Session, rows: list[FeedRow], found: _Lookups) -> list[BatchError]:
    """Line management loops the batch would make. People are followed up their chain (the
    batch's managers where it gives one, the stored ones otherwise), read as they are reached."""
    said: dict[str, str | None] = {}  # staff number: their manager's, as the batch says
    for row in rows:
        if row.left:
            said[row.staff_number] = None
        elif row.line_manager is not None:
            said[row.staff_number] = row.line_manager or None
    new_links = {i for i, r in enumerate(rows) if r.line_manager and not r.left and _differs(r, found)}
    if not new_links:
        return []
    stored: dict[str, str | None] = {}

    def manager_of(number: str) -> str | None:
        if number in said:
            return said[number]
        if number not in stored:
            person = found.people.get(number) or db.exec(select(Person).where(Person.staff_number == number)).first()
            link = line_managers.current_link(db, person) if person else None
            manager = db.get(Person, link.manager_id) if link and link.manager_id else None
            stored[number] = manager.staff_number if manager else None
        return stored[number]

    errors = []
    for i, row in enumerate(rows):
        if i not in new_links:
            continue
        current, steps = row.line_manager, 0
        while current is not None:
            if current == row.staff_number:
                errors.append(BatchError(i, "line_manager", f"Line manager {row.line_manager} would make a loop: "
                                        f"{row.staff_number} is above them in the line management chain"))  # fmt: skip
                break
            if steps >= MAX_CHAIN:
                errors.append(BatchError(i, "line_manager", f"The line management chain above {row.line_manager} is "
                                        f"longer than {MAX_CHAIN} people: check it has no loop"))  # fmt: skip
                break
            current, steps = manager_of(current), steps + 1
    return errors


def _differs(row: FeedRow, found: _Lookups) -> bool:
    person = found.people.get(row.staff_number)
    link = found.links.get(person.id) if person else None
    manager = found.people.get(row.line_manager)
    return link is None or manager is None or link[1] != manager.id


HR_FIELDS = ("display_name", "hr_email", "department_id", "profession", "grade", "left_at")


def _wanted(row: FeedRow, person: Person | None, found: _Lookups) -> dict:
    """The HR record the row gives, for the fields it sets."""
    wanted = {
        "department_id": found.departments[row.department.casefold()] if row.department else person.department_id,
        "profession": _profession(row.profession) if row.profession else person.profession,
        "grade": row.grade or person.grade,
        "left_at": None,
    }
    wanted["display_name"] = row.name or (person.display_name if person else "")
    wanted["hr_email"] = row.email or (person.hr_email if person else None)
    return wanted


def _write_people(db: Session, rows: list[FeedRow], found: _Lookups, when: datetime) -> tuple[set[int], set[int]]:
    """Add and update the people the rows name, in bulk statements: the ids of those created and
    of those whose record changed. `found.people` then holds every one of them, as stored."""
    new_rows, updates, back, claimed = [], [], [], []
    for row in rows:
        person = found.people.get(row.staff_number)
        if person is None:  # perhaps someone already here, by their account or an earlier HR email
            user = found.users.get(row.email) if row.email else None
            person = found.by_hr_email.get(row.email) or (found.person_of_user.get(user.id) if user else None)
            if person is None:
                new_rows.append({**_wanted(row, None, found), "staff_number": row.staff_number,
                                 "user_id": user.id if user else None, "updated_at": when})  # fmt: skip
                continue
            claimed.append(person.id)
        wanted = _wanted(row, person, found)
        if person.id in claimed or any(getattr(person, name) != wanted[name] for name in HR_FIELDS):
            if person.left_at is not None and person.user_id:
                back.append(person.user_id)
            updates.append({"pid": person.id, "number": row.staff_number, **wanted})
    people = Person.__table__
    if updates:
        db.connection().execute(
            people.update().where(people.c.id == bindparam("pid")).values(
                staff_number=bindparam("number"), **{name: bindparam(name) for name in HR_FIELDS}),
            updates,
        )  # fmt: skip
    for chunk in chunks(back):  # an account closed when they left opens again
        _bulk(db, update(User).where(User.id.in_(chunk)).values(left_at=None))
    created_ids: set[int] = set()
    if new_rows:
        created_ids = set(db.execute(insert(Person).returning(Person.id), new_rows).scalars().all())
    db.expire_all()  # the bulk statements changed rows the session holds
    numbers = sorted({r.staff_number for r in rows} | {r.line_manager for r in rows if r.line_manager})
    for chunk in chunks(numbers):
        for person in db.exec(select(Person).where(Person.staff_number.in_(chunk))).all():
            found.people[person.staff_number] = person
    return created_ids, {u["pid"] for u in updates}


def _stamp(db: Session, ids: set[int], when: datetime) -> None:
    for chunk in chunks(sorted(ids)):
        _bulk(db, update(Person).where(Person.id.in_(chunk)).values(hr_record_at=when, updated_at=when))


def _line_managers(db: Session, rows: list[FeedRow], found: _Lookups, when: datetime, actor) -> set[int]:
    """Make each row's line manager so (rows that say nothing about it keep theirs); the people
    whose line manager changed. Links are ended and made in bulk statements."""
    ended, made, moved, stated, adopted = [], [], [], [], []
    for row in rows:
        if row.left or row.line_manager is None:
            continue
        report = found.people[row.staff_number]
        stated.append(report.id)
        manager = found.people.get(row.line_manager) if row.line_manager else None
        link_id, manager_id, source = found.links.get(report.id, (None, None, None))
        if manager_id == (manager.id if manager else None):
            if link_id is not None and source != FEED:
                adopted.append(link_id)  # the same manager, now kept by the HR record
            continue
        if link_id is not None:
            ended.append(link_id)
        if manager is not None:
            made.append({"report_id": report.id, "manager_id": manager.id, "source": FEED, "accepted_at": when,
                         "created_at": when, "manager_email": manager.hr_email or ""})  # fmt: skip
        moved.append(report)
    # Sharing with a line manager was for the manager they had.
    sharing = [p.id for p in moved if p.shares_with_manager]
    for chunk in chunks(sharing):
        _bulk(db, update(Person).where(Person.id.in_(chunk)).values(shares_with_manager=False))
    for chunk in chunks(ended):
        _bulk(
            db, update(LineManagement).where(LineManagement.id.in_(chunk)).values(ended_at=when, end_reason="set_by_hr")
        )
        _bulk(
            db,
            update(ConfirmationRequest)
            .where(ConfirmationRequest.link_id.in_(chunk), ConfirmationRequest.completed_at.is_(None),
                   ConfirmationRequest.withdrawn_at.is_(None))
            .values(withdrawn_at=when)
        )  # fmt: skip
    for chunk in chunks(adopted):
        _bulk(db, update(LineManagement).where(LineManagement.id.in_(chunk)).values(source=FEED))
    # A manager the person named and is waiting for gives way to the one the HR record states.
    for chunk in chunks(stated):
        waiting = (LineManagement.report_id.in_(chunk), LineManagement.accepted_at.is_(None),
                   LineManagement.ended_at.is_(None))  # fmt: skip
        _bulk(db, update(LineManagement).where(*waiting).values(ended_at=when, end_reason="set_by_hr"))
    if made:
        db.execute(insert(LineManagement), made)
    events = [_event("line_manager.ended", actor, "line_management", link_id) for link_id in ended]
    events += [_event("consent.manager_sharing_withdrawn", actor, "person", pid) for pid in sharing]
    events += [_event("line_manager.set_by_hr", actor, "person", row["report_id"]) for row in made]
    if events:
        db.execute(insert(AuditEvent), events)
    return {p.id for p in moved}


def _leave(db: Session, person: Person, when: datetime, actor) -> None:
    """Someone the HR system says has left: they cannot sign in, are signed out everywhere,
    drop out of line management, pools and dashboards at once, and their data follows the
    retention rules in docs/privacy.md (ddat/services/leavers.py)."""
    person.left_at = when
    db.add(person)
    user = db.get(User, person.user_id) if person.user_id else None
    if user is not None and user.role == "civil_servant":  # the feed never closes an account that runs the service
        user.left_at = when
        db.add(user)
        user_sessions.end_every_session(db, user)
    links = db.exec(
        select(LineManagement).where(
            (LineManagement.report_id == person.id) | (LineManagement.manager_id == person.id),
            LineManagement.ended_at.is_(None),
        )
    ).all()
    give_up_places(db, person)  # places at learning still to come go to whoever is waiting
    still = db.exec(select(SchemeMember).where(SchemeMember.person_id == person.id,
                                               SchemeMember.status.in_(STILL_IN_A_SCHEME))).all()  # fmt: skip
    for member in still:  # HR see why on the member's page; the place is free for someone else
        member.status, member.reason, member.updated_at = "withdrawn", "Left: from their HR record", when
        db.add(member)
        audit.record(db, "people_feed.left_scheme", actor=actor, subject=member)
    for link in links:
        line_managers.end_link(db, link, "left", actor)
        if link.manager_id == person.id:  # their reports' sharing was with them
            report = db.get(Person, link.report_id)
            if report is not None:
                line_managers.new_manager(db, report, actor)


def _audit(db: Session, actor, created: set[int], changed: set[int], left: set[int]) -> None:
    events = [_event("people_feed.created", actor, "person", pid) for pid in sorted(created)]
    events += [_event("people_feed.updated", actor, "person", pid) for pid in sorted(changed)]
    events += [_event("people_feed.left", actor, "person", pid) for pid in sorted(left)]
    if events:
        db.execute(insert(AuditEvent), events)  # thousands at once: one statement, not one object each


def _bulk(db: Session, statement) -> None:
    # No matching of the statement against every object the session holds: the rows are re-read.
    db.execute(statement, execution_options={"synchronize_session": False})


def _event(action: str, actor, kind: str, object_id: int) -> dict:
    if action not in audit.EVENTS:
        raise ValueError(action)
    return {"action": action, "at": now(), "actor_user_id": actor.id if actor else None,
            "actor_role": actor.role if actor else None, "object_type": kind, "object_id": str(object_id)}  # fmt: skip
