"""Importing scheme members from a CSV file: every row checked first, then all applied in one
transaction or none at all. Importing the same file again changes nothing.

A row moves a member only as HR's decision form could (`move_problems`). People HR may not act
on (ddat/services/consent.py), and people new to the scheme who do not meet its rules, are
reported exactly as people who do not exist, so the report says nothing about who shares
their profile with HR.
"""

from datetime import date, datetime

from sqlmodel import Session, select

from pathways import Framework

from ..locks import lock
from ..models import MemberNote, Person, Scheme, SchemeMember, User
from ..services import audit, consent
from ..services.audit import Actor
from ..services.eligibility import Eligibility
from ..services.scheme_members import HOLDS_A_PLACE, NEEDS_REASON, move_problems, place, stamp
from ..vocabulary import MEMBER_STATUS_NAMES
from .csv_import import (
    ImportResult,
    RequiredColumns,
    RowError,
    find_people,
    identify,
    read_rows,
)

MAX_NOTE = 2000
MAX_REASON = 500
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
LOOKUP_CHUNK = 500
REQUIRED_COLUMNS = RequiredColumns(("status",), "email or staff number, status, notes")


def import_members(
    db: Session, framework: Framework, scheme: Scheme, actor: User | Actor, content: bytes, scope: int | None
) -> ImportResult:
    """`actor` is who the import is recorded against; `scope` the one department whose people
    it may name (None: every department)."""
    records, errors = read_rows(content, REQUIRED_COLUMNS)
    result = ImportResult(errors)
    if errors:
        return result
    # The places are counted and filled under the scheme's lock, as HR's decisions are.
    scheme = lock(db, Scheme, scheme.id)
    members = {m.person_id: m for m in db.exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme.id))}
    # Someone new to the scheme must meet its rules (grade, profession, department), as an
    # invitation from the pool must; fit is the pool's to judge, so an import of decisions made
    # elsewhere is not held to it. Anyone refused is reported as not found, as the pool shows
    # nothing about them either.
    rules = Eligibility.of(framework, scheme)
    people = {
        key: person
        for key, person in find_people(db, records, scope).items()
        if consent.hr_may_act(person, members.get(person.id)) and (person.id in members or rules.admits(person))
    }
    seen: dict[int, int] = {}
    planned: list[tuple[Person, dict]] = []
    for number, record in enumerate(records, start=2):
        if record is None:
            continue
        row = _check_row(framework, number, record, people, members, seen, result.errors)
        if row:
            planned.append(row)
    taken = sum(1 for m in members.values() if m.status in HOLDS_A_PLACE)
    taken += sum(
        1
        for person, row in planned
        if row["status"] in HOLDS_A_PLACE
        and (person.id not in members or members[person.id].status not in HOLDS_A_PLACE)
    )
    if taken > scheme.capacity:
        result.errors.append(
            RowError(1, "", f"The file would fill {taken} places but the scheme has {scheme.capacity}")
        )
    if result.errors:
        db.rollback()  # nothing to write: free the scheme for others straight away
        return result
    _apply(db, framework, scheme, actor, planned, members, result)
    return result


def _check_row(framework, number, record, people, members, seen, errors) -> tuple[Person, dict] | None:
    row = {
        "status": record["status"].lower(),
        "notes": record.get("notes", ""),
        "reason": record.get("reason", "") or None,
        "placed_level": record.get("placed_level", "") or None,
        "placed_on": None,
    }
    before = len(errors)
    person = identify(number, record, people, seen, errors)
    if row["status"] not in MEMBER_STATUS_NAMES:
        errors.append(RowError(number, "status", "Status must be one of: " + ", ".join(MEMBER_STATUS_NAMES)))
    if len(row["notes"]) > MAX_NOTE:
        errors.append(RowError(number, "notes", f"Notes must be {MAX_NOTE:,} characters or fewer"))
    if len(row["reason"] or "") > MAX_REASON:
        errors.append(RowError(number, "reason", f"Reason must be {MAX_REASON:,} characters or fewer"))
    if record.get("placed_on"):
        row["placed_on"] = _date(record["placed_on"])
        if row["placed_on"] is None:
            errors.append(RowError(number, "placed_on", "Date placed must be a real date, like 2027-05-31"))
    member = members.get(person.id) if person else None
    if person and row["status"] in MEMBER_STATUS_NAMES and (member is None or member.status != row["status"]):
        problems = move_problems(
            framework,
            member.status if member else None,
            row["status"],
            row["reason"],
            row["placed_level"],
            row["placed_on"],
        )
        for field, problem in problems:
            if field != "placed_on" or not record.get("placed_on"):  # a date that is not real is reported above
                errors.append(RowError(number, field, problem))
    if member and member.status == row["status"] == "placed" and _placement_differs(member, row):
        errors.append(
            RowError(
                number,
                "placed_level",
                f"Already placed in {member.placed_level} on {member.placed_on:%-d %B %Y}: "
                "an import cannot change a placement",
            )
        )
    return (person, row) if len(errors) == before else None


def _placement_differs(member: SchemeMember, row: dict) -> bool:
    # Columns left empty say nothing; a value given must be the one already recorded.
    return bool(row["placed_level"] and row["placed_level"] != member.placed_level) or bool(
        row["placed_on"] and row["placed_on"] != member.placed_on
    )


def _date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _apply(db, framework, scheme, actor, planned, members, result: ImportResult) -> None:
    member_ids = [m.id for m in members.values()]
    existing_notes = {
        (n.member_id, n.text)
        for i in range(0, len(member_ids), LOOKUP_CHUNK)
        for n in db.exec(select(MemberNote).where(MemberNote.member_id.in_(member_ids[i : i + LOOKUP_CHUNK])))
    }
    new_notes, touched = [], []
    for person, row in planned:
        member = members.get(person.id)
        if member is None:
            member = SchemeMember(scheme_id=scheme.id, person_id=person.id, source="imported", status=row["status"])
            member.target_level = scheme.target_levels[0] if scheme.target_levels else None
            _move(db, framework, member, row)
            result.added += 1
            touched.append(member)
            if row["notes"]:
                new_notes.append((member, row["notes"]))
            continue
        changed = member.status != row["status"]
        if changed:
            _move(db, framework, member, row)
        if row["notes"] and (member.id, row["notes"]) not in existing_notes:
            new_notes.append((member, row["notes"]))
            changed = True
        result.changed += changed
        result.unchanged += not changed
        if changed:
            touched.append(member)
    db.flush()
    db.add_all(MemberNote(member_id=m.id, author_user_id=actor.id, text=text) for m, text in new_notes)
    # One event for the import and one for each member it added or changed.
    audit.record(db, "scheme.members_imported", actor=actor, subject=scheme)
    for member in touched:
        audit.record(db, "scheme.member_imported", actor=actor, subject=member)
    db.commit()


def _move(db, framework, member: SchemeMember, row: dict) -> None:
    stamp(db, framework, member, row["status"])
    if row["status"] in NEEDS_REASON:
        member.reason = row["reason"]
    if row["status"] == "placed":
        place(member, db.get(Person, member.person_id), row["placed_level"], row["placed_on"])
    db.add(member)
