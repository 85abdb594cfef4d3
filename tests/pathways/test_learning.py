from hypothesis import given
from hypothesis import strategies as st

from pathways import Profile, Rating, load_framework, match
from pathways.learning import changed_skills, with_course_evidence
from pathways.profile import EVIDENCE_KINDS, encode

SKILLS = ["a", "b", "c", "d"]
ratings = st.dictionaries(
    st.sampled_from(SKILLS), st.tuples(st.integers(0, 4), st.sampled_from(EVIDENCE_KINDS)), max_size=4
)
evidenced = st.lists(st.tuples(st.sampled_from(SKILLS), st.integers(1, 4)), max_size=3, unique_by=lambda p: p[0])


def strength(rating):
    return encode(*rating) if rating and rating[0] else 0


@given(ratings, evidenced)
def test_course_evidence_never_weakens_a_rating_and_always_reaches_the_course_level(before, course):
    after = with_course_evidence(before, course)
    for skill, rating in before.items():
        assert strength(after[skill]) >= strength(rating)
    for skill, level in course:
        assert after[skill][0] >= level
        assert strength(after[skill]) >= encode(level, "course")


@given(ratings, evidenced)
def test_completing_the_same_learning_twice_changes_nothing_more(before, course):
    once = with_course_evidence(before, course)
    assert with_course_evidence(once, course) == once
    assert changed_skills(once, once) == []


def test_course_evidence_rules_on_examples():
    before = {"a": (2, "self"), "b": (3, "validated"), "c": (2, "validated"), "d": (0, "self")}
    after = with_course_evidence(before, [("a", 2), ("b", 2), ("c", 2), ("d", 1), ("e", 1)])
    assert after["a"] == (2, "course")  # same level, better evidence
    assert after["b"] == (3, "validated")  # a higher validated rating is never lowered
    assert after["c"] == (2, "validated")  # validated beats a course at the same level
    assert after["d"] == (1, "course")  # "not yet" becomes the course's level
    assert after["e"] == (1, "course")
    assert changed_skills(before, after) == ["a", "d", "e"]


def test_course_evidence_raises_confidence_in_a_match():
    framework = load_framework()
    level = next(iter(framework.role_levels.values()))
    wanted = level.requirements[0]
    before = Profile((Rating(wanted.skill, wanted.rank, "self"),))
    merged = with_course_evidence({wanted.skill: (wanted.rank, "self")}, [(wanted.skill, wanted.rank)])
    after = Profile(tuple(Rating(s, lv, ev) for s, (lv, ev) in merged.items()))
    assert match(framework, after, level.slug).fit == match(framework, before, level.slug).fit
    assert match(framework, after, level.slug).confidence > match(framework, before, level.slug).confidence
