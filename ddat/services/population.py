"""Everyone's current skills as one people × skills matrix, for ranking candidates.

Building it reads every current rating, so it is cached per process and rebuilt only when
the framework or the ratings change. Each change bumps a counter row in the database
(`bump`), so every app server sees the change with one cheap read.
"""

from dataclasses import dataclass
from threading import Lock

import numpy as np
from sqlalchemy import update
from sqlmodel import Session, select

from pathways import Framework, codes_from_rows

from ..models import ChangeCounter, Person, SkillRating

RATINGS = "ratings"


def bump(db: Session, name: str = RATINGS) -> None:
    """Mark data as changed; call inside the transaction that changes it."""
    changed = db.exec(update(ChangeCounter).where(ChangeCounter.name == name).values(value=ChangeCounter.value + 1))
    if changed.rowcount == 0:
        db.add(ChangeCounter(name=name, value=1))
    db.flush()


def counter(db: Session, name: str = RATINGS) -> int:
    return db.exec(select(ChangeCounter.value).where(ChangeCounter.name == name)).first() or 0


@dataclass(frozen=True)
class Population:
    person_ids: np.ndarray  # sorted ascending
    codes: np.ndarray  # one row per person id, in the same order

    def rows_of(self, person_ids: np.ndarray) -> np.ndarray:
        """Row numbers of the given people; people without a current assessment are dropped."""
        rows = np.searchsorted(self.person_ids, person_ids)
        rows = np.minimum(rows, max(len(self.person_ids) - 1, 0))
        found = self.person_ids[rows] == person_ids if len(self.person_ids) else np.zeros(len(person_ids), dtype=bool)
        return rows[found]


_cache: dict[str, tuple[tuple, Population]] = {}
_lock = Lock()


def current_population(db: Session, framework: Framework) -> Population:
    key = (str(db.get_bind().url), framework.version, counter(db))
    with _lock:
        cached = _cache.get("population")
        if cached and cached[0] == key:
            return cached[1]
    population = _build(db, framework)
    with _lock:
        _cache["population"] = (key, population)
    return population


def _build(db: Session, framework: Framework) -> Population:
    # A Core query on the connection: plain tuples, without the ORM's per-row work, which
    # dominates at a million rows.
    rows = (
        db.connection()
        .execute(
            select(SkillRating.person_id, SkillRating.skill, SkillRating.level, SkillRating.evidence)
            .join(Person, Person.current_assessment_id == SkillRating.assessment_id)
            .where(SkillRating.level > 0)
        )
        .all()
    )
    people = np.array(
        db.exec(select(Person.id).where(Person.current_assessment_id.is_not(None)).order_by(Person.id)).all(),
        dtype=np.int64,
    )
    person_ids, skills, levels, evidence = zip(*rows, strict=True) if rows else ((), (), (), ())
    index = np.searchsorted(people, np.array(person_ids, dtype=np.int64))
    codes = codes_from_rows(framework, index, list(skills), np.array(levels), list(evidence), len(people))
    return Population(people, codes)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
