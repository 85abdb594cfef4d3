"""Importing scheme members from a CSV file: every row checked first, then all applied in one
transaction or none at all. Importing the same file again changes nothing."""

from sqlmodel import Session, select

from pathways import Framework

from ..locks import lock
from ..models import MemberNote, Person, Scheme, SchemeMember, User
from . import audit
from .csv_import import ImportResult, RequiredColumns, RowError, find_people, identify, read_rows, who_column
from .scheme_members import HOLDS_A_PLACE, STATUS_NAMES, stamp
from .schemes import department_scope

MAX_NOTE = 2000
LOOKUP_CHUNK = 500
REQUIRED_COLUMNS = RequiredColumns(("status",), "email or staff number, status, notes")


def import_members(db: Session, framework: Framework, scheme: Scheme, user: User, content: bytes) -> ImportResult:
    records, errors = read_rows(content, REQUIRED_COLUMNS)
    result = ImportResult(errors)
    if errors:
        return result
    people = find_people(db, records, department_scope(user))
    # The places are counted and filled under the scheme's lock, as HR's decisions are.
    scheme = lock(db, Scheme, scheme.id)
    members = {m.person_id: m for m in db.exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme.id))}
    seen: dict[int, int] = {}
    planned: list[tuple[Person, str, str]] = []
    for number, record in enumerate(records, start=2):
        if record is None:
            continue
        person = _check_row(number, record, people, members, seen, result.errors)
        if person:
            planned.append((person, record["status"].lower(), record.get("notes", "")))
    taken = sum(1 for m in members.values() if m.status in HOLDS_A_PLACE)
    taken += sum(
        1
        for person, status, _ in planned
        if status in HOLDS_A_PLACE and (person.id not in members or members[person.id].status not in HOLDS_A_PLACE)
    )
    if taken > scheme.capacity:
        result.errors.append(
            RowError(1, "status", f"The file would fill {taken} places but the scheme has {scheme.capacity}")
        )
    if result.errors:
        db.rollback()  # nothing to write: free the scheme for others straight away
        return result
    _apply(db, framework, scheme, user, planned, members, result)
    return result


def _check_row(number, record, people, members, seen, errors) -> Person | None:
    status, notes = record["status"].lower(), record.get("notes", "")
    before = len(errors)
    person = identify(number, record, people, seen, errors)
    if status not in STATUS_NAMES:
        errors.append(RowError(number, "status", "Status must be one of: " + ", ".join(STATUS_NAMES)))
    if len(notes) > MAX_NOTE:
        errors.append(RowError(number, "notes", f"Notes must be {MAX_NOTE:,} characters or fewer"))
    if person and not person.shares_with_hr and person.id not in members:
        errors.append(RowError(number, who_column(record), "This person has not agreed to share their profile with HR"))
    return person if len(errors) == before else None


def _apply(db, framework, scheme, user, planned, members, result: ImportResult) -> None:
    member_ids = [m.id for m in members.values()]
    existing_notes = {
        (n.member_id, n.text)
        for i in range(0, len(member_ids), LOOKUP_CHUNK)
        for n in db.exec(select(MemberNote).where(MemberNote.member_id.in_(member_ids[i : i + LOOKUP_CHUNK])))
    }
    new_notes = []
    for person, status, notes in planned:
        member = members.get(person.id)
        if member is None:
            member = SchemeMember(scheme_id=scheme.id, person_id=person.id, source="imported", status=status)
            member.target_level = scheme.target_levels[0] if scheme.target_levels else None
            stamp(db, framework, member, status)
            db.add(member)
            result.added += 1
            if notes:
                new_notes.append((member, notes))
            continue
        changed = member.status != status
        if changed:
            stamp(db, framework, member, status)
            db.add(member)
        if notes and (member.id, notes) not in existing_notes:
            new_notes.append((member, notes))
            changed = True
        result.changed += changed
        result.unchanged += not changed
    db.flush()
    db.add_all(MemberNote(member_id=m.id, author_user_id=user.id, text=text) for m, text in new_notes)
    audit.record(db, "scheme.members_imported", user.id, user.role, "scheme", str(scheme.id))
    db.commit()
