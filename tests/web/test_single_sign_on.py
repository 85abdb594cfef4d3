"""Single sign-on end to end against a real OpenID Connect provider on loopback: accounts
created and linked, and every kind of bad sign-in refused with a clear page."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import func, select

from ddat import db
from ddat.models import AuditEvent, User, UserIdentity
from ddat.sso_config import providers_from_env
from tests.client import CSRF_PATTERN, emailed_link, registered
from tests.oidc_provider import department_using, running_provider
from tests.support import fresh_app


@pytest.fixture(scope="module")
def idp():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def sso_app(tmp_path, idp):
    from ddat import demo

    app = fresh_app(tmp_path / "sso.db", OIDC_PROVIDERS=(department_using(idp),))
    with app.app_context():
        demo.seed(db.session(), people=3, seed=5)
    idp.tamper = None
    yield app
    idp.tamper = None


def signs_in(app, idp, sub: str, client=None):
    """Start at the service, sign in at the provider, come back: the service's last response."""
    client = client or app.test_client()
    start = client.get("/sign-in/test-department?next=/profile/matches")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(f"{idp.url}/oauth2/authorize")
    back = urlsplit(idp.approve(authorize, sub))
    return client, client.get(f"{back.path}?{back.query}")


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model).where(*where)).one()


def test_the_flow_uses_pkce_state_and_nonce(sso_app, idp):
    start = sso_app.test_client().get("/sign-in/test-department")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_first_sign_in_creates_a_civil_servants_account(sso_app, idp):
    idp.add_user("new-starter-1", email="New.Starter@example.gov.uk", email_verified=True, name="New Starter")
    users_before = count(sso_app, User)
    client, response = signs_in(sso_app, idp, "new-starter-1")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/matches"
    assert count(sso_app, User) == users_before + 1
    with sso_app.app_context():
        user = db.session().exec(select(User).where(User.email == "new.starter@example.gov.uk")).one()
        assert user.role == "civil_servant" and user.password_hash == ""
    assert client.get("/profile").status_code == 200
    # No password was ever set, so none can be used.
    other = sso_app.test_client()
    token = CSRF_PATTERN.search(other.get("/sign-in").get_data(as_text=True)).group(1)
    refused = other.post("/sign-in", data={"email": "new.starter@example.gov.uk", "password": "", "csrf_token": token})
    assert refused.status_code == 200 and "Enter" in refused.get_data(as_text=True)
    assert other.get("/profile").status_code == 302
    # The second sign-in finds the same account by the provider's subject.
    signs_in(sso_app, idp, "new-starter-1")
    assert count(sso_app, User) == users_before + 1
    assert count(sso_app, UserIdentity) == 1


def test_an_existing_account_with_the_same_verified_email_is_linked(sso_app, idp):
    idp.add_user("policy-officer", email="policy.officer@example.gov.uk", email_verified=True)
    users_before = count(sso_app, User)
    client, response = signs_in(sso_app, idp, "policy-officer")
    assert response.status_code == 302
    assert count(sso_app, User) == users_before
    assert client.get("/profile").status_code == 200  # signed in: the demo account's own profile
    with sso_app.app_context():
        linked = db.session().exec(select(UserIdentity)).one()
        owner = db.session().get(User, linked.user_id)
    assert owner.email == "policy.officer@example.gov.uk" and linked.issuer == idp.url
    assert count(sso_app, AuditEvent, AuditEvent.action == "auth.identity_linked") == 1


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        ("bad-signature", "could not be checked"),
        ("wrong-audience", "could not be checked"),
        ("expired", "could not be checked"),
        ("another-audience-our-azp", "could not be checked"),
        ("wrong-issuer", "could not be checked"),
        ("wrong-nonce", "could not be checked"),
    ],
)
def test_tokens_that_fail_verification_are_refused(sso_app, idp, tamper, why):
    idp.add_user("someone", email="someone@example.gov.uk", email_verified=True)
    idp.tamper = tamper
    users_before = count(sso_app, User)
    client, response = signs_in(sso_app, idp, "someone")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "You could not be signed in" in page and why in page
    assert count(sso_app, User) == users_before
    assert client.get("/profile").status_code == 302  # still signed out
    assert count(sso_app, AuditEvent, AuditEvent.action == "auth.sso_refused") == 1


def test_a_replayed_state_is_refused(sso_app, idp):
    idp.add_user("replayer", email="replayer@example.gov.uk", email_verified=True)
    client = sso_app.test_client()
    start = client.get("/sign-in/test-department")
    back = urlsplit(idp.approve(start.headers["Location"], "replayer"))
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    # The same answer again, in a fresh browser or the same one, is refused.
    for replaying in (sso_app.test_client(), client):
        response = replaying.get(f"{back.path}?{back.query}")
        assert response.status_code == 400
        assert "expired or was already used" in response.get_data(as_text=True)


