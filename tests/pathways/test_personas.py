"""The persona suite (pathways/personas.py): twelve people from Policy and Operational
Delivery, AA to SCS, with the roles a head of profession expects and the ones they would not."""

import pytest

from pathways import Profile, load_framework, recommend_roles, transferable_matches
from pathways.grades import STEP_DOWN
from pathways.personas import PERMANENT_SECRETARY, PERSONAS

FRAMEWORK = load_framework()
BELOW_SCS = [p for p in PERSONAS if not p.profile.grade.startswith("SCS")]


def test_the_suite_spans_both_professions_and_every_grade_band():
    assert len(PERSONAS) >= 12
    assert {p.profile.profession for p in PERSONAS} == {"policy", "operational_delivery"}
    assert {"AA", "AO", "EO", "HEO", "SEO", "G7", "G6", "SCS1"} <= {p.profile.grade for p in PERSONAS}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_the_top_ten_holds_the_roles_a_head_of_profession_expects(persona):
    roles = [r.role for r in recommend_roles(FRAMEWORK, persona.profile, top=10)]
    assert len(roles) == len(set(roles)), "one suggestion per role"
    found = persona.expected & set(roles)
    assert len(found) >= persona.found_at_least, f"found {sorted(found)} of {sorted(persona.expected)}"
    assert not persona.must_not & set(roles), f"implausible: {sorted(persona.must_not & set(roles))}"


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_no_suggestion_is_a_step_down_unless_asked_for(persona):
    suggestions = recommend_roles(FRAMEWORK, persona.profile, top=10)
    assert all(r.grade.kind != STEP_DOWN for r in suggestions)


@pytest.mark.parametrize("persona", BELOW_SCS, ids=lambda p: p.name)
def test_asking_for_step_downs_adds_few_below_the_senior_civil_service(persona):
    suggestions = recommend_roles(FRAMEWORK, persona.profile, top=10, include_step_down=True)
    assert sum(r.grade.kind == STEP_DOWN for r in suggestions) <= 3


def test_a_permanent_secretary_is_offered_no_role_level_at_their_grade():
    assert recommend_roles(FRAMEWORK, PERMANENT_SECRETARY) == []
    lower = recommend_roles(FRAMEWORK, PERMANENT_SECRETARY, include_step_down=True)
    assert lower and all(r.grade.kind == STEP_DOWN and not r.desirable for r in lower)


def test_a_grade_7_is_suggested_levels_at_their_grade_or_one_up():
    analyst = next(p for p in PERSONAS if p.name == "Grade 7 policy analyst")
    for suggestion in recommend_roles(FRAMEWORK, analyst.profile):
        assert suggestion.grade.steps in (0, 1), (suggestion.level, suggestion.grade)
        assert "associate" not in suggestion.level and "trainee" not in suggestion.level


# Kept from the level-by-level ranking, which the explanation pages still use.
OPERATIONS_OFFICER = next(p for p in PERSONAS if p.name == "EO contact-centre officer").profile


def test_operations_officer_sees_it_service_and_operations_levels_near_the_top():
    matches = transferable_matches(FRAMEWORK, OPERATIONS_OFFICER, top=10)
    families = [FRAMEWORK.roles[FRAMEWORK.role_levels[m.match.level].role].family for m in matches]
    assert families.count("it-operations") >= 8
    service_desk = next(m for m in matches if m.match.level == "service-desk-analyst")
    assert service_desk.entry_route and service_desk.grade.kind == "same grade"


def test_matches_can_be_restricted_to_entry_routes():
    analyst = next(p for p in PERSONAS if p.name == "Grade 7 policy analyst").profile
    matches = transferable_matches(FRAMEWORK, analyst, top=20, entry_routes_only=True)
    assert len(matches) == 10
    assert all(m.entry_route for m in matches)
    assert [m.match.fit for m in matches] == sorted((m.match.fit for m in matches), reverse=True)


def test_grade_implication_for_a_grade_7_moving_to_an_associate_level():
    profile = Profile.of({"analysis-and-insight": 3}, grade="G7")
    match = next(
        m for m in transferable_matches(FRAMEWORK, profile, top=201) if m.match.level == "associate-data-analyst"
    )
    assert match.grade.kind == "step down" and match.grade.steps == -2
    assert match.grade.level_grades == ("EO", "HEO")
    assert match.grade.source == "framework"
