"""Masterclasses: the catalogue, registering, the waiting list, attendance, completion as
evidence, feedback, invitations and uptake."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import Invitation, LearningItem, LearningSession, Person, Registration, SkillRating, User
from ddat.services.framework import current_framework
from ddat.services.profiles import engine_profile
from pathways import match
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
    registration_of,
)
from tests.pages import page, page_of, text_of, texts
from tests.web.steps import book, book_as, hr_records, signed_out


def move_session(app, session_id: int, days: float) -> None:
    """The day of the session comes (or goes): move it relative to now."""
    with app.app_context():
        session = db.session().get(LearningSession, session_id)
        session.starts_at = datetime.now(UTC) + timedelta(days=days)
        session.ends_at = session.starts_at + timedelta(hours=2)
        db.session().add(session)
        db.session().commit()


def test_anyone_can_browse_the_catalogue(seeded, client, get_page):
    catalogue = page(client, "/masterclasses")
    rows = [
        row for row in catalogue.select("tbody tr") if "Data masterclass for permanent secretaries" in texts(row, "a")
    ]
    assert len(rows) == 1 and "Office for National Statistics" in texts(rows[0], "td")
    item = text_of(get_page(f"/masterclasses/{MASTERCLASS}"))
    assert "For Permanent Secretary" in item and "Delivering business impact through data at awareness level" in item
    assert "Sign in to register for a session" in item
    get_page("/masterclasses/no-such-thing", status=404)


def test_a_permanent_secretary_registers_and_cannot_register_twice(seeded, client, sign_in, submit):
    session_id = add_session(seeded, MASTERCLASS, days=20)
    sign_in(PERM_SEC)
    response = book(submit, MASTERCLASS, session_id)
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You’re registered" in confirmation
    assert registration_of(seeded, session_id, PERM_SEC).status == "registered"
    again = book(submit, MASTERCLASS, session_id)
    assert again.status_code == 200 and "Already registered for a session" in again.get_data(as_text=True)
    other_session = add_session(seeded, MASTERCLASS, days=40)
    other = book(submit, MASTERCLASS, other_session)
    assert "Already registered for a session" in other.get_data(as_text=True)
    assert registration_of(seeded, other_session, PERM_SEC) is None
    assert "Data masterclass for permanent secretaries" in client.get("/masterclasses/mine").get_data(as_text=True)


def test_a_past_session_cannot_be_registered_for(seeded, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    sign_in(POLICY)
    response = book(submit, VISUALISATION, session_id)
    assert "This session has already taken place" in response.get_data(as_text=True)
    assert registration_of(seeded, session_id, POLICY) is None


def test_people_outside_the_audience_are_told_to_ask_hr(seeded, get_page, sign_in, submit):
    session_id = add_session(seeded, MASTERCLASS, days=20)
    sign_in(POLICY)  # a higher executive officer
    page = text_of(get_page(f"/masterclasses/{MASTERCLASS}"))
    assert "This learning is for these grades only: Permanent Secretary" in page and "Register for" not in page
    response = book(submit, MASTERCLASS, session_id)
    assert "This learning is for these grades only: Permanent Secretary" in response.get_data(as_text=True)
    assert registration_of(seeded, session_id, POLICY) is None


def test_no_one_sees_another_persons_registration(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    theirs = registration_of(seeded, session_id, POLICY).id
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(OPS)
    for url in ("", "/cancel", "/feedback"):
        assert client.get(f"/masterclasses/registrations/{theirs}{url}").status_code == 404


def test_completion_adds_course_evidence_and_raises_confidence(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=5)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    policy = person_of(seeded, POLICY)
    with seeded.app_context():
        fw = current_framework(db.session())
        before = engine_profile(db.session(), policy)
    assert before.rating("data-visualisation").level == 1
    move_session(seeded, session_id, days=-1)  # the session takes place
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("hr@example.gov.uk")
    hr_records(seeded, submit, session_id, POLICY, "attended")
    assert registration_of(seeded, session_id, POLICY).status == "attended"
    hr_records(seeded, submit, session_id, POLICY, "completed")
    assert registration_of(seeded, session_id, POLICY).status == "completed"
    with seeded.app_context():
        after = engine_profile(db.session(), person_of(seeded, POLICY))
        level = next(
            lv.slug for lv in fw.role_levels.values() if any(r.skill == "communicating-data" for r in lv.requirements)
        )
        assert match(fw, after, level).confidence > match(fw, before, level).confidence
    assert after.rating("data-visualisation").level == 2 and after.rating("data-visualisation").evidence == "course"
    assert after.rating("communicating-data").evidence == "course"
    assert after.rating("analysis-and-insight") == before.rating("analysis-and-insight")  # the rest is kept

    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    pathway = text_of(client.get(f"/profile/pathway?to={level}").get_data(as_text=True))
    assert "Learning you have done" in pathway and "Working with data and visualisation" in pathway
    assert "evidences data visualisation, communicating data" in pathway


def test_a_higher_validated_rating_is_never_lowered(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    policy = person_of(seeded, POLICY)
    with seeded.app_context():
        rating = (
            db.session()
            .exec(
                select(SkillRating).where(
                    SkillRating.assessment_id == policy.current_assessment_id, SkillRating.skill == "data-visualisation"
                )
            )
            .one()
        )
        rating.level, rating.evidence = 3, "validated"
        db.session().add(rating)
        db.session().add(
            Registration(
                session_id=session_id, item_id=_item_id(seeded), person_id=policy.id, status="attended", source="hr"
            )
        )
        db.session().commit()
    sign_in("hr@example.gov.uk")
    hr_records(seeded, submit, session_id, POLICY, "completed")
    with seeded.app_context():
        after = engine_profile(db.session(), person_of(seeded, POLICY))
    assert (after.rating("data-visualisation").level, after.rating("data-visualisation").evidence) == (3, "validated")


def _item_id(app, slug=VISUALISATION) -> int:
    with app.app_context():
        return db.session().exec(select(LearningItem.id).where(LearningItem.slug == slug)).one()


def test_only_attendees_can_give_feedback(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=3)
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    registration = registration_of(seeded, session_id, POLICY)
    url = f"/masterclasses/registrations/{registration.id}/feedback"
    assert client.get(url).status_code == 404
    move_session(seeded, session_id, days=-1)
    with seeded.app_context():
        row = db.session().get(Registration, registration.id)
        row.status = "attended"
        db.session().add(row)
        db.session().commit()
    missing = submit(url, {"comment": "Good"})
    assert "Select how useful it was" in missing.get_data(as_text=True)
    assert "Good</textarea>" in missing.get_data(as_text=True)  # what was typed is kept
    submit(url, {"score": "4", "comment": "Clear and practical"})
    assert registration_of(seeded, session_id, POLICY).feedback_score == 4
    assert "4 out of 5: Clear and practical" in text_of(
        client.get(f"/masterclasses/registrations/{registration.id}").get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Enter a name"),
        ({"duration_hours": "two"}, "Duration must be a number of hours, like 2 or 1.5"),
        ({"duration_hours": "0"}, "Duration must be more than 0"),
        ({"format": "carrier-pigeon"}, "Select a format"),
        ({"skill_1": "", "level_1": "2"}, "Select the skill for this level, or no level"),
        ({"level_1": ""}, "Select the level this learning evidences"),
        ({"skill_2": "user-focus", "level_2": "1"}, "Choose a skill not already chosen above"),
        ({"audience": ["XYZ"]}, "Select from the options shown"),
    ],
)
def test_learning_form_errors(seeded, sign_in, submit, overrides, message):
    sign_in("hr@example.gov.uk")
    refused = page_of(submit("/masterclasses/new", item_form(**overrides)), "/masterclasses/new", errors=True)
    assert any(message in error for error in texts(refused, ".govuk-error-summary a"))
    assert texts(refused, ".govuk-error-summary__title") == ["There is a problem"]


def test_hr_adds_and_edits_learning_and_sessions(seeded, client, sign_in, submit):
    sign_in("hr@example.gov.uk")
    response = submit("/masterclasses/new", item_form())
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Learning added to the catalogue" in page and "1.5 hours" in page and "User focus at awareness level" in page
    url = response.headers["Location"].split("?")[0]
    assert 'value="1.5"' in client.get(url + "/edit").get_data(as_text=True)
    submit(url + "/edit", item_form(name="Service design in practice (2027)", duration_hours="2"))
    assert "Service design in practice (2027)" in client.get(url).get_data(as_text=True)

    session = {
        "day": ["3", "6", "2027"],
        "starts": "10am",
        "ends": "12:30",
        "online": "no",
        "location": "Leeds",
        "capacity": "20",
    }
    bad = submit(url + "/sessions/new", session | {"ends": "9:00"})
    assert "End time must be after the start time" in bad.get_data(as_text=True)
    assert 'value="Leeds"' in bad.get_data(as_text=True)
    bad = submit(url + "/sessions/new", session | {"starts": "25:00"})
    assert "Start time must be a real time" in bad.get_data(as_text=True)
    created = submit(url + "/sessions/new", session)
    assert created.status_code == 302
    page = text_of(client.get(created.headers["Location"]).get_data(as_text=True))
    assert "3 June 2027, 10am to 12:30pm" in page and "0 of 20 taken" in page  # UK summer time


def test_hr_registers_people_by_staff_number_and_hears_about_problems(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    policy = person_of(seeded, POLICY)
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    response = submit(url + "/register", {"people": f"{policy.staff_number}\nCS9999999"}, form_url=url)
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "CS9999999: no one with this staff number or email address was found" in page
    assert registration_of(seeded, session_id, POLICY).source == "hr"
    empty = submit(url + "/register", {"people": ""}, form_url=url)
    assert "Enter at least one staff number or email address" in empty.get_data(as_text=True)


def test_invitations_show_on_the_persons_learning_page(seeded, client, sign_in, submit):
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/invite"
    unknown = submit(url, {"people": "nobody@example.gov.uk"})
    assert "No one was found for: nobody@example.gov.uk" in unknown.get_data(as_text=True)
    sent = submit(url, {"people": POLICY})
    assert "1 new invitation" in sent.get_data(as_text=True)
    with client.session_transaction() as browser:
        browser.clear()
    sign_in(POLICY)
    assert "You are invited to" in client.get("/masterclasses/mine").get_data(as_text=True)


def test_who_may_do_what(seeded, client, sign_in):
    session_id = add_session(seeded, MASTERCLASS, days=10)
    hr_only = ["/masterclasses/new", f"/masterclasses/{MASTERCLASS}/edit", f"/masterclasses/{MASTERCLASS}/invite",
               f"/masterclasses/{MASTERCLASS}/sessions/new", f"/masterclasses/{MASTERCLASS}/sessions/{session_id}",
               f"/masterclasses/{MASTERCLASS}/sessions/{session_id}/import"]  # fmt: skip
    uptake = f"/masterclasses/{MASTERCLASS}/uptake"
    for url in [*hr_only, uptake, "/masterclasses/mine"]:
        assert client.get(url).status_code == 302  # to sign in
    sign_in(POLICY)
    for url in [*hr_only, uptake]:
        assert client.get(url).status_code == 403, url
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("leader@example.gov.uk")
    for url in hr_only:
        assert client.get(url).status_code == 403, url
    assert client.get(uptake).status_code == 200


def test_departmental_hr_see_only_their_own_people(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    policy, ops = person_of(seeded, POLICY), person_of(seeded, OPS)
    with seeded.app_context():
        ops_row = db.session().get(Person, ops.id)
        ops_row.department_id = policy.department_id + 1
        hr = db.session().exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        hr.department_id = policy.department_id
        db.session().add_all([ops_row, hr])
        for person in (policy, ops):
            db.session().add(
                Registration(
                    session_id=session_id,
                    item_id=_item_id(seeded),
                    person_id=person.id,
                    status="registered",
                    source="hr",
                )
            )
        db.session().commit()
    sign_in("hr@example.gov.uk")
    page = client.get(f"/masterclasses/{VISUALISATION}/sessions/{session_id}").get_data(as_text=True)
    assert "Priya Policy" in page and "Owen Operations" not in page
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    submit(url + "/register", {"people": ops.staff_number}, form_url=url)
    assert registration_of(seeded, session_id, OPS).source == "hr"  # unchanged: not theirs to register


def test_people_with_registrations_and_invitations_can_delete_their_account(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    with seeded.app_context():
        policy = person_of(seeded, POLICY)
        db.session().add(Invitation(item_id=_item_id(seeded), person_id=policy.id))
        db.session().commit()
    sign_in(POLICY)
    book(submit, VISUALISATION, session_id)
    data = json.loads(client.get("/profile/data/download.json").get_data(as_text=True))
    assert data["learning"][0]["learning"] == "Working with data and visualisation"
    response = submit("/profile/data/delete", {})
    assert response.status_code == 302
    with seeded.app_context():
        assert db.session().exec(select(Registration).where(Registration.person_id == policy.id)).first() is None


def test_inviting_the_whole_audience_leaves_out_who_holds_a_place_or_has_left(seeded, client, sign_in, submit):
    session_id = add_session(seeded, MASTERCLASS, days=10)
    book_as(client, sign_in, submit, PERM_SEC, MASTERCLASS, session_id)  # an invitation to book would be a dead end
    with seeded.app_context():
        item = db.session().exec(select(LearningItem).where(LearningItem.slug == MASTERCLASS)).one()
        # Three more permanent secretaries, not invited yet; the last of them leaves.
        department = person_of(seeded, PERM_SEC).department_id
        db.session().add_all(Person(display_name=f"New Permanent {n}", department_id=department, profession="policy",
                                    grade="PS") for n in range(3))  # fmt: skip
        db.session().commit()
        audience = {p.id: p for p in db.session().exec(select(Person).where(Person.grade.in_(item.audience))).all()}
        registrations = db.session().exec(select(Registration).where(Registration.item_id == item.id)).all()
        placed = {r.person_id for r in registrations if r.status in ("registered", "waiting", "attended", "completed")}
        could_book = [p for p in audience.values() if p.id not in placed]
        leaver = max(could_book, key=lambda p: p.id)
        leaver.left_at = datetime.now(UTC)
        db.session().add(leaver)
        db.session().commit()
        before = set(db.session().exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
    expected = {p.id for p in could_book} - before - {leaver.id}
    assert person_of(seeded, PERM_SEC).id in placed and len(expected) > 1  # HR here sees every department
    signed_out(client)
    sign_in(HR)
    sent = text_of(submit(f"/masterclasses/{MASTERCLASS}/invite", {"people": "", "whole_audience": "y"}).get_data(
        as_text=True))  # fmt: skip
    assert f"{len(expected)} new invitations" in sent
    with seeded.app_context():
        after = set(db.session().exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
    assert after - before == expected


def test_naming_someone_twice_invites_them_once(seeded, sign_in, submit):
    policy = person_of(seeded, POLICY)
    sign_in("hr@example.gov.uk")
    response = submit(
        f"/masterclasses/{VISUALISATION}/invite", {"people": f"{POLICY}\n{policy.staff_number}\n{POLICY}"}
    )
    assert response.status_code == 200 and "1 new invitation" in response.get_data(as_text=True)


def test_odd_addresses_are_not_errors(seeded, client, sign_in):
    sign_in("hr@example.gov.uk")
    assert client.get("/masterclasses/a%00b").status_code == 400
    assert client.get(f"/masterclasses/{VISUALISATION}/sessions/99999999999999999999").status_code == 404
    assert client.get(f"/masterclasses/{VISUALISATION}/sessions/2147483648").status_code == 404
    assert client.get("/schemes/99999999999999999999").status_code == 404


def test_many_unknown_people_are_listed_briefly(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    names = "\n".join(f"CS9{n:06d}" for n in range(900))
    response = submit(url + "/register", {"people": names}, form_url=url)
    assert len(response.headers["Location"]) < 200
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "CS9000019: no one" in page and "CS9000020" not in page and "… and 880 more" in page
