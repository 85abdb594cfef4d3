"""Masterclass uptake: coverage of the audience, named for HR and only as safe counts for leaders."""

import re

from sqlmodel import select

from ddat import db
from ddat.models import LearningSession, Person, Registration, User
from ddat.permissions import department_scope
from ddat.services.framework import current_framework
from pathways.disclosure import rounded
from tests.factories import MASTERCLASS, OPS, POLICY, VISUALISATION, add_session, invite
from tests.pages import text_of


def test_coverage_for_hr_names_people_and_for_leaders_only_safe_counts(seeded, client, sign_in, submit):
    sign_in("hr@example.gov.uk")
    hr_page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    with seeded.app_context():
        leaders = db.session().exec(select(Person).where(Person.grade == "PS")).all()
        completed = db.session().exec(select(Registration).where(Registration.status == "completed")).all()
    assert f"{len(completed)} of {len(leaders)} people it is for (Permanent Secretary) have completed it" in hr_page
    assert "Pat Permanent" in hr_page  # HR see who has not completed it
    names_csv = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=not-completed-csv").get_data(as_text=True)
    assert "Pat Permanent" in names_csv

    with client.session_transaction() as browser:
        browser.clear()
    sign_in("leader@example.gov.uk")
    leader_page = client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True)
    shown = f"{rounded(len(completed))} of {rounded(len(leaders))} people it is for (Permanent Secretary) have"
    shown += " completed it"
    assert shown in text_of(leader_page)  # rounded to the nearest 5
    assert "[c]" in leader_page
    for person in leaders:
        assert person.display_name not in leader_page
        assert person.staff_number not in leader_page
    leader_csv = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=csv").get_data(as_text=True)
    # One permanent secretary per department: each row is hidden whole, marked "[c]", as
    # "fewer than 5" only where the count was not 0 would say who has completed it.
    assert "[c]" in leader_csv and "fewer than 5" not in leader_csv and "Pat Permanent" not in leader_csv
    names = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=not-completed-csv").get_data(as_text=True)
    assert "Pat Permanent" not in names  # the named list is never a leader's


def test_leaders_uptake_counts_only_the_audience(seeded, client, sign_in):
    """Completions by people outside the audience cannot be found by setting the funnel against coverage."""
    from ddat.imports.attendance_import import import_attendance

    past = add_session(seeded, MASTERCLASS, days=-2)
    invite(seeded, past, POLICY, OPS)
    with seeded.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        content = f"email,status\n{POLICY},completed\n{OPS},completed\n".encode()
        assert import_attendance(
            session, current_framework(session), session.get(LearningSession, past), hr, content, department_scope(hr)
        ).ok
    sign_in("leader@example.gov.uk")
    page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    done = re.search(r"(\d+) of \d+ people it is for", page).group(1)
    completed = re.search(r"Everyone \d+ \d+ \d+ (\d+|fewer than 5|\[c\])", page).group(1)
    assert completed in (done, "fewer than 5", "[c]")


def give_feedback(app, slug: str, scores: list[int]) -> None:
    """Make `scores` the item's only feedback, one answer per person (earlier places at the
    item are cancelled: a person holds one live place per item)."""
    past = add_session(app, slug, days=-3, capacity=50)
    with app.app_context():
        session = db.session()
        item_id = session.get(LearningSession, past).item_id
        for registration in session.exec(select(Registration).where(Registration.item_id == item_id)).all():
            registration.feedback_score = None
            registration.status = "cancelled"
            session.add(registration)
        people = session.exec(select(Person.id).order_by(Person.id)).all()
        assert len(people) >= len(scores)
        for person_id, score in zip(people, scores, strict=False):
            session.add(
                Registration(
                    session_id=past, item_id=item_id, person_id=person_id, status="attended", source="hr",
                    feedback_score=score,
                )
            )  # fmt: skip
        session.commit()


def feedback_text(client, slug: str) -> str:
    page = client.get(f"/masterclasses/{slug}/uptake").get_data(as_text=True)
    return text_of(re.search(r"<h2 class=\"govuk-heading-l\">Feedback</h2>\s*<p[^>]*>(.*?)</p>", page, re.S).group(1))


