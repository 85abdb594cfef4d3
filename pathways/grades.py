"""Indicative grades for role levels, and what a move means for a person's grade."""

from __future__ import annotations

from dataclasses import dataclass

from .framework import Framework, RoleLevel
from .transferable import TransferableData


@dataclass(frozen=True)
class GradeImplication:
    kind: str  # "same grade", "step up", "step down" or "unknown"
    level_grades: tuple[str, ...]
    source: str  # "framework", "one department's example" or "name-based rule"

    @property
    def summary(self) -> str:
        if not self.level_grades:
            return f"{self.kind.capitalize()} (no indicative grade is known for this level)"
        source = SOURCE_LABELS[self.source]
        return f"{self.kind.capitalize()} (indicative grade {'/'.join(self.level_grades)}, {source})"


SOURCE_LABELS = {
    "framework": "from the framework",
    "one department's example": "one department's example",
    "name-based rule": "estimated from the level's name",
}


def indicative_grades(framework: Framework, data: TransferableData, level: RoleLevel) -> tuple[tuple[str, ...], str]:
    """The framework's grade wins; then the crosswalk's overrides; then its name patterns."""
    if level.typical_grade:
        source = "framework" if level.typical_grade_source == "framework_role_page" else "one department's example"
        return tuple(level.typical_grade.split("/")), source
    if level.slug in data.grade_overrides:
        return data.grade_overrides[level.slug], "name-based rule"
    role_name = framework.roles[level.role].name
    for rule in data.grade_patterns:
        if rule.pattern.search(level.name) and (rule.role_pattern is None or rule.role_pattern.search(role_name)):
            return rule.grades, "name-based rule"
    return (), "name-based rule"


def grade_implication(
    framework: Framework, data: TransferableData, level: RoleLevel, grade: str | None
) -> GradeImplication:
    grades, source = indicative_grades(framework, data, level)
    order = framework.grade_codes
    if grade not in order or not grades:
        return GradeImplication("unknown", grades, source)
    mine = order.index(grade)
    ranks = [order.index(g) for g in grades if g in order]
    if min(ranks) <= mine <= max(ranks):
        kind = "same grade"
    elif mine < min(ranks):
        kind = "step up"
    else:
        kind = "step down"
    return GradeImplication(kind, grades, source)
