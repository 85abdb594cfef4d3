"""Everyone's current skills as one people × skills matrix, for ranking candidates.

Building it reads every current rating (seconds at 200,000 people), so it is cached per
process. A ratings change logs whose rows it touched (`changes`), and the next request on
each app server re-reads only those people and splices their rows into a copy of the matrix
and of every per-person indicator worked out from it; the matrix is rebuilt from scratch only
when the framework changes, when a change cannot say whose rows it touched, or when a server
has fallen too far behind the log.

Who shares their profile with HR is cached under its own counter (`CONSENT`): consent
changes far more often than it is worth touching the matrix for.
"""

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from threading import Lock
from typing import Any

import numpy as np
from sqlmodel import Session, select

from pathways import Framework, codes_from_rows
from pathways.profile import EVIDENCE_WEIGHTS, evidence_weight_of

from ..models import Person, SkillRating
from .changes import CONSENT, RATINGS, WATCHED, bump, changed_since, counter, stale_counters

__all__ = ["CONSENT", "RATINGS", "WATCHED", "Population", "bump", "counter", "current_population", "stale_counters"]

_lock = Lock()
DERIVED_LIMIT = 24
# More people changed than this since a server last looked (a large feed batch, an
# attendance import) and re-reading them costs about what a rebuild does.
MOST_CHANGED = 5_000
IDS_PER_STATEMENT = 10_000

# An indicator's value: an array with one entry per person along its last axis (or, for
# `PEOPLE_FIRST`, its first), a tuple of such arrays and constants, or None.
LAST, PEOPLE_FIRST = -1, 0


@dataclass(frozen=True)
class Derived:
    compute: Callable[["Population"], Any]  # from any population: the whole, or a few rows
    people_axis: int | None  # None: not one entry per person (a count), so `merge` is used
    value: Any
    # For a count: merge(old value, compute(the changed people as they were), compute(as they are)).
    merge: Callable[[Any, Any, Any], Any] | None = None


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
    # for a level), kept with the matrix they came from so they go when it does, and updated
    # row by row with it.
    _derived: dict = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: tuple, compute: Callable[["Population"], Any], people_axis: int | None = LAST,
                merge: Callable[[Any, Any, Any], Any] | None = None) -> Any:  # fmt: skip
        """`compute(self)`, worked out once. It must treat each person (one entry along
        `people_axis` of each array it returns) on their own, so that computing it for a few
        changed people and splicing them in equals computing it afresh; or, with `merge`, be a
        count that the changed people's old and new counts can be taken from and added to."""
        with _lock:
            if key in self._derived:
                return self._derived[key].value
        value = _read_only(compute(self))
        with _lock:
            if len(self._derived) >= DERIVED_LIMIT:  # a few MB each at 200,000 people
                self._derived.clear()
            self._derived[key] = Derived(compute, people_axis, value, merge)
        return value

    def rows(self, rows: np.ndarray) -> "Population":
        """Just the given rows, with no indicators."""
        return Population(self.person_ids[rows], self.codes[rows], self.department_ids[rows], self.professions[rows],
                          self.grades[rows], self.profession_names, self.grade_names)  # fmt: skip

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

    def with_rows_replaced(self, changed: np.ndarray, fresh: "Population") -> "Population":
        """A copy with the rows of the `changed` people (ascending ids) replaced by `fresh`:
        those of them still here, as they are now. Indicators are spliced the same way, each
        worked out for the fresh rows only; this population is left as it was, for requests
        still reading it."""
        rows, found = self.positions(changed)
        gone = rows[found]  # the changed people's rows as they were
        if np.array_equal(changed[found], fresh.person_ids):
            # Each changed person who was here still is, and nobody new: rows are overwritten
            # in a copy (one memory copy), not removed and inserted.
            def spliced(old: np.ndarray, new: np.ndarray, axis: int) -> np.ndarray:
                copy = old.copy()
                copy[(slice(None),) * (axis % old.ndim) + (gone,)] = new
                return _read_only(copy)
        else:
            keep = np.ones(len(self.person_ids), dtype=bool)
            keep[gone] = False
            at = np.searchsorted(self.person_ids[keep], fresh.person_ids)

            def spliced(old: np.ndarray, new: np.ndarray, axis: int) -> np.ndarray:
                return _read_only(np.insert(np.compress(keep, old, axis=axis), at, new, axis=axis))

        professions, profession_names = _recoded(fresh.professions, fresh.profession_names, self.profession_names)
        grades, grade_names = _recoded(fresh.grades, fresh.grade_names, self.grade_names)
        updated = Population(
            spliced(self.person_ids, fresh.person_ids, 0),
            spliced(self.codes, fresh.codes, 0),
            spliced(self.department_ids, fresh.department_ids, 0),
            spliced(self.professions, professions, 0),
            spliced(self.grades, grades, 0),
            profession_names,
            grade_names,
        )
        fresh = replace(fresh, professions=professions, grades=grades, profession_names=profession_names,
                        grade_names=grade_names, _derived={})  # fmt: skip
        with _lock:
            kept = list(self._derived.items())
        for key, d in kept:
            if d.merge is not None:
                value = d.merge(d.value, d.compute(self.rows(gone)), d.compute(fresh))
            else:
                value = _splice_value(d.value, d.compute(fresh), d.people_axis, spliced)
            updated._derived[key] = replace(d, value=_read_only(value))
        return updated


