"""Every route × every role gives the outcome the permission matrix says, and no route is
missing from the matrix (ddat/permission_matrix.py, copied into docs/security.md)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import LearningItem, LearningSession, User
from ddat.permission_matrix import LEARNING_ITEM_CHANGES, MATRIX, OTHER_DEPARTMENT, OWN_RECORD, ROLES, as_markdown
from tests.client import signed_in_as
from tests.web.matrix import EMAILS, address, client_for


def outcome(response) -> str:
    assert response.status_code < 500, response.status_code
    if response.status_code == 302 and "/sign-in" in response.headers["Location"]:
        return "sign in"
    return "ok" if response.status_code < 400 else str(response.status_code)


def test_every_route_is_in_the_matrix(world):
    app, _, _ = world
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(MATRIX) == set(), "routes missing from the permission matrix"
    assert set(MATRIX) - endpoints == set(), "the matrix names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_every_route_as_every_role(world, role):
    app, values, _ = world
    client = client_for(app, role)
    wrong = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        url = address(app, rule, values)
        response = client.get(url) if "GET" in rule.methods else client.post(url, data={})
        if outcome(response) != MATRIX[rule.endpoint][role]:
            wrong.append((rule.endpoint, url, outcome(response), MATRIX[rule.endpoint][role]))
    assert wrong == []


def test_departmental_hr_cannot_reach_another_departments_scheme(world):
    app, values, theirs = world
    for role, expected in (("hr_department", "404"), ("hr_central", "ok"), ("admin", "ok")):
        client = client_for(app, role)
        for endpoint in OTHER_DEPARTMENT:
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            assert outcome(client.get(address(app, rule, {**values, "scheme_id": theirs}))) == expected, (
                role,
                endpoint,
            )


def _learning_owned_by(app, department_id: int, slug: str) -> dict:
    with app.app_context():
        session = db.session()
        item = LearningItem(slug=slug, name=slug, provider="A department", format="online", duration_hours=1,
                            owner_department_id=department_id)  # fmt: skip
        session.add(item)
        session.flush()
        starts = datetime.now(UTC) + timedelta(days=9)
        planned = LearningSession(item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=1),
                                  location="Online", capacity=5)  # fmt: skip
        session.add(planned)
        session.commit()
        return {"slug": slug, "session_id": planned.id}


def test_departmental_hr_change_only_their_own_departments_learning(world):
    app, values, _ = world
    with app.app_context():
        department = db.session().exec(select(User.department_id).where(User.email == EMAILS["hr_department"])).one()
    ours = _learning_owned_by(app, department, "our-departments-learning")
    theirs = _learning_owned_by(app, department + 1, "another-departments-learning")
    for role, expected_ours, expected_theirs in (("hr_department", "ok", "403"), ("hr_central", "ok", "ok")):
        client = client_for(app, role)
        for endpoint in LEARNING_ITEM_CHANGES:
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            assert outcome(client.get(address(app, rule, {**values, **ours}))) == expected_ours, (role, endpoint)
            assert outcome(client.get(address(app, rule, {**values, **theirs}))) == expected_theirs, (role, endpoint)
            assert outcome(client.post(address(app, rule, {**values, **theirs}), data={})) == expected_theirs


def test_the_documented_matrix_is_the_one_in_code(world):
    app, _, _ = world
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert as_markdown(rules) in (Path(__file__).parents[2] / "docs" / "security.md").read_text()


# Sending a form is checked too, for routes that show one: the rule must hold for the POST as
# well as the GET. (Signing out and deleting the account would end the client's session.)
ENDS_THE_SESSION = {"auth.sign_out", "profile.delete_account", "auth.sign_in", "auth.register"}


@pytest.mark.parametrize("role", ROLES)
def test_sending_a_form_follows_the_same_rules(world, role):
    app, values, _ = world
    client = client_for(app, role)
    wrong = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if {"GET", "POST"} <= rule.methods and rule.endpoint not in ENDS_THE_SESSION:
            expected = MATRIX[rule.endpoint][role]
            got = outcome(client.post(address(app, rule, values), data={}))
            if got != expected:
                wrong.append((rule.endpoint, got, expected))
    assert wrong == []


def test_another_civil_servant_cannot_reach_someone_elses_records(world):
    app, values, _ = world
    client = client_for(app, "civil_servant")
    other = signed_in_as(app.test_client(), "ops.officer@example.gov.uk")
    own_records = [
        r for r in app.url_map.iter_rules() if MATRIX[r.endpoint] is OWN_RECORD and "registration_id" in r.arguments
    ]
    assert own_records
    for rule in own_records:
        url = address(app, rule, values)
        assert outcome(client.get(url)) == "ok", url  # the owner
        assert outcome(other.get(url)) == "404", url  # a colleague with a profile of their own
