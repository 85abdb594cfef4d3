"""A scheme's candidate pool: eligible people who share their profile with HR, best fit first.

SQL picks the eligible people; the engine scores all of them at once against the target
from the cached skills matrix; only the page being shown is explained in detail.
"""

from dataclasses import dataclass

import numpy as np
from sqlmodel import Session, select

from pathways import Framework, match
from pathways.grades import grade_implication
from pathways.matching import transferable_data
from pathways.scoring import DEFAULT_THRESHOLDS, profile_from_codes, scoring_model

from ..models import Person, Scheme, SchemeMember, User
from .csv_files import csv_text
from .population import current_population
from .results import gap_view
from .schemes import department_names, eligibility_filter, people_in_scope

PER_PAGE = 25


@dataclass(frozen=True)
class Ranking:
    person_ids: np.ndarray
    codes: np.ndarray


def eligible_codes(db: Session, framework: Framework, scheme: Scheme, user: User) -> tuple[np.ndarray, np.ndarray]:
    """Ids (ascending) and skills matrix rows of the people a scheme may consider, before fit."""
    query = (
        select(Person.id)
        .where(Person.shares_with_hr, Person.current_assessment_id.is_not(None))
        .where(eligibility_filter(framework, scheme), people_in_scope(user))
        .order_by(Person.id)
    )
    # A Core query straight into numpy: the pool can be 100,000 ids, and the ORM's per-row
    # work was most of the page's time.
    eligible = np.array(db.connection().execute(query).scalars().all(), dtype=np.int64)
    population = current_population(db, framework)
    rows = population.rows_of(eligible)
    return population.person_ids[rows], population.codes[rows]


def rank(db: Session, framework: Framework, scheme: Scheme, user: User, target: str, readiness: str | None) -> Ranking:
    """Everyone in the pool for one target, best fit first (ties by person id)."""
    ids, codes = eligible_codes(db, framework, scheme, user)
    fits, _ = scoring_model(framework).score_level(codes, target)
    keep = fits >= scheme.min_fit
    if readiness == "ready now":
        keep &= fits >= DEFAULT_THRESHOLDS.ready_now
    elif readiness == "ready with development":
        keep &= (fits >= DEFAULT_THRESHOLDS.ready_with_development) & (fits < DEFAULT_THRESHOLDS.ready_now)
    elif readiness == "stretch":
        keep &= fits < DEFAULT_THRESHOLDS.ready_with_development
    ids, codes, fits = ids[keep], codes[keep], fits[keep]
    order = np.lexsort((ids, -fits))
    return Ranking(ids[order], codes[order])


def explain(
    db: Session,
    framework: Framework,
    scheme: Scheme,
    ranking: Ranking,
    target: str,
    start: int,
    stop: int,
    departments: dict[int, str],
):
    """Rows for people `start` to `stop` of a ranking: who they are, fit, readiness, gaps, grade."""
    ids = [int(i) for i in ranking.person_ids[start:stop]]
    people = {p.id: p for p in db.exec(select(Person).where(Person.id.in_(ids))).all()}
    statuses = {
        m.person_id: m.status
        for m in db.exec(
            select(SchemeMember).where(SchemeMember.scheme_id == scheme.id, SchemeMember.person_id.in_(ids))
        ).all()
    }
    data = transferable_data(framework)
    level = framework.role_levels[target]
    rows = []
    for offset, person_id in enumerate(ids):
        person = people[person_id]
        profile = profile_from_codes(framework, ranking.codes[start + offset], person.grade, person.profession)
        result = match(framework, profile, target)
        rows.append(
            {
                "person": person,
                "department": departments.get(person.department_id, ""),
                "fit": round(result.fit),
                "readiness": result.readiness,
                "gaps": [gap_view(framework, g) for g in result.biggest_gaps[:3]],
                "grade": grade_implication(framework, data, level, person.grade),
                "status": statuses.get(person_id),
            }
        )
    return rows


def pool_page(db, framework, scheme, user, target, readiness, page: int) -> dict:
    ranking = rank(db, framework, scheme, user, target, readiness)
    total = len(ranking.person_ids)
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    start = (page - 1) * PER_PAGE
    return {
        "rows": explain(db, framework, scheme, ranking, target, start, start + PER_PAGE, department_names(db)),
        "total": total,
        "page": page,
        "pages": pages,
        "first": start + 1,
        "last": min(start + PER_PAGE, total),
    }


def pool_csv(db, framework, scheme, user, target, readiness) -> str:
    ranking = rank(db, framework, scheme, user, target, readiness)
    header = ["Rank", "Staff number", "Name", "Department", "Profession", "Grade", "Fit %", "Readiness"]
    header += ["Grade change", "Biggest gap 1", "Biggest gap 2", "Biggest gap 3", "Scheme status"]

    departments = department_names(db)

    def rows():
        chunk = 500
        for start in range(0, len(ranking.person_ids), chunk):
            for offset, row in enumerate(
                explain(db, framework, scheme, ranking, target, start, start + chunk, departments)
            ):
                person = row["person"]
                gaps = [f"{g['skill'].name} ({g['held']} to {g['required']})" for g in row["gaps"]]
                yield (
                    [start + offset + 1, person.staff_number, person.display_name, row["department"]]
                    + [person.profession, person.grade, row["fit"], row["readiness"], row["grade"].kind]
                    + (gaps + ["", "", ""])[:3]
                    + [row["status"] or ""]
                )

    return csv_text(header, rows())
