"""Which roles a person could move into, one suggestion per role, at a level their grade allows.

A ranking of 201 role levels repeats each role at several levels and offers a Grade 7 the
associate levels first. Here each role is suggested once, at the level the person fits best
at their grade or one grade up (`grades.level_for_grade`), and marked

- **viable** when the fit is at least a threshold calibrated from the framework itself
  (`calibration`) and the level is no more than one grade above theirs, and
- **desirable** when it is viable and no more than one grade below theirs (pay falls by
  more than a quarter beyond that).

Roles suggested below the person's grade are left out unless asked for. The method is
described, with its figures, in docs/matching.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .framework import Framework, in_sentence
from .grades import STEP_DOWN, GradeImplication, implication, indicative_grades, level_for_grade
from .matching import transferable_data
from .profile import Profile
from .scoring import DEFAULT_THRESHOLDS, SkillGap, Thresholds, scoring_model, shown_fit

LARGE_GAP = 3  # levels of one skill still to learn that a readiness band must mention
# A role whose suggested level the person meets less than this of is not suggested at all:
# that would be starting afresh, not a move, and it fills a short list with noise.
MIN_FIT_TO_SUGGEST = 10.0


@dataclass(frozen=True)
class Calibration:
    """The fit a move needs to be viable, worked out from the framework: mean − 1 SD of the
    fit that someone holding exactly one level's requirements has for the next level of the
    same role, rounded down to a whole percentage. Promotions within a role are the moves the
    framework itself describes, and about five in six of them clear this bar. Pages show fits
    as whole percentages rounded down (`shown_fit`), so a bar with a fraction would put a
    viable "59%" beside "at least 59.7%"; a whole bar is cleared by a fit exactly when its
    shown percentage clears it."""

    viable_fit: float
    mean: float
    sd: float
    pairs: int
    share_of_pairs_clearing: float  # of those same-role moves
    share_of_all_pairs_clearing: float  # of every ordered pair of levels in different roles


@lru_cache(maxsize=4)
def calibration(framework: Framework) -> Calibration:
    from .graph import pathway_graph  # the graph imports this module's neighbours

    graph = pathway_graph(framework)
    fits = graph.fits_between_levels
    row = {slug: i for i, slug in enumerate(graph.model.levels)}
    steps = np.array(
        [
            fits[row[lower.slug], row[higher.slug]]
            for role in framework.roles.values()
            for lower, higher in zip(role.levels, role.levels[1:], strict=False)
        ]
    )
    threshold = float(np.floor(steps.mean() - steps.std()))
    role_of = np.array([framework.role_levels[slug].role for slug in graph.model.levels])
    other_roles = role_of[:, None] != role_of[None, :]
    return Calibration(
        viable_fit=threshold,
        mean=float(steps.mean()),
        sd=float(steps.std()),
        pairs=len(steps),
        share_of_pairs_clearing=float((steps >= threshold).mean()),
        share_of_all_pairs_clearing=float((fits[other_roles] >= threshold).mean()),
    )


@dataclass(frozen=True)
class LevelOption:
    level: str
    fit: float
    readiness: str
    grade: GradeImplication


@dataclass(frozen=True)
class Recommendation:
    role: str
    level: str  # the suggested level
    fit: float
    readiness: str
    specialist_fit: float | None
    grade: GradeImplication
    viable: bool
    desirable: bool
    reason: str  # why it is (or is not) viable and desirable, in one sentence
    why: str  # why it is suggested, in one sentence
    biggest_gaps: tuple[SkillGap, ...]
    specialist_gaps: tuple[SkillGap, ...]
    large_gaps: tuple[SkillGap, ...]  # LARGE_GAP levels or more still to learn
    matched: tuple[str, ...]  # skills held for the level, most distinctive first
    other_levels: tuple[LevelOption, ...]  # every level of the role, most junior first
    entry_route: bool
    observed: int  # people from the person's profession and grade band who moved into the role


@lru_cache(maxsize=64)
def _grades_for(framework: Framework, grade: str | None) -> dict[str, GradeImplication]:
    """Every level's grade implication for someone at `grade`: a dozen grades, worked out once."""
    data = transferable_data(framework)
    return {
        slug: implication(framework.grade_codes, *indicative_grades(framework, data, level), grade)
        for slug, level in framework.role_levels.items()
    }


