"""A scheme's candidate pool: eligible people who share their profile with HR, best fit first.

The rules (grade, profession, department, consent) are applied to the attributes cached
with the skills matrix; everyone's fit for a target is worked out once per matrix; only the
page being shown is explained in detail.
"""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from pathways import Framework, match
from pathways.grades import grade_implication
from pathways.matching import transferable_data
from pathways.people_matrix import profile_from_codes
from pathways.profile import Profile
from pathways.scoring import DEFAULT_THRESHOLDS, READINESS_BANDS, confidence_band, scoring_model, shown_fit

from ..caches.population import Population, confirmed_codes, current_population, sharing_with_hr
from ..csv_files import csv_text
from ..models import Person, Scheme, SchemeMember, User
from ..paging import Page
from ..permissions import department_scope
from ..services.eligibility import Eligibility
from ..services.schemes import department_names
from ..vocabulary import MEMBER_STATUS_NAMES, grade_name, profession_name
from .results import gap_view

PER_PAGE = 25


@dataclass(frozen=True)
class PoolFilter:
    """What HR narrowed the pool to: a target and, optionally, readiness, a department, a
    grade, and a name or staff number."""

    target: str
    readiness: str | None = None
    department_id: int | None = None
    grade: str | None = None
    search: str = ""
    # Only people with a current confirmation by their line manager of a skill the target needs.
    confirmed_only: bool = False
    # "fit", or "confirmed": by the fit counting only skills a line manager confirmed.
    sort: str = "fit"

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments, for links that keep it."""
        return {
            "target": self.target,
            "readiness": self.readiness or "",
            "department": str(self.department_id or ""),
            "grade": self.grade or "",
            "q": self.search,
            "evidence": "confirmed" if self.confirmed_only else "",
            "sort": "" if self.sort == "fit" else self.sort,
        }


def _matching_people(db: Session, search: str) -> np.ndarray:
    """Ids of people whose staff number is the text, or whose name holds every word of it."""
    name = func.lower(Person.display_name)
    every_word = and_(*[name.contains(word, autoescape=True) for word in search.lower().split()])
    query = select(Person.id).where(or_(Person.staff_number == search.strip().upper(), every_word))  # kept in capitals
    return np.array(db.exec(query).all(), dtype=np.int64)


@dataclass(frozen=True)
class Ranking:
    person_ids: np.ndarray
    rows: np.ndarray  # each person's row in `population`
    population: Population

    def codes(self, index: int) -> np.ndarray:
        return self.population.codes[self.rows[index]]


def eligible_rows(db: Session, framework: Framework, scheme: Scheme, user: User) -> tuple[Population, np.ndarray]:
    """Rows (by ascending person id) of the cached population a scheme may consider, before fit.

    The scheme's rules are applied to the attributes kept with the matrix (`Eligibility.mask`).
    """
    population = current_population(db, framework)
    keep = Eligibility.of(framework, scheme).mask(population)
    scope = department_scope(user)
    if scope is not None:
        keep &= population.department_ids == scope
    sharing = np.zeros(len(population.person_ids), dtype=bool)
    sharing[population.rows_of(sharing_with_hr(db))] = True
    return population, np.flatnonzero(keep & sharing)


def fits_for(population: Population, framework: Framework, target: str) -> np.ndarray:
    """Everyone's fit for one role level, worked out once per matrix and shared by every scheme."""
    model = scoring_model(framework)
    return population.derived(("fit", target), lambda p: model.score_level(p.codes, target)[0])


def specialist_fits_for(population: Population, framework: Framework, target: str) -> np.ndarray | None:
    """Everyone's fit to one level's specialist skills, which "ready now" also needs."""
    model = scoring_model(framework)
    return population.derived(("specialist fit", target), lambda p: model.specialist_fits(p.codes, target))


def confirmed_fits_for(population: Population, framework: Framework, target: str) -> np.ndarray:
    """Everyone's fit for a level counting only confirmed skills."""
    model = scoring_model(framework)
    return population.derived(("confirmed fit", target), lambda p: model.score_level(confirmed_codes(p), target)[0])


