"""Recording what happened at a session tells HR and the person the truth: a no show leaves
other sessions alone, a place given up is named, a settled dispute stays settled, a
completion keeps the skills and date it was credited with, and each message says what was
saved."""

import io
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, LearningItem, LearningSession, Registration, User
from pathways.disclosure import MIN_ANSWERS
from tests.client import CSRF_PATTERN
from tests.factories import HR, OPS, POLICY, VISUALISATION, add_session, person_of, rating, registration_of, user_id
from tests.pages import text_of
from tests.web.steps import completed_by_hr, disputed_and_settled_as_no_show


def place(app, session_id: int, email: str, status: str) -> int:
    with app.app_context():
        item_id = db.session().get(LearningSession, session_id).item_id
        registration = Registration(
            session_id=session_id,
            item_id=item_id,
            person_id=person_of(app, email).id,
            status=status,
            source="self",
            registered_at=datetime.now(UTC) - timedelta(days=30),
        )
        db.session().add(registration)
        db.session().commit()
        return registration.id


def upload(client, session_id: int, content: str) -> str:
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/import"
    token = CSRF_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)
    response = client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(content.encode()), "attendance.csv")},
        content_type="multipart/form-data",
    )
    return text_of(response.get_data(as_text=True))


def session_page(client, session_id: int) -> str:
    return text_of(client.get(f"/masterclasses/{VISUALISATION}/sessions/{session_id}").get_data(as_text=True))


def test_a_no_show_leaves_a_place_at_another_session_alone(seeded, client, sign_in):
    past, future = add_session(seeded, VISUALISATION, days=-3), add_session(seeded, VISUALISATION, days=10)
    place(seeded, future, OPS, "registered")
    sign_in(HR)
    page = upload(client, past, f"email,status\n{OPS},no show\n")
    assert "1 added" in page and "Places given up" not in page
    assert registration_of(seeded, past, OPS).status == "no_show"
    assert registration_of(seeded, future, OPS).status == "registered"

    # Attending is a live place, so the one at the other session goes, and HR are told.
    page = upload(client, past, f"email,status\n{OPS},attended\n")
    assert "0 added, 1 changed" in page
    with seeded.app_context():
        future_day = f"{db.session().get(LearningSession, future).starts_at:%-d %B %Y}"
    assert "Places given up at other sessions" in page and f"Owen Operations: the session on {future_day}" in page
    assert registration_of(seeded, future, OPS).status == "cancelled"


def test_recording_by_hand_a_no_show_leaves_another_place_alone_and_attending_says_what_it_gave_up(
    seeded, client, sign_in, submit
):
    past, future = add_session(seeded, VISUALISATION, days=-3), add_session(seeded, VISUALISATION, days=10)
    here = place(seeded, past, POLICY, "cancelled")
    place(seeded, future, POLICY, "registered")
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{past}"
    submit(f"{url}/attendance", {f"status-{here}": "no_show"}, form_url=url)
    assert registration_of(seeded, past, POLICY).status == "no_show"
    assert registration_of(seeded, future, POLICY).status == "registered"
    page = text_of(
        submit(f"{url}/attendance", {f"status-{here}": "attended"}, form_url=url, follow=True).get_data(as_text=True)
    )
    assert registration_of(seeded, future, POLICY).status == "cancelled"
    with seeded.app_context():
        future_day = f"{db.session().get(LearningSession, future).starts_at:%-d %B %Y}"
    assert "Attendance saved" in page and f"Priya Policy: the session on {future_day}" in page


def test_registering_someone_after_a_session_does_not_let_it_be_credited(seeded, client, sign_in, submit):
    past, future = add_session(seeded, VISUALISATION, days=-3), add_session(seeded, VISUALISATION, days=10)
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{future}"
    submit(f"{url}/register", {"people": OPS}, form_url=url)
    assert registration_of(seeded, future, OPS).status == "registered"
    page = upload(client, past, f"email,status\n{OPS},completed\n")
    assert "nothing was imported" in page and "Registered or invited only after this session started" in page
    assert registration_of(seeded, past, OPS) is None
    assert registration_of(seeded, future, OPS).status == "registered"


def test_importing_a_completion_again_cannot_overturn_a_settled_dispute(seeded, client, sign_in, submit):
    session_id, registration = disputed_and_settled_as_no_show(seeded, client, sign_in, submit)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    page = upload(client, session_id, f"email,status\n{POLICY},completed\n")
    assert "nothing was imported" in page and "This record was disputed: settle it on the session page" in page
    after = registration_of(seeded, session_id, POLICY)
    assert (after.status, after.dispute_reason, after.dispute_outcome) == ("no_show", "I did not go", "withdrawn")
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")
    # Nor by hand: the session page offers no change, and a forged one is refused.
    assert "Disputed and settled" in session_page(client, session_id)
    forged = submit(f"{url}/attendance", {f"status-{registration.id}": "completed"}, form_url=url, follow=True)
    assert "This record was disputed" in text_of(forged.get_data(as_text=True))
    assert registration_of(seeded, session_id, POLICY).dispute_outcome == "withdrawn"


