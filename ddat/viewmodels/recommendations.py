"""A person's matches, role first: one card per role at the level their grade and fit suggest."""

from pathways import Framework, Profile, best_next_skills, calibration, recommend_roles
from pathways.grades import STEP_DOWN
from pathways.recommend import MIN_FIT_TO_SUGGEST, Recommendation
from pathways.scoring import shown_fit

from ..paging import Page
from ..vocabulary import level_name
from .results import gap_view

ROLES_PER_PAGE = 10
EVERY_ROLE = 100  # more than the framework has: rank them all, then filter and page


def recommendations_page(
    framework: Framework,
    profile: Profile,
    family: str | None,
    readiness: str | None,
    include_step_down: bool,
    observed: dict[str, int],
    page: int = 1,
) -> dict:
    # One ranking with step-downs in: leaving them out keeps the others' order, and says how many were hidden.
    everything = recommend_roles(framework, profile, top=EVERY_ROLE, include_step_down=True, observed=observed)
    ranked = everything if include_step_down else [r for r in everything if r.grade.kind != STEP_DOWN]

    def keep(r: Recommendation) -> bool:
        return (not family or framework.roles[r.role].family == family) and (not readiness or r.readiness == readiness)

    shown = [r for r in ranked if keep(r)]
    # Counted among the roles the filters would show, so ticking "include" shows that many more.
    hidden_step_downs = sum(1 for r in everything if keep(r)) - len(shown)
    shown_page = Page.of(page, len(shown), ROLES_PER_PAGE)
    start = shown_page.offset
    return {
        "cards": [card(framework, r) for r in shown[start : start + ROLES_PER_PAGE]],
        "shown_from": start + 1,
        "total": len(shown),
        "page": shown_page.number,
        "pages": shown_page.pages,
        "viable_fit": calibration(framework).viable_fit,
        "min_fit": MIN_FIT_TO_SUGGEST,
        "hidden_step_downs": hidden_step_downs,
        "grade": profile.grade,
        "next_skills": [
            {"skill": framework.skills[n.skill], "level": level_name(n.level), "opens": n.opens}
            for n in best_next_skills(framework, profile, n=3)
        ],
        "families": [
            (f.slug, f.name) for f in framework.families if any(r for r in f.roles if framework.roles[r].levels)
        ],
    }


def card(framework: Framework, r: Recommendation) -> dict:
    role = framework.roles[r.role]
    level = framework.role_levels[r.level]
    return {
        "role": role,
        "level": level,
        "fit": shown_fit(r.fit),
        "readiness": r.readiness,
        "specialist_fit": None if r.specialist_fit is None else shown_fit(r.specialist_fit),
        "specialist_gaps": [framework.skills[g.skill].name for g in r.specialist_gaps[:3]],
        "specialist_more": max(len(r.specialist_gaps) - 3, 0),
        "grade": r.grade,
        "viable": r.viable,
        "desirable": r.desirable,
        "reason": r.reason,
        "why": r.why,
        "gaps": [gap_view(framework, g) for g in r.biggest_gaps[:3]],
        "large_gaps": [gap_view(framework, g) for g in r.large_gaps],
        "entry_route": r.entry_route,
        "observed": r.observed,
        "other_levels": [
            {
                "level": framework.role_levels[o.level],
                "fit": shown_fit(o.fit),
                "readiness": o.readiness,
                "grade": o.grade,
                "suggested": o.level == r.level,
            }
            for o in r.other_levels
        ],
    }