def recommend_roles(
    framework: Framework,
    profile: Profile,
    top: int = 10,
    include_step_down: bool = False,
    observed: Mapping[str, int] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[Recommendation]:
    """One recommendation per role, best first.

    Order: desirable, then viable, then fit at the suggested level; ties by how close the
    level is to the person's grade, then moves observed for people like them (`observed`,
    role slug → count, already through disclosure control), then how distinctive the
    skills they match are, and only then the role's name.
    """
    model = scoring_model(framework)
    fits, specialist_fits, levels = model.one_person_fits(model.codes_row(profile))
    grades = _grades_for(framework, profile.grade)
    viable_fit = calibration(framework).viable_fit
    routes = {route.level for route in transferable_data(framework).entry_routes}
    observed = observed or {}
    # Per level, how distinctive the skills are that the person holds of it: a tie-breaker.
    matched_weights = ((model.required > 0) & (levels > 0)) @ model.weights
    fits, specialist_fits = fits.tolist(), specialist_fits.tolist()
    candidates = []
    for role in framework.roles.values():
        if not role.levels:
            continue
        options = _options(model, role, fits, specialist_fits, grades, thresholds)
        chosen = options[level_for_grade([(o.level, o.fit, o.grade) for o in options])]
        if chosen.fit < MIN_FIT_TO_SUGGEST or (chosen.grade.kind == STEP_DOWN and not include_step_down):
            continue
        steps = chosen.grade.steps
        viable, desirable = _viable_and_desirable(chosen, viable_fit)
        matched_weight = int(matched_weights[model.row[chosen.level]])
        key = (
            not desirable,
            not viable,
            -round(chosen.fit, 6),
            abs(steps) if steps is not None else 99,
            -observed.get(role.slug, 0),
            -matched_weight,
            role.name,
        )
        candidates.append((key, role, chosen, tuple(options)))
    candidates.sort(key=lambda item: item[0])
    return [
        _explain(framework, levels, specialist_fits, role, chosen, options, viable_fit, routes, observed)
        for _, role, chosen, options in candidates[:top]
    ]


def _viable_and_desirable(chosen: LevelOption, viable_fit: float) -> tuple[bool, bool]:
    """Viable: fit at the bar and no more than one grade up. Desirable: viable and no more
    than one grade down. An unknown grade limits neither."""
    steps = chosen.grade.steps
    viable = chosen.fit >= viable_fit and (steps is None or steps <= 1)
    return viable, viable and (steps is None or steps >= -1)


def _options(model, role, fits: list[float], specialist_fits: list[float], grades, thresholds) -> list[LevelOption]:
    options = []
    for level in role.levels:
        row = model.row[level.slug]
        fit, specialist = fits[row], specialist_fits[row]
        readiness = thresholds.band(fit, None if specialist != specialist else specialist)  # NaN: none
        options.append(LevelOption(level.slug, fit, readiness, grades[level.slug]))
    return options


def suggested_level(
    framework: Framework, profile: Profile, role_slug: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> str:
    """The level of one role that `recommend_roles` would suggest to this person."""
    model = scoring_model(framework)
    fits, specialist_fits, _ = model.one_person_fits(model.codes_row(profile))
    role = framework.roles[role_slug]
    grades = _grades_for(framework, profile.grade)
    options = _options(model, role, fits.tolist(), specialist_fits.tolist(), grades, thresholds)
    return options[level_for_grade([(o.level, o.fit, o.grade) for o in options])].level


def _explain(framework, levels, specialist_fits, role, chosen, options, viable_fit, routes, observed) -> Recommendation:
    """The chosen level's gaps, from the levels held already worked out (as `match` finds them)."""
    model = scoring_model(framework)
    row = model.row[chosen.level]
    viable, desirable = _viable_and_desirable(chosen, viable_fit)

    def gaps_of(needs: np.ndarray) -> list[SkillGap]:
        columns = np.flatnonzero(needs[row])
        return [SkillGap(model.skills[c], int(needs[row, c]), int(levels[c]), None) for c in columns]

    requirements = gaps_of(model.required)
    weight = {g.skill: int(model.weights[model.column[g.skill]]) for g in requirements}
    held = sorted((g for g in requirements if g.held), key=lambda g: (-weight[g.skill], g.skill))
    biggest = tuple(sorted((g for g in requirements if g.gap), key=lambda g: (-g.gap, g.skill)))
    specialist = gaps_of(model.specialist)
    specialist_gaps = tuple(
        sorted(
            (g for g in specialist if g.gap),
            key=lambda g: (-g.gap, -int(model.weights[model.column[g.skill]]), g.skill),
        )
    )
    specialist_fit = specialist_fits[row]
    return Recommendation(
        role=role.slug,
        level=chosen.level,
        fit=chosen.fit,
        readiness=chosen.readiness,
        specialist_fit=None if specialist_fit != specialist_fit else specialist_fit,  # NaN: none
        grade=chosen.grade,
        viable=viable,
        desirable=desirable,
        reason=_reason(chosen, viable, desirable, viable_fit),
        why=_why(framework, chosen, held),
        biggest_gaps=biggest,
        specialist_gaps=specialist_gaps,
        large_gaps=tuple(g for g in biggest if g.gap >= LARGE_GAP),
        matched=tuple(g.skill for g in held),
        other_levels=options,
        entry_route=chosen.level in routes,
        observed=observed.get(role.slug, 0),
    )


def _reason(chosen: LevelOption, viable: bool, desirable: bool, viable_fit: float) -> str:
    # The fit as every page shows it, against a whole-percentage bar: the two compare on the
    # page exactly as they do here.
    meets = f"you meet {shown_fit(chosen.fit)}% of what it needs"
    steps = chosen.grade.steps
    too_high = steps is not None and steps > 1
    if chosen.fit < viable_fit:
        also = f"; and it is {steps} grades above yours, where a viable move is at most one up" if too_high else ""
        return f"Not yet a viable move: {meets}, and a viable move needs {viable_fit:g}%{also}."
    if not viable:
        return f"Not yet a viable move: it is {steps} grades above yours, and a viable move is at most one up."
    if not desirable:
        return f"A viable move, but {-steps} grades below yours, so not a desirable one."
    above = f"{meets}, at least the {viable_fit:g}% a viable move needs"
    if steps is None:
        return f"A viable move: {above}."
    where = {0: "at your grade", 1: "one grade up", -1: "one grade down"}[steps]
    return f"A viable and desirable move, {where}: {above}."


GRADE_PHRASES = {0: "at your grade", 1: "one grade up"}


def _why(framework: Framework, chosen: LevelOption, held: list[SkillGap]) -> str:
    level = in_sentence(framework.role_levels[chosen.level].name)
    steps = chosen.grade.steps
    where = GRADE_PHRASES.get(steps, "the level nearest your grade" if steps is not None else "your best fit")
    if not held:
        return f"Suggested at {level} ({where}); you do not yet hold any of the skills it needs."
    names = [in_sentence(framework.skills[g.skill].name) for g in held[:2]]
    count = "count" if len(names) > 1 else "counts"
    return f"Your {' and '.join(names)} {count} most towards {level} ({where})."
