"""Completed learning as skills evidence.

A learning item evidences some skills at some level. Completing it adds `course` evidence:
the person's rating for each skill becomes the stronger of what they had and what the course
shows. Ratings are compared by their code (level first, then evidence), so a course never
lowers a level and never replaces validated evidence at the same level.
"""

from collections.abc import Iterable, Mapping

from .profile import encode

COURSE = "course"


def with_course_evidence(
    ratings: Mapping[str, tuple[int, str]], evidenced: Iterable[tuple[str, int]]
) -> dict[str, tuple[int, str]]:
    """`ratings` maps skill to (level, evidence); level 0 means "not yet". Returns the new map."""
    result = dict(ratings)
    for skill, level in evidenced:
        held = result.get(skill)
        if held is None or held[0] == 0 or encode(level, COURSE) > encode(*held):
            result[skill] = (level, COURSE)
    return result


def changed_skills(before: Mapping[str, tuple[int, str]], after: Mapping[str, tuple[int, str]]) -> list[str]:
    return sorted(skill for skill, rating in after.items() if before.get(skill) != rating)
