"""Signing a Flask test client in and out as a browser would."""

import re

from flask.testing import FlaskClient

DEMO_PASSWORD = "pathways-demo-2026"  # every demo account's (ddat/demo/__init__.py)
CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def signed_in_as(client: FlaskClient, email: str, password: str = DEMO_PASSWORD) -> FlaskClient:
    """The client, signed in with the sign-in form (its CSRF token too, where the app checks
    them); fails the test unless the service accepts the email and password."""
    data = {"email": email, "password": password}
    if client.application.config["WTF_CSRF_ENABLED"]:
        token = CSRF_PATTERN.search(client.get("/sign-in").get_data(as_text=True))
        assert token, "no CSRF token on /sign-in"
        data["csrf_token"] = token.group(1)
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302, f"sign-in failed for {email}"
    return client


def signed_out(client: FlaskClient) -> None:
    """Forget the client's session, as if the browser was closed."""
    with client.session_transaction() as browser:
        browser.clear()


def emailed_link(app, email: str, template: str) -> str:
    """The path of the link in the newest message of this kind to this address, as the person
    would open it from their inbox."""
    from sqlmodel import select

    from ddat import db
    from ddat.models import OutboxMessage

    with app.app_context():
        message = (
            db.session()
            .exec(
                select(OutboxMessage)
                .where(OutboxMessage.to_address == email, OutboxMessage.template == template)
                .order_by(OutboxMessage.id.desc())
            )
            .first()
        )
    assert message is not None, f"no {template} message to {email}"
    return "/" + message.personalisation["link"].split("://", 1)[-1].split("/", 1)[1]


def registered(client: FlaskClient, email: str, password: str, name: str = "Nia Newcomer"):
    """Register with the form, open the confirmation link emailed and choose a name and
    password there: the client is signed in as the new account. Returns the answer to that
    last form (a redirect to About you)."""
    asked = client.post("/register", data=_with_csrf(client, "/register", {"email": email}))
    assert asked.status_code == 200 and "Check your email" in asked.get_data(as_text=True), "registration refused"
    link = emailed_link(client.application, " ".join(email.split()).lower(), "confirm_email")
    return client.post(link, data=_with_csrf(client, link, {"display_name": name, "new_password": password}))


def _with_csrf(client: FlaskClient, form_url: str, data: dict) -> dict:
    if client.application.config["WTF_CSRF_ENABLED"]:
        data["csrf_token"] = CSRF_PATTERN.search(client.get(form_url).get_data(as_text=True)).group(1)
    return data
