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