def test_one_new_answer_cannot_be_read_off_a_leaders_feedback_average(seeded, client, sign_in):
    """Exactly, ten answers average 4.4 and one more answer of 1 makes it 4.1: a leader who
    saw both would know that person's score. Leaders see the average to the nearest half point
    from 10 answers or more, and the number of answers rounded to the nearest 5."""
    sign_in("leader@example.gov.uk")
    give_feedback(seeded, VISUALISATION, [4] * 6 + [5] * 4)
    assert feedback_text(client, VISUALISATION) == (
        "Average score 4.5 out of 5 (to the nearest half point), from about 10 people."
    )
    give_feedback(seeded, VISUALISATION, [4] * 6 + [5] * 4 + [1])
    after = feedback_text(client, VISUALISATION)
    assert after == "Average score 4.0 out of 5 (to the nearest half point), from about 10 people."
    assert "4.1" not in after and "11" not in after

    with client.session_transaction() as browser:
        browser.clear()
    sign_in("hr@example.gov.uk")  # HR still see the exact figure
    assert feedback_text(client, VISUALISATION) == "Average score 4.1 out of 5, from 11 people."

    give_feedback(seeded, VISUALISATION, [5] * 9)
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("leader@example.gov.uk")
    assert feedback_text(client, VISUALISATION) == (
        "Fewer than 10 people have given feedback, so the average score is not shown."
    )


def test_the_number_of_departments_not_yet_covered_says_it_is_rounded(seeded, client, sign_in):
    """A leader once read "5 departments have someone ... who has not completed it" when 7 had:
    the count is rounded like every number a leader sees (with one permanent secretary in each
    department it is a count of people), so the sentence says so."""
    sentence = "someone in the audience who has not completed it yet"
    sign_in("hr@example.gov.uk")
    hr_page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    exact = int(re.search(rf"(\d+) departments? ha(?:s|ve) {sentence}", hr_page).group(1))
    with client.session_transaction() as browser:
        browser.clear()
    sign_in("leader@example.gov.uk")
    page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    if 1 <= exact <= 4:
        assert f"Fewer than 5 departments have {sentence}." in page
    else:
        assert f"About {rounded(exact)} departments (rounded to the nearest 5) have {sentence}." in page
    assert not re.search(rf"(?<!About )\b\d+ departments have {sentence}", page)


def test_leaders_see_every_grade_of_learning_for_everyone_even_before_anyone_registers(
    seeded, client, sign_in, get_page
):
    """Which grade rows appear must say nothing about who registered, and no registrations at
    all is an empty funnel, not an error."""
    from ddat.models import LearningItem

    with seeded.app_context():
        item = LearningItem(slug="new-for-everyone", name="New for everyone", provider="HR", format="online",
                            duration_hours=1, audience=[])  # fmt: skip
        db.session().add(item)
        db.session().commit()
    sign_in("leader@example.gov.uk")
    page = text_of(get_page("/masterclasses/new-for-everyone/uptake"))
    assert "No grade’s numbers can be shown here" in page  # every grade row is there, all hidden
    body = client.get("/masterclasses/new-for-everyone/uptake?format=csv").get_data(as_text=True)
    grade_rows = [line for line in body.splitlines() if line.startswith("Grade,")]
    assert [line.split(",")[1] for line in grade_rows][:1] == ["Administrative Assistant (AA)"]
    assert len(grade_rows) == len(current_framework_grades(seeded))


def current_framework_grades(app) -> list[str]:
    with app.app_context():
        return list(current_framework(db.session()).grade_codes)


def test_a_place_cancelled_counts_as_invited_not_registered_in_the_funnel(seeded, client, sign_in):
    from ddat.services import learning

    def funnel() -> list[int]:
        page = text_of(client.get(f"/masterclasses/{VISUALISATION}/uptake").get_data(as_text=True))
        found = re.search(
            r"The funnel as a table Everyone Invited Registered Attended Completed Everyone ([\d ]+)", page
        )
        return [int(n) for n in found.group(1).split()]

    sign_in("hr@example.gov.uk")
    before = funnel()
    session_id = add_session(seeded, VISUALISATION, days=10)
    with seeded.app_context():
        session = db.session()
        person = session.exec(select(Person).join(User, User.id == Person.user_id).where(User.email == POLICY)).one()
        registration = learning.register(session, session.get(LearningSession, session_id), person)
    registered = funnel()
    assert registered[:2] == [before[0] + 1, before[1] + 1] and registered[2:] == before[2:]
    with seeded.app_context():
        session = db.session()
        learning.cancel(session, session.get(Registration, registration.id))
    assert funnel() == [before[0] + 1, *before[1:]]  # still reached by the item, no longer holding a place
