"""View models for the framework explorer pages, built from the engine's framework."""

from collections import Counter
from dataclasses import dataclass

from pathways import Framework, Role, RoleLevel, compare_levels, neighbours_in_role, search, similar_role_levels
from pathways.framework import PROFICIENCIES
from pathways.grades import indicative_grade_label
from pathways.matching import transferable_data

from ..paging import Page
from ..vocabulary import GRADE_NAMES


@dataclass(frozen=True)
class FamilySummary:
    slug: str
    name: str
    roles: list[Role]
    level_count: int


def families(framework: Framework) -> list[FamilySummary]:
    return [
        FamilySummary(
            slug=family.slug,
            name=family.name,
            roles=sorted((framework.roles[r] for r in family.roles), key=lambda r: r.name),
            level_count=sum(len(framework.roles[r].levels) for r in family.roles),
        )
        for family in framework.families
    ]


def family_name(framework: Framework, slug: str) -> str:
    return next(f.name for f in framework.families if f.slug == slug)


def grade_label(framework: Framework, level: RoleLevel) -> str:
    """The same indicative grade, and the same "estimated" where it is one, as the matches page."""
    return indicative_grade_label(framework, transferable_data(framework), level, GRADE_NAMES)


def level_meanings(framework: Framework) -> dict[str, str]:
    """Each proficiency's general meaning, the same for every skill. The framework describes
    each skill at each level in its own words too, but the data this service loads keeps facts
    only (pathways/data/README.md), so no skill has a meaning of its own here: every page that
    explains a level gives the general one, says so, and points to the framework's page."""
    return {level.name: level.summary for level in framework.proficiency_levels}


def skills_by_proficiency(framework: Framework, level: RoleLevel) -> list[tuple[str, list]]:
    """Highest proficiency first: what the level leans on most."""
    groups = []
    for proficiency in reversed(PROFICIENCIES):
        skills = [framework.skills[r.skill] for r in level.requirements if r.level == proficiency]
        if skills:
            groups.append((proficiency, sorted(skills, key=lambda s: s.name)))
    return groups


def level_page(framework: Framework, level: RoleLevel) -> dict:
    previous, following = neighbours_in_role(framework, level)
    similar = [
        {
            "level": framework.role_levels[s.level],
            "role": framework.roles[framework.role_levels[s.level].role],
            "overlap_percent": round(s.overlap * 100),
            "shared_skills": s.shared_skills,
        }
        for s in similar_role_levels(framework, level.slug)
    ]
    return {
        "role": framework.roles[level.role],
        "level": level,
        "grade": grade_label(framework, level),
        "groups": skills_by_proficiency(framework, level),
        "meanings": level_meanings(framework),
        "previous": previous,
        "next": following,
        "similar": similar,
    }


def skill_page(framework: Framework, skill_slug: str) -> dict:
    skill = framework.skills[skill_slug]
    needed = sorted(
        framework.role_levels_needing(skill_slug),
        key=lambda pair: (framework.roles[pair[0].role].name, pair[0].order),
    )
    counts = Counter(proficiency for _, proficiency in needed)
    variants = sorted((s for s in framework.skills.values() if s.variant_of == skill_slug), key=lambda s: s.name)
    base = framework.skills.get(skill.variant_of) if skill.variant_of else None
    return {
        "skill": skill,
        "meanings": level_meanings(framework),
        "needed_by": [{"level": lv, "role": framework.roles[lv.role], "proficiency": p} for lv, p in needed],
        "counts": [(p, counts[p]) for p in PROFICIENCIES],
        "variants": variants,
        "base": base,
    }


def skills_a_to_z(framework: Framework) -> list[tuple[str, list]]:
    letters: dict[str, list] = {}
    for skill in framework.skills.values():
        letters.setdefault(skill.name[0].upper(), []).append(skill)
    return sorted(letters.items())


SEARCH_GROUPS = (("role", "Roles"), ("level", "Role levels"), ("skill", "Skills"))


def search_results(framework: Framework, query: str, page: int, per_page: int) -> dict:
    """Every hit, grouped as roles, role levels and skills (best first within each), a page at a time."""
    hits = search(framework, query)
    counts = {kind: sum(h.kind == kind for h in hits) for kind, _ in SEARCH_GROUPS}
    ordered = [h for kind, _ in SEARCH_GROUPS for h in hits if h.kind == kind]
    shown = Page.of(page, len(ordered), per_page)
    on_page = ordered[shown.offset : shown.offset + per_page]
    groups = [(label, [h for h in on_page if h.kind == kind]) for kind, label in SEARCH_GROUPS]
    return {
        "total": len(hits),
        "counts": [(counts[kind], label) for kind, label in SEARCH_GROUPS if counts[kind]],
        "groups": [(label, group) for label, group in groups if group],
        "page": shown,
        "last_shown": shown.offset + len(on_page),
    }


def comparison(framework: Framework, from_slug: str, to_slug: str) -> dict:
    result = compare_levels(framework, from_slug, to_slug)
    sections = [
        ("new", "New skills", "Needed at the new level but not the current one", result.new),
        ("higher", "Higher proficiency", "Needed at a higher proficiency", result.higher),
        ("shared", "Same proficiency", "Needed at the same proficiency at both levels", result.shared),
        ("lower", "Lower proficiency", "Needed at a lower proficiency", result.lower),
        ("dropped", "No longer needed", "Needed at the current level only", result.dropped),
    ]
    return {
        "skill_names": {slug: skill.name for slug, skill in framework.skills.items()},
        "from": framework.role_levels[from_slug],
        "to": framework.role_levels[to_slug],
        "sections": [
            {"key": key, "title": title, "hint": hint, "changes": changes} for key, title, hint, changes in sections
        ],
    }


def level_choices(framework: Framework) -> list[tuple[str, str]]:
    """Options for choosing a role level, grouped by role name in the label."""
    levels = sorted(framework.role_levels.values(), key=lambda lv: (framework.roles[lv.role].name, lv.order))
    return [(lv.slug, f"{lv.name} ({framework.roles[lv.role].name})") for lv in levels]
