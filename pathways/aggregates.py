"""Counting groups of people from the people × skills matrix, for dashboards.

Functions here turn the matrix of rating codes (one row per person, one column per framework
skill, see `profile.encode`) into per-person indicators (holds a skill, is ready for a role
level, has a gap), computed once; `count_by_group` then counts them for any set of people
and any grouping. The results are counts of people, so disclosure control can apply to them.

Indicators are kept one row per indicator (indicators × people): each is then one contiguous
run of memory, which makes counting them much faster than columns of a people-first array
(docs/performance.md).
"""

from collections.abc import Sequence

import numpy as np

from .framework import Framework
from .profile import level_of
from .scoring import DEFAULT_THRESHOLDS, READINESS_BANDS, ScoringModel, Thresholds

WORKING = 2


def family_skills(framework: Framework) -> dict[str, list[str]]:
    """The skills each role family's levels need, by family slug, in name order."""
    needed: dict[str, set[str]] = {f.slug: set() for f in framework.families}
    for role in framework.roles.values():
        for level in role.levels:
            needed[role.family].update(req.skill for req in level.requirements)
    return {
        family: sorted(skills, key=lambda s: framework.skills[s].name) for family, skills in needed.items() if skills
    }


def holders(
    model: ScoringModel, codes: np.ndarray, columns: Sequence[Sequence[str]], min_level: int = WORKING
) -> np.ndarray:
    """columns × people: True where a person holds at least one of a column's skills at
    `min_level` or above."""
    levels = level_of(codes)
    held = np.zeros((len(columns), len(codes)), dtype=bool)
    for c, skills in enumerate(columns):
        held[c] = (levels[:, [model.column[s] for s in skills]] >= min_level).any(axis=1)
    return held


def readiness_bands(
    model: ScoringModel, codes: np.ndarray, level_slug: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> np.ndarray:
    """bands × people: True in the one readiness band (ready now, ready with development,
    stretch) each person is in for a role level, as on their own matches page."""
    fit, _ = model.score_level(codes, level_slug)
    specialist = model.specialist_fits(codes, level_slug)
    return np.vstack([thresholds.in_band(fit, band, specialist) for band in READINESS_BANDS])


def gaps(model: ScoringModel, codes: np.ndarray, level_slug: str) -> tuple[list[str], np.ndarray]:
    """The skills a role level needs, and those skills × people: True where a person holds
    the skill (or a variant that counts for it) below the level needed."""
    row = model.row[level_slug]
    columns = [int(c) for c in np.flatnonzero(model.required[row])]
    below = np.zeros((len(columns), len(codes)), dtype=bool)
    for i, column in enumerate(columns):
        below[i] = level_of(model.column_best(codes, column)) < model.required[row, column]
    return [model.skills[c] for c in columns], below


def count_by_group(groups: np.ndarray, n_groups: int, keep: np.ndarray, indicators: np.ndarray) -> np.ndarray:
    """groups × (1 + indicators): how many kept people are in each group, then how many of
    them each indicator (a row of `indicators`, one value per person) marks."""
    counts = np.zeros((n_groups, 1 + len(indicators)), dtype=np.int64)
    counts[:, 0] = np.bincount(groups[keep], minlength=n_groups)
    for i, indicator in enumerate(indicators):
        chosen = keep & indicator
        if n_groups == 1:
            counts[0, 1 + i] = np.count_nonzero(chosen)
        else:  # weights rather than a selection: no copy of the chosen people's groups
            counts[:, 1 + i] = np.bincount(groups, weights=chosen, minlength=n_groups)
    return counts
