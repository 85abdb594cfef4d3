"""The outbox and its sender, through the real GOV.UK Notify client against a stand-in Notify
on loopback (tests/notify_stub.py): nothing lost, nothing sent twice, whatever Notify does."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ddat import create_app, db
from ddat.models import AuditEvent
from ddat.notifications.delivery import MailboxDelivery, NotifyDelivery
from ddat.notifications.messages import MESSAGES
from ddat.notifications.outbox import enqueue
from ddat.notifications.sender import KEEP_WORDS, run_once
from tests.notify_stub import API_KEY, running_notify
from tests.support import fresh_app, outbox, run_sender

TEMPLATE_IDS = {name: f"00000000-0000-0000-0000-{n:012d}" for n, name in enumerate(MESSAGES, start=1)}
INVITATION = {"name": "Pat", "learning": "Data masterclass", "provider": "ONS", "link": "http://x/m",
              "next_step": "Choose a session and book your place:"}  # fmt: skip


@pytest.fixture
def notify():
    with running_notify(set(TEMPLATE_IDS.values())) as fake:
        yield fake


@pytest.fixture
def delivery(notify):
    return NotifyDelivery(API_KEY, notify.url, TEMPLATE_IDS, timeout=1)


def _queue(app, count: int = 1) -> list[int]:
    with app.app_context():
        rows = [enqueue(db.session(), "learning_invitation", f"p{n}@example.gov.uk", INVITATION) for n in range(count)]
        db.session().commit()
        return [r.id for r in rows]


def test_a_message_reaches_notify_with_its_template_personalisation_and_reference(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    run = run_sender(app, delivery)
    assert run.sent == 1 and run.delivered == 1  # and Notify's delivery status was read back
    (message,) = outbox(app)
    (received,) = notify.sent
    assert received["template_id"] == TEMPLATE_IDS["learning_invitation"]
    assert received["personalisation"] == INVITATION and received["reference"] == message.reference
    assert received["email_address"] == "p0@example.gov.uk"
    assert message.status == "delivered" and message.provider_id == received["id"]
    with app.app_context():
        event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "notification.sent")).one()
    assert event.object_id == str(message.id) and "Pat" not in str(event.model_dump())  # no words kept


def test_a_message_is_kept_only_if_the_change_that_causes_it_is(tmp_path):
    app = fresh_app(tmp_path / "n.db")
    with app.app_context():
        enqueue(db.session(), "learning_invitation", "p@example.gov.uk", INVITATION)
        db.session().rollback()
    assert outbox(app) == []
    with app.app_context(), pytest.raises(ValueError, match="needs"):
        enqueue(db.session(), "learning_invitation", "p@example.gov.uk", {"name": "Pat"})


def test_server_errors_and_too_many_requests_are_tried_again_later_and_sent_once(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    now = datetime.now(UTC)
    notify.answer_next_with(500)
    assert run_sender(app, delivery, now).retrying == 1
    (message,) = outbox(app)
    assert message.status == "queued" and "500" in message.error
    assert run_sender(app, delivery, now + timedelta(seconds=5)).sent == 0  # not due yet: it waits 30 s
    notify.answer_next_with(429, headers={"Retry-After": "120"})
    assert run_sender(app, delivery, now + timedelta(seconds=31)).retrying == 1
    (message,) = outbox(app)
    assert message.next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=31 + 120)
    assert run_sender(app, delivery, now + timedelta(seconds=152)).sent == 1
    assert len(notify.sent) == 1 and outbox(app)[0].attempts == 3


def test_a_timeout_after_notify_took_the_message_does_not_send_it_twice(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    now = datetime.now(UTC)
    notify.accept_then_stall(2)  # longer than the client's 1 s
    assert run_sender(app, delivery, now).retrying == 1
    assert run_sender(app, delivery, now + timedelta(minutes=1)).sent == 1  # found by its reference
    assert len(notify.sent) == 1
    assert outbox(app)[0].provider_id == notify.sent[0]["id"]


def test_a_bad_template_or_key_is_recorded_and_not_tried_again(tmp_path, notify):
    app = fresh_app(tmp_path / "n.db")
    _queue(app, 2)
    wrong_template = NotifyDelivery(API_KEY, notify.url, {**TEMPLATE_IDS, "learning_invitation": "nope"}, timeout=1)
    run = run_sender(app, wrong_template)
    assert run.failed == 2 and run.sent == 0
    assert {m.status for m in outbox(app)} == {"failed"}
    assert all("400" in m.error and "Template not found" in m.error for m in outbox(app))
    assert run_sender(app, wrong_template, datetime.now(UTC) + timedelta(days=1)).failed == 0  # never again
    wrong_key = NotifyDelivery(API_KEY[:-4] + "ffff", notify.url, TEMPLATE_IDS, timeout=1)
    _queue(app)
    assert run_sender(app, wrong_key).failed == 1 and "403" in outbox(app)[-1].error
    assert notify.sent == []


def test_two_senders_racing_for_the_same_outbox_send_each_message_once(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    queued = _queue(app, 40)
    start = threading.Barrier(2)

    def sender(name):
        start.wait()
        with app.app_context():
            engine = app.extensions["db_engine"]
            with Session(engine) as session:
                for _ in range(3):
                    run_once(session, delivery, name)

    threads = [threading.Thread(target=sender, args=(f"sender-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(notify.references()) == sorted(m.reference for m in outbox(app))
    assert len(notify.sent) == len(queued) == len(set(notify.references()))
    assert {m.status for m in outbox(app)} == {"delivered"}


def test_without_a_key_messages_go_to_the_local_mailbox(tmp_path):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    assert run_sender(app, mailbox).sent == 1
    (letter,) = (tmp_path / "mailbox").glob("*.txt")
    assert letter.stat().st_mode & 0o777 == 0o600 and (tmp_path / "mailbox").stat().st_mode & 0o777 == 0o700
    text = letter.read_text()
    assert "To: p0@example.gov.uk" in text and "Subject: You are invited to Data masterclass" in text
    assert "run by ONS" in text and "((" not in text


def test_message_words_are_cleared_a_week_after_delivery(tmp_path):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    run_sender(app, mailbox)
    assert outbox(app)[0].to_address
    run_sender(app, mailbox, datetime.now(UTC) + KEEP_WORDS + timedelta(minutes=1))
    (message,) = outbox(app)
    assert message.to_address == "" and message.personalisation == {} and message.cleared_at


def test_a_notify_key_without_every_template_id_stops_start_up_naming_what_is_missing(tmp_path):
    ids = {f"NOTIFY_TEMPLATE_{name.upper()}": value for name, value in TEMPLATE_IDS.items()}
    create_app("test", NOTIFY_API_KEY=API_KEY, **ids)  # all there: starts
    del ids["NOTIFY_TEMPLATE_PLACE_CONFIRMED"]
    with pytest.raises(RuntimeError, match="NOTIFY_TEMPLATE_PLACE_CONFIRMED"):
        create_app("test", NOTIFY_API_KEY=API_KEY, **ids)


def test_applying_and_hrs_decision_each_tell_the_person_with_the_reason(seeded, client, sign_in, submit):
    from tests.factories import HR, POLICY, make_scheme

    scheme_id = make_scheme(seeded, name="Data Analysis 2027")
    sign_in(POLICY)
    submit(f"/schemes/{scheme_id}/apply", {"statement": "I analyse evidence every day."})
    (received,) = outbox(seeded)
    assert received.template == "application_received" and received.to_address == POLICY
    assert received.personalisation["scheme"] == "Data Analysis 2027"
    assert received.personalisation["link"].endswith("/schemes/my-applications")

    sign_in(HR)
    with seeded.app_context():
        from ddat.models import SchemeMember

        member_id = db.session().exec(select(SchemeMember.id).where(SchemeMember.scheme_id == scheme_id)).one()
    url = f"/schemes/{scheme_id}/members/{member_id}"
    submit(url, {"action": "decision", "status": "shortlisted", "reason": ""})
    subject, body = MESSAGES["scheme_decision"].render(outbox(seeded)[-1].personalisation)
    assert subject == "Your application to Data Analysis 2027: shortlisted"
    assert "\n\n\n" not in body and "reason" not in body  # no empty paragraph where a reason would go
    submit(url, {"action": "decision", "status": "withdrawn", "reason": "The scheme was paused"})
    subject, body = MESSAGES["scheme_decision"].render(outbox(seeded)[-1].personalisation)
    assert subject == "Your application to Data Analysis 2027: withdrawn"
    assert "have withdrawn your application" in body and "The reason given: The scheme was paused" in body
    scheme_id = make_scheme(seeded, name="Data Analysis 2028")
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    submit(f"/schemes/{scheme_id}/apply", {"statement": "I analyse evidence every day."})
    sign_in(HR)
    with seeded.app_context():
        member_id = db.session().exec(select(SchemeMember.id).where(SchemeMember.scheme_id == scheme_id)).one()
    url = f"/schemes/{scheme_id}/members/{member_id}"
    submit(url, {"action": "decision", "status": "declined", "reason": "The scheme needs Grade 6 analysts"})
    decision = outbox(seeded)[-1]
    assert decision.template == "scheme_decision" and decision.to_address == POLICY
    subject, body = MESSAGES["scheme_decision"].render(decision.personalisation)
    assert subject == "Your application to Data Analysis 2028: not successful"
    assert "The reason given: The scheme needs Grade 6 analysts" in body


def test_the_admin_mailbox_shows_each_message_in_its_words_with_working_links(seeded, client, sign_in, get_page):
    from tests.pages import text_of

    _queue(seeded)
    sign_in("admin@example.gov.uk")
    page = get_page("/admin/mailbox")
    assert "No GOV.UK Notify key is set" in page
    assert "You are invited to Data masterclass" in page and "run by ONS" in text_of(page)
    assert '<a class="govuk-link" href="http://x/m">' in page
    sign_in("policy.officer@example.gov.uk")
    assert client.get("/admin/mailbox").status_code == 403


def test_docs_list_every_message_as_the_code_sends_it():
    from pathlib import Path

    from ddat.notifications.messages import as_markdown

    assert as_markdown() in (Path(__file__).parents[2] / "docs" / "notifications.md").read_text()


def test_links_that_sign_someone_in_are_never_shown_to_admins_once_notify_is_set_up(tmp_path, notify):
    from ddat.services import password_resets
    from tests.client import signed_in_as

    ids = {f"NOTIFY_TEMPLATE_{name.upper()}": value for name, value in TEMPLATE_IDS.items()}
    app = fresh_app(tmp_path / "n.db", NOTIFY_API_KEY=API_KEY, NOTIFY_BASE_URL=notify.url, **ids)
    with app.app_context():
        from ddat import demo

        demo.seed(db.session(), people=0, seed=1)
        password_resets.request_reset(db.session(), "perm.sec@example.gov.uk")
    admin = signed_in_as(app.test_client(), "admin@example.gov.uk")
    before = admin.get("/admin/mailbox").get_data(as_text=True)
    assert "/reset-password/" not in before and "Not shown: this message holds a link" in before
    run_sender(app, NotifyDelivery(API_KEY, notify.url, TEMPLATE_IDS, timeout=1))
    (message,) = outbox(app)
    assert message.personalisation == {} and message.cleared_at  # Notify has it: no copy of the link
    assert "/reset-password/" in notify.sent[0]["personalisation"]["link"]
    with app.app_context():
        viewed = db.session().exec(select(AuditEvent).where(AuditEvent.action == "admin.mailbox_viewed")).all()
    assert len(viewed) == 1


def test_hr_get_a_weekly_digest_of_new_applications_once_on_mondays(seeded, client, sign_in, submit, tmp_path):
    from tests.factories import HR, POLICY, make_scheme

    scheme_id = make_scheme(seeded, name="Digest scheme")
    sign_in(POLICY)
    submit(f"/schemes/{scheme_id}/apply", {"statement": "I analyse evidence every day."})
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    today = datetime.now(UTC)
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # the next Monday, within the week
    tuesday = monday + timedelta(days=1)
    assert run_sender(seeded, mailbox, tuesday - timedelta(days=7)).digests == 0  # not a Monday
    assert run_sender(seeded, mailbox, monday).digests == 1  # central HR
    assert run_sender(seeded, mailbox, monday + timedelta(hours=2)).digests == 0  # once a week
    digest = next(m for m in outbox(seeded) if m.template == "hr_weekly_digest")
    sign_in(HR)  # the choice that turns the digest off says it does
    assert "and your weekly digest of new scheme applications?" in client.get("/profile/data").get_data(as_text=True)
    assert digest.to_address == "hr@example.gov.uk"
    subject, body = MESSAGES["hr_weekly_digest"].render(digest.personalisation)
    assert subject == "New scheme applications this week: 1" and "- Digest scheme: 1 new" in body


def test_a_sender_whose_claim_ran_out_leaves_the_message_to_the_sender_that_took_it(tmp_path, notify, delivery):
    from ddat.notifications.sender import LEASE, Run, claim_next, send_one

    app = fresh_app(tmp_path / "n.db")
    (message_id,) = _queue(app)
    start = datetime.now(UTC)
    with app.app_context():
        database = db.session()
        assert claim_next(database, "sender-slow", start) == message_id
        later = start + LEASE + timedelta(seconds=1)  # the slow sender stalled past its claim
        assert claim_next(database, "sender-b", later) == message_id
        send_one(database, delivery, message_id, "sender-b", later, Run())
        slow = Run()
        send_one(database, delivery, message_id, "sender-slow", later, slow)  # it wakes up
    assert slow.sent == 0 and len(notify.sent) == 1
    (message,) = outbox(app)
    assert message.status == "sent" and message.attempts == 2


def test_the_sender_loop_keeps_going_when_the_database_is_busy_for_a_moment(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from ddat.notifications import sender
    from tests.cli import run

    runs = []

    def busy_then_stop(*_args):
        runs.append(1)
        if len(runs) == 1:
            raise OperationalError("UPDATE outbox_message", {}, Exception("database is locked"))
        raise SystemExit(7)  # ends the endless loop once it has tried again

    app = fresh_app(tmp_path / "n.db")
    monkeypatch.setattr(sender, "run_once", busy_then_stop)
    result = run(app, "send-notifications", "--loop", "--every", "0")
    assert result.exit_code == 7 and len(runs) == 2  # it tried again after the error
    assert "Sending stopped for now, trying again in 0 s" in result.output and "database is locked" in result.output
    runs.clear()
    once = run(app, "send-notifications")  # without --loop: an error and a failing exit code, not a traceback
    assert once.exit_code == 1 and "Sending stopped" in once.output
