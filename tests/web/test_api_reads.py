"""Reading through the API: a person's own data, a scheme's members page by page, and the
leaders' skills figures under the same disclosure control."""

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from ddat import db, demo
from ddat.models import AuditEvent, Person, SchemeMember, User
from ddat.services import api_clients
from tests.client import signed_in_as
from tests.factories import make_scheme

POLICY = "policy.officer@example.gov.uk"


def token(app, scope: str, department_id=None) -> dict:
    with app.app_context():
        session = db.session()
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        made = api_clients.create(
            session, admin, "A tool", [scope], department_id, datetime.now(UTC) + timedelta(days=9)
        )
    return {"Authorization": f"Bearer {made[1]}"}


def test_a_person_reads_their_own_data_as_they_download_it(seeded):
    assert seeded.test_client().get("/api/v1/me").status_code == 401
    mine = signed_in_as(seeded.test_client(), POLICY)
    read = mine.get("/api/v1/me").get_json()["data"]
    downloaded = json.loads(mine.get("/profile/data/download.json").get_data(as_text=True))
    assert read.keys() == downloaded.keys() and read["profile"] == downloaded["profile"]


def test_a_schemes_members_come_a_page_at_a_time_and_each_once(seeded):
    scheme = make_scheme(seeded, capacity=50)
    with seeded.app_context():
        session = db.session()
        people = session.exec(select(Person).order_by(Person.id).limit(7)).all()
        for person in people:
            session.add(SchemeMember(scheme_id=scheme, person_id=person.id, status="applied", source="applied"))
        session.commit()
        ids = sorted(session.exec(select(SchemeMember.id).where(SchemeMember.scheme_id == scheme)).all())
    headers, api, seen, cursor = token(seeded, "schemes:read"), seeded.test_client(), [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/api/v1/schemes/{scheme}/members", query_string=query, headers=headers).get_json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    bad = api.get(f"/api/v1/schemes/{scheme}/members?cursor=%%%", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["pointer"] == "/cursor"


def test_a_departmental_client_reads_only_its_departments_schemes(seeded):
    with seeded.app_context():
        department = db.session().exec(select(Person.department_id).where(Person.staff_number.is_not(None))).first()
    ours = make_scheme(seeded, owner_department_id=department)
    theirs = make_scheme(seeded, owner_department_id=department + 1, name="Theirs")
    headers, api = token(seeded, "schemes:read", department), seeded.test_client()
    assert api.get(f"/api/v1/schemes/{ours}/members", headers=headers).status_code == 200
    refused = api.get(f"/api/v1/schemes/{theirs}/members", headers=headers)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"


def test_skills_figures_are_the_leaders_dashboard_under_disclosure_control(app):
    with app.app_context():
        demo.seed(db.session(), people=400, seed=5)
    leader = signed_in_as(app.test_client(), "leader@example.gov.uk")
    rows = list(
        csv.reader(io.StringIO(leader.get("/dashboards/skills?format=csv&by=profession").get_data(as_text=True)))
    )
    first_table = rows[1][0]  # the CSV has the skills table, then the confirmations table
    page = {row[1]: row[2:] for row in rows if row[0] == first_table}
    figures = app.test_client().get("/api/v1/aggregates/skills?by=profession",
                                    headers=token(app, "aggregates:read")).get_json()  # fmt: skip
    assert not figures["too_few"] and figures["rows"]
    cells = [c for row in figures["rows"] for c in row["cells"]]
    assert any(c["count"] for c in cells), "some figures are big enough to show"
    for row in figures["rows"]:
        assert [str(c["count"]) if c["count"] is not None else c["label"] for c in row["cells"]] == page[row["group"]]
    assert all(c["count"] is None or c["count"] % 5 == 0 for c in cells), "shown figures are rounded to 5"


def test_a_departmental_client_gets_only_its_own_departments_figures(app):
    with app.app_context():
        demo.seed(db.session(), people=400, seed=5)
        departments = db.session().exec(select(Person.department_id).distinct()).all()
    ours, theirs = departments[0], departments[1]
    api, headers = app.test_client(), token(app, "aggregates:read", ours)
    refused = api.get(f"/api/v1/aggregates/skills?by=grade&department={theirs}", headers=headers)
    assert refused.status_code == 403 and "own department" in refused.get_json()["detail"]
    own = api.get("/api/v1/aggregates/skills?by=grade", headers=headers).get_json()
    central = api.get(f"/api/v1/aggregates/skills?by=grade&department={ours}", headers=token(app, "aggregates:read"))
    assert own == central.get_json() and own["filters"]["department"] is not None
    with app.app_context():
        calls = db.session().exec(select(AuditEvent).where(AuditEvent.action == "api.figures_read")).all()
    assert len(calls) == 3


def test_a_filter_the_service_does_not_know_is_a_problem_not_everyone(seeded):
    headers, api = token(seeded, "aggregates:read"), seeded.test_client()
    for query, pointer in (
        ("band=SCS1", "/band"),
        ("department=99999", "/department"),
        ("profession=Policy", "/profession"),
    ):
        response = api.get(f"/api/v1/aggregates/skills?{query}", headers=headers)
        assert response.status_code == 422, query
        assert response.get_json()["errors"][0]["pointer"] == pointer


def test_a_cursor_out_of_range_is_a_problem(seeded):
    scheme = make_scheme(seeded)
    cursor = base64.urlsafe_b64encode(b"99999999999999999999").decode()
    response = seeded.test_client().get(f"/api/v1/schemes/{scheme}/members?cursor={cursor}",
                                        headers=token(seeded, "schemes:read"))  # fmt: skip
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/cursor"


def test_a_body_nested_too_deep_is_a_problem_not_an_error(seeded):
    body = "[" * 100_000 + "]" * 100_000
    response = seeded.test_client().post("/api/v1/people", data=body, content_type="application/json",
                                         headers=token(seeded, "people:write"))  # fmt: skip
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