def _splice_value(old: Any, new: Any, axis: int, spliced: Callable) -> Any:
    if isinstance(old, np.ndarray):
        return spliced(old, new, axis)
    if isinstance(old, tuple):
        return tuple(_splice_value(o, n, axis, spliced) for o, n in zip(old, new, strict=True))
    return old  # a constant (the skills an indicator is about) or None, the same for everyone


def _read_only(value: Any) -> Any:
    for array in value if isinstance(value, tuple) else (value,):
        if isinstance(array, np.ndarray):
            array.setflags(write=False)  # shared by every later request: nobody may change it
    return value


def derive(store: dict, key: tuple, compute: Callable[[], Any], limit: int = DERIVED_LIMIT) -> Any:
    """What `store` (kept with a cached value, and going with it) holds under `key`, computed
    and kept if it holds nothing yet. For values not kept up to date row by row."""
    with _lock:
        if key in store:
            return store[key]
    value = _read_only(compute())
    with _lock:
        if len(store) >= limit:
            store.clear()
        store[key] = value
    return value


def _recoded(codes: np.ndarray, names: tuple[str, ...], into: tuple[str, ...]) -> tuple[np.ndarray, tuple]:
    """`codes` (indexes into `names`) as indexes into `into`, which gains any name it lacks."""
    merged = into + tuple(name for name in names if name not in into)
    lookup = np.array([merged.index(name) for name in names] or [0], dtype=np.int16)
    return lookup[codes] if len(codes) else codes.astype(np.int16), merged


_kept: dict[str, tuple[tuple, Any]] = {}  # rebuilt whenever their key changes
_cache: dict[str, tuple[tuple, int, Any]] = {}  # (key, ratings counter, population): kept up to date
_updating = {"population": Lock(), "everyone": Lock()}


def _cached(name: str, key: tuple, build: Callable[[], Any]) -> Any:
    """What is kept under `name` if it was built for `key`; otherwise built (outside the lock,
    so other requests are not held up) and kept."""
    with _lock:
        kept = _kept.get(name)
        if kept and kept[0] == key:
            return kept[1]
    value = build()
    with _lock:
        _kept[name] = (key, value)
    return value


def _maintained(db: Session, name: str, key: tuple, build: Callable[[], Population], read: Callable) -> Population:
    """The population kept under `name`, brought up to the ratings counter's value: the rows of
    the people changed since it was last brought up to date are read again (`read(ids)`) and
    spliced in. One request at a time does that; the others wait for it rather than doing it too."""
    now = counter(db)
    with _lock:
        cached = _cache.get(name)
    if cached and cached[0] == key and cached[1] == now:
        return cached[2]
    with _updating[name]:
        with _lock:
            cached = _cache.get(name)
        if cached and cached[0] == key and cached[1] == now:
            return cached[2]
        # Kept from further on than this transaction's counter (a database restored from a
        # backup, or made again at the same address in tests): it is rebuilt, as it cannot be
        # told what it holds that this database does not.
        behind = cached and cached[0] == key and cached[1] < now
        changed = changed_since(db, cached[1], now, MOST_CHANGED) if behind else None
        with collector_paused():
            if changed is None:
                value = build()
            else:
                ids = np.array(sorted(changed), dtype=np.int64)
                value = cached[2].with_rows_replaced(ids, read(ids))
        with _lock:
            _cache[name] = (key, now, value)
        return value


