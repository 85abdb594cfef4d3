"""Places at a learning session: the waiting list, changing the number of places, what the
public and HR are told about how full a session is, and one live place per person per item."""

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import LearningSession, Person, Registration
from ddat.services.learning import UK
from tests.factories import OPS, POLICY, VISUALISATION, add_session, person_of, registration_of
from tests.pages import text_of
from tests.web.steps import book, book_as


def test_a_full_session_has_a_waiting_list_and_a_cancelled_place_goes_to_it(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    client.post("/sign-out", data={})
    sign_in(OPS)
    response = book(submit, VISUALISATION, session_id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You’re on the waiting list" in page
    assert registration_of(seeded, session_id, OPS).status == "waiting"

    client.get("/sign-out")
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    mine = registration_of(seeded, session_id, POLICY)
    cancel_url = f"/masterclasses/registrations/{mine.id}/cancel"
    assert "Are you sure you want to cancel your place?" in client.get(cancel_url).get_data(as_text=True)
    submit(cancel_url, {})
    assert registration_of(seeded, session_id, POLICY).status == "cancelled"
    assert registration_of(seeded, session_id, OPS).status == "registered"


def test_more_places_go_to_the_waiting_list_at_once(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(OPS)
    book(submit, VISUALISATION, session_id)
    assert registration_of(seeded, session_id, OPS).status == "waiting"
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Room 1"' in form and 'name="capacity" type="text" value="1"' in form
    day = (datetime.now(UTC) + timedelta(days=10)).astimezone(UK)
    answers = {
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "10:00",
        "ends": "12:00",
        "online": "yes",
        "location": "Teams",
    }
    bad = submit(url, answers | {"capacity": "0"})
    assert "Places must be a whole number from 1 to 10,000" in bad.get_data(as_text=True)
    assert registration_of(seeded, session_id, OPS).status == "waiting"
    moving = text_of(submit(url, answers | {"capacity": "2"}).get_data(as_text=True))
    assert "1 person is booked on this session. 1 person is on its waiting list." in moving
    assert registration_of(seeded, session_id, OPS).status == "waiting"  # nothing saved until HR continue
    response = submit(url, answers | {"capacity": "2", "booked": "1/1"})
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Session changed" in page and "2 of 2 taken" in page and "Online: Teams" in page
    assert registration_of(seeded, session_id, OPS).status == "registered"


def test_hr_cannot_give_a_waiting_person_a_place_beyond_the_places(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10, capacity=1)
    for email in (POLICY, OPS):
        book_as(client, sign_in, submit, email, VISUALISATION, session_id)
    waiting = registration_of(seeded, session_id, OPS)
    assert waiting.status == "waiting"
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    page = client.get(url).get_data(as_text=True)
    options = re.search(rf'name="status-{waiting.id}">(.*?)</select>', page, re.S).group(1)
    assert 'value="registered"' not in options
    response = submit(url + "/attendance", {f"status-{waiting.id}": "registered"}, form_url=url)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A place can only be given by registering them" in page
    assert registration_of(seeded, session_id, OPS).status == "waiting"


def test_the_public_see_how_full_a_session_is_and_hr_see_how_many_places_are_left(seeded, client, sign_in, submit):
    from ddat.services import learning

    session_id = add_session(seeded, VISUALISATION, days=10, capacity=10)
    item_page = f"/masterclasses/{VISUALISATION}"

    def fill(places: int) -> None:
        with seeded.app_context():
            database = db.session()
            session = database.get(LearningSession, session_id)
            booked = select(Registration.person_id).where(Registration.session_id == session_id)
            people = database.exec(
                select(Person).where(Person.user_id.is_(None), Person.id.not_in(booked)).order_by(Person.id)
            ).all()
            for person in people[:places]:
                learning.register(database, session, person, source="hr")

    seen = []
    for held in (0, 8, 2):  # 0, then 8, then 10 places taken
        fill(held)
        seen.append(_places_cell(client.get(item_page).get_data(as_text=True), "Room 1"))
    assert seen == ["Places available", "Few places left", "Full (waiting list)"]

    sign_in(POLICY)
    assert _places_cell(client.get(item_page).get_data(as_text=True), "Room 1") == "Full (waiting list)"
    booking = text_of(client.get(f"{item_page}/sessions/{session_id}/book").get_data(as_text=True))
    assert "Places Full" in booking and "Places left" not in booking
    client.post("/sign-out", data={})
    with client.session_transaction() as browser:
        browser.clear()

    sign_in("hr@example.gov.uk")
    assert _places_cell(client.get(item_page).get_data(as_text=True), "Room 1") == "0 (waiting list)"
    with seeded.app_context():
        two = db.session().exec(select(Registration).where(Registration.session_id == session_id).limit(2)).all()
        for registration in two:
            learning.cancel(db.session(), registration)
    assert _places_cell(client.get(item_page).get_data(as_text=True), "Room 1") == "2"


def test_a_second_place_at_the_same_learning_is_refused_by_the_database_too(seeded, sign_in, submit, monkeypatch):
    from ddat.services import learning

    first = add_session(seeded, VISUALISATION, days=10)
    second = add_session(seeded, VISUALISATION, days=11)
    sign_in(POLICY)
    assert book(submit, VISUALISATION, first).status_code == 302
    # Two tabs booking at the same moment: each checked before the other's place was saved.
    monkeypatch.setattr(learning, "live_registration", lambda *_: None)
    response = book(submit, VISUALISATION, second)
    assert response.status_code == 200
    assert "Already registered for a session" in text_of(response.get_data(as_text=True))
    person = person_of(seeded, POLICY)
    with seeded.app_context():
        held = db.session().exec(
            select(Registration.session_id).where(
                Registration.person_id == person.id, Registration.status.in_(("registered", "waiting"))
            )
        )
        assert list(held) == [first]


def _places_cell(html: str, location: str) -> str:
    """What the item page's places column says for the session held at `location`."""
    row = re.search(r'<tr class="govuk-table__row">((?:(?!</tr>).)*' + location + r".*?)</tr>", html, re.S).group(1)
    return text_of(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]).strip()
