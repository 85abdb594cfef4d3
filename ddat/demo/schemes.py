"""Demo cohort schemes: one open for applications, one running and one finished, each with
members at the stages its status allows, about 1 in 25 of the people eligible for it.

Members are people who share their profile with HR and meet the scheme's rules, as HR would
find them in the candidate pool. Fit at enrolment is worked out by the engine from their
ratings, as enrolling someone in the service does.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
from sqlalchemy import insert
from sqlmodel import Session, select

from pathways import Framework
from pathways.scoring import scoring_model

from ..caches.population import current_codes
from ..models import Person, Scheme, SchemeMember
from ..services.eligibility import Eligibility

MEMBER_SHARE = 1 / 25  # of the people eligible for a scheme, who apply or are nominated
MIN_MEMBERS = 12

# name, status, (opens, closes, starts, ends) in days from today, target levels, professions, grades
SCHEMES = [
    (
        "Policy and Operations into Data Analysis 2027",
        "open",
        (-10, 30, 90, 455),
        ["associate-data-analyst", "associate-performance-analyst"],
        ["policy", "operational_delivery"],
        ("EO", "G7"),
    ),
    (
        "Operations into IT Service Management 2026",
        "running",
        (-200, -140, -60, 300),
        ["service-desk-analyst", "it-service-analyst"],
        ["operational_delivery", "other"],
        ("AO", "SEO"),
    ),
    (
        "Delivery and Product Pathway 2025",
        "closed",
        (-600, -540, -480, -120),
        ["associate-delivery-manager", "associate-product-manager"],
        ["policy", "operational_delivery", "other"],
        ("HEO", "G7"),
    ),
]

# The share of a scheme's members at each status, by the scheme's own status.
OUTCOMES = {
    "open": {"applied": 0.6, "shortlisted": 0.25, "invited": 0.1, "withdrawn": 0.05},
    "running": {"enrolled": 0.75, "declined": 0.15, "withdrawn": 0.1},
    "closed": {"placed": 0.45, "completed": 0.35, "declined": 0.1, "withdrawn": 0.1},
}
HOLDS_A_PLACE = {"enrolled", "completed", "placed"}
# Statuses from the best fits to the worst: who gets a place, who waits, who is declined.
STAGE_ORDER = ["placed", "completed", "enrolled", "shortlisted", "invited", "applied", "withdrawn", "declined"]
REASONS = {"declined": "Did not meet the scheme's minimum fit at shortlisting.", "withdrawn": "Personal circumstances."}


def seed_schemes(db: Session, framework: Framework, rng: random.Random) -> int:
    """Add the demo schemes that are not there yet, with their members; returns how many members."""
    existing = set(db.exec(select(Scheme.name)).all())
    today = date.today()
    added = 0
    for name, status, days, targets, professions, (low, high) in SCHEMES:
        targets = [t for t in targets if t in framework.role_levels]
        if name in existing or not targets:
            continue
        opens, closes, starts, ends = (today + timedelta(days=d) for d in days)
        scheme = Scheme(
            name=name,
            description="A demo scheme: a year of learning and work in a DDaT team, with a mentor.",
            target_levels=targets,
            professions=professions,
            grade_from=low,
            grade_to=high,
            capacity=1,
            opens_on=opens,
            closes_on=closes,
            starts_on=starts,
            ends_on=ends,
            status=status,
        )
        db.add(scheme)
        db.flush()
        added += _add_members(db, framework, scheme, rng)
    return added


def _add_members(db: Session, framework: Framework, scheme: Scheme, rng: random.Random) -> int:
    """People who fit the target better apply more often, and HR take the best fits forward:
    places go to the highest fits, declines to the lowest, as real shortlisting would."""
    rules = Eligibility.of(framework, scheme).sql()
    query = select(Person.id, Person.profession, Person.grade).where(
        Person.shares_with_hr, Person.user_id.is_(None), rules
    )
    eligible = {person_id: (profession, grade) for person_id, profession, grade in db.exec(query).all()}
    count = round(len(eligible) * MEMBER_SHARE)
    if len(eligible) >= 4 * MIN_MEMBERS:  # a department big enough to fill a cohort does
        count = max(count, MIN_MEMBERS)
    if not count:
        return 0
    target = scheme.target_levels[0]
    fits = _fits(db, framework, sorted(eligible), target)
    chosen = _weighted_sample(sorted(eligible), [fits[p] + 5 for p in sorted(eligible)], count, rng)
    # Best fit first, with some noise: interviews and circumstances matter as well as fit.
    chosen.sort(key=lambda p: fits[p] + rng.uniform(-10, 10), reverse=True)
    statuses, weights = zip(*OUTCOMES[scheme.status].items(), strict=True)
    drawn = sorted(rng.choices(statuses, weights, k=len(chosen)), key=STAGE_ORDER.index)
    scheme.capacity = max(5, round(sum(s in HOLDS_A_PLACE for s in drawn) * 1.1))
    db.add(scheme)
    rows = [
        _member_row(scheme, person_id, eligible[person_id], status, target, fits.get(person_id), rng)
        for person_id, status in zip(chosen, drawn, strict=True)
    ]
    db.execute(insert(SchemeMember), rows)
    return len(rows)


def _weighted_sample(population: list[int], weights: list[float], k: int, rng: random.Random) -> list[int]:
    """k different people, each drawn with chance in proportion to their weight."""
    # Efraimidis and Spirakis: the k largest of random() ** (1 / weight).
    keyed = sorted(zip(population, weights, strict=True), key=lambda pw: rng.random() ** (1 / pw[1]), reverse=True)
    return [person for person, _ in keyed[:k]]


def _member_row(scheme: Scheme, person_id: int, came_from, status: str, target: str, fit: int | None, rng) -> dict:
    def at(day: date) -> datetime:
        return datetime.combine(day, time(10), tzinfo=UTC)

    window = max((scheme.closes_on - scheme.opens_on).days, 1)
    applied = at(scheme.opens_on + timedelta(days=rng.randrange(window)))
    enrolled = status in HOLDS_A_PLACE
    finished = status in ("completed", "placed")
    return {
        "scheme_id": scheme.id,
        "person_id": person_id,
        "status": status,
        "source": "nominated" if status == "invited" else "applied",
        "statement": None if status == "invited" else "I want to use data to improve the services I work on.",
        "target_level": target,
        "reason": REASONS.get(status),
        "fit_at_enrolment": fit if enrolled else None,
        "applied_at": None if status == "invited" else applied,
        "enrolled_at": at(scheme.starts_on) if enrolled else None,
        "completed_at": at(scheme.ends_on) if finished else None,
        "placed_level": target if status == "placed" else None,
        "placed_on": scheme.ends_on + timedelta(days=30) if status == "placed" else None,
        "placed_from_profession": came_from[0] if status == "placed" else None,
        "placed_from_grade": came_from[1] if status == "placed" else None,
        "created_at": applied,
        "updated_at": applied,
    }


def _fits(db: Session, framework: Framework, person_ids: list[int], target: str) -> dict[int, int]:
    """Each person's fit (rounded) to the target from their current ratings."""
    people = np.array(person_ids, dtype=np.int64)
    fits, _ = scoring_model(framework).score_level(current_codes(db, framework, people, only_these=True), target)
    return {int(p): round(float(f)) for p, f in zip(people, fits, strict=True)}