def rank(db: Session, framework: Framework, scheme: Scheme, user: User, chosen: PoolFilter) -> Ranking:
    """Everyone in the pool for one target, narrowed as chosen, best fit first (ties by person id)."""
    target = chosen.target
    population, rows = eligible_rows(db, framework, scheme, user)
    fits = fits_for(population, framework, target)[rows]
    keep = fits >= scheme.min_fit
    if chosen.readiness in READINESS_BANDS:
        specialist = specialist_fits_for(population, framework, target)
        keep &= DEFAULT_THRESHOLDS.in_band(fits, chosen.readiness, None if specialist is None else specialist[rows])
    if chosen.department_id is not None:
        keep &= population.department_ids[rows] == chosen.department_id
    if chosen.grade:
        keep &= np.isin(population.grades[rows], Population.codes_of(population.grade_names, [chosen.grade]))
    if chosen.search.strip():
        keep &= np.isin(population.person_ids[rows], _matching_people(db, chosen.search))
    # Worked out only when asked for: it is a second scoring of everyone.
    by_confirmed = chosen.confirmed_only or chosen.sort == "confirmed"
    confirmed = confirmed_fits_for(population, framework, target)[rows] if by_confirmed else np.zeros(len(rows))
    if chosen.confirmed_only:
        keep &= confirmed > 0
    rows, fits, confirmed = rows[keep], fits[keep], confirmed[keep]
    ids = population.person_ids[rows]
    # Ties by person id, so a page never shuffles between requests.
    order = np.lexsort((ids, -fits, -confirmed)) if chosen.sort == "confirmed" else np.lexsort((ids, -fits))
    return Ranking(ids[order], rows[order], population)


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
        person = people.get(person_id)
        if person is None:  # deleted since the cached matrix was read
            continue
        profile = profile_from_codes(framework, ranking.codes(start + offset), person.grade, person.profession)
        result = match(framework, profile, target)
        needed = [r.skill for r in level.requirements]
        held = [profile.rating(skill) for skill in needed if profile.rating(skill) is not None]
        rows.append(
            {
                "person": person,
                "department": departments.get(person.department_id, ""),
                "fit": shown_fit(result.fit),
                "readiness": result.readiness,
                "gaps": [gap_view(framework, g) for g in result.biggest_gaps[:3]],
                "grade": grade_implication(framework, data, level, person.grade),
                "status": statuses.get(person_id),
                "confidence": confidence_band(result.confidence),
                "held": len(held),
                "confirmed": sum(1 for rating in held if rating.evidence == "validated"),
                "from_learning": sum(1 for rating in held if rating.evidence == "course"),
                "confirmed_fit": shown_fit(
                    match(
                        framework,
                        Profile(
                            tuple(r for r in profile.ratings if r.evidence == "validated"),
                            person.grade,
                            person.profession,
                        ),
                        target,
                    ).fit
                ),
            }
        )
    return rows


def department_options(db: Session, scheme: Scheme, user: User) -> list[tuple[int, str]]:
    """Departments HR may filter the pool by: the scheme's, within their own scope."""
    names = department_names(db)
    scope = department_scope(user)
    ids = [scope] if scope is not None else (scheme.department_ids or list(names))
    return sorted(((d, names[d]) for d in ids if d in names), key=lambda pair: pair[1])


def pool_page(db, framework, scheme, user, chosen: PoolFilter, page: int) -> dict:
    target = chosen.target
    ranking = rank(db, framework, scheme, user, chosen)
    total = len(ranking.person_ids)
    shown = Page.of(page, total, PER_PAGE)
    start = shown.offset
    return {
        "rows": explain(db, framework, scheme, ranking, target, start, start + PER_PAGE, department_names(db)),
        "total": total,
        "page": shown.number,
        "pages": shown.pages,
        "first": shown.first_shown,
        "last": min(start + PER_PAGE, total),
    }


def pool_csv(db, framework, scheme, user, chosen: PoolFilter) -> str:
    target = chosen.target
    ranking = rank(db, framework, scheme, user, chosen)
    header = ["Rank", "Staff number", "Name", "Department", "Profession", "Grade", "Fit %", "Readiness"]
    header += ["Grade change", "Biggest gap 1", "Biggest gap 2", "Biggest gap 3", "Scheme status"]
    header += ["Confidence", "Skills needed that they hold", "Of those, confirmed by their line manager"]
    header += ["Fit on confirmed skills %"]
    header += ["Profession code", "Grade code", "Scheme status code"]

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
                    + [profession_name(person.profession), grade_name(person.grade), row["fit"]]
                    + [row["readiness"].capitalize(), row["grade"].kind.capitalize()]
                    + (gaps + ["", "", ""])[:3]
                    + [MEMBER_STATUS_NAMES.get(row["status"], "")]
                    + [row["confidence"].capitalize(), row["held"], row["confirmed"], row["confirmed_fit"]]
                    + [person.profession or "", person.grade or "", row["status"] or ""]
                )

    return csv_text(header, rows())
