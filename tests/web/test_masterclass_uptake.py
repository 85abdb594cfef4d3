"""Masterclass uptake: coverage of the audience, named for HR and only as safe counts for leaders."""

import re

from sqlmodel import select

from ddat import db
from ddat.models import LearningSession, Person, Registration, User
from ddat.services.framework import current_framework
from pathways.disclosure import rounded
from tests.web.test_attendance_import import invite
from tests.web.test_masterclasses import MASTERCLASS, OPS, POLICY, add_session, text_of


def test_coverage_for_hr_names_people_and_for_leaders_only_safe_counts(seeded, client, sign_in, submit):
    sign_in("hr@example.gov.uk")
    hr_page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    with seeded.app_context():
        leaders = db.session().exec(select(Person).where(Person.grade == "PS")).all()
        completed = db.session().exec(select(Registration).where(Registration.status == "completed")).all()
    assert f"{len(completed)} of {len(leaders)} people it is for (PS) have completed it" in hr_page
    assert "Pat Permanent" in hr_page  # HR see who has not completed it
    names_csv = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=not-completed-csv").get_data(as_text=True)
    assert "Pat Permanent" in names_csv

    with client.session_transaction() as browser:
        browser.clear()
    sign_in("leader@example.gov.uk")
    leader_page = client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True)
    shown = f"{rounded(len(completed))} of {rounded(len(leaders))} people it is for (PS) have completed it"
    assert shown in text_of(leader_page)  # rounded to the nearest 5
    assert "fewer than 5" in leader_page
    for person in leaders:
        assert person.display_name not in leader_page
        assert person.staff_number not in leader_page
    leader_csv = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=csv").get_data(as_text=True)
    assert "fewer than 5" in leader_csv and "Pat Permanent" not in leader_csv
    names = client.get(f"/masterclasses/{MASTERCLASS}/uptake?format=not-completed-csv").get_data(as_text=True)
    assert "Pat Permanent" not in names  # the named list is never a leader's


def test_leaders_uptake_counts_only_the_audience(seeded, client, sign_in):
    """Completions by people outside the audience cannot be found by setting the funnel against coverage."""
    from ddat.services.attendance_import import import_attendance

    past = add_session(seeded, MASTERCLASS, days=-2)
    invite(seeded, past, POLICY, OPS)
    with seeded.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        content = f"email,status\n{POLICY},completed\n{OPS},completed\n".encode()
        assert import_attendance(
            session, current_framework(session), session.get(LearningSession, past), hr, content
        ).ok
    sign_in("leader@example.gov.uk")
    page = text_of(client.get(f"/masterclasses/{MASTERCLASS}/uptake").get_data(as_text=True))
    done = re.search(r"(\d+) of \d+ people it is for", page).group(1)
    completed = re.search(r"Everyone \d+ \d+ \d+ (\d+|fewer than 5)", page).group(1)
    assert completed in (done, "fewer than 5")
