"""The people feed as a CSV file: for HR without an HR system that calls the API, and for
`flask --app app import-people CSV`. The same checks and the same all-or-nothing rule."""

from sqlmodel import Session

from pathways import Framework

from ..services import people_feed
from .csv_import import ImportResult, RequiredColumns, RowError, read_rows

COLUMNS = RequiredColumns(
    ("staff_number",), "staff_number, email, name, grade, department, profession, line_manager and left"
)
COLUMN_OF = {"staff_number": "staff_number", "email": "email", "name": "name", "grade": "grade",
             "department": "department", "profession": "profession", "line_manager": "line_manager"}  # fmt: skip
YES = {"yes", "y", "true", "1", "left"}
NO = {"", "no", "n", "false", "0"}


def rows_from(records: list[dict | None]) -> tuple[list[people_feed.FeedRow], list[int]]:
    """Feed rows and, for each, its row number in the file (the header is row 1)."""
    rows, numbers = [], []
    for offset, record in enumerate(records):
        if record is None:
            continue
        rows.append(people_feed.FeedRow(
            staff_number=record.get("staff_number", "").upper(), email=record.get("email", "").lower(),
            name=record.get("name", ""), grade=record.get("grade", "").upper(), department=record.get("department", ""),
            profession=record.get("profession", ""),
            # A file without the column keeps everyone's line manager; an empty cell means none.
            line_manager=record["line_manager"].upper() if "line_manager" in record else None,
            left=record.get("left", "").strip().lower() in YES,
        ))  # fmt: skip
        numbers.append(offset + 2)
    return rows, numbers


def import_people(db: Session, framework: Framework, actor, content: bytes, scope: int | None) -> ImportResult:
    records, problems = read_rows(content, COLUMNS)
    if problems:
        return ImportResult(errors=problems)
    said = [(n, r.get("left", "").strip().lower()) for n, r in enumerate(records, start=2) if r]
    unclear = [
        RowError(n, "left", "Left must be yes, or empty for someone still here") for n, v in said if v not in YES | NO
    ]
    if unclear:
        return ImportResult(errors=unclear)
    rows, numbers = rows_from(records)
    if len(rows) > people_feed.MAX_ROWS:
        return ImportResult(errors=[RowError(1, "", f"The file must have {people_feed.MAX_ROWS:,} people or fewer")])
    fed = people_feed.apply(db, framework, rows, actor, scope)
    if not fed.ok:
        return ImportResult(errors=[RowError(numbers[e.index], e.field, e.problem) for e in fed.errors])
    return ImportResult(added=fed.created, changed=fed.updated, unchanged=fed.unchanged, left=fed.left)
