import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways import (
    Profile,
    Rating,
    Thresholds,
    codes_from_rows,
    load_framework,
    match,
    profiles_matrix,
    rank_candidates,
)
from pathways.people_matrix import profile_from_codes
from pathways.profile import EVIDENCE_KINDS, encode
from pathways.scoring import confidence_band, score_all_levels, scoring_model
from tests.pathways.tiny import tiny_framework

FRAMEWORK = load_framework()
SKILLS = sorted(FRAMEWORK.skills)
LEVELS = sorted(FRAMEWORK.role_levels)


@pytest.fixture(scope="module")
def tiny():
    return tiny_framework()


def test_weights_follow_the_worked_example(tiny):
    model = scoring_model(tiny)
    weights = dict(zip(model.skills, model.weights.tolist(), strict=True))
    # a is needed by all 3 levels, b by 2, c-writing by 1: rarer skills weigh more.
    assert weights["a"] == 69 and weights["b"] == 92 and weights["c-writing"] == 139


def test_worked_example_over_qualification_does_not_cover_a_missing_skill(tiny):
    result = match(tiny, Profile.of({"a": 4}), "analyst")
    assert result.fit == pytest.approx(100 * 69 * 12 / ((69 + 92) * 12))  # 42.86
    assert [g.skill for g in result.met] == ["a"]
    assert [(g.skill, g.gap) for g in result.missing] == [("b", 3)]
    assert result.readiness == "stretch"


def test_worked_example_partial_credit_and_confidence(tiny):
    profile = Profile((Rating("a", 2, "self"), Rating("b", 2, "validated")))
    result = match(tiny, profile, "analyst")
    assert result.fit == pytest.approx(100 * (69 * 12 + 92 * 8) / (161 * 12))  # 80.95
    assert [(g.skill, g.held, g.required) for g in result.partial] == [("b", 2, 3)]
    assert result.confidence == pytest.approx((69 * 12 * 6 + 92 * 8 * 10) / ((69 * 12 + 92 * 8) * 10))
    assert result.readiness == "ready with development"


def test_a_variant_and_its_base_count_for_each_other(tiny):
    assert match(tiny, Profile.of({"a": 1, "c": 2}), "writer").fit == 100
    assert match(tiny, Profile.of({"c-writing": 2}), "writer").missing[0].skill == "a"


def test_meeting_every_requirement_scores_100_and_is_ready_now():
    level = FRAMEWORK.role_levels["associate-data-analyst"]
    result = match(FRAMEWORK, Profile.of({r.skill: r.rank for r in level.requirements}), level.slug)
    assert result.fit == 100 and result.readiness == "ready now"
    assert not result.partial and not result.missing


def test_readiness_thresholds_are_configurable(tiny):
    profile = Profile.of({"a": 2, "b": 2})
    assert match(tiny, profile, "analyst", Thresholds(ready_now=80, ready_with_development=50)).readiness == "ready now"
    assert match(tiny, profile, "analyst", Thresholds(ready_now=95, ready_with_development=90)).readiness == "stretch"


def test_confidence_reflects_evidence():
    skills = {r.skill: r.rank for r in FRAMEWORK.role_levels["associate-data-analyst"].requirements}
    inferred = match(FRAMEWORK, Profile.of(skills, evidence="inferred"), "associate-data-analyst")
    validated = match(FRAMEWORK, Profile.of(skills, evidence="validated"), "associate-data-analyst")
    assert confidence_band(inferred.confidence) == "low"
    assert confidence_band(validated.confidence) == "high"
    assert match(FRAMEWORK, Profile(), "associate-data-analyst").confidence == 0


ratings = st.lists(
    st.builds(Rating, st.sampled_from(SKILLS), st.integers(1, 4), st.sampled_from(EVIDENCE_KINDS)), max_size=25
)


@settings(max_examples=60, deadline=None)
@given(ratings, st.sampled_from(LEVELS), st.data())
def test_raising_any_held_level_never_lowers_fit(ratings, level, data):
    profile = Profile(tuple(ratings))
    skill = data.draw(st.sampled_from(SKILLS))
    held = profile.rating(skill)
    if held and held.level == 4:
        return
    raised = profile.with_rating(skill, (held.level if held else 0) + 1, held.evidence if held else "self")
    assert match(FRAMEWORK, raised, level).fit >= match(FRAMEWORK, profile, level).fit


@settings(max_examples=60, deadline=None)
@given(ratings, st.sampled_from(LEVELS))
def test_fit_and_confidence_stay_in_bounds(ratings, level):
    result = match(FRAMEWORK, Profile(tuple(ratings)), level)
    assert 0 <= result.fit <= 100
    assert 0 <= result.confidence <= 1
    assert len(result.met) + len(result.partial) + len(result.missing) == len(FRAMEWORK.role_levels[level].requirements)


