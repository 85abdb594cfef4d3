"""View models for one match explained, and a pathway plan."""

from functools import lru_cache

from pathways import Framework, Profile, match, plan_pathway
from pathways.framework import in_sentence
from pathways.grades import grade_implication
from pathways.matching import transferable_data
from pathways.recommend import suggested_level
from pathways.scoring import READINESS_BANDS, confidence_band, shown_fit

from ..csv_files import csv_text
from ..vocabulary import NO_CHANCE_NAME, level_name
from .explorer import level_meanings
from .gap_learning import learning_csv_text

READINESS = list(READINESS_BANDS)


def gap_view(framework: Framework, gap, no_chance: frozenset[str] = frozenset()) -> dict:
    """A gap as a page shows it; a skill answered "not had the chance" says so, not "Not yet"."""
    return {
        "skill": framework.skills[gap.skill],
        "required": level_name(gap.required),
        "held": NO_CHANCE_NAME if not gap.held and gap.skill in no_chance else level_name(gap.held),
        "gap": gap.gap,
    }


def match_detail(
    framework: Framework, profile: Profile, level_slug: str, no_chance: frozenset[str] = frozenset()
) -> dict:
    result = match(framework, profile, level_slug)
    level = framework.role_levels[level_slug]
    data = transferable_data(framework)
    return {
        "level": level,
        "role": framework.roles[level.role],
        "fit": shown_fit(result.fit),
        "readiness": result.readiness,
        "confidence": confidence_band(result.confidence),
        "grade": grade_implication(framework, data, level, profile.grade),
        "met": [gap_view(framework, g) for g in result.met],
        "partial": [gap_view(framework, g) for g in result.partial],
        "missing": [gap_view(framework, g, no_chance) for g in result.missing],
        "specialist": [gap_view(framework, g, no_chance) for g in result.specialist_gaps],
        "meanings": level_meanings(framework),
        "evidence": _evidence_of_needed(profile, level),
    }


def _evidence_of_needed(profile: Profile, level) -> dict[str, int]:
    """How the needed skills the person holds are evidenced: line manager, learning or their own word."""
    held = [profile.rating(r.skill) for r in level.requirements if profile.rating(r.skill) is not None]
    counts = {"held": len(held), "validated": 0, "course": 0}
    for rating in held:
        if rating.evidence in counts:
            counts[rating.evidence] += 1
    counts["own"] = counts["held"] - counts["validated"] - counts["course"]
    return counts


# A reload, the CSV after the page, the back button: the same plan, searched for once.
_cached_plan = lru_cache(maxsize=512)(plan_pathway)


def pathway_page(framework: Framework, profile: Profile, target: str) -> dict:
    plan = _cached_plan(framework, profile, target, k=3)
    routes = []
    for route in plan.routes:
        steps = []
        for step in route.steps:
            steps.append(
                {
                    "name": step.name,
                    "node": step.node,
                    "role": framework.role_levels[step.node].role if step.node in framework.role_levels else None,
                    "why": step.why,
                    "hours": step.hours,
                    "gaps": [
                        {
                            "skill": framework.skills[g.skill],
                            "held": level_name(g.held),
                            "required": level_name(g.required),
                            "held_level": g.held,
                            "required_level": g.required,
                            "hours": g.hours,
                            "from_learning": _from_learning(profile, g.skill) and g not in step.from_earlier_steps,
                            "from_earlier_step": g in step.from_earlier_steps,
                        }
                        for g in step.gaps
                    ],
                }
            )
        routes.append({"steps": steps, "total_hours": route.total_hours})
    # Specialist skills the level's own requirements do not list: the routes above do not
    # teach them, and ready now needs them (pathways/specialist.py).
    specialist = ()
    if target in framework.role_levels:
        listed = {r.skill for r in framework.role_levels[target].requirements}
        specialist = tuple(g for g in match(framework, profile, target).specialist_gaps if g.skill not in listed)
    return {
        "routes": routes,
        "message": plan.message,
        "target_name": target_name(framework, target),
        "specialist_gaps": [in_sentence(framework.skills[g.skill].name) for g in specialist],
    }


def _from_learning(profile: Profile, skill: str) -> bool:
    rating = profile.rating(skill)
    return rating is not None and rating.evidence == "course"


def target_name(framework: Framework, target: str) -> str:
    if target in framework.role_levels:
        return framework.role_levels[target].name
    return framework.roles[target.removeprefix("role:")].name


def pathway_targets(framework: Framework) -> set[str]:
    scs = {f"role:{r.slug}" for r in framework.roles.values() if r.is_senior_civil_service}
    return set(framework.role_levels) | scs


def target_for_role(framework: Framework, profile: Profile, role_slug: str) -> str | None:
    """Where a pathway to a whole role leads: the level suggested for this person, or the
    Senior Civil Service role itself. None for a role the framework does not have."""
    role = framework.roles.get(role_slug)
    if role is None:
        return None
    if role.is_senior_civil_service:
        return f"role:{role.slug}"
    return suggested_level(framework, profile, role.slug) if role.levels else None


def target_choices(framework: Framework) -> list[dict]:
    """Every role a pathway can lead to, by family, with the Senior Civil Service roles first."""
    scs = [(r.slug, r.name) for r in framework.roles.values() if r.is_senior_civil_service]
    groups = [{"label": "Senior Civil Service roles", "options": sorted(scs, key=lambda o: o[1])}]
    for family in framework.families:
        roles = [framework.roles[slug] for slug in family.roles if framework.roles[slug].levels]
        if roles:
            groups.append(
                {"label": family.name, "options": sorted(((r.slug, r.name) for r in roles), key=lambda o: o[1])}
            )
    return groups


def level_choices(framework: Framework, target: str) -> list[tuple[str, str]]:
    """The levels of the target's role, for changing the level a pathway leads to."""
    if target not in framework.role_levels:
        return []
    return [(lv.slug, lv.name) for lv in framework.roles[framework.role_levels[target].role].levels]


def pathway_csv(page: dict) -> str:
    rows = []
    for r, route in enumerate(page["routes"], start=1):
        for s, step in enumerate(route["steps"], start=1):
            if not step["gaps"]:
                rows.append([r, s, step["name"], "", "", "", "", 0, ""])
            for gap in step["gaps"]:
                held_from = "an earlier step" if gap["from_earlier_step"] else "your skills"
                learning = learning_csv_text(gap["learning"]) if "learning" in gap else ""
                row = [r, s, step["name"], gap["skill"].name, gap["held"], held_from, gap["required"], gap["hours"]]
                rows.append([*row, learning])
    headings = ["Route", "Step", "Role level", "Skill", "Starting level", "From", "Needed", "Hours"]
    return csv_text([*headings, "Learning in the catalogue"], rows)
