"""The outbox and its sender, through the real GOV.UK Notify client against a stand-in Notify
on loopback (tests/notify_stub.py): nothing lost, nothing sent twice, whatever Notify does."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from ddat import create_app, db
from ddat.models import AuditEvent, OutboxMessage
from ddat.notifications.delivery import MailboxDelivery, NotifyDelivery
from ddat.notifications.messages import MESSAGES
from ddat.notifications.outbox import enqueue
from ddat.notifications.sender import KEEP_WORDS, run_once
from tests.notify_stub import API_KEY, running_notify
from tests.support import fresh_app

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


def _send(app, delivery, now=None, sender="sender-a"):
    with app.app_context():
        return run_once(db.session(), delivery, sender, now)


def _messages(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session().exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def test_a_message_reaches_notify_with_its_template_personalisation_and_reference(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    run = _send(app, delivery)
    assert run.sent == 1 and run.delivered == 1  # and Notify's delivery status was read back
    (message,) = _messages(app)
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
    assert _messages(app) == []
    with app.app_context(), pytest.raises(ValueError, match="needs"):
        enqueue(db.session(), "learning_invitation", "p@example.gov.uk", {"name": "Pat"})


def test_server_errors_and_too_many_requests_are_tried_again_later_and_sent_once(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    now = datetime.now(UTC)
    notify.answer_next_with(500)
    assert _send(app, delivery, now).retrying == 1
    (message,) = _messages(app)
    assert message.status == "queued" and "500" in message.error
    assert _send(app, delivery, now + timedelta(seconds=5)).sent == 0  # not due yet: it waits 30 s
    notify.answer_next_with(429, headers={"Retry-After": "120"})
    assert _send(app, delivery, now + timedelta(seconds=31)).retrying == 1
    (message,) = _messages(app)
    assert message.next_attempt_at.replace(tzinfo=UTC) == now + timedelta(seconds=31 + 120)
    assert _send(app, delivery, now + timedelta(seconds=152)).sent == 1
    assert len(notify.sent) == 1 and _messages(app)[0].attempts == 3


def test_a_timeout_after_notify_took_the_message_does_not_send_it_twice(tmp_path, notify, delivery):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    now = datetime.now(UTC)
    notify.accept_then_stall(2)  # longer than the client's 1 s
    assert _send(app, delivery, now).retrying == 1
    assert _send(app, delivery, now + timedelta(minutes=1)).sent == 1  # found by its reference
    assert len(notify.sent) == 1
    assert _messages(app)[0].provider_id == notify.sent[0]["id"]


def test_a_bad_template_or_key_is_recorded_and_not_tried_again(tmp_path, notify):
    app = fresh_app(tmp_path / "n.db")
    _queue(app, 2)
    wrong_template = NotifyDelivery(API_KEY, notify.url, {**TEMPLATE_IDS, "learning_invitation": "nope"}, timeout=1)
    run = _send(app, wrong_template)
    assert run.failed == 2 and run.sent == 0
    assert {m.status for m in _messages(app)} == {"failed"}
    assert all("400" in m.error and "Template not found" in m.error for m in _messages(app))
    assert _send(app, wrong_template, datetime.now(UTC) + timedelta(days=1)).failed == 0  # never again
    wrong_key = NotifyDelivery(API_KEY[:-4] + "ffff", notify.url, TEMPLATE_IDS, timeout=1)
    _queue(app)
    assert _send(app, wrong_key).failed == 1 and "403" in _messages(app)[-1].error
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
    assert sorted(notify.references()) == sorted(m.reference for m in _messages(app))
    assert len(notify.sent) == len(queued) == len(set(notify.references()))
    assert {m.status for m in _messages(app)} == {"delivered"}


def test_without_a_key_messages_go_to_the_local_mailbox(tmp_path):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    assert _send(app, mailbox).sent == 1
    (letter,) = (tmp_path / "mailbox").glob("*.txt")
    assert letter.stat().st_mode & 0o777 == 0o600 and (tmp_path / "mailbox").stat().st_mode & 0o777 == 0o700
    text = letter.read_text()
    assert "To: p0@example.gov.uk" in text and "Subject: You are invited to Data masterclass" in text
    assert "run by ONS" in text and "((" not in text


def test_message_words_are_cleared_a_week_after_delivery(tmp_path):
    app = fresh_app(tmp_path / "n.db")
    _queue(app)
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    _send(app, mailbox)
    assert _messages(app)[0].to_address
    _send(app, mailbox, datetime.now(UTC) + KEEP_WORDS + timedelta(minutes=1))
    (message,) = _messages(app)
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
    (received,) = _messages(seeded)
    assert received.template == "application_received" and received.to_address == POLICY
    assert received.personalisation["scheme"] == "Data Analysis 2027"
    assert received.personalisation["link"].endswith("/schemes/my-applications")

    sign_in(HR)
    with seeded.app_context():
        from ddat.models import SchemeMember

        member_id = db.session().exec(select(SchemeMember.id).where(SchemeMember.scheme_id == scheme_id)).one()
    url = f"/schemes/{scheme_id}/members/{member_id}"
    submit(url, {"action": "decision", "status": "shortlisted", "reason": ""})
    subject, body = MESSAGES["scheme_decision"].render(_messages(seeded)[-1].personalisation)
    assert subject == "Your application to Data Analysis 2027: shortlisted"
    assert "\n\n\n" not in body and "reason" not in body  # no empty paragraph where a reason would go
    submit(url, {"action": "decision", "status": "withdrawn", "reason": "The scheme was paused"})
    subject, body = MESSAGES["scheme_decision"].render(_messages(seeded)[-1].personalisation)
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
    decision = _messages(seeded)[-1]
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


def test_places_waiting_lists_promotions_moves_and_invitations_tell_people(seeded, client, sign_in, submit):
    from ddat.services.learning import UK
    from tests.factories import HR, OPS, POLICY, VISUALISATION, add_session
    from tests.web.steps import book

    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    for email in (POLICY, OPS):
        with client.session_transaction() as browser:
            browser.clear()
        sign_in(email)
        book(submit, VISUALISATION, session_id)
    assert [(m.template, m.to_address) for m in _messages(seeded)] == [
        ("place_confirmed", POLICY),
        ("waiting_list", OPS),
    ]
    assert _messages(seeded)[0].personalisation["learning"] == "Working with data and visualisation"

    with client.session_transaction() as browser:
        browser.clear()
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/edit"
    day = (datetime.now(UTC) + timedelta(days=11)).astimezone(UK)
    answers = {"day": [str(day.day), str(day.month), str(day.year)], "starts": "10:00", "ends": "12:00",
               "online": "yes", "location": "Teams", "capacity": "2"}  # fmt: skip
    assert "Each of them will get an email" in submit(url, answers).get_data(as_text=True)
    assert len(_messages(seeded)) == 2  # nothing is sent until HR confirm the move
    submit(url, answers | {"booked": "1/1"})
    told = [(m.template, m.to_address) for m in _messages(seeded)[2:]]
    assert sorted(told) == [("promoted", OPS), ("session_changed", POLICY)]
    moved = next(m for m in _messages(seeded) if m.template == "session_changed")
    assert moved.personalisation["when"] == f"{day:%-d %B %Y}, 10am to midday"
    assert moved.personalisation["where"] == "Online: Teams"
    assert moved.personalisation["was"].endswith(", Room 1")  # and where it was before

    submit(f"/masterclasses/{VISUALISATION}/invite", {"people": "ops.officer@example.gov.uk"})
    assert (_messages(seeded)[-1].template, _messages(seeded)[-1].to_address) == ("learning_invitation", OPS)


def test_a_place_downloads_as_a_calendar_event_that_the_next_download_updates(seeded, client, sign_in, submit):
    from icalendar import Calendar

    from ddat.models import LearningSession, Registration, User
    from ddat.services import learning
    from tests.factories import HR, POLICY, VISUALISATION, add_session, registration_of
    from tests.web.steps import book

    session_id = add_session(seeded, VISUALISATION, days=10)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    registration = registration_of(seeded, session_id, POLICY)
    page = client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True)
    link = f"/masterclasses/registrations/{registration.id}/calendar.ics"
    assert f'href="{link}"' in page
    first = client.get(link)  # asked of "localhost": the file names the service's own address
    assert first.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(first.data).walk("VEVENT")
    booking = f"/masterclasses/registrations/{registration.id}"
    assert str(event["url"]) == seeded.config["SERVICE_URL"].rstrip("/") + booking
    with seeded.app_context():
        stored = db.session().get(LearningSession, session_id)
        assert event.decoded("dtstart") == stored.starts_at.astimezone(UTC).replace(microsecond=0)
        assert str(event["location"]) == "Room 1" and int(event["sequence"]) == 0
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        learning.save_session(db.session(), stored, {"location": "Room 2"}, hr)
    (moved,) = Calendar.from_ical(client.get(link).data).walk("VEVENT")
    assert moved["uid"] == event["uid"] and int(moved["sequence"]) == 1 and str(moved["location"]) == "Room 2"
    with seeded.app_context():
        row = db.session().get(Registration, registration.id)
        row.status = "cancelled"
        db.session().add(row)
        db.session().commit()
    # Once cancelled, the same event again, cancelling it, so a calendar takes it out.
    calendar = Calendar.from_ical(client.get(link).data)
    (cancelled,) = calendar.walk("VEVENT")
    assert str(calendar["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert cancelled["uid"] == event["uid"] and int(cancelled["sequence"]) == 2
    assert str(cancelled["organizer"]) == "mailto:learning@example.gov.uk"  # RFC 5546 needs one to cancel
    assert "calendar file (.ics) to take it out" in client.get(booking).get_data(as_text=True)


def test_people_with_a_place_are_reminded_once_two_days_before(seeded, client, sign_in, submit, tmp_path):
    from ddat.models import Registration
    from tests.factories import POLICY, VISUALISATION, add_session, registration_of
    from tests.web.steps import book

    session_id = add_session(seeded, VISUALISATION, days=5)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    _send(seeded, mailbox)  # the confirmation; the session is 5 days away: no reminder yet
    assert [m.template for m in _messages(seeded)] == ["place_confirmed"]
    in_four_days = datetime.now(UTC) + timedelta(days=4)
    assert _send(seeded, mailbox, in_four_days).reminders == 1
    assert _send(seeded, mailbox, in_four_days + timedelta(hours=1)).reminders == 0  # once only
    reminder = _messages(seeded)[-1]
    assert reminder.template == "session_reminder" and reminder.status in ("sent", "delivered")
    # Someone who cancelled is not reminded; a place booked within the two days needs none.
    with seeded.app_context():
        row = db.session().get(Registration, registration_of(seeded, session_id, POLICY).id)
        row.status = "cancelled"
        db.session().add(row)
        db.session().commit()
    soon = add_session(seeded, VISUALISATION, days=1)
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("ops.officer@example.gov.uk")
    book(submit, VISUALISATION, soon)
    assert registration_of(seeded, soon, "ops.officer@example.gov.uk").status == "registered"
    assert _send(seeded, mailbox, in_four_days).reminders == 0
    assert _send(seeded, mailbox).reminders == 0


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
    _send(app, NotifyDelivery(API_KEY, notify.url, TEMPLATE_IDS, timeout=1))
    (message,) = _messages(app)
    assert message.personalisation == {} and message.cleared_at  # Notify has it: no copy of the link
    assert "/reset-password/" in notify.sent[0]["personalisation"]["link"]
    with app.app_context():
        viewed = db.session().exec(select(AuditEvent).where(AuditEvent.action == "admin.mailbox_viewed")).all()
    assert len(viewed) == 1


def test_people_can_turn_off_invitation_emails_but_not_the_essential_ones(seeded, client, sign_in, submit):
    from tests.factories import HR, OPS, VISUALISATION, add_session
    from tests.web.steps import book

    sign_in(OPS)
    page = client.get("/profile/data").get_data(as_text=True)
    assert 'name="messages-optional_messages"' in page
    token = re.search(r'name="messages-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    nonsense = client.post("/profile/data/messages", data={"messages-optional_messages": "sometimes",
                                                           "messages-csrf_token": token})  # fmt: skip
    refused = nonsense.get_data(as_text=True)
    assert nonsense.status_code == 200 and "<title>Error: Your data" in refused
    assert "Select whether you want emails inviting you to learning" in refused
    assert 'href="#messages-optional_messages"' in refused
    choice = {"messages-optional_messages": "no", "messages-csrf_token": token}
    done = client.post("/profile/data/messages", data=choice, follow_redirects=True)
    assert "Your choice about emails has been saved" in done.get_data(as_text=True)
    book(submit, VISUALISATION, add_session(seeded, VISUALISATION, days=10))
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(HR)
    submit(f"/masterclasses/{VISUALISATION}/invite", {"people": OPS})
    assert [m.template for m in _messages(seeded)] == ["place_confirmed"]  # the booking, not the invitation


def test_hr_get_a_weekly_digest_of_new_applications_once_on_mondays(seeded, client, sign_in, submit, tmp_path):
    from tests.factories import HR, POLICY, make_scheme

    scheme_id = make_scheme(seeded, name="Digest scheme")
    sign_in(POLICY)
    submit(f"/schemes/{scheme_id}/apply", {"statement": "I analyse evidence every day."})
    mailbox = MailboxDelivery(tmp_path / "mailbox")
    today = datetime.now(UTC)
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)  # the next Monday, within the week
    tuesday = monday + timedelta(days=1)
    assert _send(seeded, mailbox, tuesday - timedelta(days=7)).digests == 0  # not a Monday
    assert _send(seeded, mailbox, monday).digests == 1  # central HR
    assert _send(seeded, mailbox, monday + timedelta(hours=2)).digests == 0  # once a week
    digest = next(m for m in _messages(seeded) if m.template == "hr_weekly_digest")
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
    (message,) = _messages(app)
    assert message.status == "sent" and message.attempts == 2


def test_a_reminder_another_sender_wrote_at_the_same_moment_is_not_an_error(
    seeded, client, sign_in, submit, tmp_path, monkeypatch
):
    from ddat.notifications import reminders
    from tests.factories import POLICY, VISUALISATION, add_session
    from tests.web.steps import book

    session_id = add_session(seeded, VISUALISATION, days=5)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    in_four_days = datetime.now(UTC) + timedelta(days=4)
    real_tell = reminders.tell_about_place

    def other_sender_first(database, learning_session, registration, person, template):
        # The other sender's run writes the same reminder just after this one looked for it.
        with Session(seeded.extensions["db_engine"]) as other:
            copy = real_tell(other, learning_session, registration, person, template)
            copy.reference = reminders.reminder_reference(registration, learning_session)
            other.commit()
        return real_tell(database, learning_session, registration, person, template)

    monkeypatch.setattr(reminders, "tell_about_place", other_sender_first)
    with seeded.app_context():
        assert reminders.queue_reminders(db.session(), in_four_days) == 0
    monkeypatch.undo()
    assert [m.template for m in _messages(seeded)] == ["place_confirmed", "session_reminder"]
    assert _send(seeded, MailboxDelivery(tmp_path / "mailbox"), in_four_days).reminders == 0


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


def test_people_invited_before_any_session_is_planned_hear_when_one_is(seeded, client, sign_in, submit):
    from ddat.models import User
    from ddat.services import learning
    from tests.factories import HR, OPS, POLICY, add_session
    from tests.web.steps import book

    with seeded.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        answers = {"name": "Writing for the web", "provider": "GDS Academy", "description": "", "audience": [],
                   "format": "in_person", "duration_hours": 3, "skills": []}  # fmt: skip
        slug = learning.save_item(db.session(), None, answers, hr).slug
    sign_in(HR)
    submit(f"/masterclasses/{slug}/invite", {"people": f"{POLICY}\n{OPS}"})
    invitation = next(m for m in _messages(seeded) if m.template == "learning_invitation")
    assert invitation.personalisation["next_step"].startswith("No sessions are planned yet: we will email you")
    first = add_session(seeded, slug, days=10)  # added outside the form: nobody is told
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    book(submit, slug, first)  # Policy books it; Ops has no place yet
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(HR)
    day = (datetime.now(UTC) + timedelta(days=20)).astimezone(learning.UK)
    submit(f"/masterclasses/{slug}/sessions/new", {"day": [str(day.day), str(day.month), str(day.year)],
           "starts": "10:00", "ends": "13:00", "online": "no", "location": "Room 3", "capacity": "10"})  # fmt: skip
    told = [(m.template, m.to_address) for m in _messages(seeded) if m.template == "session_for_invitation"]
    assert told == [("session_for_invitation", OPS)]  # the invited person still without a place, only
