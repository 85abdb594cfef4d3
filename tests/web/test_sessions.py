"""Accounts people can trust: ids never reused, sessions that end when they should (signing
out, a password change, "sign out of every device", deleting the account), email addresses
with one spelling, and no copy of a deleted account left behind."""

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Person, User, UserSession
from tests.client import CSRF_PATTERN, registered, signed_in_as
from tests.factories import OPS, POLICY, VISUALISATION, add_session, registration_of
from tests.support import app_on_each_database
from tests.web.steps import book

STRONG = "orange-tractor-lighthouse"
NEWER = "velvet-harbour-compass"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, tmp_path):
    return app_on_each_database(request, tmp_path)


def form_token(client, url: str) -> str:
    return CSRF_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)


def post(client, url: str, data: dict, form_url: str | None = None):
    return client.post(url, data={**data, "csrf_token": form_token(client, form_url or url)})


def register(client, email: str, name: str = "Nia Newcomer", password: str = STRONG):
    response = registered(client, email, password, name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def add_profile(client, department_id: int) -> None:
    answers = {"profession": "policy", "grade": "HEO", "department": str(department_id)}
    assert post(client, "/profile/about", answers).status_code == 302


def signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def browser_with(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def delete_account(client):
    assert post(client, "/profile/data/delete", {}).status_code == 302


def ids_of(app, email: str) -> tuple[int, int | None]:
    with app.app_context():
        user = db.session().exec(select(User).where(User.email == email)).one()
        person = db.session().exec(select(Person).where(Person.user_id == user.id)).first()
        return user.id, person.id if person else None


def a_department(app) -> int:
    from ddat.models import Department

    with app.app_context():
        department = Department(name="Department for Testing", abbreviation="DfT")
        db.session().add(department)
        db.session().commit()
        return department.id


def test_a_deleted_accounts_ids_and_cookie_never_belong_to_the_next_account(any_app):
    department = a_department(any_app)
    first = any_app.test_client()
    register(first, "first.person@example.gov.uk")
    add_profile(first, department)
    old_user, old_person = ids_of(any_app, "first.person@example.gov.uk")
    cookie = session_cookie(first)
    delete_account(first)

    second = any_app.test_client()
    register(second, "second.person@example.gov.uk", name="Sam Second")
    add_profile(second, department)
    new_user, new_person = ids_of(any_app, "second.person@example.gov.uk")
    assert new_user > old_user and new_person > old_person

    # The deleted account's browser is signed out, not signed in as the new account.
    stale = browser_with(any_app, cookie)
    assert not signed_in(stale)
    assert "Sam Second" not in stale.get("/profile/about").get_data(as_text=True)


def test_old_audit_events_are_never_read_as_a_new_persons(app, client, sign_in):
    register(client, "leaver@example.gov.uk")
    leaver, _ = ids_of(app, "leaver@example.gov.uk")
    delete_account(client)
    newcomer = app.test_client()
    register(newcomer, "joiner@example.gov.uk")
    joiner, _ = ids_of(app, "joiner@example.gov.uk")
    with app.app_context():
        actions = db.session().exec(select(AuditEvent.action).where(AuditEvent.actor_user_id == joiner)).all()
    assert joiner != leaver
    assert actions == ["account.created", "account.email_confirmed"]


def test_migrated_tables_start_above_every_id_the_audit_log_names(tmp_path):
    """A database from before ids were kept unique: a deleted account's id, still in the audit
    log, is not handed out again once the migration has run."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from ddat.migrate import alembic_config, upgrade_to_head

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0008")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (id, email, password_hash, role, created_at, session_epoch) "
                "VALUES (1, 'kept@example.gov.uk', '', 'civil_servant', '2026-01-01', 0), "
                "(2, 'gone@example.gov.uk', '', 'civil_servant', '2026-01-01', 0)"
            )
        )
        connection.execute(text("DELETE FROM user_account WHERE id = 2"))
        connection.execute(
            text(
                "INSERT INTO audit_event (at, actor_user_id, action, object_type, object_id) "
                "VALUES ('2026-01-01', 2, 'auth.signed_in', 'user_account', '2')"
            )
        )
    upgrade_to_head(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO user_account (email, password_hash, role, created_at) "
                "VALUES ('new@example.gov.uk', '', 'civil_servant', '2026-02-01')"
            )
        )
        new_id = connection.execute(text("SELECT id FROM user_account WHERE email = 'new@example.gov.uk'")).scalar()
    engine.dispose()
    assert new_id == 3


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    copied = session_cookie(client)
    assert post(client, "/sign-out", {}).status_code == 200
    assert not signed_in(browser_with(seeded, copied))


def test_changing_the_password_ends_every_other_session(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    elsewhere = seeded.test_client()
    assert (
        elsewhere.post(
            "/sign-in",
            data={
                "email": "policy.officer@example.gov.uk",
                "password": "pathways-demo-2026",
                "csrf_token": form_token(elsewhere, "/sign-in"),
            },
        ).status_code
        == 302
    )
    copied = session_cookie(client)

    wrong = post(client, "/account/password", {"current_password": "not-my-password", "new_password": NEWER})
    assert "Your current password is not correct" in wrong.get_data(as_text=True)
    assert signed_in(elsewhere)

    changed = post(client, "/account/password", {"current_password": "pathways-demo-2026", "new_password": NEWER})
    assert changed.status_code == 302
    page = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Your password has been changed" in page
    assert signed_in(client)
    assert not signed_in(elsewhere)
    assert not signed_in(browser_with(seeded, copied))

    fresh = seeded.test_client()
    token = form_token(fresh, "/sign-in")
    old = fresh.post("/sign-in", data={"email": "policy.officer@example.gov.uk", "password": "pathways-demo-2026",
                                       "csrf_token": token})  # fmt: skip
    assert old.status_code == 200
    token = form_token(fresh, "/sign-in")
    new = fresh.post("/sign-in", data={"email": "policy.officer@example.gov.uk", "password": NEWER,
                                       "csrf_token": token})  # fmt: skip
    assert new.status_code == 302
    with seeded.app_context():
        assert db.session().exec(select(AuditEvent).where(AuditEvent.action == "auth.password_changed")).one()


def test_a_new_password_must_be_strong_and_the_page_says_what_is_wrong(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    html = post(client, "/account/password", {"current_password": "pathways-demo-2026", "new_password": "short"})
    text = html.get_data(as_text=True)
    assert "Password must be 12 characters or more" in text and "<title>Error: " in text
    html = post(client, "/account/password", {"current_password": "", "new_password": ""}).get_data(as_text=True)
    assert "Enter your current password" in html and "Enter a new password" in html


def test_sign_out_of_every_device_keeps_only_this_one(seeded, client, sign_in):
    sign_in("hr@example.gov.uk")
    copied = session_cookie(client)
    other = seeded.test_client()
    other.post(
        "/sign-in",
        data={
            "email": "hr@example.gov.uk",
            "password": "pathways-demo-2026",
            "csrf_token": form_token(other, "/sign-in"),
        },
    )
    assert signed_in(other)
    response = post(client, "/account/sign-out-everywhere", {}, form_url="/account")
    assert response.status_code == 302
    assert "You have been signed out on every other device" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert signed_in(client)
    assert not signed_in(other)
    assert not signed_in(browser_with(seeded, copied))


def test_deleting_an_account_removes_its_sessions(seeded, client, sign_in):
    sign_in("ops.officer@example.gov.uk")
    user_id, _ = ids_of(seeded, "ops.officer@example.gov.uk")
    delete_account(client)
    with seeded.app_context():
        assert db.session().exec(select(UserSession).where(UserSession.user_id == user_id)).first() is None


@pytest.mark.parametrize(
    "email",
    [
        "ｎｉａ@example.gov.uk",  # full-width letters
        "nіa@example.gov.uk",  # a Cyrillic і among Latin letters
    ],
)
def test_look_alike_email_addresses_are_refused(app, client, email):
    response = post(client, "/register", {"display_name": "Nia", "email": email, "password": STRONG})
    assert response.status_code == 200
    assert "Email address must only use the letters a to z" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(User)).first() is None
    signing_in = post(client, "/sign-in", {"email": email, "password": STRONG}).get_data(as_text=True)
    assert "Email address must only use the letters a to z" in signing_in


def test_an_address_has_one_spelling_whatever_its_case(app, client):
    register(client, "  Nia.Newcomer@Example.GOV.uk ")
    with app.app_context():
        assert db.session().exec(select(User.email)).all() == ["nia.newcomer@example.gov.uk"]


def test_registering_is_audited(app, client):
    register(client, "nia@example.gov.uk")
    user_id, _ = ids_of(app, "nia@example.gov.uk")
    with app.app_context():
        event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "account.created")).one()
    assert (event.actor_user_id, event.object_type, event.object_id) == (user_id, "user_account", str(user_id))


def test_pages_and_downloads_for_signed_in_people_are_never_cached(seeded, client, sign_in):
    assert "no-store" not in client.get("/framework").headers.get("Cache-Control", "")
    sign_in("policy.officer@example.gov.uk")
    for url in (
        "/profile",
        "/profile/matches",
        "/profile/data/download.json",
        "/profile/data/download.csv",
        "/account",
    ):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url
    assert "no-store" not in client.get("/assets/app.css").headers.get("Cache-Control", "")


def test_nul_characters_are_refused_in_uploads_too(seeded, client, sign_in):
    import io

    sign_in("hr@example.gov.uk")
    token = form_token(client, "/masterclasses")
    response = client.post(
        "/masterclasses/new",
        data={"csrf_token": token, "name": "Data\x00 ethics", "file": (io.BytesIO(b"x"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_no_copy_of_a_deleted_account_stays_in_the_database_files(app, tmp_path):
    from pathlib import Path

    marker = "Zebedee Quillfeather"
    client = app.test_client()
    register(client, "zebedee.quillfeather@example.gov.uk", name=marker)
    add_profile(client, a_department(app))
    delete_account(client)
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert marker.encode() not in stored
    assert b"zebedee.quillfeather" not in stored


def test_deleting_an_account_gives_its_place_to_the_longest_waiting_person(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    waiting = seeded.test_client()
    signed_in_as(waiting, OPS)
    post(waiting, f"/masterclasses/{VISUALISATION}/sessions/{session_id}/book", {})
    assert registration_of(seeded, session_id, OPS).status == "waiting"
    delete_account(client)
    assert registration_of(seeded, session_id, OPS).status == "registered"


@pytest.mark.parametrize("any_app", ["sqlite", "postgresql"], indirect=True)
def test_a_person_has_at_most_one_open_draft(any_app, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from ddat.models import Assessment
    from ddat.services import profiles
    from ddat.services.framework import current_framework

    client = any_app.test_client()
    register(client, "drafting@example.gov.uk")
    add_profile(client, a_department(any_app))
    _, person_id = ids_of(any_app, "drafting@example.gov.uk")
    with any_app.app_context():
        session = db.session()
        person = session.get(Person, person_id)
        first = profiles.draft_assessment(session, person, current_framework(session))
        # A second request that looked for a draft just before the first one saved its own.
        real_open_draft = profiles.open_draft
        looks = iter([None])
        monkeypatch.setattr(profiles, "open_draft", lambda db_, p: next(looks, None) or real_open_draft(db_, p))
        again = profiles.draft_assessment(session, session.get(Person, person_id), current_framework(session))
        assert again.id == first.id
        session.add(Assessment(person_id=person_id, framework_version="x"))
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()
        drafts = session.exec(select(Assessment).where(Assessment.person_id == person_id)).all()
    assert [d.id for d in drafts if d.submitted_at is None] == [first.id]