@settings(max_examples=25, deadline=None)
@given(st.lists(ratings, min_size=1, max_size=30), st.sampled_from(LEVELS))
def test_vectorised_ranking_gives_exactly_the_scalar_scores(profiles, level):
    people = [Profile(tuple(r)) for r in profiles]
    fits, confidences = scoring_model(FRAMEWORK).score_level(profiles_matrix(FRAMEWORK, people), level)
    for person, fit, confidence in zip(people, fits, confidences, strict=True):
        result = match(FRAMEWORK, person, level)
        assert result.fit == fit and result.confidence == confidence


@settings(max_examples=25, deadline=None)
@given(st.lists(ratings, min_size=1, max_size=20))
def test_all_levels_at_once_gives_exactly_the_scalar_fits(profiles):
    people = [Profile(tuple(r)) for r in profiles]
    model = scoring_model(FRAMEWORK)
    fits = model.fits_all_levels(profiles_matrix(FRAMEWORK, people))
    assert fits.shape == (len(people), len(model.levels))
    for row, person in zip(fits, people, strict=True):
        assert list(row) == [match(FRAMEWORK, person, level).fit for level in model.levels]


@settings(max_examples=40, deadline=None)
@given(ratings, st.lists(st.sampled_from(range(len(SKILLS))), min_size=1, max_size=40, unique=True))
def test_raising_one_skill_at_a_time_gives_exactly_the_full_recalculation(person, raised):
    """The shortcut behind best_next_skills equals scoring every raised profile in full."""
    model = scoring_model(FRAMEWORK)
    base = model.codes_row(Profile(tuple(person)))
    raised = [column for column in raised if base[column] // 16 < 4]
    rows = []
    for column in raised:
        row = base.copy()
        row[column] = encode(base[column] // 16 + 1, "self")
        rows.append(row)
    now, after = model.fits_with_one_skill_raised(base, np.array(raised, dtype=np.int64))
    assert list(now) == list(model.fits_all_levels(base[None, :])[0])
    assert after.shape == (len(raised), len(model.levels))
    if raised:
        assert after.tolist() == model.fits_all_levels(np.array(rows)).tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(ratings, max_size=20))
def test_codes_from_database_rows_equal_codes_from_profiles(profiles):
    """The matrix built from flat rows (as read from the database) is the profiles' matrix,
    however the rows are ordered and whatever duplicates or unknown skills they hold."""
    rows = [(i, r.skill, r.level, r.evidence) for i, person in enumerate(profiles) for r in person]
    rows += [(i, "not-a-framework-skill", 3, "self") for i in range(len(profiles))]
    rows.reverse()
    index, skills, levels, evidence = zip(*rows, strict=True) if rows else ((), (), (), ())
    built = codes_from_rows(
        FRAMEWORK, np.array(index, dtype=int), list(skills), np.array(levels), list(evidence), len(profiles)
    )
    expected = profiles_matrix(FRAMEWORK, [Profile(tuple(r)) for r in profiles])
    assert np.array_equal(built, expected)
    for row, person in zip(built, profiles, strict=True):
        back = profile_from_codes(FRAMEWORK, row)
        assert {s: back.rating(s) for s in back.skills} == {s: Profile(tuple(person)).rating(s) for s in back.skills}
        assert set(back.skills) == {r.skill for r in person}


@settings(max_examples=25, deadline=None)
@given(ratings)
def test_scoring_all_levels_at_once_matches_one_by_one(ratings):
    profile = Profile(tuple(ratings))
    for score in score_all_levels(FRAMEWORK, profile):
        result = match(FRAMEWORK, profile, score.level)
        assert (score.fit, score.confidence) == (result.fit, result.confidence)


def test_rank_candidates_returns_the_best_first_with_ties_in_row_order():
    level = FRAMEWORK.role_levels["associate-data-analyst"]
    full = {r.skill: r.rank for r in level.requirements}
    half = dict(list(full.items())[:4])
    people = [Profile(), Profile.of(half), Profile.of(full), Profile.of(full, evidence="inferred"), Profile.of(half)]
    ranked = rank_candidates(FRAMEWORK, profiles_matrix(FRAMEWORK, people), level.slug, top=3)
    assert [c.index for c in ranked] == [2, 3, 1]
    assert ranked[0].fit == 100 and ranked[0].readiness == "ready now"
    assert ranked[1].confidence < ranked[0].confidence


def test_rank_candidates_handles_empty_and_small_pools():
    empty = np.zeros((0, len(FRAMEWORK.skills)), dtype=np.int8)
    assert rank_candidates(FRAMEWORK, empty, "associate-data-analyst") == []
    one = profiles_matrix(FRAMEWORK, [Profile()])
    assert [c.index for c in rank_candidates(FRAMEWORK, one, "associate-data-analyst", top=10)] == [0]
