"""Learning records people can trust: completions only for people who signed up, shown to the
person with where they came from, disputable, audited; learning changed only by its owners."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Invitation, LearningItem, LearningSession, Registration, User
from ddat.services.profiles import engine_profile
from tests.client import CSRF_PATTERN, signed_out
from tests.factories import (
    HR,
    MASTERCLASS,
    OPS,
    PERM_SEC,
    POLICY,
    VISUALISATION,
    add_session,
    item_form,
    person_of,
    rating,
    registration_of,
    user_id,
)
from tests.pages import text_of
from tests.support import app_on_each_database
from tests.web.steps import completed_by_hr, disputed_and_settled_as_no_show, run_import


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    # Disputes rest on CHECK constraints and re-derived ratings: run on both databases.
    return app_on_each_database(request, tmp_path)


def events(app, action: str) -> list[tuple[int | None, str | None, str | None]]:
    with app.app_context():
        rows = db.session().exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        return [(e.actor_user_id, e.object_type, e.object_id) for e in rows]


def test_an_import_cannot_credit_learning_to_someone_who_never_signed_up(seeded, client, sign_in, submit):
    sign_in(HR)
    created = submit("/masterclasses/new", item_form(name="Expert in a day", skill_1="data-visualisation", level_1="4"))
    slug = created.headers["Location"].split("/")[-1].split("?")[0]
    session_id = add_session(seeded, slug, days=-1)
    before = rating(seeded, OPS, "data-visualisation")
    content = f"email,status\n{OPS},completed\n".encode()
    result = run_import(seeded, session_id, content)
    assert [(e.row, e.column, e.problem) for e in result.errors] == [
        (2, "email", "Not registered for or invited to this learning: register or invite them first")
    ]
    assert registration_of(seeded, session_id, OPS) is None
    assert rating(seeded, OPS, "data-visualisation") == before != (4, "course")

    # Invited seconds before the import, after the session took place: not evidence they took part.
    with seeded.app_context():
        session = db.session().get(LearningSession, session_id)
        invitation = Invitation(item_id=session.item_id, person_id=person_of(seeded, OPS).id)
        db.session().add(invitation)
        db.session().commit()
        invitation_id, starts_at = invitation.id, session.starts_at
    upload = f"/masterclasses/{slug}/sessions/{session_id}/import"

    def uploaded() -> str:
        token = CSRF_PATTERN.search(client.get(upload).get_data(as_text=True)).group(1)
        return text_of(
            client.post(
                upload,
                data={"csrf_token": token, "file": (io.BytesIO(content), "attendance.csv")},
                content_type="multipart/form-data",
            ).get_data(as_text=True)
        )

    page = uploaded()
    assert "nothing was imported" in page and "Registered or invited only after this session started" in page
    assert registration_of(seeded, session_id, OPS) is None
    assert rating(seeded, OPS, "data-visualisation") == before

    # Invited before the session: the import records them, at the level the learning states and no higher.
    with seeded.app_context():
        invitation = db.session().get(Invitation, invitation_id)
        invitation.invited_at = starts_at - timedelta(days=3)
        db.session().add(invitation)
        db.session().commit()
    page = uploaded()
    assert "Attendance imported" in page
    assert registration_of(seeded, session_id, OPS).completed_by_user_id == user_id(seeded, HR)
    assert rating(seeded, OPS, "data-visualisation") == (4, "course")
    registration = registration_of(seeded, session_id, OPS)
    assert (user_id(seeded, HR), "learning_registration", str(registration.id)) in events(seeded, "learning.completed")


def test_the_person_sees_where_each_completion_came_from(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    sign_in(POLICY)
    page = text_of(client.get("/masterclasses/mine").get_data(as_text=True))
    assert "Learning recorded on your profile" in page
    with seeded.app_context():
        day = f"{db.session().get(LearningSession, session_id).starts_at:%-d %B %Y}"
    assert f"Working with data and visualisation {day} {HR}" in page
    assert "Data visualisation (working)" in page and "It counts as evidence of these skills" in page
    registration = registration_of(seeded, session_id, POLICY)
    mine = text_of(client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True))
    assert f"Recorded by {HR}" in mine and "Dispute this record" in mine


def test_a_disputed_completion_stops_counting_until_hr_confirm_it(seeded, client, sign_in, submit):
    before = rating(seeded, POLICY, "data-visualisation")
    assert before == (1, "self") and rating(seeded, POLICY, "communicating-data") is None
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    assert rating(seeded, POLICY, "data-visualisation") == (2, "course")
    registration = registration_of(seeded, session_id, POLICY)
    url = f"/masterclasses/registrations/{registration.id}/dispute"

    sign_in(POLICY)
    assert "Enter why this record is wrong" in submit(url, {"reason": "  "}).get_data(as_text=True)
    too_long = submit(url, {"reason": "x" * 501}).get_data(as_text=True)
    assert "Why this record is wrong must be 500 characters or fewer" in too_long and "x" * 501 in too_long
    assert rating(seeded, POLICY, "data-visualisation") == (2, "course")  # nothing changed yet
    sent = submit(url, {"reason": "I was on leave that day"})
    assert sent.status_code == 302
    assert "You have disputed this record" in client.get(sent.headers["Location"]).get_data(as_text=True)
    # Back to their own rating, and the skill they never rated goes.
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")
    assert rating(seeded, POLICY, "communicating-data") is None
    assert "it does not count until HR have looked into it" in text_of(
        client.get("/masterclasses/mine").get_data(as_text=True)
    )
    assert client.get(url).status_code == 302  # disputed once: back to the record
    assert (user_id(seeded, POLICY), "learning_registration", str(registration.id)) in events(
        seeded, "learning.completion_disputed"
    )

    signed_out(client)
    sign_in(HR)
    session_url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    page = text_of(client.get(session_url).get_data(as_text=True))
    assert "Disputed completions" in page and "“I was on leave that day”" in page
    resolve = f"{session_url}/disputes/{registration.id}"
    unsure = submit(resolve, {}, form_url=session_url, follow=True).get_data(as_text=True)
    assert "Priya Policy: select how to settle the dispute" in unsure
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")
    assert submit(resolve, {"resolution": "confirmed"}, form_url=session_url).status_code == 302
    assert rating(seeded, POLICY, "data-visualisation") == (2, "course")
    assert rating(seeded, POLICY, "communicating-data") == (1, "course")
    assert "Disputed completions" not in client.get(session_url).get_data(as_text=True)
    assert (user_id(seeded, HR), "learning_registration", str(registration.id)) in events(
        seeded, "learning.dispute_resolved"
    )


def test_hr_can_agree_a_disputed_completion_was_wrong(seeded, client, sign_in, submit):
    session_id, registration = disputed_and_settled_as_no_show(seeded, client, sign_in, submit)
    after = registration_of(seeded, session_id, POLICY)
    assert (after.status, after.completed_at, after.dispute_outcome) == ("no_show", None, "withdrawn")
    assert rating(seeded, POLICY, "data-visualisation") == (1, "self")
    signed_out(client)
    sign_in(POLICY)
    page = text_of(client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True))
    assert "HR agreed it was wrong: it does not count" in page and "Did not attend" in page


def test_a_dispute_always_has_its_reason_in_the_database(seeded, client, sign_in, submit):
    session_id = completed_by_hr(seeded, client, sign_in, submit)
    with seeded.app_context():
        row = db.session().get(Registration, registration_of(seeded, session_id, POLICY).id)
        row.disputed_at = datetime.now(UTC)
        db.session().add(row)
        with pytest.raises(IntegrityError):
            db.session().commit()


def test_learning_changes_are_audited_with_who_and_what(seeded, client, sign_in, submit):
    sign_in(HR)
    hr = user_id(seeded, HR)
    created = submit("/masterclasses/new", item_form())
    url = created.headers["Location"].split("?")[0]
    slug = url.split("/")[-1]
    with seeded.app_context():
        item_id = db.session().exec(select(LearningItem.id).where(LearningItem.slug == slug)).one()
    submit(url + "/edit", item_form(name="Service design, revised", audience=["HEO", "SEO", "G7"]))  # G7: Priya
    session = {"day": ["3", "6", "2027"], "starts": "10am", "ends": "12:30", "online": "no", "location": "Leeds",
               "capacity": "20"}  # fmt: skip
    added = submit(url + "/sessions/new", session)
    session_id = int(added.headers["Location"].split("/sessions/")[1].split("?")[0])
    submit(f"{url}/sessions/{session_id}/edit", session | {"location": "York"})
    submit(url + "/invite", {"people": POLICY})
    assert events(seeded, "learning.item_added") == [(hr, "learning_item", str(item_id))]
    assert events(seeded, "learning.item_changed") == [(hr, "learning_item", str(item_id))]
    assert events(seeded, "learning.session_added") == [(hr, "learning_session", str(session_id))]
    assert events(seeded, "learning.session_changed") == [(hr, "learning_session", str(session_id))]
    with seeded.app_context():
        invitation = db.session().exec(select(Invitation.id).where(Invitation.item_id == item_id)).one()
    assert events(seeded, "learning.invited") == [(hr, "learning_invitation", str(invitation))]

    signed_out(client)
    done = completed_by_hr(seeded, client, sign_in, submit)
    registration = registration_of(seeded, done, POLICY)
    assert events(seeded, "learning.completed") == [(hr, "learning_registration", str(registration.id))]
    assert (hr, "learning_session", str(done)) in events(seeded, "learning.attendance_recorded")


def test_departmental_hr_change_only_their_own_departments_learning(seeded, client, sign_in, submit):
    policy = person_of(seeded, POLICY)
    session_id = add_session(seeded, VISUALISATION, days=10)
    with seeded.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        hr.department_id = policy.department_id
        db.session().add(hr)
        db.session().commit()
    sign_in(HR)
    central = f"/masterclasses/{VISUALISATION}"
    with seeded.app_context():
        sessions_before = len(db.session().exec(select(LearningSession)).all())
    assert client.get(central + "/edit").status_code == 403
    assert submit(central + "/edit", item_form(name="Renamed"), form_url=central).status_code == 403
    session = {"day": ["3", "6", "2027"], "starts": "10am", "ends": "11am", "online": "no", "location": "Moved",
               "capacity": "1"}  # fmt: skip
    assert submit(f"{central}/sessions/{session_id}/edit", session, form_url=central).status_code == 403
    assert submit(f"{central}/sessions/new", session, form_url=central).status_code == 403
    with seeded.app_context():
        item = db.session().exec(select(LearningItem).where(LearningItem.slug == VISUALISATION)).one()
        assert item.name == "Working with data and visualisation"
        assert db.session().get(LearningSession, session_id).location == "Room 1"
        assert len(db.session().exec(select(LearningSession)).all()) == sessions_before
    page = client.get(central).get_data(as_text=True)
    assert "Edit this learning" not in page and "Add a session" not in page

    # What they add is their department's: they change it, and so can central HR.
    created = submit("/masterclasses/new", item_form(name="Our department's induction"))
    ours = created.headers["Location"].split("?")[0]
    with seeded.app_context():
        owner = (
            db.session()
            .exec(select(LearningItem.owner_department_id).where(LearningItem.slug == ours.split("/")[-1]))
            .one()
        )
    assert owner == policy.department_id
    assert submit(ours + "/edit", item_form(name="Our induction, revised")).status_code == 302
    assert "Edit this learning" in client.get(ours).get_data(as_text=True)
    with seeded.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        hr.department_id = None
        db.session().add(hr)
        db.session().commit()
    assert submit(ours + "/edit", item_form(name="Our induction, by central HR")).status_code == 302


def test_disputing_the_only_evidence_someone_has_leaves_an_empty_profile_not_an_error(seeded, client, sign_in, submit):
    session_id = add_session(seeded, MASTERCLASS, days=-1)
    with seeded.app_context():
        item_id = db.session().get(LearningSession, session_id).item_id
        person = person_of(seeded, PERM_SEC)
        db.session().add(
            Registration(session_id=session_id, item_id=item_id, person_id=person.id, status="attended", source="self")
        )
        db.session().commit()
        before = engine_profile(db.session(), person)
    sign_in(HR)
    session_url = f"/masterclasses/{MASTERCLASS}/sessions/{session_id}"
    registration = registration_of(seeded, session_id, PERM_SEC)
    submit(f"{session_url}/attendance", {f"status-{registration.id}": "completed"}, form_url=session_url)
    signed_out(client)
    sign_in(PERM_SEC)
    sent = submit(f"/masterclasses/registrations/{registration.id}/dispute", {"reason": "Not me"})
    assert sent.status_code == 302
    with seeded.app_context():
        after = engine_profile(db.session(), person_of(seeded, PERM_SEC))
    assert before is None  # they never rated their skills: nothing of the course is left
    assert after is None or after.ratings == ()
    assert client.get("/profile/matches").status_code == 200
