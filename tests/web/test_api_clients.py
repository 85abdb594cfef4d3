"""API clients: an admin makes one and sees its token once; the token is checked for its
scope, expiry and revocation on every call; calls are rate-limited per client and audited; a
departmental client touches only its own department's people."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import ApiClient, AuditEvent, Department, Person, User
from ddat.services import api_clients
from tests.client import signed_in_as

ADMIN = "admin@example.gov.uk"


def make_client(app, scopes=("people:write",), department_id=None, expires_in=timedelta(days=30)) -> str:
    with app.app_context():
        session = db.session()
        admin = session.exec(select(User).where(User.email == ADMIN)).one()
        _, token = api_clients.create(session, admin, "An HR system", list(scopes), department_id,
                                      datetime.now(UTC) + expires_in)  # fmt: skip
        return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def someone(app) -> Person:
    with app.app_context():
        return db.session().exec(select(Person).where(Person.staff_number.is_not(None)).order_by(Person.id)).first()


def department_names(app) -> dict[int, str]:
    with app.app_context():
        return {d.id: d.name for d in db.session().exec(select(Department)).all()}


def feed_one(person: Person, names: dict[int, str], **changes) -> dict:
    row = {"staff_number": person.staff_number, "name": person.display_name, "grade": person.grade,
           "department": names[person.department_id], "profession": person.profession}  # fmt: skip
    return {"people": [{**row, **changes}]}


def test_an_admin_creates_a_client_and_sees_its_token_once(seeded):
    admin = signed_in_as(seeded.test_client(), ADMIN)
    seeded.config["WTF_CSRF_ENABLED"] = False
    page = admin.post("/admin/api-clients/new", data={
        "name": "Oracle HR", "scopes": ["people:write"], "department": "",
        "expires_on": ["1", "6", str(datetime.now(UTC).year + 1)],
    }, follow_redirects=True).get_data(as_text=True)  # fmt: skip
    token = re.search(r'value="(ddat_[^"]+)"', page).group(1)
    assert "It is shown only once" in page and f"until 1 June {datetime.now(UTC).year + 1}" in page
    with seeded.app_context():
        client = db.session().exec(select(ApiClient).where(ApiClient.name == "Oracle HR")).one()
        assert client.scopes == ["people:write"]
        assert token.split("_", 2)[2] not in (client.secret_hash, client.key_id), "only a hash of the secret is kept"
        assert db.session().exec(select(AuditEvent).where(AuditEvent.action == "api_client.created")).first()
    again = admin.get(f"/admin/api-clients/{client.id}/created").get_data(as_text=True)
    assert token not in again and "cannot be shown again" in again, "reloading the page shows it no more"
    listing = admin.get("/admin/api-clients").get_data(as_text=True)
    assert "Oracle HR" in listing and token not in listing
    assert seeded.test_client().post("/api/v1/people", json={"people": []}, headers=bearer(token)).status_code == 422


def test_the_expiry_date_must_be_in_the_next_two_years(seeded):
    admin = signed_in_as(seeded.test_client(), ADMIN)
    seeded.config["WTF_CSRF_ENABLED"] = False
    far = admin.post("/admin/api-clients/new", data={
        "name": "Oracle HR", "scopes": ["people:write"], "department": "",
        "expires_on": ["1", "1", str(datetime.now(UTC).year + 5)],
    })  # fmt: skip
    assert far.status_code == 200 and "must be within 2 years" in far.get_data(as_text=True)
    assert 'value="Oracle HR"' in far.get_data(as_text=True), "what was typed is kept"


def test_calls_without_a_valid_token_get_a_problem_saying_so(seeded):
    api = seeded.test_client()
    for headers in ({}, bearer("ddat_nope_nope"), {"Authorization": "Basic abc"}):
        response = api.post("/api/v1/people", json={"people": []}, headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["status"] == 401 and "API token" in response.get_json()["detail"]


def test_a_revoked_or_expired_token_stops_working_at_once(seeded):
    token = make_client(seeded)
    api = seeded.test_client()
    person, names = someone(seeded), department_names(seeded)
    assert api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(token)).status_code == 200
    admin = signed_in_as(seeded.test_client(), ADMIN)
    seeded.config["WTF_CSRF_ENABLED"] = False
    with seeded.app_context():
        client_id = db.session().exec(select(ApiClient.id)).one()
    assert admin.post(f"/admin/api-clients/{client_id}/revoke", data={}).status_code == 302
    assert api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(token)).status_code == 401
    assert "Revoked" in admin.get("/admin/api-clients").get_data(as_text=True)
    expired = make_client(seeded, expires_in=timedelta(seconds=-1))
    assert api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(expired)).status_code == 401


def _operations(app) -> list[tuple[str, str, str]]:
    """(method, URL, scope) of every API operation that needs a client."""
    found = []
    for rule in app.url_map.iter_rules():
        rule_name = getattr(app.view_functions[rule.endpoint], "access_rule", "")
        if rule_name.startswith("api:"):
            method = "POST" if "POST" in rule.methods else "GET"
            found.append((method, re.sub(r"<[^>]+>", "1", rule.rule), rule_name.removeprefix("api:")))
    return found


def test_every_operation_needs_its_own_scope(seeded):
    operations = _operations(seeded)
    assert operations, "the API has operations for clients"
    api = seeded.test_client()
    for method, url, scope in operations:
        others = [s for s in api_clients.SCOPES if s != scope]  # perhaps none at all
        token = make_client(seeded, scopes=others)
        response = api.open(url, method=method, json={"people": []}, headers=bearer(token))
        assert response.status_code == 403, (url, response.status_code)
        assert scope in response.get_json()["detail"]


def test_calls_are_rate_limited_per_client(seeded):
    seeded.config["RATELIMIT_API"] = "2 per minute"
    first, second = make_client(seeded), make_client(seeded)
    api = seeded.test_client()
    person, names = someone(seeded), department_names(seeded)
    statuses = [api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(first)).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses == [200, 200, 429]
    limited = api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(first))
    assert limited.mimetype == "application/problem+json" and "Retry-After" in limited.headers
    assert api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(second)).status_code == 200


def test_every_call_is_audited_against_its_client(seeded):
    token = make_client(seeded)
    person, names = someone(seeded), department_names(seeded)
    api = seeded.test_client()
    for _ in range(2):
        api.post("/api/v1/people", json=feed_one(person, names), headers=bearer(token))
    with seeded.app_context():
        client_id = db.session().exec(select(ApiClient.id)).one()
        calls = db.session().exec(select(AuditEvent).where(AuditEvent.action == "api.people_fed")).all()
    assert [(e.object_type, e.object_id, e.actor_role) for e in calls] == [
        ("api_client", str(client_id), f"api:{client_id}")
    ] * 2


@pytest.mark.parametrize("ours", [True, False])
def test_a_departmental_client_changes_only_its_own_departments_people(seeded, ours):
    person, names = someone(seeded), department_names(seeded)
    department = person.department_id if ours else next(d for d in names if d != person.department_id)
    token = make_client(seeded, department_id=department)
    response = seeded.test_client().post("/api/v1/people", json=feed_one(person, names, grade="SEO"),
                                         headers=bearer(token))  # fmt: skip
    if ours:
        assert response.status_code == 200
    else:
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["pointer"] == "/people/0/staff_number"
    with seeded.app_context():
        assert (db.session().get(Person, person.id).grade == "SEO") is ours
    # Nor can it add someone to another department.
    newcomer = {"staff_number": "NEW-1", "email": "new.one@example.gov.uk", "name": "New One", "grade": "EO",
                "department": names[next(d for d in names if d != department)], "profession": "policy"}  # fmt: skip
    refused = seeded.test_client().post("/api/v1/people", json={"people": [newcomer]}, headers=bearer(token))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/people/0/department"


def test_wrong_secrets_for_a_real_key_never_use_up_that_clients_limit(seeded):
    seeded.config["RATELIMIT_API"] = "3 per minute"
    token = make_client(seeded)
    key_id = token.split("_")[1]
    api = seeded.test_client()
    guesses = [api.post("/api/v1/people", json={"people": []}, headers=bearer(f"ddat_{key_id}_wrong")).status_code
               for _ in range(5)]  # fmt: skip
    assert guesses[:3] == [401] * 3 and guesses[3:] == [429, 429], "guessing is limited, by address"
    # The real client is limited by its own calls only (the test client shares one address,
    # so its calls count apart from the guesses').
    assert api.post("/api/v1/people", json={"people": []}, headers=bearer(token)).status_code == 422


def test_the_feed_never_takes_an_account_that_runs_the_service_or_another_departments_person(seeded):
    names = department_names(seeded)
    with seeded.app_context():
        priya = (
            db.session()
            .exec(
                select(Person)
                .join(User, User.id == Person.user_id)
                .where(User.email == "policy.officer@example.gov.uk")
            )
            .one()
        )
    other = next(d for d in names if d != priya.department_id)
    api = seeded.test_client()
    for email, department in (("admin@example.gov.uk", None), ("hr@example.gov.uk", other),
                              ("policy.officer@example.gov.uk", other)):  # fmt: skip
        row = {"staff_number": "TAKE-1", "email": email, "name": "X", "grade": "AA",
               "department": names[department or other], "profession": "other"}  # fmt: skip
        response = api.post(
            "/api/v1/people", json={"people": [row]}, headers=bearer(make_client(seeded, department_id=department))
        )
        assert response.status_code == 422, email
        problem = response.get_json()["errors"][0]
        assert problem["pointer"] == "/people/0/email" and "CS0" not in problem["detail"], "never whose it is"


def test_a_body_that_is_not_json_is_refused_as_such(seeded):
    response = seeded.test_client().post("/api/v1/people", data="staff_number=1", headers=bearer(make_client(seeded)),
                                         content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 415 and "application/json" in response.get_json()["detail"]
