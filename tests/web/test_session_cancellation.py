"""HR cancelling a learning session: every place and waiting-list place on it ends, each
person is told in words true to where they stood, and nothing about it can change after."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, LearningSession
from ddat.services.learning import UK
from tests.factories import HR, OPS, POLICY, VISUALISATION, add_session, registration_of
from tests.support import outbox
from tests.web.steps import book, book_as


def _one_booked_one_waiting(seeded, client, sign_in, submit) -> int:
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    for email in (POLICY, OPS):
        book_as(client, sign_in, submit, email, VISUALISATION, session_id)
    with client.session_transaction() as browser:
        browser.clear()
    return session_id


def test_cancelling_a_session_ends_every_place_and_tells_each_person_why(seeded, client, sign_in, submit):
    session_id = _one_booked_one_waiting(seeded, client, sign_in, submit)
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    assert "Cancel this session" in client.get(url).get_data(as_text=True)
    asking = client.get(f"{url}/cancel").get_data(as_text=True)
    assert "1 person is booked on this session. 1 person is on its waiting list." in asking
    assert len(outbox(seeded)) == 2  # nothing happens until HR confirm
    done = submit(f"{url}/cancel", {"reason": "The trainer is unwell."}, follow=True).get_data(as_text=True)
    assert "Session cancelled. 2 people were told by email." in done and "Cancelled" in done
    assert "The trainer is unwell." in done and "Cancel this session" not in done
    assert "Register these people" not in done
    told = {m.to_address: m for m in outbox(seeded)[2:]}
    assert {email: m.template for email, m in told.items()} == {
        POLICY: "session_cancelled",
        OPS: "waiting_session_cancelled",  # no place, no calendar event: the words for someone waiting
    }
    assert told[OPS].personalisation["reason"] == "The trainer is unwell."
    assert told[OPS].personalisation["item_link"].endswith(f"/masterclasses/{VISUALISATION}")
    for email in (POLICY, OPS):
        assert registration_of(seeded, session_id, email).status == "cancelled"
    with seeded.app_context():
        (event,) = db.session().exec(select(AuditEvent).where(AuditEvent.action == "learning.session_cancelled"))
        assert event.object_id == str(session_id)
        assert db.session().get(LearningSession, session_id).cancelled_at is not None

    # Nothing about it changes now, by any door.
    edit = client.get(f"{url}/edit", follow_redirects=True).get_data(as_text=True)
    assert "This session has been cancelled, so nothing about it can change." in edit
    submit(f"{url}/register", {"people": POLICY}, form_url=url)
    assert registration_of(seeded, session_id, POLICY).status == "cancelled"
    again = client.get(f"{url}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "nothing about it can change" in again
    item_page = client.get(f"/masterclasses/{VISUALISATION}").get_data(as_text=True)
    assert f"sessions/{session_id}/book" not in item_page  # no longer on offer
    cancelled = item_page[item_page.index("Cancelled sessions") :]
    assert f"sessions/{session_id}" in cancelled  # but HR can still find it
    assert "Had a place when the session was cancelled" in done and "Was on the waiting list when" in done
    assert "The session was cancelled, so there is nothing to save." in done


def test_the_person_sees_the_cancellation_and_cannot_book_the_session_again(seeded, client, sign_in, submit):
    session_id = _one_booked_one_waiting(seeded, client, sign_in, submit)
    sign_in(HR)
    submit(f"/masterclasses/{VISUALISATION}/sessions/{session_id}/cancel", {"reason": ""})
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    registration = registration_of(seeded, session_id, POLICY)
    page = client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True)
    assert "The HR team running it cancelled this session on" in page
    assert "Find another session of Working with data and visualisation" in page
    assert "You’re on the waiting list" not in page and "You’re registered" not in page
    assert "calendar file (.ics) to take it out" in page  # they had a place, so perhaps an event
    (message,) = [m for m in outbox(seeded) if m.template == "session_cancelled" and m.to_address == POLICY]
    assert message.personalisation["reason"] == "The HR team running it did not give a reason."
    refused = book(submit, VISUALISATION, session_id).get_data(as_text=True)
    assert "This session has been cancelled" in refused
    assert registration_of(seeded, session_id, POLICY).status == "cancelled"


def test_a_session_that_has_started_cannot_be_cancelled(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-0.01)
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    assert "Cancel this session" not in client.get(url).get_data(as_text=True)
    refused = client.get(f"{url}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "This session has started, so it cannot be cancelled." in refused
    with seeded.app_context():
        assert db.session().get(LearningSession, session_id).cancelled_at is None


def test_people_waiting_for_a_place_are_told_of_a_move_as_people_still_waiting(seeded, client, sign_in, submit):
    session_id = _one_booked_one_waiting(seeded, client, sign_in, submit)
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/edit"
    day = (datetime.now(UTC) + timedelta(days=12)).astimezone(UK)
    answers = {"day": [str(day.day), str(day.month), str(day.year)], "starts": "10:00", "ends": "12:00",
               "online": "no", "location": "Room 9", "capacity": "1"}  # fmt: skip
    submit(url, answers | {"booked": "1/1"})
    told = {m.to_address: m.template for m in outbox(seeded)[2:]}
    assert told == {POLICY: "session_changed", OPS: "waiting_session_changed"}
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(OPS)
    waiting = registration_of(seeded, session_id, OPS)
    assert client.get(f"/masterclasses/registrations/{waiting.id}/calendar.ics").status_code == 404  # no place yet


def test_someone_waiting_leaves_the_waiting_list_in_those_words(seeded, client, sign_in, submit):
    session_id = _one_booked_one_waiting(seeded, client, sign_in, submit)
    sign_in(OPS)
    waiting = registration_of(seeded, session_id, OPS)
    page = client.get(f"/masterclasses/registrations/{waiting.id}").get_data(as_text=True)
    assert "Leave the waiting list" in page and "Cancel your place" not in page
    asking = client.get(f"/masterclasses/registrations/{waiting.id}/cancel").get_data(as_text=True)
    assert "Are you sure you want to leave the waiting list?" in asking and "Your place goes" not in asking
    done = submit(f"/masterclasses/registrations/{waiting.id}/cancel", {}, follow=True).get_data(as_text=True)
    assert "You have left the waiting list." in done
    assert "calendar file (.ics) to take it out" not in done  # never had a place, so never an event


def test_an_online_sessions_joining_link_goes_only_to_people_with_a_place(seeded, client, sign_in, submit):
    joining = "https://meet.example.gov.uk/abc-defg-hij"
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    with seeded.app_context():
        online = db.session().get(LearningSession, session_id)
        online.online, online.location = True, joining
        db.session().add(online)
        db.session().commit()
    item = f"/masterclasses/{VISUALISATION}"
    assert joining not in client.get(item).get_data(as_text=True)  # the public page
    assert "Online (the joining details come with your place)" in client.get(item).get_data(as_text=True)
    sign_in(POLICY)
    assert joining not in client.get(f"{item}/sessions/{session_id}/book").get_data(as_text=True)
    book(submit, VISUALISATION, session_id)
    booked = registration_of(seeded, session_id, POLICY)
    assert joining in client.get(f"/masterclasses/registrations/{booked.id}").get_data(as_text=True)
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(OPS)
    book(submit, VISUALISATION, session_id)  # the session is full: the waiting list
    waiting = registration_of(seeded, session_id, OPS)
    assert waiting.status == "waiting"
    assert joining not in client.get(f"/masterclasses/registrations/{waiting.id}").get_data(as_text=True)
    confirmed = next(m for m in outbox(seeded) if m.template == "place_confirmed")
    assert confirmed.personalisation["where"] == f"Online: {joining}"


def test_an_edit_that_reaches_a_cancelled_session_changes_nothing(seeded, client, sign_in, submit):
    import pytest

    from ddat.models import User
    from ddat.services import learning

    session_id = add_session(seeded, VISUALISATION, days=10)
    sign_in(HR)
    submit(f"/masterclasses/{VISUALISATION}/sessions/{session_id}/cancel", {"reason": ""})
    with seeded.app_context():  # an edit sent just before the cancellation, arriving after it
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        stale = db.session().get(LearningSession, session_id)
        with pytest.raises(learning.SessionCannotChange):
            learning.save_session(db.session(), stale, {"location": "Edited after cancelling"}, hr)
        assert db.session().get(LearningSession, session_id).location == "Room 1"
