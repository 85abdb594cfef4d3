"""The start page, where each kind of user lands after signing in, and the footer pages."""

import pytest
from bs4 import BeautifulSoup

from tests.client import registered, signed_in_as


def test_the_start_page_says_what_a_visitor_can_do_and_starts_with_an_account(get_page):
    document = BeautifulSoup(get_page("/"), "html.parser")
    assert document.h1.get_text(strip=True) == "Find your way into a digital, data or technology role"
    start = document.select_one("a.govuk-button--start")
    assert start["href"] == "/register" and "Start now" in start.get_text()
    assert document.select_one('main a[href="/sign-in"]') is not None
    assert document.select_one('main a[href="/framework"]') is not None, "the framework is open to anyone"


def test_without_passwords_the_start_button_signs_in(make_app):
    app = make_app()
    app.config["PASSWORD_SIGN_IN"] = False
    document = BeautifulSoup(app.test_client().get("/").get_data(as_text=True), "html.parser")
    assert document.select_one("a.govuk-button--start")["href"] == "/sign-in"


@pytest.mark.parametrize(
    "email, lands_on",
    [
        ("policy.officer@example.gov.uk", "/profile/matches"),  # has assessed her skills
        ("hr@example.gov.uk", "/schemes"),
        ("leader@example.gov.uk", "/dashboards"),
        ("admin@example.gov.uk", "/admin/audit"),
        # invited to the data masterclass: its page, to choose a session, straight away
        ("perm.sec@example.gov.uk", "/masterclasses/data-masterclass-for-permanent-secretaries"),
    ],
)
def test_signing_in_lands_each_person_where_their_work_starts(seeded, email, lands_on):
    client = seeded.test_client()
    signed_in_as(client, email)
    assert client.get("/home").headers["Location"] == lands_on
    assert client.get("/").headers["Location"] == lands_on, "signed in, the start page sends them on too"


def test_sign_in_goes_to_the_landing_page_unless_asked_for_another(seeded, client, submit):
    answers = {"email": "leader@example.gov.uk", "password": "pathways-demo-2026"}
    response = submit("/sign-in", answers)
    assert response.headers["Location"] == "/home"
    assert client.get("/home", follow_redirects=True).request.path == "/dashboards"
    asked = submit("/sign-in?next=/dashboards/skills", answers)
    assert asked.headers["Location"] == "/dashboards/skills"


def test_a_new_account_lands_on_the_task_list(seeded, submit, client):
    registered(client, "nia@example.gov.uk", "orange-tractor-lighthouse")
    assert client.get("/home").headers["Location"] == "/profile"


@pytest.mark.parametrize(
    "url, heading, says",
    [
        ("/accessibility", "Accessibility statement for DDaT Pathways", "partially compliant"),
        ("/privacy", "Privacy notice", "Audit log events are kept for 730 days"),
        ("/cookies", "Cookies", "does not use analytics cookies"),
        ("/status", "Service status", "DDaT Pathways is working normally."),
    ],
)
def test_every_footer_page_is_a_page_for_people_and_linked_from_every_page(get_page, url, heading, says):
    document = BeautifulSoup(get_page(url), "html.parser")
    assert document.h1.get_text(strip=True) == heading
    assert says in " ".join(document.main.get_text(" ").split())
    footer_links = [a["href"] for a in document.select("footer a")]
    assert {"/accessibility", "/privacy", "/cookies", "/status"} <= set(footer_links)
    assert "/healthz" not in footer_links, "people get the page, not the JSON"


def test_the_privacy_notice_states_the_retention_the_service_is_configured_with(make_app, monkeypatch):
    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "400")
    html = make_app().test_client().get("/privacy").get_data(as_text=True)
    assert "Audit log events are kept for 400 days (about 1 year)" in html


def test_the_status_page_says_plainly_when_no_framework_is_loaded(tmp_path):
    from ddat import create_app
    from ddat.migrate import upgrade_to_head

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(url)
    client = create_app("test", SQLALCHEMY_DATABASE_URI=url).test_client()
    response = client.get("/status")
    assert response.status_code == 503
    assert "the DDaT Capability Framework has not been loaded" in response.get_data(as_text=True)
    assert client.get("/healthz").get_json() == {"status": "degraded", "database": "ok", "framework_version": None}
