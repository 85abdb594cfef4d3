import json
from dataclasses import replace

import pytest

from pathways import compare_levels, diff_frameworks, load_framework, parse_framework, search, similar_role_levels
from pathways.explore import SYNONYMS, words_of
from pathways.framework import FRAMEWORK_FILE


@pytest.fixture(scope="module")
def framework():
    return load_framework()


def test_similar_levels_come_from_other_roles_and_rank_by_overlap(framework):
    similar = similar_role_levels(framework, "associate-delivery-manager")
    assert len(similar) == 5
    assert all(framework.role_levels[s.level].role != "delivery-manager" for s in similar)
    assert [s.overlap for s in similar] == sorted((s.overlap for s in similar), reverse=True)
    # Programme delivery management shares most of a delivery manager's skills.
    assert similar[0].level == "programme-delivery-manager"


def test_role_specific_variants_count_as_their_base_skill_for_similarity(framework):
    # Content design uses "(content design)" variants of skills that technical writers also need.
    similar = [s.level for s in similar_role_levels(framework, "content-designer")]
    assert "technical-writer" in similar


def test_compare_sorts_each_skill_into_exactly_one_group(framework):
    result = compare_levels(framework, "data-analyst", "senior-data-analyst")
    before = framework.role_levels["data-analyst"].required_levels()
    after = framework.role_levels["senior-data-analyst"].required_levels()
    groups = [result.shared, result.higher, result.lower, result.new, result.dropped]
    skills = [change.skill for group in groups for change in group]
    assert sorted(skills) == sorted(set(before) | set(after))
    assert all(after[c.skill] == before[c.skill] for c in result.shared)
    assert result.higher, "a senior analyst needs some skills at a higher proficiency"


def test_compare_across_roles_shows_new_and_dropped_skills(framework):
    result = compare_levels(framework, "associate-content-designer", "data-analyst")
    assert {c.skill for c in result.new} == set(framework.role_levels["data-analyst"].required_levels()) - set(
        framework.role_levels["associate-content-designer"].required_levels()
    )
    assert all(c.from_level is None for c in result.new)
    assert all(c.to_level is None for c in result.dropped)


@pytest.mark.parametrize("query", ["data analyst", "DATA ANALYST", "dáta anál", "  data   anal "])
def test_search_is_case_accent_and_partial_word_insensitive(framework, query):
    hits = search(framework, query)
    assert ("role", "data-analyst") in [(h.kind, h.slug) for h in hits]
    assert ("level", "senior-data-analyst") in [(h.kind, h.slug) for h in hits]


def test_search_ranks_name_matches_before_summary_matches(framework):
    hits = search(framework, "stakeholder")
    assert hits[0].name.lower().startswith("stakeholder")


def test_search_with_nothing_to_find(framework):
    assert search(framework, "") == []
    assert search(framework, "   ") == []
    assert search(framework, "xyzzy") == []
    assert search(framework, "%_*'\"<xyzzy>" * 50) == []  # punctuation only separates words


def test_diff_reports_added_removed_and_changed():
    document = json.loads(FRAMEWORK_FILE.read_bytes())
    old = parse_framework(json.dumps(document).encode())
    document["skills"][0]["summary"] = "Reworded."
    role = document["roles"][0]
    role["levels"][-1]["skills"].pop()
    document["role_families"][0]["roles"].remove(document["roles"][1]["slug"])
    removed_role = document["roles"].pop(1)
    new = parse_framework(json.dumps(document).encode())
    changes = diff_frameworks(old, new)
    assert changes.skills.changed == (document["skills"][0]["slug"],)
    assert changes.roles.removed == (removed_role["slug"],)
    assert role["levels"][-1]["slug"] in changes.levels.changed
    assert set(changes.levels.removed) == {level["slug"] for level in removed_role["levels"]}
    assert changes.roles.added == ()
    assert not changes.is_empty


def test_diff_of_identical_frameworks_is_empty(framework):
    assert diff_frameworks(framework, replace(framework)).is_empty


@pytest.mark.parametrize("query", ["ai", "ux", "ml", "ba"])
def test_short_words_are_matched_whole_never_as_the_start_of_a_longer_word(framework, query):
    for hit in search(framework, query):
        summary = framework.skills[hit.slug].summary if hit.kind == "skill" else ""
        role = framework.roles[hit.slug].summary if hit.kind == "role" else ""
        words = words_of(f"{hit.name} {summary} {role}")
        found_whole = query in words
        found_by_synonym = any(phrase in " ".join(words) for phrase in SYNONYMS[query])
        assert found_whole or found_by_synonym, (query, hit.name)


def test_a_word_of_three_letters_or_more_finds_words_it_starts(framework):
    names = [h.name for h in search(framework, "manag")]
    assert "Delivery manager" in names and "IT service manager" in names