def test_a_completion_shows_the_skills_and_day_it_was_credited_with(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    with seeded.app_context():
        item = db.session().exec(select(LearningItem).where(LearningItem.slug == VISUALISATION)).one()
        item.skills = [["data-visualisation", 4]]  # HR change the item afterwards
        db.session().add(item)
        db.session().commit()
        ended = db.session().get(LearningSession, session_id).ends_at
    registration = registration_of(seeded, session_id, POLICY)
    sign_in(POLICY)
    mine = text_of(client.get("/masterclasses/mine").get_data(as_text=True))
    assert "Data visualisation (working)" in mine and "(expert)" not in mine
    record = text_of(client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True))
    assert "Data visualisation at working level" in record and "expert" not in record
    assert f"Completed {ended:%-d %B %Y}" in record
    assert registration.completed_at == ended  # the day of the session, not of the recording


def test_a_completion_imported_long_after_the_session_is_dated_by_the_session(seeded, client, sign_in):
    session_id = add_session(seeded, VISUALISATION, days=-400)
    place(seeded, session_id, OPS, "registered")
    sign_in(HR)
    assert "1 changed" in upload(client, session_id, f"email,status\n{OPS},completed\n")
    with seeded.app_context():
        ended = db.session().get(LearningSession, session_id).ends_at
    assert registration_of(seeded, session_id, OPS).completed_at == ended


def test_hr_registering_people_is_audited_and_says_when_nothing_was_saved(seeded, client, sign_in, submit):
    future, past = add_session(seeded, VISUALISATION, days=10), add_session(seeded, VISUALISATION, days=-2)
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{future}"
    page = text_of(submit(f"{url}/register", {"people": OPS}, form_url=url, follow=True).get_data(as_text=True))
    assert "Registrations saved" in page
    registration = registration_of(seeded, future, OPS)
    with seeded.app_context():
        events = db.session().exec(select(AuditEvent).where(AuditEvent.action == "learning.registered_by_hr")).all()
        assert [(e.actor_user_id, e.actor_role, e.object_type, e.object_id) for e in events] == [
            (user_id(seeded, HR), "hr", "learning_registration", str(registration.id))
        ]

    # Departmental HR registering one of their own people is audited the same way.
    with seeded.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        hr.department_id = person_of(seeded, POLICY).department_id
        db.session().add(hr)
        db.session().commit()
    submit(f"{url}/register", {"people": POLICY}, form_url=url)
    theirs = registration_of(seeded, future, POLICY)
    with seeded.app_context():
        events = db.session().exec(select(AuditEvent).where(AuditEvent.action == "learning.registered_by_hr")).all()
        assert (user_id(seeded, HR), "learning_registration", str(theirs.id)) in [
            (e.actor_user_id, e.object_type, e.object_id) for e in events
        ]

    url = f"/masterclasses/{VISUALISATION}/sessions/{past}"
    page = text_of(submit(f"{url}/register", {"people": POLICY}, form_url=url, follow=True).get_data(as_text=True))
    assert "Registrations saved" not in page
    assert "Nothing was saved" in page and "This session has already taken place" in page
    assert registration_of(seeded, past, POLICY) is None


def test_cancelling_a_place_from_the_session_page_says_so(seeded, client, sign_in, submit):
    future = add_session(seeded, VISUALISATION, days=10)
    here = place(seeded, future, OPS, "registered")
    sign_in(HR)
    url = f"/masterclasses/{VISUALISATION}/sessions/{future}"
    page = text_of(
        submit(f"{url}/attendance", {f"status-{here}": "cancelled"}, form_url=url, follow=True).get_data(as_text=True)
    )
    assert "Place cancelled" in page and "Attendance saved" not in page
    assert registration_of(seeded, future, OPS).status == "cancelled"


def test_the_feedback_form_states_the_rule_leaders_see_averages_by(seeded, client, sign_in):
    session_id = add_session(seeded, VISUALISATION, days=-2)
    registration_id = place(seeded, session_id, POLICY, "attended")
    sign_in(POLICY)
    page = text_of(client.get(f"/masterclasses/registrations/{registration_id}/feedback").get_data(as_text=True))
    assert f"only once {MIN_ANSWERS} or more people have answered" in page and "5 or more" not in page
