"""A role's specialist skills: what only doing the work teaches, so readiness can ask for it.

Fit alone can call someone "ready now" for a level whose own requirements are all skills
that any good Policy or Operational Delivery colleague can show (incident management, user
focus...), while the role rests on skills they have never used. A specialist skill of a
role is one its levels need that is

- distinctive to its family: the share of the family's levels needing it is at least twice
  the share of other families' levels needing it (variants count as their base skill), and
- not a transferable skill: not one the crosswalk lets people show from Policy or
  Operational Delivery work (transferable_skills.json, with the variants it matches).

A level's specialist requirements are its own requirements that are specialist skills of its
role; a level that needs none of them (often the most junior) is asked for awareness of every
specialist skill its role needs, because that is what the first months in the role build on.
"""

from __future__ import annotations

from collections import Counter

from .framework import Framework

DISTINCTIVE_LIFT = 2  # share inside the family, over the share outside it
AWARENESS = 1


def distinctive_skills(framework: Framework) -> dict[str, set[str]]:
    """Family slug → the skills distinctive to it, by the share rule above."""
    family_levels: Counter[str] = Counter()
    needing: dict[str, Counter[str]] = {}
    for role in framework.roles.values():
        for level in role.levels:
            family_levels[role.family] += 1
            for skill in {framework.skills[r.skill].variant_of or r.skill for r in level.requirements}:
                needing.setdefault(skill, Counter())[role.family] += 1
    total = sum(family_levels.values())
    distinctive: dict[str, set[str]] = {family: set() for family in family_levels}
    for skill, by_family in needing.items():
        for family, inside in by_family.items():
            outside_levels = total - family_levels[family]
            outside_share = (sum(by_family.values()) - inside) / outside_levels if outside_levels else 0.0
            if inside / family_levels[family] >= DISTINCTIVE_LIFT * outside_share:
                distinctive[family].add(skill)
    return distinctive


def specialist_requirements(framework: Framework, transferable: frozenset[str]) -> dict[str, dict[str, int]]:
    """Role level slug → {skill: level} it needs of its role's specialist skills."""
    distinctive = distinctive_skills(framework)

    def specialist(skill: str, family: str) -> bool:
        base = framework.skills[skill].variant_of or skill
        return base in distinctive[family] and skill not in transferable and base not in transferable

    result: dict[str, dict[str, int]] = {}
    for role in framework.roles.values():
        needed = {r.skill for level in role.levels for r in level.requirements if specialist(r.skill, role.family)}
        for level in role.levels:
            own = {r.skill: r.rank for r in level.requirements if r.skill in needed}
            result[level.slug] = own or dict.fromkeys(sorted(needed), AWARENESS)
    return result
