"""Putting a session's record right: HR correct attendance and completions recorded by
mistake (audited, and the course evidence kept true), add people who came without booking,
see no Save button with nothing to save, and confirm moving a session people are booked on."""

import re
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Department, LearningSession, Person, Registration, User
from ddat.services import learning
from ddat.services.learning import uk_time
from tests.client import signed_out
from tests.factories import (
    HR,
    OPS,
    PERM_SEC,
    POLICY,
    VISUALISATION,
    add_session,
    person_of,
    rating,
    registration_of,
    user_id,
)
from tests.pages import page, page_of, text, texts
from tests.web.steps import completed_by_hr, hr_records

SESSIONS = f"/masterclasses/{VISUALISATION}/sessions"
DEPARTMENT_HR = "department.hr@example.gov.uk"


def place(app, session_id: int, email: str, status: str) -> int:
    """The person on the session's list with this status, as if they had booked a month ago."""
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


def events(app, action: str) -> list[tuple[int | None, str | None, str | None]]:
    with app.app_context():
        rows = db.session().exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        return [(e.actor_user_id, e.object_type, e.object_id) for e in rows]


def departmental_hr(app, *, same_as: str | None = None) -> None:
    """An HR user for one department: the person's named by `same_as`, or another one."""
    with app.app_context():
        session = db.session()
        theirs = person_of(app, same_as or POLICY).department_id
        department = theirs if same_as else session.exec(select(Department.id).where(Department.id != theirs)).first()
        password = session.exec(select(User.password_hash).where(User.email == HR)).one()
        session.add(User(email=DEPARTMENT_HR, password_hash=password, role="hr", department_id=department))
        session.commit()


def completed_count(client) -> int:
    uptake = text(page(client, f"/masterclasses/{VISUALISATION}/uptake"))
    return int(re.search(r"(\d+) of [\d,]+ people have completed it", uptake).group(1))


# --- correcting ----------------------------------------------------------------------------


def test_hr_correct_a_completion_and_the_evidence_it_gave_comes_off_the_profile(seeded, client, sign_in, submit):
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")  # her own rating
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    assert rating(seeded, POLICY, "data-visualisation") == (2, "course")
    registration = registration_of(seeded, session_id, POLICY)
    sign_in(HR)
    completions = completed_count(client)
    session_page = page(client, f"{SESSIONS}/{session_id}")
    correct = f"{SESSIONS}/{session_id}/registrations/{registration.id}/correct"
    link = session_page.select_one(f'a[href="{correct}"]')
    assert text(link) == "Correct the completion for Priya Policy"
    assert session_page.select(f'select[name="status-{registration.id}"]') == []  # not changed in the table

    form = page(client, correct)
    assert texts(form, "main li") == ["Data visualisation at working level", "Communicating data at awareness level"]
    missing = page_of(submit(correct, {}), correct, errors=True)
    assert texts(missing, ".govuk-error-summary__list a") == ["Select what happened"]
    assert registration_of(seeded, session_id, POLICY).status == "completed"

    corrected = submit(correct, {"status": "no_show"})
    assert corrected.status_code == 302
    after = page(client, corrected.headers["Location"])
    assert "Record corrected for Priya Policy: did not attend." in text(after)
    now = registration_of(seeded, session_id, POLICY)
    assert (now.status, now.completed_at, now.completed_by_user_id) == ("no_show", None, None)
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")  # back to her own rating
    assert events(seeded, "learning.attendance_corrected") == [
        (user_id(seeded, HR), "learning_registration", str(registration.id))
    ]
    assert completed_count(client) == completions - 1
    # A second click, or a colleague's, finds nothing left to correct.
    again = client.get(correct)
    assert again.status_code == 302
    assert "This record is not a completion" in text(page(client, again.headers["Location"]))

    signed_out(client)
    sign_in(POLICY)
    assert "It counts as evidence of these skills" not in text(page(client, "/masterclasses/mine"))


