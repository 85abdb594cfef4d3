"""Transferable roles for a person, and which learning would open the most options."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .framework import Framework
from .grades import GradeImplication, grade_implication
from .profile import Profile
from .scoring import DEFAULT_THRESHOLDS, LevelMatch, LevelScore, Thresholds, score_all_levels, scoring_model
from .transferable import TransferableData, load_transferable


@lru_cache(maxsize=4)
def transferable_data(framework: Framework) -> TransferableData:
    return load_transferable(framework)


@dataclass(frozen=True)
class TransferableMatch:
    match: LevelMatch
    grade: GradeImplication
    entry_route: bool


@dataclass(frozen=True)
class RankedLevel:
    """A role level's place in a person's ranking, before it is explained skill by skill."""

    score: LevelScore
    readiness: str
    entry_route: bool


def ranked_levels(
    framework: Framework,
    profile: Profile,
    entry_routes_only: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    data: TransferableData | None = None,
) -> list[RankedLevel]:
    """Every role level by fit (entry routes first among equals), scored all at once: cheap
    enough to sort and filter all of them, leaving `explain` for the ones shown."""
    data = data or transferable_data(framework)
    routes = {route.level for route in data.entry_routes}
    scores = [s for s in score_all_levels(framework, profile) if not entry_routes_only or s.level in routes]
    names = framework.role_levels
    scores.sort(key=lambda s: (-s.fit, s.level not in routes, names[s.level].name))
    return [RankedLevel(s, thresholds.band(s.fit, s.specialist_fit), s.level in routes) for s in scores]


def explain(
    framework: Framework,
    profile: Profile,
    ranked: RankedLevel,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    data: TransferableData | None = None,
) -> TransferableMatch:
    data = data or transferable_data(framework)
    level = ranked.score.level
    return TransferableMatch(
        match=scoring_model(framework).match(profile, level, thresholds),
        grade=grade_implication(framework, data, framework.role_levels[level], profile.grade),
        entry_route=ranked.entry_route,
    )


def transferable_matches(
    framework: Framework,
    profile: Profile,
    top: int = 10,
    entry_routes_only: bool = False,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    data: TransferableData | None = None,
) -> list[TransferableMatch]:
    """All role levels ranked by fit (entry routes first among equals), explained for the top ones."""
    data = data or transferable_data(framework)
    ranked = ranked_levels(framework, profile, entry_routes_only, thresholds, data)
    return [explain(framework, profile, r, thresholds, data) for r in ranked[:top]]


@dataclass(frozen=True)
class WhatIf:
    skill: str
    level: int
    reachable_before: int  # role levels at "ready with development" or better
    reachable_after: int
    newly_reachable: tuple[str, ...]


def _reachable(framework: Framework, profile: Profile, thresholds: Thresholds) -> set[str]:
    return {s.level for s in score_all_levels(framework, profile) if s.fit >= thresholds.ready_with_development}


def what_if(
    framework: Framework, profile: Profile, skill: str, level: int, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> WhatIf:
    before = _reachable(framework, profile, thresholds)
    current = profile.rating(skill)
    evidence = current.evidence if current and current.level >= level else "self"
    improved = profile if current and current.level >= level else profile.with_rating(skill, level, evidence)
    after = _reachable(framework, improved, thresholds)
    return WhatIf(skill, level, len(before), len(after), tuple(sorted(after - before)))


@dataclass(frozen=True)
class NextSkill:
    skill: str
    level: int  # the level to reach: one step above what the person holds
    opens: int  # role levels that would newly reach "ready with development"


def best_next_skills(
    framework: Framework, profile: Profile, n: int = 5, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[NextSkill]:
    """Skills whose next level opens the most role levels: learning ranked by options created."""
    model = scoring_model(framework)
    raised, steps = [], []
    for column, skill in enumerate(model.skills):
        rating = profile.rating(skill)
        held = rating.level if rating else 0
        if held < 4:
            raised.append(column)
            steps.append((skill, held + 1))
    if not raised:
        return []
    now, after = model.fits_with_one_skill_raised(model.codes_row(profile), np.array(raised, dtype=np.int64))
    closed = now < thresholds.ready_with_development  # levels not yet within reach
    opens = ((after >= thresholds.ready_with_development) & closed).sum(axis=1)
    ranked = sorted(range(len(steps)), key=lambda i: (-opens[i], steps[i][1], steps[i][0]))
    return [NextSkill(steps[i][0], steps[i][1], int(opens[i])) for i in ranked[:n] if opens[i] > 0]
