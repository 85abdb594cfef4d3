"""Two people the service is for, with their inputs stated, and where their matches should land."""

from pathways import Profile, load_framework, transferable_matches

FRAMEWORK = load_framework()

# A Grade 7 policy adviser: strong in evidence analysis, stakeholder management and communication.
POLICY_ADVISER = Profile.of(
    {
        "analysis-and-insight": 3,
        "context-problem-and-option-analysis": 3,
        "strategic-thinking": 3,
        "stakeholder-relationship-management": 3,
        "communicating-analysis-and-insight": 3,
        "communicating-between-the-technical-and-non-technical": 2,
        "applying-statistical-and-analytical-tools-and-techniques": 2,
        "quality-assurance-of-data-and-analysis": 2,
        "requirements-definition-and-management": 2,
        "data-visualisation": 2,
    },
    grade="G7",
    profession="policy",
)

# An EO operational delivery officer: strong in service and incident handling.
OPERATIONS_OFFICER = Profile.of(
    {
        "customer-service-management": 2,
        "service-focus": 2,
        "incident-management": 2,
        "ownership-and-topic": 2,
        "user-focus": 2,
        "stakeholder-relationship-management": 2,
        "problem-management": 1,
        "it-service-reporting": 1,
        "continual-service-improvement": 1,
    },
    grade="EO",
    profession="operational_delivery",
)


def top_roles(profile: Profile, n: int = 10) -> list[str]:
    return [FRAMEWORK.role_levels[m.match.level].role for m in transferable_matches(FRAMEWORK, profile, top=n)]


def test_policy_adviser_sees_analyst_roles_near_the_top():
    roles = top_roles(POLICY_ADVISER)
    assert {"performance-analyst", "data-analyst", "business-analyst"} <= set(roles)
    assert not {"software-developer", "infrastructure-engineer", "network-architect"} & set(roles)


def test_operations_officer_sees_it_service_and_operations_roles_near_the_top():
    matches = transferable_matches(FRAMEWORK, OPERATIONS_OFFICER, top=10)
    families = [FRAMEWORK.roles[FRAMEWORK.role_levels[m.match.level].role].family for m in matches]
    assert families.count("it-operations") >= 8
    assert {"service-desk-manager", "it-service-manager"} <= set(top_roles(OPERATIONS_OFFICER))
    service_desk = next(m for m in matches if m.match.level == "service-desk-analyst")
    assert service_desk.entry_route and service_desk.grade.kind == "same grade"


def test_matches_can_be_restricted_to_entry_routes():
    matches = transferable_matches(FRAMEWORK, POLICY_ADVISER, top=20, entry_routes_only=True)
    assert len(matches) == 10
    assert all(m.entry_route for m in matches)
    assert [m.match.fit for m in matches] == sorted((m.match.fit for m in matches), reverse=True)


def test_grade_implication_for_a_grade_7_moving_to_an_associate_level():
    match = next(
        m for m in transferable_matches(FRAMEWORK, POLICY_ADVISER, top=201) if m.match.level == "associate-data-analyst"
    )
    assert match.grade.kind == "step down"
    assert match.grade.level_grades == ("EO", "HEO")
    assert match.grade.source == "framework"