def test_a_completion_corrected_to_attended_can_be_completed_again(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    registration = registration_of(seeded, session_id, POLICY)
    sign_in(HR)
    correct = f"{SESSIONS}/{session_id}/registrations/{registration.id}/correct"
    submit(correct, {"status": "attended"})
    assert registration_of(seeded, session_id, POLICY).status == "attended"
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")
    hr_records(seeded, submit, session_id, POLICY, "completed")
    assert registration_of(seeded, session_id, POLICY).status == "completed"
    assert rating(seeded, POLICY, "data-visualisation") == (2, "course")


def test_a_disputed_completion_is_changed_only_by_settling_the_dispute(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    registration = registration_of(seeded, session_id, POLICY)
    sign_in(POLICY)
    submit(f"/masterclasses/registrations/{registration.id}/dispute", {"reason": "I was not there"})
    signed_out(client)
    sign_in(HR)
    correct = f"{SESSIONS}/{session_id}/registrations/{registration.id}/correct"
    assert page(client, f"{SESSIONS}/{session_id}").select(f'a[href="{correct}"]') == []
    refused = submit(correct, {"status": "no_show"}, form_url=f"{SESSIONS}/{session_id}")
    assert refused.status_code == 302
    assert "only by settling the dispute" in text(page(client, refused.headers["Location"]))
    assert registration_of(seeded, session_id, POLICY).status == "completed"
    assert events(seeded, "learning.attendance_corrected") == []


def test_departmental_hr_cannot_correct_someone_outside_their_department(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    registration = registration_of(seeded, session_id, POLICY)
    departmental_hr(seeded)
    sign_in(DEPARTMENT_HR)
    correct = f"{SESSIONS}/{session_id}/registrations/{registration.id}/correct"
    assert client.get(correct).status_code == 404
    assert submit(correct, {"status": "no_show"}, form_url=f"{SESSIONS}/{session_id}").status_code == 404
    assert registration_of(seeded, session_id, POLICY).status == "completed"


def test_changing_attendance_already_recorded_in_the_table_is_audited_as_a_correction(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    registration_id = place(seeded, session_id, POLICY, "registered")
    sign_in(HR)
    hr_records(seeded, submit, session_id, POLICY, "attended")
    hr = user_id(seeded, HR)
    subject = (hr, "learning_registration", str(registration_id))
    assert events(seeded, "learning.outcome_recorded") == [subject]
    assert events(seeded, "learning.attendance_corrected") == []
    saved = hr_records(seeded, submit, session_id, POLICY, "no_show")
    assert "Attendance saved." in text(page(client, saved.headers["Location"]))
    assert registration_of(seeded, session_id, POLICY).status == "no_show"
    assert events(seeded, "learning.attendance_corrected") == [subject]
    assert events(seeded, "learning.outcome_recorded") == [subject]  # the correction is not a second first record


# --- people who came without booking ---------------------------------------------------------


def test_someone_who_came_without_booking_is_added_and_recorded_as_attended(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1, capacity=1)
    place(seeded, session_id, POLICY, "attended")  # the one place was taken
    sign_in(HR)
    session_url = f"{SESSIONS}/{session_id}"
    walk_in = f"{session_url}/walk-in"
    assert page(client, session_url).select(f'a[href="{walk_in}"]')
    assert page(client, walk_in).select_one("h1").get_text(strip=True) == "Add someone who came without booking"

    added = submit(walk_in, {"person": OPS})
    assert added.status_code == 302 and added.headers["Location"] == session_url
    after = page(client, session_url)
    assert "Owen Operations added and recorded as attended." in text(after)
    # Places limit bookings; someone who was in the room attended however many there were.
    assert "2 of 1 taken, including 1 person who came without booking" in text(after)
    row = next(r for r in after.select("tbody tr") if "Owen Operations" in text(r))
    assert "Attended" in text(row) and "Came without booking" in text(row)
    registration = registration_of(seeded, session_id, OPS)
    assert (registration.status, registration.source) == ("attended", "walk_in")
    assert events(seeded, "learning.walk_in_recorded") == [
        (user_id(seeded, HR), "learning_registration", str(registration.id))
    ]
    # HR saying they were there lets their completion be recorded afterwards, with its evidence.
    hr_records(seeded, submit, session_id, OPS, "completed")
    assert registration_of(seeded, session_id, OPS).status == "completed"
    assert rating(seeded, OPS, "data-visualisation") == (2, "course")


def test_a_walk_in_gives_up_their_place_at_a_later_session_to_its_waiting_list(seeded, client, sign_in, submit):
    past = add_session(seeded, VISUALISATION, days=-1)
    later = add_session(seeded, VISUALISATION, days=14, capacity=1)
    place(seeded, later, OPS, "registered")
    with seeded.app_context():
        database = db.session()
        learning.register(database, database.get(LearningSession, later), person_of(seeded, POLICY), source="hr")
    assert registration_of(seeded, later, POLICY).status == "waiting"
    sign_in(HR)
    added = submit(f"{SESSIONS}/{past}/walk-in", {"person": OPS})
    shown = text(page(client, added.headers["Location"]))
    day = f"{learning.to_uk(datetime.now(UTC) + timedelta(days=14)):%-d %B %Y}"
    assert f"Owen Operations: the session on {day}" in shown
    assert registration_of(seeded, later, OPS).status == "cancelled"
    assert registration_of(seeded, later, POLICY).status == "registered"


def test_a_walk_in_who_cannot_be_added_is_told_why_and_keeps_what_was_typed(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    earlier = add_session(seeded, VISUALISATION, days=-30)
    place(seeded, session_id, POLICY, "registered")
    with seeded.app_context():
        ops_staff_number = person_of(seeded, OPS).staff_number
    place(seeded, earlier, OPS, "completed")
    walk_in = f"{SESSIONS}/{session_id}/walk-in"
    day = f"{learning.to_uk(datetime.now(UTC) - timedelta(days=30)):%-d %B %Y}"
    sign_in(HR)
    cases = {
        "": "Enter a staff number or email address",
        "CS-NOBODY": "No one with this staff number or email address was found",
        POLICY: "Priya Policy is already on this session’s list (registered): record what happened to them in the "
        "table on the session page",
        ops_staff_number: f"Owen Operations has already completed this learning at the session on {day}",
    }
    for typed, problem in cases.items():
        shown = page_of(submit(walk_in, {"person": typed}), walk_in, errors=True)
        assert texts(shown, ".govuk-error-summary__list a") == [problem]
        assert shown.select_one(".govuk-error-summary__list a")["href"] == "#person"
        assert shown.select_one("input#person").get("value", "") == typed
    assert registration_of(seeded, session_id, OPS) is None
    assert registration_of(seeded, session_id, POLICY).status == "registered"
    assert events(seeded, "learning.walk_in_recorded") == []


def test_departmental_hr_add_only_their_own_people_as_walk_ins(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    walk_in = f"{SESSIONS}/{session_id}/walk-in"
    departmental_hr(seeded)  # another department's HR: Priya is not theirs to add
    sign_in(DEPARTMENT_HR)
    shown = page_of(submit(walk_in, {"person": POLICY}), walk_in, errors=True)
    assert "No one with this staff number or email address was found" in text(shown)
    assert registration_of(seeded, session_id, POLICY) is None
    with seeded.app_context():
        db.session().exec(select(User).where(User.email == DEPARTMENT_HR)).one().department_id = person_of(
            seeded, POLICY
        ).department_id
        db.session().commit()
    assert submit(walk_in, {"person": POLICY}).status_code == 302
    assert registration_of(seeded, session_id, POLICY).status == "attended"


def test_no_one_is_added_as_a_walk_in_before_the_session_starts(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=3)
    walk_in = f"{SESSIONS}/{session_id}/walk-in"
    sign_in(HR)
    assert page(client, f"{SESSIONS}/{session_id}").select(f'a[href="{walk_in}"]') == []
    assert client.get(walk_in).headers["Location"] == f"{SESSIONS}/{session_id}"
    assert submit(walk_in, {"person": OPS}, form_url=f"{SESSIONS}/{session_id}").status_code == 302
    assert registration_of(seeded, session_id, OPS) is None


# --- no Save button with nothing to save ---------------------------------------------------


def save_buttons(document) -> list[str]:
    return [text(b) for b in document.select("button") if text(b).startswith("Save")]


def test_a_session_with_nothing_to_save_shows_no_save_button(seeded, client, sign_in, submit):
    upcoming = add_session(seeded, VISUALISATION, days=5)
    ran = add_session(seeded, VISUALISATION, days=-2)
    sign_in(HR)
    empty = page(client, f"{SESSIONS}/{upcoming}")
    assert save_buttons(empty) == [] and "No one has registered yet." in text(empty)
    assert save_buttons(page(client, f"{SESSIONS}/{ran}")) == []
    assert "No one booked this session." in text(page(client, f"{SESSIONS}/{ran}"))

    place(seeded, upcoming, OPS, "cancelled")
    cancelled = page(client, f"{SESSIONS}/{upcoming}")
    assert save_buttons(cancelled) == [] and "Everyone on this list has cancelled" in text(cancelled)
    place(seeded, upcoming, POLICY, "registered")
    assert save_buttons(page(client, f"{SESSIONS}/{upcoming}")) == ["Save changes"]

    registration_id = place(seeded, ran, OPS, "completed")
    recorded = page(client, f"{SESSIONS}/{ran}")
    assert save_buttons(recorded) == [] and recorded.select('form[action$="/attendance"]') == []
    assert "Everyone’s attendance has been recorded, so there is nothing to save." in text(recorded)
    assert recorded.select(f'a[href="{SESSIONS}/{ran}/registrations/{registration_id}/correct"]')
    place(seeded, ran, PERM_SEC, "registered")
    assert save_buttons(page(client, f"{SESSIONS}/{ran}")) == ["Save attendance"]


def test_departmental_hr_are_told_none_of_their_people_are_on_the_list(seeded, client, sign_in):
    session_id = add_session(seeded, VISUALISATION, days=5)
    place(seeded, session_id, POLICY, "registered")
    departmental_hr(seeded)
    sign_in(DEPARTMENT_HR)
    shown = page(client, f"{SESSIONS}/{session_id}")
    assert save_buttons(shown) == []
    assert "No one from your department is on this session’s list." in text(shown)


# --- moving a session people are booked on -------------------------------------------------


def planned_session(app, capacity: int = 10) -> tuple[int, dict]:
    """A session in ten days, 10am to midday in Room 1, and its form filled in unchanged."""
    session_id = add_session(app, VISUALISATION, days=10, capacity=capacity)
    day = date.today() + timedelta(days=10)
    with app.app_context():
        learning_session = db.session().get(LearningSession, session_id)
        learning_session.starts_at, learning_session.ends_at = uk_time(day, time(10)), uk_time(day, time(12))
        db.session().commit()
    answers = {
        "day": [str(day.day), str(day.month), str(day.year)],
        "starts": "10:00",
        "ends": "12:00",
        "online": "no",
        "location": "Room 1",
        "capacity": str(capacity),
    }
    return session_id, answers


def booked(app, session_id: int, count: int) -> None:
    """`count` more people booked on the session, by HR."""
    with app.app_context():
        database = db.session()
        on_list = select(Registration.person_id).where(Registration.session_id == session_id)
        people = database.exec(
            select(Person).where(Person.user_id.is_(None), Person.id.not_in(on_list)).order_by(Person.id)
        ).all()
        for person in people[:count]:
            learning.register(database, database.get(LearningSession, session_id), person, source="hr")


def location(app, session_id: int) -> str:
    with app.app_context():
        return db.session().get(LearningSession, session_id).location


def test_moving_a_session_no_one_is_booked_on_saves_at_once(seeded, client, sign_in, submit):
    session_id, answers = planned_session(seeded)
    place(seeded, session_id, POLICY, "cancelled")  # cancelled: not booked
    sign_in(HR)
    moved = submit(f"{SESSIONS}/{session_id}/edit", answers | {"location": "Room 2"})
    assert moved.status_code == 302
    assert location(seeded, session_id) == "Room 2"


def test_moving_a_session_people_are_booked_on_asks_first_with_the_true_number(seeded, client, sign_in, submit):
    session_id, answers = planned_session(seeded, capacity=2)
    booked(seeded, session_id, 3)  # two places taken, one waiting
    place(seeded, session_id, POLICY, "cancelled")  # not counted
    edit = f"{SESSIONS}/{session_id}/edit"
    sign_in(HR)
    asked = page_of(submit(edit, answers | {"location": "Room 2"}), edit)
    assert asked.select_one("h1").get_text(strip=True) == "Are you sure you want to move this session?"
    assert "2 people are booked on this session. 1 person is on its waiting list." in text(asked)
    assert "Room 1" in text(asked) and "Room 2" in text(asked)
    assert [text(b) for b in asked.select("main button")] == ["Continue"]
    assert asked.select_one("main a.govuk-link[href]")["href"] == f"{SESSIONS}/{session_id}"
    assert asked.select_one('input[name="booked"]')["value"] == "2/1"
    assert location(seeded, session_id) == "Room 1"  # nothing saved yet

    booked(seeded, session_id, 1)  # someone else joins the waiting list before HR continue
    again = page_of(submit(edit, answers | {"location": "Room 2", "booked": "2/1"}), edit)
    assert "2 people are booked on this session. 2 people are on its waiting list." in text(again)
    assert location(seeded, session_id) == "Room 1"

    confirmed = submit(edit, answers | {"location": "Room 2", "booked": "2/2"})
    assert confirmed.status_code == 302
    assert location(seeded, session_id) == "Room 2"
    assert "Session changed." in text(page(client, confirmed.headers["Location"]))


def test_changing_only_the_places_of_a_booked_session_does_not_ask(seeded, client, sign_in, submit):
    session_id, answers = planned_session(seeded, capacity=2)
    booked(seeded, session_id, 2)
    sign_in(HR)
    changed = submit(f"{SESSIONS}/{session_id}/edit", answers | {"capacity": "5"})
    assert changed.status_code == 302
    with seeded.app_context():
        assert db.session().get(LearningSession, session_id).capacity == 5
    # A new time moves it as much as a new place does.
    asked = submit(f"{SESSIONS}/{session_id}/edit", answers | {"capacity": "5", "starts": "11:00"})
    assert asked.status_code == 200 and "2 people are booked on this session." in text(page_of(asked, "edit"))


def test_walk_ins_are_for_the_days_after_a_session_and_for_people_it_is_for(seeded, client, sign_in, submit):
    from tests.factories import MASTERCLASS

    long_ago = add_session(seeded, VISUALISATION, days=-10)
    masterclass = add_session(seeded, MASTERCLASS, days=-1)
    sign_in(HR)
    late = page_of(submit(f"{SESSIONS}/{long_ago}/walk-in", {"person": OPS}), "walk-in", errors=True)
    assert "Walk-ins can be added up to 7 days after a session" in text(late)
    # The session's page offers no link that leads there, and says what to do instead.
    ended = page(client, f"{SESSIONS}/{long_ago}")
    assert ended.find("a", string="Add someone who came without booking") is None
    assert "Add them to the attendance file and import it instead" in text(ended)
    recent = page(client, f"{SESSIONS}/{add_session(seeded, VISUALISATION, days=-6)}")
    assert recent.find("a", string="Add someone who came without booking") is not None
    outside = f"/masterclasses/{MASTERCLASS}/sessions/{masterclass}/walk-in"
    shown = page_of(submit(outside, {"person": OPS}), outside, errors=True)
    assert "Owen Operations is not someone this learning is for (Permanent Secretary only)" in text(shown)
    assert registration_of(seeded, long_ago, OPS) is None and registration_of(seeded, masterclass, OPS) is None
