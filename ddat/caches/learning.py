"""Learning progress: each person's furthest stage with each item, and the month they completed
it, kept in `learning_progress` and cached per process for the learning dashboard.

The table is kept up to date inside the transaction that changes invitations and
registrations: a flush event notes the (item, person) pairs whose rows the ORM writes, and just
before the transaction commits their rows are recomputed from those two tables, with a few
set-based statements, and the `learning` counter is bumped. Bulk
statements, which the ORM does not see, call `refresh` (or `refresh_people`, or
`refresh_everything`) themselves, as they call `changes.bump`. Every server then sees a
change with one read of the counter, and rebuilds its cached copy of the compact table only
after one.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    cast,
    delete,
    event,
    extract,
    func,
    insert,
    inspect,
    literal,
    null,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from ..models import Invitation, LearningItem, LearningProgress, Registration
from .changes import LEARNING, bump, counter
from .population import _cached, derive

NEVER = 10**6  # later than any year × 100 + month
MONTHS = 2**18  # room for year × 100 + month in a packed row (`_read`)
CHUNK = 300  # pairs per statement (three parameters each), well inside every database's limit
DERIVED_LIMIT = 256  # counts per set of filters: a few hundred numbers each
COLUMNS = ("item_id", "person_id", "stage", "completed_month")

# Changing any of these can change a pair's furthest stage or month of completion.
WATCHED = {
    Invitation: ("item_id", "person_id"),
    Registration: ("item_id", "person_id", "status", "registered_at", "completed_at"),
}


def registration_stage():
    """How far a registration got: 4 completed, 3 attended, 2 holds or held a place and did not
    cancel it (a no-show included), else 1 (as good as invited: waiting, or cancelled, by the
    person or with the session). The one rule for the summary and for the exact counts by date
    range."""
    return case(
        (Registration.status == "completed", 4),
        (Registration.status == "attended", 3),
        (and_(Registration.registered_at.is_not(None), Registration.status != "cancelled"), 2),
        else_=1,
    )


def completion_month():
    """Year × 100 + month of a completion, as completions by month count it; None otherwise."""
    year, month = extract("year", Registration.completed_at), extract("month", Registration.completed_at)
    completed = and_(Registration.status == "completed", Registration.completed_at.is_not(None))
    return case((completed, cast(year * 100 + month, Integer)), else_=null())


def _progress(invitations, registrations):
    """One row per (item, person) of the invitations and registrations meeting the conditions.
    There is at most one completed registration per pair (the one live place), so one month.
    Registrations are not joined to their sessions, as the exact counts do: every registration
    has one (a foreign key, never deleted), so the join keeps every row."""
    invited = select(
        Invitation.item_id.label("item_id"),
        Invitation.person_id.label("person_id"),
        literal(1, Integer).label("stage"),
        cast(null(), Integer).label("completed_month"),
    ).where(invitations)
    reached = select(Registration.item_id, Registration.person_id, registration_stage(), completion_month()).where(
        registrations
    )
    both = union_all(invited, reached).subquery()
    return select(both.c.item_id, both.c.person_id, func.max(both.c.stage), func.max(both.c.completed_month)).group_by(
        both.c.item_id, both.c.person_id
    )


def _rewrite(db: Session, condition) -> None:
    """Delete and recompute the summary rows `condition(columns)` picks, in one statement each."""
    table = LearningProgress.__table__
    connection = db.connection()
    connection.execute(delete(table).where(condition(table.c)))
    connection.execute(insert(table).from_select(COLUMNS, _progress(condition(Invitation), condition(Registration))))


def refresh(db: Session, pairs) -> None:
    """Recompute these (item id, person id) pairs' rows, in the caller's transaction."""
    pairs = sorted(set(pairs))
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        people = sorted({person for _, person in chunk})

        def these(columns, chunk=chunk, people=people):
            # The person test lets the database use its index on person_id for every table.
            return and_(columns.person_id.in_(people), tuple_(columns.item_id, columns.person_id).in_(chunk))

        _rewrite(db, these)
    if pairs:
        bump(db, LEARNING)


def refresh_people(db: Session, person_ids) -> None:
    """Recompute every row of these people (after a bulk statement about them)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _rewrite(db, lambda columns, chunk=chunk: columns.person_id.in_(chunk))
    if ids:
        bump(db, LEARNING)


def refresh_everything(db: Session) -> None:
    """Recompute the whole table (demo data, benchmarks: bulk inserts of many people)."""
    _rewrite(db, lambda columns: true())
    bump(db, LEARNING)


PENDING = "learning pairs"  # in Session.info: pairs flushed in this transaction, not yet recomputed


