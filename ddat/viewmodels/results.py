"""View models for a person's matches, a match explained, and a pathway plan."""

from pathways import Framework, Profile, best_next_skills, match, plan_pathway
from pathways.grades import grade_implication
from pathways.matching import explain, ranked_levels, transferable_data
from pathways.scoring import READINESS_BANDS, confidence_band

from ..csv_files import csv_text
from ..paging import Page
from ..vocabulary import level_name

READINESS = list(READINESS_BANDS)
MATCHES_PER_PAGE = 10


def gap_view(framework: Framework, gap) -> dict:
    return {
        "skill": framework.skills[gap.skill],
        "required": level_name(gap.required),
        "held": level_name(gap.held),
        "gap": gap.gap,
    }


def _match_view(framework: Framework, item) -> dict:
    level = framework.role_levels[item.match.level]
    role = framework.roles[level.role]
    return {
        "level": level,
        "role": role,
        "family": role.family,
        "fit": round(item.match.fit),
        "readiness": item.match.readiness,
        "grade": item.grade,
        "entry_route": item.entry_route,
        "gaps": [gap_view(framework, g) for g in item.match.biggest_gaps[:3]],
        "confidence": confidence_band(item.match.confidence),
    }


def matches_page(
    framework: Framework, profile: Profile, family: str | None, readiness: str | None, page: int = 1
) -> dict:
    data = transferable_data(framework)

    def keep(ranked):
        level_family = framework.roles[framework.role_levels[ranked.score.level].role].family
        return (not family or level_family == family) and (not readiness or ranked.readiness == readiness)

    # Every level is ranked and filtered; only the ones on this page are explained skill by skill.
    shown = [r for r in ranked_levels(framework, profile, data=data) if keep(r)]
    others = [r for r in shown if not r.entry_route]
    shown_page = Page.of(page, len(others), MATCHES_PER_PAGE)
    page, pages, start = shown_page.number, shown_page.pages, shown_page.offset

    def views(ranked):
        return [_match_view(framework, explain(framework, profile, r, data=data)) for r in ranked]

    return {
        "entry_routes": views(r for r in shown if r.entry_route) if page == 1 else [],
        "others": views(others[start : start + MATCHES_PER_PAGE]),
        "others_from": start + 1,
        "others_total": len(others),
        "page": page,
        "pages": pages,
        "total": len(shown),
        "next_skills": [
            {"skill": framework.skills[n.skill], "level": level_name(n.level), "opens": n.opens}
            for n in best_next_skills(framework, profile, n=3)
        ],
        "families": [
            (f.slug, f.name) for f in framework.families if any(r for r in f.roles if framework.roles[r].levels)
        ],
    }


def match_detail(framework: Framework, profile: Profile, level_slug: str) -> dict:
    result = match(framework, profile, level_slug)
    level = framework.role_levels[level_slug]
    data = transferable_data(framework)
    return {
        "level": level,
        "role": framework.roles[level.role],
        "fit": round(result.fit),
        "readiness": result.readiness,
        "confidence": confidence_band(result.confidence),
        "grade": grade_implication(framework, data, level, profile.grade),
        "met": [gap_view(framework, g) for g in result.met],
        "partial": [gap_view(framework, g) for g in result.partial],
        "missing": [gap_view(framework, g) for g in result.missing],
    }


def pathway_page(framework: Framework, profile: Profile, target: str) -> dict:
    plan = plan_pathway(framework, profile, target, k=3)
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
                            "hours": g.hours,
                            "from_learning": _from_learning(profile, g.skill) and g not in step.from_earlier_steps,
                            "from_earlier_step": g in step.from_earlier_steps,
                        }
                        for g in step.gaps
                    ],
                }
            )
        routes.append({"steps": steps, "total_hours": route.total_hours})
    return {"routes": routes, "message": plan.message, "target_name": target_name(framework, target)}


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


def pathway_csv(page: dict) -> str:
    rows = []
    for r, route in enumerate(page["routes"], start=1):
        for s, step in enumerate(route["steps"], start=1):
            if not step["gaps"]:
                rows.append([r, s, step["name"], "", "", "", "", 0])
            for gap in step["gaps"]:
                held_from = "an earlier step" if gap["from_earlier_step"] else "your skills"
                rows.append(
                    [r, s, step["name"], gap["skill"].name, gap["held"], held_from, gap["required"], gap["hours"]]
                )
    return csv_text(["Route", "Step", "Role level", "Skill", "You have", "From", "Needed", "Hours"], rows)
