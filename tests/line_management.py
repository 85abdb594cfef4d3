"""What the line management tests share: the demo's people, a signed-in client that sends forms
without CSRF tokens, and the steps a person and their manager take to ask for and answer a
confirmation."""

import html
import re

from sqlmodel import select

from ddat import db
from ddat.models import ConfirmationRequest, LineManagement, SkillRating
from tests.client import signed_in_as
from tests.factories import person_of

MANAGER = "line.manager@example.gov.uk"
POLICY = "policy.officer@example.gov.uk"
OPS = "ops.officer@example.gov.uk"
HR = "hr@example.gov.uk"
PERM_SEC = "perm.sec@example.gov.uk"


def as_user(app, email):
    client = signed_in_as(app.test_client(), email)
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def current_ratings(app, email) -> dict[str, SkillRating]:
    with app.app_context():
        person = person_of(app, email)
        rows = db.session().exec(select(SkillRating).where(SkillRating.assessment_id == person.current_assessment_id))
        return {r.skill: r for r in rows}


def ask(app, email=POLICY) -> int:
    """The person pressing "Ask … to confirm your skills" on their confirmation page."""
    client = as_user(app, email)
    page = client.get("/profile/confirmation").get_data(as_text=True)
    link = re.search(r'name="link" value="(\d+)"', page)
    response = client.post("/profile/confirmation/ask", data={"link": link.group(1) if link else ""})
    assert response.status_code == 302
    with app.app_context():
        person = person_of(app, email)
        return (
            db.session()
            .exec(select(ConfirmationRequest.id).where(ConfirmationRequest.person_id == person.id))
            .all()[-1]
        )


def answer_all(app, request_id: int, manager=MANAGER, **special) -> object:
    """The manager confirming every skill, except those in `special` (skill: form values)."""
    client = as_user(app, manager)
    page = client.get(f"/team/confirmations/{request_id}")
    assert page.status_code == 200
    data = {"shown": re.search(r'name="shown" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)}
    for skill in re.findall(r'name="decision_([a-z_]+)"', page.get_data(as_text=True)):
        data[f"decision_{skill}"] = "confirmed"
    for skill, values in special.items():
        data.update({f"{name}_{skill}": value for name, value in values.items()})
    return client.post(f"/team/confirmations/{request_id}", data=data)


def waiting_link(app, email: str) -> int:
    with app.app_context():
        return (
            db.session()
            .exec(
                select(LineManagement.id).where(
                    LineManagement.manager_email == email, LineManagement.accepted_at.is_(None)
                )
            )
            .one()
        )


def count_requests(app) -> int:
    with app.app_context():
        return len(db.session().exec(select(ConfirmationRequest.id)).all())
