import re
from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import User
from tests.client import CSRF_PATTERN, emailed_link, signed_in_as

STRONG = "orange-tractor-lighthouse"


def register(submit, email="new.person@example.gov.uk", password=STRONG, name="Nia Newcomer"):
    return submit("/register", {"display_name": name, "email": email, "password": password})


def test_register_emails_a_link_that_creates_a_civil_servant_and_signs_them_in(app, client, submit):
    response = register(submit)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # not signed in until the link is opened
    with app.app_context():
        user = db.session().exec(select(User).where(User.email == "new.person@example.gov.uk")).one()
    assert user.role == "civil_servant" and user.email_confirmed_at is None and user.password_hash == ""
    confirmed = client.get(emailed_link(app, "new.person@example.gov.uk", "confirm_email"))
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("/profile/about")
    with app.app_context():
        user = db.session().exec(select(User).where(User.email == "new.person@example.gov.uk")).one()
    assert user.email_confirmed_at is not None
    assert user.password_hash != STRONG and user.password_hash.startswith("scrypt:")
    assert client.get("/profile").status_code == 200
    with client.session_transaction() as browser:
        assert browser["display_name"] == "Nia Newcomer"  # the name given, for the profile about to be made


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "Password must be 12 characters or more"),
        # The whole sentence, up to the end of the message: it was once cut off after "for example".
        (
            "password1234",
            "Password is too easy to guess. Use 3 random words together, such as ‘tulip lantern harbour’<",
        ),  # noqa: E501
        ("aaaaaaaaaaaaaaaa", "Password is too easy to guess"),
        ("new.person-is-me-2026", "Password must not contain your email address"),
    ],
)
def test_weak_passwords_are_refused_and_the_form_keeps_what_was_typed(submit, password, message):
    html = register(submit, password=password).get_data(as_text=True)
    assert message in html
    assert "There is a problem" in html
    assert 'value="new.person@example.gov.uk"' in html
    assert 'value="Nia Newcomer"' in html


def test_register_errors_for_missing_fields_and_bad_email(submit):
    html = submit("/register", {"display_name": "", "email": "not-an-email", "password": ""}).get_data(as_text=True)
    assert "Enter your full name" in html
    assert "Enter an email address in the correct format" in html
    assert "Enter a password" in html
    assert "<title>Error: " in html


def test_registering_an_address_that_has_an_account_answers_the_same_and_emails_its_owner(app, submit, client):
    import re as regex

    from ddat.models import OutboxMessage

    def page(response):
        addresses = r'nonce="[^"]+"|new\.person@example\.gov\.uk|someone\.else@example\.gov\.uk'
        return regex.sub(addresses, "", response, flags=regex.IGNORECASE)

    register(submit)
    client.get(emailed_link(app, "new.person@example.gov.uk", "confirm_email"))
    submit("/sign-out", {})
    again = register(submit, email="NEW.person@example.gov.uk ", password="another-strong-passphrase")
    fresh = register(submit, email="someone.else@example.gov.uk", password="another-strong-passphrase")
    assert again.status_code == fresh.status_code == 200
    assert page(again.get_data(as_text=True)) == page(fresh.get_data(as_text=True))
    assert "already exists" not in again.get_data(as_text=True)
    with app.app_context():
        sent = [m.template for m in db.session().exec(
            select(OutboxMessage).where(OutboxMessage.to_address == "new.person@example.gov.uk")
        )]  # fmt: skip
    assert sent == ["confirm_email", "account_exists"]
    signed_in_as(app.test_client(), "new.person@example.gov.uk", STRONG)  # the owner's password stands


def test_someone_registering_another_persons_address_first_cannot_choose_its_password(app, submit, client):
    register(submit, password="attacker-chosen-phrase")  # the attacker, who never sees the email
    attackers_link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    register(submit, password="owners-own-passphrase")  # the owner registers too
    owners_link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    assert attackers_link != owners_link
    assert client.get(attackers_link).status_code == 404  # a newer registration ends the older link at once
    client.get(owners_link)
    assert client.get(attackers_link).status_code == 404  # every other link stops working
    signed_in_as(app.test_client(), "new.person@example.gov.uk", "owners-own-passphrase")
    attacker = app.test_client()
    token = CSRF_PATTERN.search(attacker.get("/sign-in").get_data(as_text=True)).group(1)
    refused = attacker.post(
        "/sign-in",
        data={"email": "new.person@example.gov.uk", "password": "attacker-chosen-phrase", "csrf_token": token},
    )
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.get_data(as_text=True)


def test_sign_in_gives_the_same_message_for_unknown_email_and_wrong_password(seeded, submit):
    unknown = submit("/sign-in", {"email": "nobody@example.gov.uk", "password": "whatever-it-is"}).get_data(
        as_text=True
    )
    wrong = submit("/sign-in", {"email": "hr@example.gov.uk", "password": "not-the-password"}).get_data(as_text=True)
    assert "Enter a correct email address and password" in unknown
    assert "Enter a correct email address and password" in wrong


def test_sign_in_rotates_the_session_and_sets_safe_cookie_flags(seeded, client, submit):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = submit("/sign-in", {"email": "policy.officer@example.gov.uk", "password": "pathways-demo-2026"})
    assert response.status_code == 302, "sign-in failed"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com/",
        "/\t/evil.example.com/",
        "/%09/evil.example.com/",
        " //evil.example.com/",
        "/\n/evil.example.com",
        "javascript:alert(1)",
        "////evil.example.com/",
        "///evil.example.com/",
        "/%2F/evil.example.com/",
    ],
)
def test_sign_in_never_redirects_to_another_site(seeded, client, submit, next_url):
    client.get("/sign-in")  # a fresh session for each attempt
    response = submit(
        "/sign-in?" + urlencode({"next": next_url}),
        {"email": "hr@example.gov.uk", "password": "pathways-demo-2026"},
    )
    location = response.headers["Location"]
    assert location == "/profile" or (location.startswith("/") and urlsplit(location).netloc == ""), location
    # Browsers strip tabs and newlines and read "\\" as "/": none may survive into the header.
    assert not any(c in location for c in "\t\n\\")
    assert not location.startswith("//")


def test_sign_in_follows_local_next_pages(seeded, submit):
    response = submit(
        "/sign-in?next=/profile/matches", {"email": "hr@example.gov.uk", "password": "pathways-demo-2026"}
    )
    assert response.headers["Location"] == "/profile/matches"


def test_sign_out_is_a_post_from_the_navigation(seeded, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    profile = client.get("/profile").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/sign-out"[^>]*>\s*<input name="csrf_token" type="hidden"', profile)
    # Visiting the address (say from a link on another site) does not sign anyone out.
    page = client.get("/sign-out").get_data(as_text=True)
    assert '<h1 class="govuk-heading-xl">Sign out</h1>' in page
    assert client.get("/profile").status_code == 200
    assert client.post("/sign-out").status_code == 400  # no CSRF token
    assert client.get("/profile").status_code == 200
    assert "You have signed out" in submit("/sign-out", {}).get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    assert "You are not signed in" in client.get("/sign-out").get_data(as_text=True)


def test_a_post_without_csrf_shows_a_friendly_page(seeded, client):
    response = client.post("/sign-in", data={"email": "hr@example.gov.uk", "password": "pathways-demo-2026"})
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.get_data(as_text=True)


def test_production_cookies_are_secure():
    from ddat.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
