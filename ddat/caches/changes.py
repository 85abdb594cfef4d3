"""Change counters, and the log of whose rows each ratings change touched.

A cache built from the database is stale once a counter row it was built under has moved.
Each change bumps its counter inside the transaction that makes it, so every app server sees
the change with one cheap read. `WATCHED` declares what each counter covers, and a flush
event bumps it whenever the ORM writes such a change; only bulk statements, which the ORM
does not see, call `bump` themselves.

A ratings bump also logs which people it changed (`PopulationChange`), so a server can update
those people's rows of its cached matrix instead of rebuilding it: bumping takes the counter
row's lock until commit, so bumps commit in counter order, and a server that has read the
counter's value can read every change up to it from the log.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, event, insert, inspect, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from ..models import Assessment, ChangeCounter, Person, PopulationChange, SkillRating

RATINGS = "ratings"
CONSENT = "consent"
LEARNING = "learning"  # invitations and registrations: bumped by ddat/caches/learning.py
# How much of the log is kept: a server further behind than this rebuilds its caches.
LOG_KEPT = 5_000
PRUNE_EVERY = 500


@dataclass(frozen=True)
class Watch:
    """Rows of `model` that a counter's caches are built from."""

    model: type
    columns: tuple[str, ...]  # changing any of these makes the caches stale
    # True: adding or removing any row does too. False: only adding one with a column set.
    every_row: bool


# A person added or removed changes everyone's headcounts and the matrix; one added already
# sharing with HR changes the list of who shares. A person removed needs no `CONSENT` bump:
# the ratings bump drops them from the matrix, so their id left in the cached list matches
# no row. Ratings are covered through `current_assessment_id` (submitting a draft, or a
# bulk statement that bumps by hand) and `_rates_a_submission`.
WATCHED = {
    RATINGS: Watch(
        Person, ("department_id", "profession", "grade", "current_assessment_id", "left_at"), every_row=True
    ),
    CONSENT: Watch(Person, ("shares_with_hr",), every_row=False),
}


def bump(db: Session, name: str = RATINGS, people: Iterable[int] | None = None) -> None:
    """Mark data as changed, inside the transaction that changes it. The flush event below
    does this for every ORM change `WATCHED` covers: call it only after a bulk statement.
    For `RATINGS`, `people` are the ids whose rows changed; None means anyone's may have."""
    db.flush()  # anything pending is written first, as with any statement, and may bump too
    _bump(db, name, None if people is None else set(people))


def _bump(db: Session, name: str, people: set[int] | None) -> None:
    counters = ChangeCounter.__table__
    connection = db.connection()
    value = connection.execute(
        update(counters).where(counters.c.name == name).values(value=counters.c.value + 1).returning(counters.c.value)
    ).scalar()
    if value is None:
        value = 1
        connection.execute(insert(counters).values(name=name, value=value))
    if name == RATINGS:
        _log(db, value, people)
    _read_in_this_transaction(db).pop(name, None)


def _log(db: Session, seq: int, people: set[int] | None) -> None:
    log = PopulationChange.__table__
    rows = [{"seq": seq, "person_id": p} for p in sorted(people)] if people else [{"seq": seq, "person_id": None}]
    connection = db.connection()
    connection.execute(insert(log), rows)
    if seq % PRUNE_EVERY == 0:
        connection.execute(delete(log).where(log.c.seq <= seq - LOG_KEPT))


def changed_since(db: Session, after: int, upto: int, most: int) -> set[int] | None:
    """Ids of the people the ratings bumps after `after`, up to `upto`, changed; None when
    that cannot be told (anyone's rows changed, the log no longer reaches back that far, or
    more than `most` people changed), and the caches must be rebuilt."""
    if upto - after > LOG_KEPT:
        return None
    log = PopulationChange.__table__
    rows = db.connection().execute(select(log.c.seq, log.c.person_id).where(log.c.seq > after, log.c.seq <= upto))
    seqs, people = set(), set()
    for seq, person in rows:
        if person is None:
            return None
        seqs.add(seq)
        people.add(person)
        if len(people) > most:
            return None
    return people if len(seqs) == upto - after else None


@event.listens_for(OrmSession, "after_flush")
def _bump_for_changes(db: OrmSession, _flush_context) -> None:
    # After the rows are written, in the same transaction; the session still holds what
    # the flush wrote (new, changed and deleted objects, with each attribute's history).
    for name, people in stale_counters(db).items():
        _bump(db, name, people)


def stale_counters(db: OrmSession) -> dict[str, set[int]]:
    """The counters whose caches the changes being flushed make stale, each with the ids of
    the people whose rows changed."""
    added, changed, removed = list(db.new), [row for row in db.dirty if db.is_modified(row)], list(db.deleted)
    stale: dict[str, set[int]] = {}
    for name, watch in WATCHED.items():
        people = {row.id for row in added if isinstance(row, watch.model) and _makes_stale(watch, row, "added")}
        people |= {row.id for row in changed if isinstance(row, watch.model) and _makes_stale(watch, row, "changed")}
        if watch.every_row:
            people |= {row.id for row in removed if isinstance(row, watch.model)}
        if people:
            stale[name] = people
    rated = _rated_in_a_submission(db, (*added, *changed, *removed))
    if rated:
        stale.setdefault(RATINGS, set()).update(rated)
    return stale


def _makes_stale(watch: Watch, row, how: str) -> bool:
    if how == "added":
        return watch.every_row or any(getattr(row, column) for column in watch.columns)
    state = inspect(row)
    return any(state.attrs[column].history.has_changes() for column in watch.columns)


def _rated_in_a_submission(db: OrmSession, rows) -> set[int]:
    """People with a rating written on a submitted assessment (the matrix holds current ones).
    Drafts are edited all the time and are not in the matrix; submitting one changes the
    person's current assessment, which `WATCHED` covers. Each assessment is looked up once,
    however many of its ratings the flush writes."""
    ratings = [row for row in rows if isinstance(row, SkillRating) and row.assessment_id]
    with db.no_autoflush:
        submitted = {}
        for rating in ratings:
            if rating.assessment_id not in submitted:
                assessment = db.get(Assessment, rating.assessment_id)  # in the session already, as a rule
                submitted[rating.assessment_id] = assessment is not None and assessment.submitted_at is not None
        return {rating.person_id for rating in ratings if submitted[rating.assessment_id]}


def counter(db: Session, name: str = RATINGS) -> int:
    """A counter's value, read once per transaction: a dashboard asks for it several times."""
    read = _read_in_this_transaction(db)
    if name not in read:
        value = db.exec(select(ChangeCounter.value).where(ChangeCounter.name == name)).first() or 0
        read = _read_in_this_transaction(db)  # the read may have begun the transaction
        read[name] = value
    return read[name]


def _read_in_this_transaction(db: Session) -> dict[str, int]:
    transaction = db.get_transaction()
    kept = db.info.get("counters")
    if transaction is None or kept is None or kept[0] is not transaction:
        kept = (transaction, {})
        if transaction is not None:
            db.info["counters"] = kept
    return kept[1]
