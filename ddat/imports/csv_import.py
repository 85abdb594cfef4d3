"""Reading CSV files that name people, for imports that are all-or-nothing.

Every row is checked before anything is written; errors name the row as a spreadsheet
numbers it, the column and the problem.
"""

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..models import Person, User

MAX_ROWS = 50_000
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RequiredColumns:
    names: tuple[str, ...]  # besides email or staff number
    described: str  # for the error message


def nothing_imported(problems: int) -> str:
    return f"The file has {problems:,} problem{'' if problems == 1 else 's'}: nothing was imported"


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
    left: int = 0  # people the HR system says have left (the people feed)

    @property
    def ok(self) -> bool:
        return not self.errors


def _normalise(header: str) -> str:
    return header.strip().lower().replace(" ", "_")


def read_rows(content: bytes, columns: RequiredColumns) -> tuple[list[dict | None], list[RowError]]:
    """CSV rows as dicts keyed by normalised header (None for a blank line), or a file-level error.
    Every file names its people by email, staff number or both."""
    try:
        text = content.decode("utf-8-sig")  # Excel writes a byte order mark
    except UnicodeDecodeError:
        return [], [RowError(1, "", "The file must be a CSV file saved as UTF-8")]
    if "\x00" in text:
        return [], [RowError(1, "", "The file must be a CSV file saved as UTF-8 text")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as error:
        return [], [RowError(reader.line_num, "", f"The file is not valid CSV: {error}")]
    if not rows:
        return [], [RowError(1, "", "The file is empty")]
    header = [_normalise(h) for h in rows[0]]
    if not set(columns.names) <= set(header) or not ({"email", "staff_number"} & set(header)):
        return [], [RowError(1, "", f"The first row must name the columns: {columns.described}")]
    if len(rows) - 1 > MAX_ROWS:
        return [], [RowError(1, "", f"The file must have {MAX_ROWS:,} rows or fewer")]
    records = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            records.append(None)  # a blank line keeps its row number but is skipped
            continue
        records.append({name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header)})
    return records, []


def find_people(db: Session, records: list[dict | None], scope: int | None) -> dict[str, Person]:
    """People named in the file, by "staff:<number>" and "email:<address>", within a department
    scope (None for everyone). People outside it are simply not found."""
    numbers = sorted({r["staff_number"] for r in records if r and r.get("staff_number")})
    emails = sorted({r["email"].lower() for r in records if r and r.get("email")})
    found: dict[str, Person] = {}
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


def who_column(record: dict) -> str:
    return "email" if record.get("email") else "staff_number"


def identify(number: int, record: dict, people: dict[str, Person], seen: dict[int, int], errors: list) -> Person | None:
    """The person a row names, adding errors for no one, unknown people, a mismatched email and
    staff number, or someone named on an earlier row (`seen` maps person id to first row)."""
    staff, email = record.get("staff_number", ""), record.get("email", "").lower()
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
        return None
    person = by_staff or by_email
    if person and person.id in seen:
        errors.append(RowError(number, who_column(record), f"Same person as row {seen[person.id]}"))
    if person:
        seen.setdefault(person.id, number)
    return person
