import re
from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import OutboxMessage, User
from tests.client import CSRF_PATTERN, emailed_link, signed_in_as

STRONG = "orange-tractor-lighthouse"


def register(submit, email="new.person@example.gov.uk"):
    return submit("/register", {"email": email})


def finish(submit, link, password=STRONG, name="Nia Newcomer"):
    """The page the confirmation link opens: name and password."""
    return submit(link, {"display_name": name, "new_password": password})


def account(app, email="new.person@example.gov.uk"):
    with app.app_context():
        return db.session().exec(select(User).where(User.email == email)).one()


def test_register_emails_a_link_whose_page_sets_the_name_and_password_and_signs_in(app, client, submit):
    response = register(submit)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # not signed in until the link is used
    user = account(app)
    assert user.role == "civil_servant" and user.email_confirmed_at is None and user.password_hash == ""
    link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    page = client.get(link)
    assert page.status_code == 200 and "Finish creating your account" in page.get_data(as_text=True)
    assert "new.person@example.gov.uk" in page.get_data(as_text=True)
    assert account(app).email_confirmed_at is None  # opening the link alone changes nothing
    finished = finish(submit, link)
    assert finished.status_code == 302 and finished.headers["Location"].endswith("/profile/about")
    user = account(app)
    assert user.email_confirmed_at is not None
    assert user.password_hash != STRONG and user.password_hash.startswith("scrypt:")
    assert client.get("/profile").status_code == 200
    assert user.display_name == "Nia Newcomer"  # kept with the account, whichever browser carries on
    submit("/sign-out", {})
    submit("/forgot-password", {"email": "new.person@example.gov.uk"})  # before any profile exists
    with app.app_context():
        reset = db.session().exec(select(OutboxMessage).where(OutboxMessage.template == "password_reset")).one()
    assert reset.personalisation["name"] == "Nia Newcomer"
    assert client.get(link).status_code == 404  # the link works once


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
def test_weak_passwords_are_refused_and_the_form_keeps_what_was_typed(app, submit, password, message):
    register(submit)
    link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    html = finish(submit, link, password=password).get_data(as_text=True)
    assert message in html
    assert "There is a problem" in html
    assert 'value="Nia Newcomer"' in html
    assert account(app).password_hash == ""  # and the link still works
    assert finish(submit, link).status_code == 302


def test_register_and_finish_errors_for_missing_fields_and_bad_email(app, submit):
    html = submit("/register", {"email": "not-an-email"}).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html and "<title>Error: " in html
    assert "Enter your work email address" in submit("/register", {"email": ""}).get_data(as_text=True)
    register(submit)
    html = finish(submit, emailed_link(app, "new.person@example.gov.uk", "confirm_email"), "", "").get_data(
        as_text=True
    )
    assert "Enter your full name" in html and "Enter a password" in html and "<title>Error: " in html
    # The summary asks in the order the page does.
    assert html.index('href="#display_name"') < html.index('href="#new_password"')


def test_registering_an_address_that_has_an_account_answers_the_same_and_emails_its_owner(app, submit, client):
    import re as regex

    from ddat.models import OutboxMessage

    def page(response):
        addresses = r'nonce="[^"]+"|new\.person@example\.gov\.uk|someone\.else@example\.gov\.uk'
        return regex.sub(addresses, "", response, flags=regex.IGNORECASE)

    register(submit)
    finish(submit, emailed_link(app, "new.person@example.gov.uk", "confirm_email"))
    submit("/sign-out", {})
    again = register(submit, email="NEW.person@example.gov.uk ")
    fresh = register(submit, email="someone.else@example.gov.uk")
    assert again.status_code == fresh.status_code == 200
    assert page(again.get_data(as_text=True)) == page(fresh.get_data(as_text=True))
    assert "already exists" not in again.get_data(as_text=True)
    with app.app_context():
        sent = [m.template for m in db.session().exec(
            select(OutboxMessage).where(OutboxMessage.to_address == "new.person@example.gov.uk")
        )]  # fmt: skip
    assert sent == ["confirm_email", "account_exists"]
    signed_in_as(app.test_client(), "new.person@example.gov.uk", STRONG)  # the owner's password stands


def test_someone_registering_another_persons_address_chooses_nothing_about_the_account(app, submit, client):
    from ddat.models import OutboxMessage

    # The attacker, who never sees the email, can only ask for one to be sent; words they type
    # beside the address reach nobody's inbox.
    submit("/register", {"email": "new.person@example.gov.uk", "display_name": "Urgent: call 0800 000 000",
                         "password": "attacker-chosen-phrase"})  # fmt: skip
    attackers_link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    register(submit)  # the owner registers too
    owners_link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    assert attackers_link != owners_link
    assert client.get(attackers_link).status_code == 404  # a newer registration ends the older link at once
    # The owner, opening a link from their inbox (either one, had it still worked), chooses the password.
    finish(submit, owners_link, password="owners-own-passphrase")
    assert client.get(attackers_link).status_code == 404
    signed_in_as(app.test_client(), "new.person@example.gov.uk", "owners-own-passphrase")
    attacker = app.test_client()
    token = CSRF_PATTERN.search(attacker.get("/sign-in").get_data(as_text=True)).group(1)
    refused = attacker.post(
        "/sign-in",
        data={"email": "new.person@example.gov.uk", "password": "attacker-chosen-phrase", "csrf_token": token},
    )
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.get_data(as_text=True)
    # Once the account exists, another registration emails its owner by the name they gave.
    submit("/sign-out", {})
    submit("/register", {"email": "new.person@example.gov.uk", "display_name": "Urgent: call 0800 000 000"})
    with app.app_context():
        messages = db.session().exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.template for m in messages] == ["confirm_email", "confirm_email", "account_exists"]
    assert not any("0800" in str(m.personalisation) for m in messages)


def test_a_confirmation_link_finishes_the_account_once_when_used_from_two_tabs(app, submit):
    register(submit)
    link = emailed_link(app, "new.person@example.gov.uk", "confirm_email")
    first, second = app.test_client(), app.test_client()
    tokens = [CSRF_PATTERN.search(tab.get(link).get_data(as_text=True)).group(1) for tab in (first, second)]
    answers = [
        tab.post(link, data={"display_name": "Nia", "new_password": password, "csrf_token": token})
        for tab, token, password in zip((first, second), tokens, (STRONG, "another-strong-passphrase"), strict=True)
    ]
    assert [a.status_code for a in answers] == [302, 404]
    signed_in_as(app.test_client(), "new.person@example.gov.uk", STRONG)


def test_registration_emails_are_limited_per_account_even_after_sent_links_are_wiped(app, submit):
    from ddat.models import OutboxMessage

    for _ in range(3):
        register(submit)
    with app.app_context():
        database = db.session()
        for message in database.exec(select(OutboxMessage)):  # as the sender leaves them once Notify has them
            message.to_address, message.personalisation = "", {}
            database.add(message)
        database.commit()
    answer = register(submit)
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    with app.app_context():
        assert len(db.session().exec(select(OutboxMessage)).all()) == 3


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