def test_a_disallowed_email_domain_is_refused(sso_app, idp):
    idp.add_user("outsider", email="someone@example.com", email_verified=True)
    users_before = count(sso_app, User)
    _, response = signs_in(sso_app, idp, "outsider")
    assert response.status_code == 403
    assert "does not accept sign-ins for your email address" in response.get_data(as_text=True)
    assert count(sso_app, User) == users_before


def test_an_unconfirmed_email_is_neither_linked_nor_used(sso_app, idp):
    # Otherwise anyone able to type a colleague's address at a careless provider could take over their account.
    idp.add_user("unverified", email="hr@example.gov.uk", email_verified=False)
    _, response = signs_in(sso_app, idp, "unverified")
    assert response.status_code == 403 and "did not confirm your email address" in response.get_data(as_text=True)
    assert count(sso_app, UserIdentity) == 0


def test_refusing_at_the_provider_shows_a_clear_page(sso_app, idp):
    import requests

    client = sso_app.test_client()
    start = client.get("/sign-in/test-department")
    denied = requests.post(start.headers["Location"], data={"action": "deny"}, allow_redirects=False, timeout=5)
    back = urlsplit(denied.headers["Location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400 and "did not let you in" in response.get_data(as_text=True)


def test_an_unknown_provider_is_not_found(sso_app):
    assert sso_app.test_client().get("/sign-in/made-up").status_code == 404
    assert sso_app.test_client().get("/sign-in/made-up/callback?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_each_provider_and_passwords_can_be_switched_off(sso_app, tmp_path, idp):
    page = sso_app.test_client().get("/sign-in").get_data(as_text=True)
    assert "Sign in with Test Department" in page and 'name="password"' in page
    only_sso = fresh_app(tmp_path / "only.db", OIDC_PROVIDERS=sso_app.config["OIDC_PROVIDERS"], PASSWORD_SIGN_IN=False,
                         WTF_CSRF_ENABLED=False)  # fmt: skip
    client = only_sso.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with Test Department" in page and 'name="password"' not in page
    assert client.post("/sign-in", data={"email": "a@example.gov.uk", "password": "x"}).status_code == 404
    assert client.get("/register").status_code == 404


def test_providers_come_from_the_environment_with_clear_errors():
    one = providers_from_env(
        {
            "OIDC_ISSUER": "https://login.example.gov.uk/",
            "OIDC_CLIENT_ID": "id",
            "OIDC_CLIENT_SECRET": "secret",
            "OIDC_ALLOWED_DOMAINS": "Example.gov.uk, @digital.example.gov.uk",
        }
    )
    assert [(p.slug, p.issuer, p.allowed_domains) for p in one] == [
        ("sso", "https://login.example.gov.uk", ("example.gov.uk", "digital.example.gov.uk"))
    ]
    two = providers_from_env(
        {
            "OIDC_PROVIDERS": "hmrc, dwp",
            **{f"OIDC_{d}_{k}": "x.gov.uk" for d in ("HMRC", "DWP") for k in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")},
            "OIDC_HMRC_ALLOWED_DOMAINS": "hmrc.gov.uk",
            "OIDC_DWP_ALLOWED_DOMAINS": "dwp.gov.uk",
            "OIDC_DWP_NAME": "DWP",
        }
    )
    assert [(p.slug, p.name) for p in two] == [("hmrc", "your department's account"), ("dwp", "DWP")]
    assert providers_from_env({}) == ()
    with pytest.raises(RuntimeError, match="needs OIDC_CLIENT_SECRET, OIDC_ALLOWED_DOMAINS"):
        providers_from_env({"OIDC_ISSUER": "https://x", "OIDC_CLIENT_ID": "id"})


def test_deleting_an_account_removes_its_link_to_the_provider(sso_app, idp):
    idp.add_user("leaver", email="leaver@example.gov.uk", email_verified=True)
    client, _ = signs_in(sso_app, idp, "leaver")
    token = CSRF_PATTERN.search(client.get("/profile/data/delete").get_data(as_text=True)).group(1)
    assert client.post("/profile/data/delete", data={"csrf_token": token}).status_code == 302
    assert count(sso_app, UserIdentity) == 0
    assert count(sso_app, User, User.email == "leaver@example.gov.uk") == 0
    # Signing in again starts afresh.
    signs_in(sso_app, idp, "leaver")
    assert count(sso_app, User, User.email == "leaver@example.gov.uk") == 1


@pytest.mark.parametrize(
    "next_url",
    ["//evil.example.com/", "////evil.example.com/", "https://evil.example.com", "/\\evil.example.com", "/ok"],
)
def test_single_sign_on_never_sends_people_to_another_site(sso_app, idp, next_url):
    idp.add_user("traveller", email="traveller@example.gov.uk", email_verified=True)
    client = sso_app.test_client()
    start = client.get("/sign-in/test-department", query_string={"next": next_url})
    back = urlsplit(idp.approve(start.headers["Location"], "traveller"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302
    assert response.headers["Location"] == ("/ok" if next_url == "/ok" else "/home")


def test_someone_who_registered_an_address_first_loses_the_account_to_its_owner(sso_app, idp):
    # An attacker registers a colleague's address with a password of their own, and (never
    # seeing the confirmation email) cannot use it...
    attacker = sso_app.test_client()
    token = CSRF_PATTERN.search(attacker.get("/register").get_data(as_text=True)).group(1)
    registered = attacker.post(
        "/register",
        data={"display_name": "Not Priya", "email": "priya.owner@example.gov.uk", "password": "attacker-chosen-pw-1",
              "csrf_token": token},
    )  # fmt: skip
    assert registered.status_code == 200 and attacker.get("/profile/about").status_code == 302
    link = emailed_link(sso_app, "priya.owner@example.gov.uk", "confirm_email")  # in the owner's inbox
    # ...then the real owner signs in through their organisation.
    idp.add_user("priya-owner", email="priya.owner@example.gov.uk", email_verified=True)
    owner, response = signs_in(sso_app, idp, "priya-owner")
    assert response.status_code == 302 and owner.get("/profile/about").status_code == 200
    # The link the attacker's registration sent can no longer give the account their password.
    assert attacker.get(link).status_code == 404
    token = CSRF_PATTERN.search(attacker.get("/sign-in").get_data(as_text=True)).group(1)
    again = attacker.post(
        "/sign-in",
        data={"email": "priya.owner@example.gov.uk", "password": "attacker-chosen-pw-1", "csrf_token": token},
    )
    assert again.status_code == 200 and "Enter a correct email address and password" in again.get_data(as_text=True)


def test_a_reset_link_asked_for_before_the_organisation_took_the_account_over_stops_working(sso_app, idp):
    # Someone holding the account's password (they registered the address first) asks for a reset link...
    holder = sso_app.test_client()
    registered(holder, "sam.owner@example.gov.uk", "holders-own-passphrase")
    token = CSRF_PATTERN.search(holder.get("/forgot-password").get_data(as_text=True)).group(1)
    holder.post("/forgot-password", data={"email": "sam.owner@example.gov.uk", "csrf_token": token})
    link = emailed_link(sso_app, "sam.owner@example.gov.uk", "password_reset")
    # ...then the organisation vouches for the real owner, and the password goes.
    idp.add_user("sam-owner", email="sam.owner@example.gov.uk", email_verified=True)
    _, response = signs_in(sso_app, idp, "sam-owner")
    assert response.status_code == 302
    assert holder.get(link).status_code == 404  # the link cannot give the account a password again


def test_the_name_the_organisation_gives_is_the_accounts_and_the_profiles(sso_app, idp):
    from ddat.models import Department, Person

    idp.add_user("rae-named", email="rae.named@example.gov.uk", email_verified=True, name="Rae Named")
    client, _ = signs_in(sso_app, idp, "rae-named")
    with sso_app.app_context():
        assert db.session().exec(select(User.display_name).where(User.email == "rae.named@example.gov.uk")).one() == (
            "Rae Named"
        )
        department = db.session().exec(select(Department.id)).first()
    token = CSRF_PATTERN.search(client.get("/profile/about").get_data(as_text=True)).group(1)
    saved = client.post("/profile/about", data={"profession": "policy", "grade": "HEO", "department": str(department),
                                                "csrf_token": token})  # fmt: skip
    assert saved.status_code == 302
    with sso_app.app_context():
        rae = db.session().exec(select(User.id).where(User.email == "rae.named@example.gov.uk")).one()
        assert db.session().exec(select(Person.display_name).where(Person.user_id == rae)).one() == "Rae Named"


def test_a_reused_address_does_not_inherit_the_previous_persons_account(sso_app, idp):
    idp.add_user("first-holder", email="j.smith@example.gov.uk", email_verified=True)
    signs_in(sso_app, idp, "first-holder")
    idp.add_user("second-holder", email="j.smith@example.gov.uk", email_verified=True)
    client, response = signs_in(sso_app, idp, "second-holder")
    assert response.status_code == 403 and "belongs to another account" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302
    assert count(sso_app, UserIdentity) == 1


def test_an_address_too_long_to_store_is_refused_cleanly(sso_app, idp):
    idp.add_user("long", email="a" * 250 + "@example.gov.uk", email_verified=True)
    _, response = signs_in(sso_app, idp, "long")
    assert response.status_code == 403


def test_abandoned_sign_ins_do_not_pile_up_in_the_session(sso_app):
    client = sso_app.test_client()
    for _ in range(30):
        assert client.get("/sign-in/test-department").status_code == 302
    with client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 1