@event.listens_for(OrmSession, "after_flush")
def _note_changes(db: OrmSession, _flush_context) -> None:
    # After the rows are written, while the session still holds what the flush wrote and each
    # attribute's history (as changes._bump_for_changes). The rows are recomputed once, at
    # commit: an import flushes once or twice per row, and recomputing at each flush doubled
    # the time of a 2,000-row report of completions.
    pairs = changed_pairs(db)
    if pairs is None:
        db.info[PENDING] = None  # everything
    elif pairs and db.info.get(PENDING, set()) is not None:
        db.info.setdefault(PENDING, set()).update(pairs)


@event.listens_for(OrmSession, "before_commit")
def _refresh_before_commit(db: OrmSession) -> None:
    # Still inside the transaction, so the summary and its counter are saved with the change
    # or not at all. What the session has not flushed yet is flushed (and noted) first.
    db.flush()
    if PENDING not in db.info:
        return
    pairs = db.info.pop(PENDING)
    if pairs is None:
        refresh_everything(db)
    elif pairs:
        refresh(db, pairs)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_after_rollback(db: OrmSession, transaction) -> None:
    # A rolled back transaction's pairs were never saved. (Ending a savepoint keeps them:
    # recomputing a pair that did not change costs a little and changes nothing.)
    if transaction.parent is None:
        db.info.pop(PENDING, None)


def changed_pairs(db: OrmSession) -> set[tuple[int, int]] | None:
    """The (item, person) pairs whose rows the changes being flushed make stale, before and
    after the change; None if a row's pair cannot be told (a row deleted without being loaded)."""
    pairs: set[tuple[int, int]] = set()
    for rows, changed in ((db.new, False), (db.dirty, True), (db.deleted, False)):
        for row in rows:
            columns = WATCHED.get(type(row))
            if columns is None:
                continue
            state = inspect(row)
            if changed and not any(state.attrs[column].history.has_changes() for column in columns):
                continue
            # Old and new values both: a row moved to another item or person changes both pairs.
            items, people = state.attrs.item_id.history.sum(), state.attrs.person_id.history.sum()
            if not items or not people or None in items or None in people:
                return None
            pairs.update((item, person) for item in items for person in people)
    return pairs


@dataclass(frozen=True)
class Progress:
    """The summary table as arrays, one entry per (item, person), by item."""

    item_ids: np.ndarray
    person_ids: np.ndarray
    stages: np.ndarray
    months: np.ndarray  # year × 100 + month of completion; 0 if not completed
    # Counts worked out from these rows (per set of filters), kept with them so they go when they do.
    _derived: dict = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: tuple, compute) -> Any:
        return derive(self._derived, key, compute, DERIVED_LIMIT)


def progress(db: Session) -> Progress:
    """Every row of the summary, read again only after the `learning` counter moves."""
    return _cached(LEARNING, (str(db.get_bind().url), counter(db, LEARNING)), lambda: _read(db))


def first_completion(db: Session) -> date | None:
    """The month anyone first completed anything (None if nobody has), where by-month tables
    start: the earliest in the summary, which has the month of every completion."""

    def earliest() -> date | None:
        months = progress(db).months
        first = int(months[months > 0].min(initial=NEVER))
        return None if first == NEVER else date(first // 100, first % 100, 1)

    return progress(db).derived(("first completion",), earliest)


def _read(db: Session) -> Progress:
    """The table, an item at a time, each row as one integer: a tuple of four columns per row
    took about three times as long to fetch (60,000 rows at 200,000 people). Ids are below 2**31
    (as every id in an address, ddat/__init__.py) and months below 2**18 (the year 2621), so
    person, stage and month fit in 52 bits."""
    table = LearningProgress.__table__
    # In 64 bits from the start: PostgreSQL works in the columns' 32-bit integers otherwise, and
    # overflows from person 1,024 on.
    person = cast(table.c.person_id, BigInteger)
    packed = (person * 8 + table.c.stage) * MONTHS + func.coalesce(table.c.completed_month, 0)
    connection = db.connection()
    item_ids = connection.execute(select(LearningItem.id).order_by(LearningItem.id)).scalars().all()
    items, rows = [], []
    for item_id in item_ids:
        result = connection.execute(select(packed).where(table.c.item_id == item_id))
        # Straight from the driver's cursor: SQLAlchemy's work per row took three times the fetch.
        values = np.fromiter((row[0] for row in result.cursor), dtype=np.int64)
        result.close()
        items.append(np.full(len(values), item_id, dtype=np.int64))
        rows.append(values)
    item_of = np.concatenate(items) if items else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    columns = (item_of, row // (8 * MONTHS), row // MONTHS % 8, row % MONTHS)
    for array in columns:
        array.setflags(write=False)  # shared by every later request
    return Progress(*columns)
