import os
import sqlite3
from pathlib import Path
from unittest.mock import ANY

import pytest
from sqlalchemy.engine import make_url

from ddat.permissions import public
from tests.client import CSRF_PATTERN
from tests.support import fresh_app


def test_an_unexpected_error_shows_a_gov_uk_500_page_without_a_stack_trace(app):
    @public
    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "secret internal detail" not in html and "Traceback" not in html


@pytest.mark.parametrize(
    "method, url, status, heading",
    [
        ("post", "/framework", 405, "Sorry, that action is not allowed on this page"),
        ("get", "/framework/roles/nope", 404, "Page not found"),
    ],
)
def test_http_errors_have_gov_uk_pages(client, method, url, status, heading):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert heading in response.get_data(as_text=True)


def test_a_post_without_a_csrf_token_is_refused(app):
    @public
    def change_something():
        return "changed"

    app.add_url_rule("/change", view_func=change_something, methods=["POST"])
    response = app.test_client().post("/change", data={"anything": "1"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from ddat import create_app

    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app("production")


def test_production_refuses_to_start_without_the_address_links_in_emails_lead_to(monkeypatch):
    from ddat import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("SERVICE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SERVICE_URL must be set in production"):
        create_app("production")


BUSY = "Sorry, the service is busy"


def database_file(app) -> Path:
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)


def assert_busy_page(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert BUSY in html and "govuk-template" in html
    assert response.headers["Retry-After"].isdigit()  # when to try again (rate-limited routes give their own)
    assert "Traceback" not in html and "sqlalchemy" not in html.lower()


def test_a_missing_database_file_is_a_busy_page_and_is_not_recreated_until_it_is_back(app, sign_in, client):
    assert client.get("/framework").status_code == 200  # the pool holds a connection to the file
    path = database_file(app)
    away = path.with_name("moved-away.db")
    path.rename(away)
    try:
        assert_busy_page(client.get("/framework"))
        health = client.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
        assert not path.exists(), "an empty database was made in the missing one's place"
    finally:
        away.rename(path)
    assert client.get("/framework").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok", "framework_version": ANY}


def test_a_signed_in_person_whose_account_cannot_be_loaded_sees_the_busy_page(seeded, sign_in, client):
    sign_in("policy.officer@example.gov.uk")
    path = database_file(seeded)
    away = path.with_name("moved-away.db")
    path.rename(away)
    try:
        # Loading the signed-in account is the first thing to need the database.
        assert_busy_page(client.get("/profile"))
    finally:
        away.rename(path)
    assert client.get("/profile").status_code == 200


def test_a_replaced_database_file_is_used_without_a_restart(app, client, tmp_path):
    assert client.get("/healthz").get_json()["framework_version"] != "replaced"
    path = database_file(app)
    replacement = tmp_path / "replacement.db"
    live, copy = sqlite3.connect(path), sqlite3.connect(replacement)
    live.backup(copy)
    copy.execute("UPDATE framework_release SET version = 'replaced'")
    copy.commit()
    # Pages not yet written back wait in the -wal file beside the path, and a file swapped in
    # would be read through them: the swap is safe once they are written back.
    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    live.close(), copy.close()
    os.replace(replacement, path)
    assert client.get("/healthz").get_json()["framework_version"] == "replaced"


def test_a_write_that_waits_too_long_for_a_lock_is_a_busy_page_and_nothing_half_done(tmp_path):
    from ddat import db, demo

    app = fresh_app(tmp_path / "locked.db", SQLITE_BUSY_SECONDS=0.2)
    with app.app_context():
        demo.seed(db.session(), people=2, seed=4)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = CSRF_PATTERN.search(page).group(1)
    holder = sqlite3.connect(database_file(app), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        form = {"email": "policy.officer@example.gov.uk", "password": "pathways-demo-2026", "csrf_token": token}
        assert_busy_page(client.post("/sign-in", data=form))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Signing in did not happen: the browser is not signed in, and trying again works (the
    # failed request left no transaction open).
    assert client.get("/profile").status_code == 302
    assert client.post("/sign-in", data=form).status_code == 302
    assert client.get("/profile").status_code == 200
