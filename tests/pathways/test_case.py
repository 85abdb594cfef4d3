"""The framework as a CASE 1.1 package: valid against 1EdTech's published schema, and the same
package again after importing it (export, import, export)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from pathways import load_framework, parse_framework
from pathways.case import from_case, to_case

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "case" / "case_v1p1_cfpackage-jsonschema1.json").read_text())
BASE, WHEN = "https://ddat-pathways.example.gov.uk", "2026-11-22T00:00:00+00:00"


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.fixture(scope="module")
def package(framework):
    return to_case(framework, BASE, WHEN)


def test_the_export_is_valid_against_the_published_schema(package):
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    problems = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert problems == [], [f"{list(e.path)}: {e.message}" for e in problems[:5]]


def test_an_invalid_package_is_refused_by_the_schema(package):
    # The check can fail: an association type CASE does not have.
    broken = json.loads(json.dumps(package))
    broken["CFAssociations"][0]["associationType"] = "requires"
    assert list(Draft201909Validator(SCHEMA).iter_errors(broken))


def test_every_part_of_the_framework_is_in_the_package(framework, package):
    kinds = [item["CFItemType"] for item in package["CFItems"]]
    assert kinds.count("Role family") == len(framework.families)
    assert kinds.count("Role") == len(framework.roles)
    assert kinds.count("Role level") == len(framework.role_levels)
    assert kinds.count("Skill") == len(framework.skills)
    requirements = [a for a in package["CFAssociations"] if a.get("CFAssociationGroupingURI")]
    assert len(requirements) == sum(len(level.requirements) for level in framework.role_levels.values())
    practitioner = {a["destinationNodeURI"]["title"] for a in requirements
                    if a["CFAssociationGroupingURI"]["title"] == "practitioner"
                    and a["originNodeURI"]["title"] == framework.role_levels["senior-data-analyst"].name}  # fmt: skip
    expected = {framework.skills[q.skill].name for q in framework.role_levels["senior-data-analyst"].requirements
                if q.level == "practitioner"}  # fmt: skip
    assert practitioner == expected and expected


def test_export_import_export_gives_the_same_package(framework, package):
    imported = parse_framework(json.dumps(from_case(package)).encode(), source="case.json")
    assert imported.version == framework.version
    assert to_case(imported, BASE, WHEN) == package
