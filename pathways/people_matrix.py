"""Many people at once: the people × skills matrix of rating codes, built from profiles or
database rows, turned back into a profile, and ranked for one role level (docs/matching.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .framework import Framework
from .profile import EVIDENCE_BITS, EVIDENCE_WEIGHTS, Profile, Rating, evidence_weight_of, level_of
from .scoring import DEFAULT_THRESHOLDS, Thresholds, scoring_model


@dataclass(frozen=True)
class RankedCandidate:
    index: int  # row in the profiles matrix
    fit: float
    confidence: float
    readiness: str


def profiles_matrix(framework: Framework, profiles: list[Profile]) -> np.ndarray:
    """People × skills int8 matrix of rating codes, in the model's skill order."""
    model = scoring_model(framework)
    matrix = np.zeros((len(profiles), len(model.skills)), dtype=np.int8)
    for i, profile in enumerate(profiles):
        matrix[i] = model.codes_row(profile)
    return matrix


def codes_from_rows(
    framework: Framework, rows: np.ndarray, skills: list[str], levels: np.ndarray, evidence: list[str], people: int
) -> np.ndarray:
    """People × skills codes from flat rating rows (row index, skill, level, evidence), as read
    from a database: the vectorised twin of `profiles_matrix`, keeping the best code when a
    skill is rated twice. Skills the framework does not know are ignored."""
    model = scoring_model(framework)
    matrix = np.zeros((people, len(model.skills)), dtype=np.int8)
    if len(rows) == 0:
        return matrix
    # Dictionary lookups: only a few hundred distinct strings, so faster than sorting them (np.unique).
    columns = np.fromiter((model.column.get(name, -1) for name in skills), dtype=np.int64, count=len(skills))
    weights = np.fromiter((EVIDENCE_WEIGHTS[kind] for kind in evidence), dtype=np.int64, count=len(evidence))
    codes = (np.asarray(levels) * EVIDENCE_BITS + weights).astype(np.int8)
    known = (columns >= 0) & (np.asarray(levels) > 0)
    np.maximum.at(matrix, (np.asarray(rows)[known], columns[known]), codes[known])
    return matrix


EVIDENCE_OF_WEIGHT = {weight: kind for kind, weight in EVIDENCE_WEIGHTS.items()}


def profile_from_codes(framework: Framework, row: np.ndarray, grade: str | None = None, profession=None) -> Profile:
    """The profile one matrix row stands for, to explain a ranked candidate's fit."""
    model = scoring_model(framework)
    ratings = tuple(
        Rating(
            model.skills[column], int(level_of(row[column])), EVIDENCE_OF_WEIGHT[int(evidence_weight_of(row[column]))]
        )
        for column in np.flatnonzero(row)
    )
    return Profile(ratings, grade, profession)


def rank_candidates(
    framework: Framework, codes: np.ndarray, level: str, top: int = 50, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[RankedCandidate]:
    """The `top` best-fitting rows for one role level; ties go to the earlier row."""
    model = scoring_model(framework)
    fit, confidence = model.score_level(codes, level)
    specialist = model.specialist_fits(codes, level)
    top = min(top, len(fit))
    if top == 0:
        return []
    # Sort only the candidates that can make the cut: everyone at or above the top-th fit.
    cutoff = np.partition(fit, len(fit) - top)[len(fit) - top]
    candidates = np.flatnonzero(fit >= cutoff)
    order = candidates[np.lexsort((candidates, -fit[candidates]))][:top]
    return [
        RankedCandidate(
            int(i),
            float(fit[i]),
            float(confidence[i]),
            thresholds.band(float(fit[i]), None if specialist is None else float(specialist[i])),
        )
        for i in order
    ]
