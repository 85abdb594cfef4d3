"""The world the permission matrix and abuse tests share: one app with a person, a scheme
member and a past registration for every kind of route to be given, a signed-in client for
each role, and the address of any route in that world. The fixtures are in conftest.py."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from ddat import db, demo
from ddat.models import (
    ApiClient,
    ConfirmationRequest,
    LearningItem,
    LearningSession,
    LineManagement,
    Person,
    Registration,
    SchemeMember,
    User,
)
from tests.client import signed_in_as
from tests.factories import make_scheme
from tests.oidc_provider import department_using
from tests.support import fresh_app

EMAILS = {
    "civil_servant": "policy.officer@example.gov.uk",
    "hr_department": "department.hr@example.gov.uk",
    "hr_central": "hr@example.gov.uk",
    "leader": "leader@example.gov.uk",
    "admin": "admin@example.gov.uk",
}
QUERIES = {"profile.pathway": "?to=associate-data-analyst", "profile.save_target": "?to=associate-data-analyst"}


def matrix_world(database_file, identity_provider):
    """(app, the values to fill each route's arguments with, another department's scheme)."""
    app = fresh_app(database_file, OIDC_PROVIDERS=(department_using(identity_provider),))
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        session = db.session()
        demo.seed(session, people=10, seed=2)
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        policy = session.exec(
            select(Person).join(User, User.id == Person.user_id).where(User.email == EMAILS["civil_servant"])
        ).one()
        session.add(User(email=EMAILS["hr_department"], password_hash=hr.password_hash, role="hr",
                         department_id=policy.department_id))  # fmt: skip
        session.commit()
        department, person_id, assessment_id = policy.department_id, policy.id, policy.current_assessment_id
    ours = make_scheme(app, owner_department_id=department)
    theirs = make_scheme(app, owner_department_id=department + 1, name="Another department's scheme")
    with app.app_context():
        session = db.session()
        member = SchemeMember(scheme_id=ours, person_id=person_id, status="applied", source="applied")
        item = session.exec(
            select(LearningItem).where(LearningItem.slug == "working-with-data-and-visualisation")
        ).one()
        starts = datetime.now(UTC) - timedelta(days=2)
        past = LearningSession(item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=2), location="Leeds",
                               capacity=10)  # fmt: skip
        session.add_all([member, past])
        session.flush()
        registration = Registration(session_id=past.id, item_id=item.id, person_id=person_id, status="attended",
                                    source="self")  # fmt: skip
        session.add(registration)
        session.commit()
        link = session.exec(select(LineManagement).where(LineManagement.report_id == person_id)).one()
        asked = ConfirmationRequest(person_id=person_id, assessment_id=assessment_id, link_id=link.id)
        session.add(asked)
        session.commit()
        client = ApiClient(key_id="matrix", secret_hash="0" * 64, name="An HR system", scopes=["people:write"],
                           expires_at=datetime.now(UTC) + timedelta(days=30))  # fmt: skip
        session.add(client)
        session.commit()
        ids = {"member": member.id, "session": past.id, "registration": registration.id, "slug": item.slug,
               "link": link.id, "request": asked.id, "client": client.id}  # fmt: skip
    values = {
        "role_slug": "data-analyst", "level_slug": "senior-data-analyst", "skill_slug": "data-visualisation",
        "family": "data", "page": 1, "filename": "app.css", "slug": ids["slug"], "session_id": ids["session"],
        "registration_id": ids["registration"], "provider_slug": "test-department",
        "scheme_id": ours, "member_id": ids["member"], "person_id": person_id, "assessment_id": assessment_id,
        "token": "never-sent", "link_id": ids["link"], "request_id": ids["request"], "client_id": ids["client"],
    }  # fmt: skip
    return app, values, theirs


def client_for(app, role: str):
    client = app.test_client()
    return client if role == "anonymous" else signed_in_as(client, EMAILS[role])


def address(app, rule, values) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments}) + QUERIES.get(rule.endpoint, "")
