"""Starting suggestions for a self-assessment, from what a person has shown in their profession.

Suggestions are `inferred` evidence: the person confirms or changes each one; they are never
treated as facts about the person (transferable_skills.json → usage_rules).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .framework import PROFICIENCY_RANK, Framework
from .matching import transferable_data
from .profile import Profile, Rating
from .transferable import TransferableData

CONFIDENCE_CAP = 0.8
MINIMUM_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Suggestion:
    skill: str
    level: int | None  # None: too weak to pre-fill; ask the question instead
    confidence: float
    reasons: tuple[str, ...]  # the rationale of each crosswalk row behind it


def suggest_ratings(
    framework: Framework,
    grade: str,
    shown: Iterable[tuple[str, str, str]],
    data: TransferableData | None = None,
) -> list[Suggestion]:
    """Suggestions per DDaT skill from the (framework, kind, id) capabilities the person has shown."""
    data = data or transferable_data(framework)
    band = data.band_of(grade)
    shown = set(shown)
    rows_by_skill: dict[str, list] = {}
    for row in data.crosswalk:
        level = row.level_by_band.get(band) if band else None
        if row.source in shown and level is not None:
            rows_by_skill.setdefault(row.skill, []).append((row, PROFICIENCY_RANK[level]))
    suggestions = []
    for skill, rows in rows_by_skill.items():
        # Highest strength wins; on a tie, the lower level (the cautious choice).
        strongest, level = max(rows, key=lambda pair: (pair[0].strength, -pair[1]))
        unconfident = 1.0
        for row, _ in rows:
            unconfident *= 1 - row.strength
        confidence = min(CONFIDENCE_CAP, 1 - unconfident)
        ceiling = PROFICIENCY_RANK[data.skills[skill].prefill_ceiling] if skill in data.skills else 3
        level = min(level, ceiling, PROFICIENCY_RANK["practitioner"])  # never pre-fill expert
        suggestions.append(
            Suggestion(
                skill=skill,
                level=level if confidence >= MINIMUM_CONFIDENCE else None,
                confidence=round(confidence, 3),
                reasons=tuple(row.rationale for row, _ in sorted(rows, key=lambda p: -p[0].strength)),
            )
        )
    return sorted(suggestions, key=lambda s: (-s.confidence, s.skill))


def suggested_profile(suggestions: list[Suggestion], grade: str, profession: str | None = None) -> Profile:
    """The pre-filled suggestions as a profile of `inferred` ratings, before the person confirms them."""
    ratings = tuple(Rating(s.skill, s.level, "inferred") for s in suggestions if s.level)
    return Profile(ratings, grade, profession)
