"""Role-first recommendations: one per role, grade-aware, viable and desirable by a calibrated
threshold, and readiness that asks for a role's specialist skills."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways import Profile, calibration, load_framework, match, profiles_matrix, rank_candidates, recommend_roles
from pathways.aggregates import readiness_bands
from pathways.graph import pathway_graph
from pathways.scoring import READINESS_BANDS, READY_NOW, READY_WITH_DEVELOPMENT, scoring_model, shown_fit
from tests.pathways.tiny import tiny_framework

FRAMEWORK = load_framework()
GENERIC_ONLY = {"incident-management": 1, "ownership-and-topic": 1, "problem-management": 1, "user-focus": 1}


def test_meeting_only_the_generic_requirements_is_not_ready_now():
    result = match(FRAMEWORK, Profile.of(GENERIC_ONLY, grade="G7"), "associate-infrastructure-operations-engineer")
    assert result.fit == 100
    assert result.readiness == READY_WITH_DEVELOPMENT
    assert {g.skill for g in result.specialist_gaps} >= {"technical-understanding", "coding-and-scripting"}
    assert result.specialist_fit == 0


def test_with_awareness_of_the_roles_specialist_skills_it_is_ready_now():
    level = "associate-infrastructure-operations-engineer"
    specialist = {g.skill: 1 for g in match(FRAMEWORK, Profile.of(GENERIC_ONLY), level).specialist_gaps}
    assert match(FRAMEWORK, Profile.of(GENERIC_ONLY | specialist), level).readiness == READY_NOW


held_skills = st.dictionaries(st.sampled_from(sorted(FRAMEWORK.skills)), st.integers(1, 4), max_size=40)


@settings(max_examples=30, deadline=None)
@given(st.lists(held_skills, min_size=1, max_size=6), st.sampled_from(sorted(FRAMEWORK.role_levels)))
def test_every_way_of_working_out_readiness_agrees(people, level):
    """The person's own page, HR's candidate pool and the leaders' dashboard use one rule."""
    profiles = [Profile.of(p) for p in people]
    codes = profiles_matrix(FRAMEWORK, profiles)
    one_by_one = [match(FRAMEWORK, p, level).readiness for p in profiles]
    ranked = {c.index: c.readiness for c in rank_candidates(FRAMEWORK, codes, level, top=len(profiles))}
    assert [ranked[i] for i in range(len(profiles))] == one_by_one
    bands = readiness_bands(scoring_model(FRAMEWORK), codes, level)
    assert [READINESS_BANDS[int(np.argmax(bands[:, i]))] for i in range(len(profiles))] == one_by_one


@settings(max_examples=30, deadline=None)
@given(held_skills, st.sampled_from([None, "AA", "EO", "HEO", "SEO", "G7", "G6", "SCS1"]))
def test_recommendations_agree_with_the_explained_match(held, grade):
    profile = Profile.of(held, grade=grade)
    suggestions = recommend_roles(FRAMEWORK, profile, top=52, include_step_down=True)
    assert len({s.role for s in suggestions}) == len(suggestions)
    threshold = calibration(FRAMEWORK).viable_fit
    for s in suggestions:
        explained = match(FRAMEWORK, profile, s.level)
        assert (s.fit, s.readiness, s.specialist_fit) == (explained.fit, explained.readiness, explained.specialist_fit)
        assert [(g.skill, g.held) for g in s.biggest_gaps] == [(g.skill, g.held) for g in explained.biggest_gaps]
        assert s.level in {o.level for o in s.other_levels}
        assert [o.level for o in s.other_levels] == [lv.slug for lv in FRAMEWORK.roles[s.role].levels]
        assert s.viable == (s.fit >= threshold and (s.grade.steps is None or s.grade.steps <= 1))
        assert s.desirable == (s.viable and (s.grade.steps is None or s.grade.steps >= -1))
        assert all(g.gap >= 3 for g in s.large_gaps) and len(s.large_gaps) == sum(g.gap >= 3 for g in s.biggest_gaps)
    order = [(not s.desirable, not s.viable, -s.fit) for s in suggestions]
    assert order == sorted(order)


def test_the_suggested_level_is_the_best_fit_at_the_persons_grade_or_one_up():
    profile = Profile.of({"analysis-and-insight": 3, "data-visualisation": 3}, grade="SEO")
    for s in recommend_roles(FRAMEWORK, profile, top=52):
        at_grade = [o for o in s.other_levels if o.grade.steps in (0, 1)]
        if at_grade:
            assert s.fit == max(o.fit for o in at_grade)


@given(fit=st.floats(0, 100))
def test_a_fit_is_viable_exactly_when_the_percentage_shown_for_it_reaches_the_bar_shown(fit):
    # A review found a viable move shown as "Fit 54%" on a page saying "at least 54.8%".
    bar = calibration(FRAMEWORK).viable_fit
    assert bar == int(bar)
    assert (fit >= bar) == (shown_fit(fit) >= bar)


def test_the_viable_threshold_is_calibrated_from_the_framework_it_is_used_with():
    figures = calibration(FRAMEWORK)
    graph = pathway_graph(FRAMEWORK)
    row = {slug: i for i, slug in enumerate(graph.model.levels)}
    steps = np.array([
        graph.fits_between_levels[row[a.slug], row[b.slug]]
        for role in FRAMEWORK.roles.values() for a, b in zip(role.levels, role.levels[1:], strict=False)
    ])  # fmt: skip
    assert figures.viable_fit == math.floor(steps.mean() - steps.std())
    assert 0 < figures.viable_fit < 100 and figures.pairs == 153
    assert 0.75 < figures.share_of_pairs_clearing < 0.9
    tiny = tiny_framework()
    assert calibration(tiny).pairs == 1 and calibration(tiny) != figures


def test_ties_in_fit_go_to_the_closer_grade_not_the_name():
    nothing = Profile.of({"user-focus": 1}, grade="EO")
    suggestions = recommend_roles(FRAMEWORK, nothing, top=52)
    for a, b in zip(suggestions, suggestions[1:], strict=False):
        if (a.desirable, a.viable, a.fit) == (b.desirable, b.viable, b.fit):
            assert abs(a.grade.steps or 0) <= abs(b.grade.steps or 0)


def test_observed_moves_break_ties_and_are_reported():
    # Both associate operations engineer levels need exactly these four skills: a tie.
    profile = Profile.of({"user-focus": 1}, grade="EO")
    plain = recommend_roles(FRAMEWORK, profile, top=2)
    assert [s.fit for s in plain] == [plain[0].fit] * 2 and plain[0].grade.steps == plain[1].grade.steps
    boosted = recommend_roles(FRAMEWORK, profile, top=2, observed={plain[1].role: 12})
    assert [s.role for s in boosted] == [plain[1].role, plain[0].role]
    assert (boosted[0].observed, boosted[1].observed) == (12, 0)
