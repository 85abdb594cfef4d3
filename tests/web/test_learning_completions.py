"""Completions from a learning system (POST /api/v1/learning/completions): course evidence on
the person's profile, under the rules of an attendance import."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Department, Registration, User
from ddat.services import api_clients
from tests.client import signed_in_as
from tests.factories import person_of, rating

OPS = "ops.officer@example.gov.uk"
ITEM = "working-with-data-and-visualisation"  # evidences data visualisation at working level


def token(app, department_id=None) -> str:
    with app.app_context():
        session = db.session()
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        return api_clients.create(session, admin, "Civil Service Learning", ["learning:write"], department_id,
                                  datetime.now(UTC) + timedelta(days=9))[1]  # fmt: skip


def report(app, rows, bearer=None):
    return app.test_client().post("/api/v1/learning/completions", json={"completions": rows},
                                  headers={"Authorization": f"Bearer {bearer or token(app)}"})  # fmt: skip


def completion(app, email=OPS, item=ITEM, on=None) -> dict:
    with app.app_context():
        number = person_of(app, email).staff_number
    return {"staff_number": number, "item": item, "completed_on": (on or date.today() - timedelta(days=3)).isoformat()}


def test_a_reported_completion_becomes_course_evidence_once(seeded):
    assert rating(seeded, OPS, "data-visualisation") is None, "the operations officer has not rated it"
    bearer = token(seeded)
    first = report(seeded, [completion(seeded)], bearer)
    assert first.status_code == 200 and first.get_json() == {"recorded": 1, "unchanged": 0}
    assert rating(seeded, OPS, "data-visualisation") == (2, "course")
    with seeded.app_context():
        owen = person_of(seeded, OPS)
        held = db.session().exec(select(Registration).where(Registration.person_id == owen.id)).all()
        done = [r for r in held if r.status == "completed"]
        assert len(done) == 1 and done[0].completed_at.date() <= date.today()
        assert db.session().exec(select(AuditEvent).where(AuditEvent.action == "learning.completions_reported")).first()
    assert report(seeded, [completion(seeded)], bearer).get_json() == {"recorded": 0, "unchanged": 1}
    mine = signed_in_as(seeded.test_client(), OPS).get("/masterclasses/mine").get_data(as_text=True)
    assert "A learning system" in mine, "the person sees where the record came from"


def test_a_report_with_one_bad_row_records_nothing(seeded):
    rows = [completion(seeded), completion(seeded, item="no-such-course"),
            completion(seeded, "policy.officer@example.gov.uk", on=date.today() + timedelta(days=2)),
            {"staff_number": "NOBODY", "item": ITEM, "completed_on": "2026-01-01"}]  # fmt: skip
    response = report(seeded, rows)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    pointers = {e["pointer"] for e in response.get_json()["errors"]}
    assert pointers == {"/completions/1/item", "/completions/2/completed_on", "/completions/3/staff_number"}
    with seeded.app_context():
        owen = person_of(seeded, OPS)
        assert not db.session().exec(select(Registration).where(Registration.person_id == owen.id,
                                                                Registration.status == "completed")).all()  # fmt: skip


def test_a_departmental_learning_system_reports_only_its_own_people(seeded):
    with seeded.app_context():
        owen = person_of(seeded, OPS)
        other = db.session().exec(select(Department.id).where(Department.id != owen.department_id)).first()
    refused = report(seeded, [completion(seeded)], token(seeded, department_id=other))
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["detail"].startswith("No one with staff number")
    assert report(seeded, [completion(seeded)], token(seeded, department_id=owen.department_id)).status_code == 200


def test_a_completion_dated_before_the_catalogue_is_refused(seeded):
    response = report(seeded, [completion(seeded, on=date(1, 1, 1))])
    assert response.status_code == 422 and response.get_json()["errors"][0]["pointer"] == "/completions/0/completed_on"