def current_population(db: Session, framework: Framework) -> Population:
    key = (str(db.get_bind().url), framework.version)
    return _maintained(
        db, "population", key, lambda: _build(db, framework), lambda ids: _build(db, framework, only=ids)
    )


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
    the person table. Kept up to date under the ratings counter, which is also bumped whenever
    a person is added or removed or changes department, profession or grade."""
    query = select(Person.id, Person.department_id, Person.profession, Person.grade).where(Person.left_at.is_(None))

    def read(ids: np.ndarray | None = None) -> Population:
        return _attributes(db, query if ids is None else query.where(Person.id.in_(ids.tolist())))

    return _maintained(db, "everyone", (str(db.get_bind().url),), read, read)


def headcounts(db: Session) -> dict[tuple[int, str, str], int]:
    """Everyone, counted by (department id, profession, grade): a few hundred groups, worked
    out once from `everyone` and kept with it."""
    people = everyone(db)
    return people.derived(("headcounts",), _headcounts, people_axis=None, merge=_merged_counts)


def _merged_counts(counts: dict, were: dict, are: dict) -> dict:
    merged = Counter(counts)
    merged.subtract(were)
    merged.update(are)
    return {group: n for group, n in merged.items() if n > 0}


def _headcounts(people: Population) -> dict[tuple[int, str, str], int]:
    groups = np.stack([people.department_ids, people.professions, people.grades])
    cells, counts = np.unique(groups, axis=1, return_counts=True)
    return {
        (int(d), people.profession_names[p], people.grade_names[g]): int(n)
        for (d, p, g), n in zip(cells.T.tolist(), counts.tolist(), strict=True)
    }


def _build(db: Session, framework: Framework, only: np.ndarray | None = None) -> Population:
    """Everyone with a current assessment, or only those of the `only` people who have one."""
    # People who have left (the HR system says so) are kept a while, but counted nowhere.
    assessed = select(Person.id, Person.department_id, Person.profession, Person.grade).where(
        Person.current_assessment_id.is_not(None), Person.left_at.is_(None)
    )
    if only is not None:
        assessed = assessed.where(Person.id.in_(only.tolist()))
    people = _attributes(db, assessed)
    return replace(people, codes=current_codes(db, framework, people.person_ids, only_these=only is not None))


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
    rows = []
    # In chunks: PostgreSQL takes at most 65,535 parameters in one statement, and the demo
    # asks for tens of thousands of people's ratings at once.
    for chunk in _chunks(person_ids, IDS_PER_STATEMENT) if only_these else [None]:
        chosen = query if chunk is None else query.where(Person.id.in_(chunk.tolist()))
        rows += db.connection().execute(chosen).all()
    owners, skills, levels, evidence = zip(*rows, strict=True) if rows else ((), (), (), ())
    index = np.searchsorted(person_ids, np.array(owners, dtype=np.int64))
    return codes_from_rows(framework, index, list(skills), np.array(levels), list(evidence), len(person_ids))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a population is read. Everyone's ratings
    are about a million fetched rows, each a tracked tuple alive until the matrix is made:
    every collection meanwhile walks them all and frees nothing, and they took about 40% of
    a build at 200,000 people (docs/performance.md). Whoever found it on turns it back on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _chunks(ids: np.ndarray, size: int) -> list[np.ndarray]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


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
    validated = EVIDENCE_WEIGHTS["validated"]

    def confirmed(p: Population) -> np.ndarray:
        return np.where(evidence_weight_of(p.codes) == validated, p.codes, 0).astype(np.int8)

    return population.derived(("confirmed codes",), confirmed, people_axis=PEOPLE_FIRST)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _kept.clear()
