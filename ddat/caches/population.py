"""Everyone's current skills as one people × skills matrix, for ranking candidates.

Building it reads every current rating, so it is cached per process and rebuilt only when
the framework or the ratings change. Each change bumps a counter row in the database, inside
the transaction that makes it, so every app server sees the change with one cheap read.
`WATCHED` declares what each counter covers, and a flush event bumps it whenever the ORM
writes such a change; only bulk statements, which the ORM does not see, call `bump` themselves.

Who shares their profile with HR is cached the same way under its own counter (`CONSENT`):
consent changes far more often than it is worth rebuilding the matrix for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from threading import Lock
from typing import Any

import numpy as np
from sqlalchemy import event, insert, inspect, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from pathways import Framework, codes_from_rows
from pathways.profile import EVIDENCE_WEIGHTS, evidence_weight_of

from ..models import Assessment, ChangeCounter, Person, SkillRating

RATINGS = "ratings"
CONSENT = "consent"
LEARNING = "learning"  # invitations and registrations: bumped by ddat/caches/learning.py


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
    RATINGS: Watch(Person, ("department_id", "profession", "grade", "current_assessment_id"), every_row=True),
    CONSENT: Watch(Person, ("shares_with_hr",), every_row=False),
}


def bump(db: Session, name: str = RATINGS) -> None:
    """Mark data as changed, inside the transaction that changes it. The flush event below
    does this for every ORM change `WATCHED` covers: call it only after a bulk statement."""
    db.flush()  # anything pending is written first, as with any statement, and may bump too
    _bump(db, name)


def _bump(db: Session, name: str) -> None:
    counters = ChangeCounter.__table__
    connection = db.connection()
    changed = connection.execute(update(counters).where(counters.c.name == name).values(value=counters.c.value + 1))
    if changed.rowcount == 0:
        connection.execute(insert(counters).values(name=name, value=1))
    _read_in_this_transaction(db).pop(name, None)


@event.listens_for(OrmSession, "after_flush")
def _bump_for_changes(db: OrmSession, _flush_context) -> None:
    # After the rows are written, in the same transaction; the session still holds what
    # the flush wrote (new, changed and deleted objects, with each attribute's history).
    for name in stale_counters(db):
        _bump(db, name)


def stale_counters(db: OrmSession) -> list[str]:
    """The counters whose caches the changes being flushed make stale."""
    added, changed, removed = list(db.new), [row for row in db.dirty if db.is_modified(row)], list(db.deleted)
    stale = [
        name
        for name, watch in WATCHED.items()
        if any(_makes_stale(watch, row, "added") for row in added if isinstance(row, watch.model))
        or any(_makes_stale(watch, row, "changed") for row in changed if isinstance(row, watch.model))
        or (watch.every_row and any(isinstance(row, watch.model) for row in removed))
    ]
    if RATINGS not in stale and _rates_a_submission(db, (*added, *changed, *removed)):
        stale.append(RATINGS)
    return stale


def _makes_stale(watch: Watch, row, how: str) -> bool:
    if how == "added":
        return watch.every_row or any(getattr(row, column) for column in watch.columns)
    state = inspect(row)
    return any(state.attrs[column].history.has_changes() for column in watch.columns)


def _rates_a_submission(db: OrmSession, rows) -> bool:
    """Whether a rating is written on a submitted assessment (the matrix holds current ones).
    Drafts are edited all the time and are not in the matrix; submitting one changes the
    person's current assessment, which `WATCHED` covers. Each assessment is looked up once,
    however many of its ratings the flush writes."""
    assessment_ids = {row.assessment_id for row in rows if isinstance(row, SkillRating) and row.assessment_id}
    with db.no_autoflush:
        assessments = (db.get(Assessment, i) for i in assessment_ids)  # in the session already, as a rule
        return any(a is not None and a.submitted_at is not None for a in assessments)


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


_lock = Lock()
DERIVED_LIMIT = 24


def derive(store: dict, key: tuple, compute: Callable[[], Any], limit: int = DERIVED_LIMIT) -> Any:
    """What `store` (kept with a cached value, and going with it) holds under `key`, computed
    and kept if it holds nothing yet."""
    with _lock:
        if key in store:
            return store[key]
    value = compute()
    for array in value if isinstance(value, tuple) else (value,):
        if isinstance(array, np.ndarray):
            array.setflags(write=False)  # shared by every later request: nobody may change it
    with _lock:
        if len(store) >= limit:  # a few MB each at 200,000 people
            store.clear()
        store[key] = value
    return value


@dataclass(frozen=True)
class Population:
    person_ids: np.ndarray  # sorted ascending
    codes: np.ndarray  # one row per person id, in the same order
    # Who each row is, for counting groups (dashboards) without reading people again:
    department_ids: np.ndarray
    professions: np.ndarray  # as indexes into `profession_names`
    grades: np.ndarray  # as indexes into `grade_names`
    profession_names: tuple[str, ...] = ()
    grade_names: tuple[str, ...] = ()
    # Per-person indicators worked out from `codes` (who holds a family's skills, who is ready
    # for a level), kept with the matrix they came from so they go when it does.
    _derived: dict = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: tuple, compute: Callable[[], Any]) -> Any:
        return derive(self._derived, key, compute)

    @staticmethod
    def codes_of(names: tuple[str, ...], wanted) -> list[int]:
        """The small integers that stand for `wanted` in `profession_names` or `grade_names`."""
        wanted = set(wanted)
        return [code for code, name in enumerate(names) if name in wanted]

    def rows_of(self, person_ids: np.ndarray) -> np.ndarray:
        """Row numbers of the given people; people without a current assessment are dropped."""
        rows, found = self.positions(person_ids)
        return rows[found]

    def positions(self, person_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each given person's row number, and whether they are here at all (the row number
        means nothing where they are not)."""
        rows = np.searchsorted(self.person_ids, person_ids)
        rows = np.minimum(rows, max(len(self.person_ids) - 1, 0))
        found = self.person_ids[rows] == person_ids if len(self.person_ids) else np.zeros(len(person_ids), dtype=bool)
        return rows, found


