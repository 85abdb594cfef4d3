"""The audit log: sign-ins and failures recorded without what was typed, searchable by admins
only, downloadable, and pruned after the retention period."""

from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from ddat import db
from ddat.models import AuditEvent
from tests.cli import run


def test_sign_ins_and_failures_are_recorded_without_what_was_typed(seeded, client, sign_in, submit):
    submit("/sign-in", {"email": "policy.officer@example.gov.uk", "password": "not-the-password-123"})
    sign_in("policy.officer@example.gov.uk")
    with seeded.app_context():
        events = db.session().exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert "auth.sign_in_failed" in actions and "auth.signed_in" in actions
    failed = next(e for e in events if e.action == "auth.sign_in_failed")
    assert failed.actor_user_id is None and failed.ip == "127.0.0.1"
    for event in events:
        values = " ".join(str(v) for v in event.model_dump().values())
        assert "not-the-password-123" not in values and "pathways-demo-2026" not in values
        assert "policy.officer" not in values


def test_only_admins_search_the_log(seeded, client, sign_in, submit):
    submit("/sign-in", {"email": "nobody@example.gov.uk", "password": "wrong-password-123"})
    for email in ("hr@example.gov.uk", "leader@example.gov.uk", "policy.officer@example.gov.uk"):
        with client.session_transaction() as browser:
            browser.clear()
        sign_in(email)
        assert client.get("/admin/audit").status_code == 403
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("admin@example.gov.uk")
    page = client.get("/admin/audit?action=auth.sign_in_failed").get_data(as_text=True)
    assert "auth.sign_in_failed" in page and "1 event." in page
    assert client.get("/admin/audit?action=made-up&since=2026-13-45&actor=x").status_code == 200
    assert client.get("/admin/audit?_method=DELETE&_external=1&_anchor=x&page=2").status_code == 200
    csv = client.get("/admin/audit?format=csv&action=auth.signed_in").get_data(as_text=True)
    assert csv.startswith("When (UTC),Action,User id,Role,Object type,Object id,IP address")
    assert "auth.signed_in" in csv
    with seeded.app_context():
        exported = db.session().exec(select(AuditEvent).where(AuditEvent.action == "audit.exported")).all()
    assert [e.object_id for e in exported] == ["action=auth.signed_in"]


def test_old_events_are_pruned_after_the_retention_period(seeded):
    with seeded.app_context():
        session = db.session()
        session.add(AuditEvent(action="old.event", at=datetime.now(UTC) - timedelta(days=800)))
        session.add(AuditEvent(action="recent.event", at=datetime.now(UTC) - timedelta(days=10)))
        session.commit()
    result = run(seeded, "prune-audit")
    assert result.exit_code == 0 and "Removed 1 audit events older than 730 days." in result.output
    with seeded.app_context():
        left = (
            db.session()
            .exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("%.event")))
            .one()
        )
    assert left == 1


def test_consent_changes_are_recorded_once_each(seeded, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    for choice in ("no", "no", "yes"):
        submit("/profile/data", {"shares_with_hr": choice})
    with seeded.app_context():
        actions = (
            db.session()
            .exec(select(AuditEvent.action).where(AuditEvent.action.like("consent.%")).order_by(AuditEvent.id))
            .all()
        )
    # The demo account starts sharing: one change away, one back; saving the same answer is no change.
    assert actions == ["consent.withdrawn", "consent.shared_with_hr"]


def test_role_changes_are_recorded(seeded):
    from ddat.models import User

    result = run(seeded, "set-role", "Policy.Officer@example.gov.uk", "hr", "--department", "HMRC")
    assert result.exit_code == 0, result.output
    assert "policy.officer@example.gov.uk: civil_servant → hr (HM Revenue and Customs)." in result.output
    with seeded.app_context():
        user = db.session().exec(select(User).where(User.email == "policy.officer@example.gov.uk")).one()
        event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "account.role_changed")).one()
    assert user.role == "hr" and user.department_id is not None and event.object_id == str(user.id)
    assert run(seeded, "set-role", "nobody@example.gov.uk", "hr").exit_code != 0
    assert (
        "No department is called Atlantis"
        in run(seeded, "set-role", user.email, "hr", "--department", "Atlantis").output
    )
    assert "Only HR accounts" in run(seeded, "set-role", user.email, "leader", "--department", "HMRC").output


def test_the_address_behind_a_trusted_proxy_is_recorded_and_a_forged_one_is_not(tmp_path):
    from tests.support import fresh_app

    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    for proxies, expected in ((0, "127.0.0.1"), (1, "203.0.113.7")):
        app = fresh_app(tmp_path / f"proxy{proxies}.db", PROXY_COUNT=proxies, WTF_CSRF_ENABLED=False)
        app.test_client().post("/sign-in", data={"email": "a@example.gov.uk", "password": "x" * 12}, headers=forwarded)
        with app.app_context():
            event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "auth.sign_in_failed")).one()
        assert event.ip == expected
