import json

import pytest

from pathways import FrameworkError, load_framework, parse_framework
from pathways.framework import FRAMEWORK_FILE


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture
def document():
    return json.loads(FRAMEWORK_FILE.read_bytes())


def parse(document) -> None:
    parse_framework(json.dumps(document).encode(), source="export.json")


def test_shipped_framework_counts(framework):
    assert len(framework.families) == 8
    assert len(framework.roles) == 52
    assert len(framework.role_levels) == 201
    assert len(framework.skills) == 188
    assert framework.requirement_count == 1781


def test_levels_are_in_order_from_most_junior(framework):
    levels = [level.name for level in framework.roles["data-analyst"].levels]
    assert levels[0] == "Associate data analyst"
    assert levels[-1] == "Principal data analyst"
    for role in framework.roles.values():
        assert [level.order for level in role.levels] == list(range(1, len(role.levels) + 1))


def test_senior_civil_service_roles_have_skills_but_no_levels(framework):
    role = framework.roles["chief-data-officer"]
    assert role.is_senior_civil_service
    assert role.levels == ()
    assert "data-governance-leadership" in role.scs_skills


def test_framework_objects_are_immutable(framework):
    with pytest.raises(AttributeError):
        framework.roles["data-analyst"].name = "Something else"


def test_version_changes_when_content_changes(document):
    first = parse_framework(json.dumps(document).encode())
    document["skills"][0]["summary"] = "A different summary."
    second = parse_framework(json.dumps(document).encode())
    assert first.version != second.version
    assert first.version.startswith("2026-11-22+")


def test_invalid_json_names_the_file():
    with pytest.raises(FrameworkError, match=r"^export\.json: \$: is not valid JSON"):
        parse_framework(b"{not json", source="export.json")


def test_unreadable_file_is_reported(tmp_path):
    with pytest.raises(FrameworkError, match="missing.json: \\$: cannot be read"):
        load_framework(tmp_path / "missing.json")


@pytest.mark.parametrize(
    "break_it, path, problem",
    [
        (lambda d: d.pop("skills"), "$.skills", "is missing"),
        (lambda d: d.update(roles={}), "$.roles", "expected a list, found an object"),
        (lambda d: d["roles"][0].pop("name"), "$.roles[0].name", "is missing"),
        (
            lambda d: d["roles"][0]["levels"][1].update(order="two"),
            "$.roles[0].levels[1].order",
            "expected a whole number",
        ),
        (
            lambda d: d["roles"][0]["levels"][0]["skills"][0].update(level="guru"),
            "$.roles[0].levels[0].skills[0].level",
            "'guru' is not one of awareness, working, practitioner, expert",
        ),
        (
            lambda d: d["roles"][0]["levels"][0]["skills"][0].update(skill="juggling"),
            "$.roles[0].levels[0].skills[0].skill",
            "unknown skill 'juggling'",
        ),
        (lambda d: d["roles"][0]["levels"][0].update(order=7), "$.roles[0].levels", "level order must run 1 to"),
        (
            lambda d: d["skills"][1].update(slug=d["skills"][0]["slug"]),
            "$.skills[1].slug",
            "is used by more than one skill",
        ),
        (
            lambda d: d["role_families"][0]["roles"].append("astronaut"),
            "$.role_families[0].roles[7]",
            "unknown role 'astronaut'",
        ),
        (lambda d: d["roles"][0].update(family="space"), "$.role_families[0].roles[0]", "belongs to family 'space'"),
        (lambda d: d["skills"][0].update(name="  "), "$.skills[0].name", "is empty"),
    ],
)
def test_malformed_framework_names_file_path_and_problem(document, break_it, path, problem):
    break_it(document)
    with pytest.raises(FrameworkError) as raised:
        parse(document)
    error = raised.value
    assert error.source == "export.json"
    assert error.path == path
    assert problem in error.problem
    assert str(error).startswith(f"export.json: {path}: ")
