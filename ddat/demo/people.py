"""Demo people whose skills look like a real department's.

Policy and Operational Delivery people start from what their profession and grade show: a
random handful of the Civil Service behaviours and their profession's capabilities, turned
into DDaT skill levels by the same crosswalk that pre-fills a real self-assessment, then
rated a little higher or lower, as people do. DDaT people hold most of one role level's
skills near the level it needs, the level chosen to suit their grade. Everyone else has a
few transferable skills at lower levels.
"""

import random
from functools import lru_cache

from pathways import Framework, suggest_ratings
from pathways.grades import indicative_grades
from pathways.matching import transferable_data

# How far a person's own rating strays from the crosswalk's suggestion.
DRIFT, DRIFT_WEIGHTS = (-1, 0, 1), (2, 5, 2)
DROPPED_SHARE = 0.15  # suggestions a person leaves unanswered or rates "not yet"


def experience_for(profession: str, framework: Framework, rng: random.Random) -> list[tuple[str, str, str]]:
    """What a person says they have shown: some behaviours and some of their profession's capabilities."""
    sources = [s.source for s in transferable_data(framework).sources]
    behaviours = [s for s in sources if s[0] == "success_profiles"]
    own = [s for s in sources if s[0] == profession]
    shown = rng.sample(behaviours, rng.randint(2, 6))
    if own:
        shown += rng.sample(own, rng.randint(1, min(3, len(own))))
    return shown


def crosswalk_ratings(
    framework: Framework, grade: str, shown: list[tuple[str, str, str]], rng: random.Random
) -> dict[str, int]:
    ratings = {}
    for suggestion in suggest_ratings(framework, grade, shown):
        if rng.random() < DROPPED_SHARE:
            continue
        if suggestion.level is None:  # too weak a link to pre-fill: some people still claim it
            if rng.random() < 0.3:
                ratings[suggestion.skill] = 1
            continue
        level = suggestion.level + rng.choices(DRIFT, DRIFT_WEIGHTS)[0]
        ratings[suggestion.skill] = max(1, min(4, level))
    return ratings


def ddat_ratings(framework: Framework, grade: str, rng: random.Random) -> dict[str, int]:
    """Most of one role level's skills, at or just below what it needs; the level one their
    grade would hold where the framework says."""
    level = rng.choice(_levels_at(framework, grade) or list(framework.role_levels.values()))
    ratings = {}
    for requirement in level.requirements:
        if rng.random() < 0.1:
            continue
        ratings[requirement.skill] = max(1, min(4, requirement.rank - rng.choices((0, 1, -1), (6, 3, 1))[0]))
    return ratings


@lru_cache(maxsize=64)
def _levels_at(framework: Framework, grade: str) -> tuple:
    """Role levels whose indicative grades include `grade`: worked out once, not per person."""
    data = transferable_data(framework)
    return tuple(lv for lv in framework.role_levels.values() if grade in indicative_grades(framework, data, lv)[0])


def other_ratings(framework: Framework, rng: random.Random) -> dict[str, int]:
    transferable = sorted(transferable_data(framework).skills)
    return {skill: rng.choice((1, 1, 2)) for skill in rng.sample(transferable, rng.randint(2, 6))}


def ratings_for(
    profession: str, grade: str, framework: Framework, rng: random.Random
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """A person's ratings by skill, and the experience they gave."""
    if profession == "ddat":
        return ddat_ratings(framework, grade, rng), []
    if profession in ("policy", "operational_delivery"):
        shown = experience_for(profession, framework, rng)
        return crosswalk_ratings(framework, grade, shown, rng), shown
    return other_ratings(framework, rng), []
