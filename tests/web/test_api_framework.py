"""The framework through the API: public, any stored version, the changes between two, as a
CASE package, with ETags so a client that has a version is told it has not changed."""

import json
from pathlib import Path

from jsonschema import Draft201909Validator

from ddat import db
from ddat.services.framework import load_release

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "case" / "case_v1p1_cfpackage-jsonschema1.json").read_text())


def test_the_framework_is_public_with_an_etag(app):
    api = app.test_client()
    response = api.get("/api/v1/framework")
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["roles"]) == 52 and len(body["skills"]) == 188
    analyst = next(r for r in body["roles"] if r["slug"] == "data-analyst")
    assert analyst["levels"][0]["requirements"][0]["level"] in ("awareness", "working", "practitioner", "expert")
    again = api.get("/api/v1/framework", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    weak = api.get("/api/v1/framework", headers={"If-None-Match": "W/" + response.headers["ETag"]})
    assert weak.status_code == 304, "as a proxy that compressed it sends the tag back"


def test_an_unknown_version_is_a_problem(app):
    response = app.test_client().get("/api/v1/framework?version=1999")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "/api/v1/framework/versions" in response.get_json()["detail"]


def test_the_changes_between_two_versions(app, tmp_path):
    api = app.test_client()
    first = api.get("/api/v1/framework/versions").get_json()
    assert [v["current"] for v in first] == [True]
    original = json.loads(Path("pathways/data/ddat_framework.json").read_text())
    original["framework"]["generated_at"] = "2027-03-01"
    original["skills"][0]["name"] = "A renamed skill"
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(original))
    with app.app_context():
        load_release(db.session(), newer)
    versions = api.get("/api/v1/framework/versions").get_json()
    assert [v["current"] for v in versions] == [False, True]
    changes = api.get("/api/v1/framework/changes", query_string={"from": first[0]["version"]}).get_json()
    assert changes["to"] == versions[1]["version"] and changes["skills"]["changed"] == [original["skills"][0]["slug"]]
    old = api.get("/api/v1/framework", query_string={"version": first[0]["version"]}).get_json()
    assert old["version"] == first[0]["version"]


def test_the_case_package_is_valid_and_cached_by_version(app):
    api = app.test_client()
    response = api.get("/api/v1/framework/case")
    assert response.status_code == 200
    validator = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)
    assert not list(validator.iter_errors(response.get_json()))
    assert api.get("/api/v1/framework/case", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