_cache: dict[str, tuple[tuple, Any]] = {}


def _cached(name: str, key: tuple, build: Callable[[], Any]) -> Any:
    """What is kept under `name` if it was built for `key`; otherwise built (outside the lock,
    so other requests are not held up) and kept."""
    with _lock:
        cached = _cache.get(name)
        if cached and cached[0] == key:
            return cached[1]
    value = build()
    with _lock:
        _cache[name] = (key, value)
    return value


def current_population(db: Session, framework: Framework) -> Population:
    key = (str(db.get_bind().url), framework.version, counter(db))
    return _cached("population", key, lambda: _build(db, framework))


def sharing_with_hr(db: Session) -> np.ndarray:
    """Ids (ascending) of everyone who shares their profile with HR; bump `CONSENT` on any change."""

    def read() -> np.ndarray:
        query = select(Person.id).where(Person.shares_with_hr).order_by(Person.id)
        ids = np.array(db.connection().execute(query).scalars().all(), dtype=np.int64)
        ids.setflags(write=False)
        return ids

    return _cached(CONSENT, (str(db.get_bind().url), counter(db, CONSENT)), read)


def everyone(db: Session) -> Population:
    """Every person's department, profession and grade, without skills (no columns in
    `codes`): for filtering people that SQL found by id without joining every one of them to
    the person table. Cached under the ratings counter, which is also bumped whenever a
    person is added or removed or changes department, profession or grade."""
    query = select(Person.id, Person.department_id, Person.profession, Person.grade).where(Person.left_at.is_(None))
    return _cached("everyone", (str(db.get_bind().url), counter(db)), lambda: _attributes(db, query))


def headcounts(db: Session) -> dict[tuple[int, str, str], int]:
    """Everyone, counted by (department id, profession, grade): a few hundred groups, worked
    out once from `everyone` and kept with it."""
    people = everyone(db)
    return people.derived(("headcounts",), lambda: _headcounts(people))


def _headcounts(people: Population) -> dict[tuple[int, str, str], int]:
    groups = np.stack([people.department_ids, people.professions, people.grades])
    cells, counts = np.unique(groups, axis=1, return_counts=True)
    return {
        (int(d), people.profession_names[p], people.grade_names[g]): int(n)
        for (d, p, g), n in zip(cells.T.tolist(), counts.tolist(), strict=True)
    }


def _build(db: Session, framework: Framework) -> Population:
    # People who have left (the HR system says so) are kept a while, but counted nowhere.
    assessed = select(Person.id, Person.department_id, Person.profession, Person.grade).where(
        Person.current_assessment_id.is_not(None), Person.left_at.is_(None)
    )
    people = _attributes(db, assessed)
    return replace(people, codes=current_codes(db, framework, people.person_ids))


def current_codes(db: Session, framework: Framework, person_ids: np.ndarray, only_these: bool = False) -> np.ndarray:
    """Rows of rating codes from each person's current assessment, in the order of `person_ids`
    (ascending). With `only_these`, only those people's ratings are read, not everyone's."""
    # A Core query on the connection: plain tuples, without the ORM's per-row work, which
    # dominates at a million rows.
    query = (
        select(SkillRating.person_id, SkillRating.skill, SkillRating.level, SkillRating.evidence)
        .join(Person, Person.current_assessment_id == SkillRating.assessment_id)
        .where(SkillRating.level > 0, Person.left_at.is_(None))
    )
    if only_these:
        query = query.where(Person.id.in_(person_ids.tolist()))
    rows = db.connection().execute(query).all()
    owners, skills, levels, evidence = zip(*rows, strict=True) if rows else ((), (), (), ())
    index = np.searchsorted(person_ids, np.array(owners, dtype=np.int64))
    return codes_from_rows(framework, index, list(skills), np.array(levels), list(evidence), len(person_ids))


def _attributes(db: Session, query) -> Population:
    """People (by ascending id) with their department, profession and grade, and no skills."""
    rows = db.connection().execute(query.order_by(Person.id)).all()
    ids, departments, professions, grades = zip(*rows, strict=True) if rows else ((), (), (), ())
    profession_names, profession_index = _coded(professions)
    grade_names, grade_index = _coded(grades)
    return Population(
        np.array(ids, dtype=np.int64),
        np.zeros((len(ids), 0), dtype=np.int8),
        np.array(departments, dtype=np.int64),
        profession_index,
        grade_index,
        profession_names,
        grade_names,
    )


def _coded(values: tuple[str, ...]) -> tuple[tuple[str, ...], np.ndarray]:
    """A few distinct strings as small integers (a dictionary lookup each, not a sort)."""
    names = tuple(sorted(set(values)))
    lookup = {name: i for i, name in enumerate(names)}
    return names, np.fromiter((lookup[v] for v in values), dtype=np.int16, count=len(values))


def confirmed_codes(population: Population) -> np.ndarray:
    """The matrix with only the ratings a line manager currently confirms (expired ones are
    `self` again), kept with the matrix it came from."""
    codes = population.codes
    validated = EVIDENCE_WEIGHTS["validated"]
    return population.derived(
        ("confirmed codes",), lambda: np.where(evidence_weight_of(codes) == validated, codes, 0).astype(np.int8)
    )


def clear_cache() -> None:
    with _lock:
        _cache.clear()
