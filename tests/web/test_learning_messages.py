"""Messages about learning: invitations, places, waiting lists, moves, reminders and calendar
files, each written with the change that causes it and sent to the local mailbox."""

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from ddat import db
from ddat.notifications.delivery import MailboxDelivery
from tests.support import outbox, run_sender


def test_places_waiting_lists_promotions_moves_and_invitations_tell_people(seeded, client, sign_in, submit):
    from ddat.services.learning import UK
    from tests.factories import HR, OPS, POLICY, VISUALISATION, add_session
    from tests.web.steps import book_as

    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    for email in (POLICY, OPS):
        book_as(client, sign_in, submit, email, VISUALISATION, session_id)
    assert [(m.template, m.to_address) for m in outbox(seeded)] == [
        ("place_confirmed", POLICY),
        ("waiting_list", OPS),
    ]
    assert outbox(seeded)[0].personalisation["learning"] == "Working with data and visualisation"

    with client.session_transaction() as browser:
        browser.clear()
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/edit"
    day = (datetime.now(UTC) + timedelta(days=11)).astimezone(UK)
    answers = {"day": [str(day.day), str(day.month), str(day.year)], "starts": "10:00", "ends": "12:00",
               "online": "yes", "location": "Teams", "capacity": "2"}  # fmt: skip
    assert "Each of them will get an email" in submit(url, answers).get_data(as_text=True)
    assert len(outbox(seeded)) == 2  # nothing is sent until HR confirm the move
    submit(url, answers | {"booked": "1/1"})
    told = [(m.template, m.to_address) for m in outbox(seeded)[2:]]
    assert sorted(told) == [("promoted", OPS), ("session_changed", POLICY)]
    moved = next(m for m in outbox(seeded) if m.template == "session_changed")
    assert moved.personalisation["when"] == f"{day:%-d %B %Y}, 10am to midday"
    assert moved.personalisation["where"] == "Online: Teams"
    assert moved.personalisation["was"].endswith(", Room 1")  # and where it was before

    submit(f"/masterclasses/{VISUALISATION}/invite", {"people": "ops.officer@example.gov.uk"})
    assert (outbox(seeded)[-1].template, outbox(seeded)[-1].to_address) == ("learning_invitation", OPS)


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
    run_sender(seeded, mailbox)  # the confirmation; the session is 5 days away: no reminder yet
    assert [m.template for m in outbox(seeded)] == ["place_confirmed"]
    in_four_days = datetime.now(UTC) + timedelta(days=4)
    assert run_sender(seeded, mailbox, in_four_days).reminders == 1
    assert run_sender(seeded, mailbox, in_four_days + timedelta(hours=1)).reminders == 0  # once only
    reminder = outbox(seeded)[-1]
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
    assert run_sender(seeded, mailbox, in_four_days).reminders == 0
    assert run_sender(seeded, mailbox).reminders == 0


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
    assert [m.template for m in outbox(seeded)] == ["place_confirmed"]  # the booking, not the invitation


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
    assert [m.template for m in outbox(seeded)] == ["place_confirmed", "session_reminder"]
    assert run_sender(seeded, MailboxDelivery(tmp_path / "mailbox"), in_four_days).reminders == 0


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
    invitation = next(m for m in outbox(seeded) if m.template == "learning_invitation")
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
    told = [(m.template, m.to_address) for m in outbox(seeded) if m.template == "session_for_invitation"]
    assert told == [("session_for_invitation", OPS)]  # the invited person still without a place, only
