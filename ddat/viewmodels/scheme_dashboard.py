"""A scheme's dashboard: the funnel, readiness now against readiness at enrolment, and the
gaps most common across the cohort (to plan training)."""

from collections import Counter

import numpy as np
from sqlmodel import Session, select

from pathways import Framework, match
from pathways.people_matrix import profile_from_codes

from ..caches.population import current_population
from ..csv_files import csv_text
from ..models import Person, Scheme, SchemeMember, User
from ..services import consent
from ..services.schemes import people_in_scope
from .candidate_pool import eligible_rows, fits_for

COMMON_GAPS = 10


def eligible_count(db: Session, framework: Framework, scheme: Scheme, user: User) -> int:
    """People who share with HR, meet the rules and reach the minimum fit for any target."""
    population, rows = eligible_rows(db, framework, scheme, user)
    best = np.zeros(len(rows))
    for level in scheme.target_levels:
        best = np.maximum(best, fits_for(population, framework, level)[rows])
    return int((best >= scheme.min_fit).sum())


def dashboard(db: Session, framework: Framework, scheme: Scheme, user: User) -> dict:
    rows = db.exec(
        select(SchemeMember, Person)
        .join(Person, Person.id == SchemeMember.person_id)
        .where(SchemeMember.scheme_id == scheme.id, people_in_scope(user))
    ).all()
    members = [m for m, _ in rows]
    funnel = [
        ("Eligible", eligible_count(db, framework, scheme, user)),
        ("Applied", sum(1 for m in members if m.applied_at)),
        ("Enrolled", sum(1 for m in members if m.enrolled_at)),
        ("Completed", sum(1 for m in members if m.completed_at)),
        ("Placed", sum(1 for m in members if m.placed_on)),
    ]
    cohort = [(m, p) for m, p in rows if m.enrolled_at and m.target_level in framework.role_levels]
    # Fit now reads today's profiles: only those HR may still see (ddat/services/consent.py).
    seen = [m for m, p in cohort if consent.hr_may_act(p, m)]
    population = current_population(db, framework)
    found = population.rows_of(np.array(sorted(m.person_id for m in seen), dtype=np.int64))
    current_codes = dict(zip(population.person_ids[found].tolist(), population.codes[found], strict=True))
    now_fits, gaps = [], Counter()
    for member in seen:
        if member.person_id not in current_codes:
            continue
        result = match(framework, profile_from_codes(framework, current_codes[member.person_id]), member.target_level)
        now_fits.append(result.fit)
        gaps.update(g.skill for g in (*result.partial, *result.missing))
    then_fits = [m.fit_at_enrolment for m, _ in cohort if m.fit_at_enrolment is not None]
    return {
        "funnel": funnel,
        "cohort": len(cohort),
        "readiness_now": round(sum(now_fits) / len(now_fits)) if now_fits else None,
        "measured_now": len(now_fits),
        "readiness_then": round(sum(then_fits) / len(then_fits)) if then_fits else None,
        "gaps": [(framework.skills[s], n) for s, n in gaps.most_common(COMMON_GAPS)],
        "declined": sum(1 for m in members if m.status == "declined"),
        "withdrawn": sum(1 for m in members if m.status == "withdrawn"),
    }


def funnel_csv(view: dict) -> str:
    return csv_text(["Stage", "People"], view["funnel"])
