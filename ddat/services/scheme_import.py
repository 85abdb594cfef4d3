"""Importing scheme members from a CSV file: every row checked first, then all applied in one
transaction or none at all. Importing the same file again changes nothing."""

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import Session, select

from pathways import Framework

from ..models import MemberNote, Person, Scheme, SchemeMember, User
from . import audit
from .scheme_members import HOLDS_A_PLACE, STATUS_NAMES, stamp
from .schemes import department_scope

MAX_NOTE = 2000
MAX_ROWS = 50_000
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _normalise(header: str) -> str:
    return header.strip().lower().replace(" ", "_")


def read_rows(content: bytes) -> tuple[list[dict], list[RowError]]:
    """CSV rows as dicts keyed by normalised header, or a file-level error."""
    try:
        text = content.decode("utf-8-sig")  # Excel writes a byte order mark
    except UnicodeDecodeError:
        return [], [RowError(1, "", "The file must be a CSV file saved as UTF-8")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        return [], [RowError(reader.line_num, "", f"The file is not valid CSV: {error}")]
    if not rows:
        return [], [RowError(1, "", "The file is empty")]
    header = [_normalise(h) for h in rows[0]]
    if "status" not in header or not ({"email", "staff_number"} & set(header)):
        return [], [RowError(1, "", "The first row must name the columns: email or staff number, status, notes")]
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowError(1, "", f"The file must have {MAX_ROWS:,} rows or fewer")]
    records = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            records.append(None)  # a blank line keeps its row number but is skipped
            continue
        records.append({name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)})
    return records, []


def import_members(db: Session, framework: Framework, scheme: Scheme, user: User, content: bytes) -> ImportResult:
    records, errors = read_rows(content)
    result = ImportResult(errors)
    if errors:
        return result
    people = _find_people(db, records, user)
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
        return result
    _apply(db, framework, scheme, user, planned, members, result)
    return result


def _find_people(db: Session, records: list[dict | None], user: User) -> dict[str, Person]:
    """People named in the file, by "staff:<number>" and "email:<address>", within the user's scope."""
    numbers = sorted({r["staff_number"] for r in records if r and r.get("staff_number")})
    emails = sorted({r["email"].lower() for r in records if r and r.get("email")})
    found: dict[str, Person] = {}
    scope = department_scope(user)
    for i in range(0, len(numbers), LOOKUP_CHUNK):
        for person in db.exec(select(Person).where(Person.staff_number.in_(numbers[i : i + LOOKUP_CHUNK]))):
            if scope is None or person.department_id == scope:
                found[f"staff:{person.staff_number}"] = person
    for i in range(0, len(emails), LOOKUP_CHUNK):
        query = select(Person, User.email).join(User, User.id == Person.user_id)
        for person, email in db.exec(query.where(User.email.in_(emails[i : i + LOOKUP_CHUNK]))):
            if scope is None or person.department_id == scope:
                found[f"email:{email}"] = person
    return found


def _check_row(number, record, people, members, seen, errors) -> Person | None:
    staff, email = record.get("staff_number", ""), record.get("email", "").lower()
    status, notes = record["status"].lower(), record.get("notes", "")
    before = len(errors)
    if not staff and not email:
        errors.append(RowError(number, "email", "Enter a staff email address or staff number"))
    by_staff = people.get(f"staff:{staff}") if staff else None
    by_email = people.get(f"email:{email}") if email else None
    # People outside the importer's department are reported exactly as unknown ones are.
    if staff and not by_staff:
        errors.append(RowError(number, "staff_number", "No one with this staff number was found"))
    if email and not by_email:
        errors.append(RowError(number, "email", "No one with this email address was found"))
    if by_staff and by_email and by_staff.id != by_email.id:
        errors.append(RowError(number, "email", "The email address and staff number are for different people"))
    if status not in STATUS_NAMES:
        errors.append(RowError(number, "status", "Status must be one of: " + ", ".join(STATUS_NAMES)))
    if len(notes) > MAX_NOTE:
        errors.append(RowError(number, "notes", f"Notes must be {MAX_NOTE:,} characters or fewer"))
    person = by_staff or by_email
    if person and person.id in seen:
        errors.append(RowError(number, "email" if email else "staff_number", f"Same person as row {seen[person.id]}"))
    if person and not person.shares_with_hr and person.id not in members:
        errors.append(
            RowError(
                number,
                "email" if email else "staff_number",
                "This person has not agreed to share their profile with HR",
            )
        )
    if person:
        seen.setdefault(person.id, number)
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
