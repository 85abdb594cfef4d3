"""Indicative grades for role levels, and what a move means for a person's grade."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .framework import Framework, RoleLevel
from .transferable import TransferableData

SAME_GRADE, STEP_UP, STEP_DOWN, UNKNOWN = "same grade", "step up", "step down", "unknown"


@dataclass(frozen=True)
class GradeImplication:
    kind: str  # SAME_GRADE, STEP_UP, STEP_DOWN or UNKNOWN
    level_grades: tuple[str, ...]
    source: str  # "framework", "one department's example" or "name-based rule"
    # Grades between the person's and the level's range: +2 is two grades up, -1 one down,
    # 0 within the range; None when either grade is unknown.
    steps: int | None = None

    @property
    def summary(self) -> str:
        return self.summary_in({})

    def summary_in(self, names: Mapping[str, str]) -> str:
        """The implication in words, each grade by its name in `names` (its code otherwise)."""
        kind = self.kind.capitalize()
        if self.steps is not None and abs(self.steps) > 1:
            kind += f", {abs(self.steps)} grades {'up' if self.steps > 0 else 'down'}"
        if not self.level_grades:
            return f"{kind} (no indicative grade is known for this level)"
        source = SOURCE_LABELS[self.source]
        return f"{kind} (indicative grade {grades_in_words(self.level_grades, names)}, {source})"


def grades_in_words(grades: tuple[str, ...], names: Mapping[str, str]) -> str:
    """ "Grade 7 or Grade 6": a level's indicative grades are alternatives."""
    return " or ".join(names.get(g, g) for g in grades)


SOURCE_LABELS = {
    "framework": "from the framework",
    "one department's example": "one department's example",
    "name-based rule": "estimated from the level's name",
}


def indicative_grade_label(
    framework: Framework, data: TransferableData, level: RoleLevel, names: Mapping[str, str] | None = None
) -> str:
    """A level's indicative grade as every page states it, with where it comes from."""
    grades, source = indicative_grades(framework, data, level)
    if not grades:
        return "Not known"
    return f"{grades_in_words(grades, names or {})} ({SOURCE_LABELS[source]})"


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
    return implication(framework.grade_codes, grades, source, grade)


def implication(order: tuple[str, ...], grades: tuple[str, ...], source: str, grade: str | None) -> GradeImplication:
    """What a level's indicative grades mean for someone at `grade`, grades ranked by `order`."""
    ranks = [order.index(g) for g in grades if g in order]
    if grade not in order or not ranks:
        return GradeImplication(UNKNOWN, grades, source)
    mine = order.index(grade)
    if min(ranks) <= mine <= max(ranks):
        return GradeImplication(SAME_GRADE, grades, source, 0)
    if mine < min(ranks):
        return GradeImplication(STEP_UP, grades, source, min(ranks) - mine)
    return GradeImplication(STEP_DOWN, grades, source, max(ranks) - mine)


def level_for_grade(options: list[tuple[str, float, GradeImplication]]) -> int:
    """Which of a role's levels (slug, fit, grade implication; most junior first) to suggest:
    the best fit at the person's grade or one grade up; else the nearest level to their
    grade; else, with no grades known, the best fit. Ties go to the more junior level."""
    at_grade = [i for i, (_, _, grade) in enumerate(options) if grade.steps in (0, 1)]
    if at_grade:
        return max(at_grade, key=lambda i: (options[i][1], -options[i][2].steps, -i))
    graded = [i for i, (_, _, grade) in enumerate(options) if grade.steps is not None]
    if graded:
        return min(graded, key=lambda i: (abs(options[i][2].steps), -options[i][1], i))
    return max(range(len(options)), key=lambda i: (options[i][1], -i))
