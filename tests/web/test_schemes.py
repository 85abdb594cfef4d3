import csv
import io
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from ddat import db
from ddat.caches.population import CONSENT, bump
from ddat.models import AuditEvent, Department, Person, Scheme, SchemeMember, User
from tests.factories import TARGET, TODAY, make_scheme, person_named, scheme_form
from tests.pages import page_of, text, texts


def test_hr_creates_and_edits_a_scheme(seeded, client, sign_in, submit):
    sign_in("hr@example.gov.uk")
    response = submit("/schemes/new", scheme_form())
    assert response.status_code == 302
    overview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Operations to Service Management" in overview and "Scheme created" in overview
    assert "0 of 12 taken" in overview and "1 February 2027 to 28 February 2027" in overview
    assert "Operations to Service Management" in client.get("/schemes").get_data(as_text=True)
    url = response.headers["Location"].split("?")[0]
    edit = client.get(url + "/edit").get_data(as_text=True)
    assert 'value="Operations to Service Management"' in edit
    submit(url + "/edit", scheme_form(capacity="20", status="open"))
    assert "0 of 20 taken" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "Enter a scheme name"),
        ({"target_1": ""}, "Select a target role level"),
        ({"target_1": "not-a-level"}, "Select a target role level"),
        ({"target_2": TARGET}, "Choose a different role level from the first target"),
        ({"professions": []}, "Select at least one profession"),
        ({"grade_from": "G7", "grade_to": "EO"}, "Highest grade must be the same as or above the lowest grade"),
        ({"capacity": "0"}, "Places must be a whole number, 1 or more"),
        ({"capacity": "ten"}, "Places must be a whole number, 1 or more"),
        ({"min_fit": "101"}, "Minimum fit must be a whole number from 0 to 100"),
        ({"opens_on": ["31", "2", "2027"]}, "The date applications open must be a real date"),
        ({"starts_on": ["", "", ""]}, "Enter the date the scheme starts"),
        ({"ends_on": ["1", "3", "2027"]}, "The scheme must end after it starts"),
        ({"closes_on": ["1", "1", "2027"]}, "Applications must close on or after the date they open"),
        ({"status": "archived"}, "Select a status"),
    ],
)
def test_scheme_form_errors_keep_what_was_typed(seeded, client, sign_in, submit, overrides, message):
    def schemes() -> int:
        with seeded.app_context():
            return len(db.session().exec(select(Scheme)).all())

    before = schemes()
    sign_in("hr@example.gov.uk")
    refused = page_of(submit("/schemes/new", scheme_form(**overrides)), "/schemes/new", errors=True)
    assert any(message in error for error in texts(refused, ".govuk-error-summary a"))
    assert texts(refused, ".govuk-error-summary__title") == ["There is a problem"]
    assert text(refused.select_one("textarea[name=description]")) == "A year of on-the-job learning."
    assert schemes() == before


@pytest.mark.parametrize("email", ["policy.officer@example.gov.uk", "leader@example.gov.uk"])
def test_only_hr_and_admins_reach_scheme_pages(seeded, client, sign_in, email):
    scheme_id = make_scheme(seeded)
    sign_in(email)
    for url in [
        "/schemes",
        "/schemes/new",
        f"/schemes/{scheme_id}",
        f"/schemes/{scheme_id}/candidates",
        f"/schemes/{scheme_id}/candidates?format=csv",
        f"/schemes/{scheme_id}/members",
        f"/schemes/{scheme_id}/import",
        f"/schemes/{scheme_id}/dashboard",
    ]:
        assert client.get(url).status_code == 403, url


def test_candidate_pool_ranks_consenting_eligible_people_by_fit(seeded, client, sign_in):
    scheme_id = make_scheme(seeded, professions=["policy", "operational_delivery", "other"])
    sign_in("hr@example.gov.uk")
    html = client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    with seeded.app_context():
        people = db.session().exec(select(Person)).all()
        expected = {
            p.staff_number for p in people if p.shares_with_hr and p.profession != "ddat" and p.current_assessment_id
        }
        hidden = {p.staff_number for p in people if not p.shares_with_hr or p.profession == "ddat"}
    assert f"of {len(expected)} candidates" in html
    assert "Priya Policy" in html
    assert not any(f">{number}<" in html for number in hidden)

    body = client.get(f"/schemes/{scheme_id}/candidates?format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(expected)
    fits = [int(r["Fit %"]) for r in rows]
    assert fits == sorted(fits, reverse=True)
    assert {r["Staff number"] for r in rows} == expected
    with seeded.app_context():
        actions = db.session().exec(select(AuditEvent.action).where(AuditEvent.object_id == str(scheme_id))).all()
    assert {"scheme.candidates_viewed", "scheme.candidates_exported"} <= set(actions)


def test_withdrawing_consent_removes_a_person_from_the_pool_at_once(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded)
    sign_in("hr@example.gov.uk")
    assert "Priya Policy" in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    sign_in("policy.officer@example.gov.uk")
    submit("/profile/data", {"shares_with_hr": "no"})
    sign_in("hr@example.gov.uk")
    assert "Priya Policy" not in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    sign_in("policy.officer@example.gov.uk")
    submit("/profile/data", {"shares_with_hr": "yes"})
    sign_in("hr@example.gov.uk")
    assert "Priya Policy" in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)


def test_moving_out_of_a_schemes_grades_removes_a_person_from_the_pool_at_once(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded, grade_from="SEO", grade_to="G7")  # the demo policy officer is a G7
    sign_in("hr@example.gov.uk")
    assert "Priya Policy" in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    sign_in("policy.officer@example.gov.uk")
    page = client.get("/profile/about").get_data(as_text=True)
    department = re.search(r'<option value="(\d+)" selected', page).group(1)
    submit("/profile/about", {"department": department, "profession": "policy", "grade": "G6"})
    sign_in("hr@example.gov.uk")
    assert "Priya Policy" not in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)


def test_a_minimum_fit_and_readiness_filter_narrow_the_pool(seeded, client, sign_in):
    scheme_id = make_scheme(seeded, min_fit=101)
    sign_in("hr@example.gov.uk")
    assert "No one matches these filters" in client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    other = make_scheme(seeded)
    assert "govuk-tag--grey" in client.get(f"/schemes/{other}/candidates").get_data(as_text=True)  # stretch
    html = client.get(f"/schemes/{other}/candidates?readiness=ready+now").get_data(as_text=True)
    assert "govuk-tag--grey" not in html
    assert client.get(f"/schemes/{other}/candidates?target=chief-data-officer").status_code == 404


def test_departmental_hr_sees_only_their_department(seeded, client, sign_in, submit):
    central = make_scheme(seeded)
    with seeded.app_context():
        session = db.session()
        priya = session.exec(select(Person).where(Person.display_name == "Priya Policy")).one()
        # A department with someone in its pool, so the scoped pool is not trivially empty.
        sharer = session.exec(
            select(Person).where(Person.department_id != priya.department_id, Person.shares_with_hr)
        ).first()
        other = session.get(Department, sharer.department_id)
        hr = User(email="dept.hr@example.gov.uk", password_hash=session.exec(select(User.password_hash)).first())
        hr.role, hr.department_id = "hr", other.id
        session.add(hr)
        session.commit()
        other_id = other.id
    sign_in("dept.hr@example.gov.uk")
    assert client.get(f"/schemes/{central}").status_code == 404
    assert (
        submit("/schemes/new", scheme_form(professions=["policy", "operational_delivery", "other"])).status_code == 302
    )
    with seeded.app_context():
        own = db.session().exec(select(Scheme).where(Scheme.owner_department_id == other_id)).one()
        assert own.department_ids == [other_id]
        in_department = {
            p.staff_number
            for p in db.session().exec(select(Person).where(Person.department_id == other_id, Person.shares_with_hr))
        }
    html = client.get(f"/schemes/{own.id}/candidates").get_data(as_text=True)
    assert "Priya Policy" not in html
    shown = set(re.findall(r"CS\d{7}", html))
    assert shown <= in_department, "only their own department's people, among those eligible"
    assert "Policy to Data Analysis 2027" not in client.get("/schemes").get_data(as_text=True)


def test_apply_shortlist_enrol_complete_and_place_with_capacity_enforced(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded)
    sign_in("policy.officer@example.gov.uk")
    matches = client.get("/profile/matches").get_data(as_text=True)
    assert "Schemes you can apply to" in matches and "Policy to Data Analysis 2027" in matches
    response = submit(f"/schemes/{scheme_id}/apply", {"statement": ""})
    assert "Enter why you want to join this scheme" in response.get_data(as_text=True)
    response = submit(f"/schemes/{scheme_id}/apply", {"statement": "I analyse evidence every day."})
    assert "Application sent" in response.get_data(as_text=True)
    assert "Applied" in client.get("/schemes/my-applications").get_data(as_text=True)

    sign_in("hr@example.gov.uk")
    with seeded.app_context():
        member = db.session().exec(select(SchemeMember)).one()
        someone_else = (
            db.session().exec(select(Person).where(Person.shares_with_hr, Person.id != member.person_id)).first()
        )
    url = f"/schemes/{scheme_id}/members/{member.id}"
    page = client.get(url).get_data(as_text=True)
    assert "I analyse evidence every day." in page and "Readiness over time" in page
    submit(url, {"action": "decision", "status": "shortlisted"})
    submit(url, {"action": "decision", "status": "enrolled"})
    submit(url, {"action": "note", "text": "Strong candidate; pair with a mentor."})
    submit(url, {"action": "milestone", "name": "Finished data course", "achieved_on": ["3", "3", "2027"]})
    page = client.get(url).get_data(as_text=True)
    assert "Enrolled" in page and "Fit at enrolment" in page and "pair with a mentor" in page
    assert "Finished data course" in page

    # The one place is taken: a second person cannot be enrolled.
    submit(f"/schemes/{scheme_id}/candidates/{someone_else.id}/invite", {}, form_url=f"/schemes/{scheme_id}/candidates")
    with seeded.app_context():
        invited = db.session().exec(select(SchemeMember).where(SchemeMember.person_id == someone_else.id)).one()
        assert invited.status == "invited" and invited.source == "nominated"
        invited_url = f"/schemes/{scheme_id}/members/{invited.id}"
    response = submit(invited_url, {"action": "decision", "status": "enrolled"})
    assert "Select what happens next" in response.get_data(as_text=True)  # not a move an invitee can make
    with seeded.app_context():
        db.session().get(SchemeMember, int(invited_url.rsplit("/", 1)[1])).status = "applied"
        db.session().commit()
    response = submit(invited_url, {"action": "decision", "status": "enrolled"})
    assert "The scheme is full: its one place is taken" in response.get_data(as_text=True)

    response = submit(url, {"action": "decision", "status": "withdrawn", "reason": ""})
    assert "Enter a reason" in response.get_data(as_text=True)
    submit(url, {"action": "decision", "status": "completed"})
    response = submit(
        url, {"action": "decision", "status": "placed", "placed_level": TARGET, "placed_on": ["1", "5", "2028"]}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Placed in a DDaT role" in page and "1 May 2028" in page

    dashboard = client.get(f"/schemes/{scheme_id}/dashboard").get_data(as_text=True)
    assert '<title id="funnel-title">Scheme funnel</title>' in dashboard
    funnel = client.get(f"/schemes/{scheme_id}/dashboard?format=csv").get_data(as_text=True)
    counts = dict(row for row in csv.reader(io.StringIO(funnel)))
    assert counts["Applied"] == "1" and counts["Enrolled"] == "1" and counts["Placed"] == "1"
    assert int(counts["Eligible"]) >= 1

    # HR's notes never reach the member.
    sign_in("policy.officer@example.gov.uk")
    assert "mentor" not in client.get("/schemes/my-applications").get_data(as_text=True)
    assert "mentor" not in client.get("/profile/data/download.json").get_data(as_text=True)


def test_closed_or_ineligible_schemes_cannot_be_applied_to(seeded, client, sign_in):
    closed = make_scheme(seeded, status="closed")
    wrong_profession = make_scheme(seeded, professions=["ddat"])
    past = make_scheme(seeded, closes_on=TODAY - timedelta(days=1), opens_on=TODAY - timedelta(days=9))
    sign_in("policy.officer@example.gov.uk")
    for scheme_id in (closed, wrong_profession, past, 9999):
        assert client.get(f"/schemes/{scheme_id}/apply").status_code == 404


def test_another_schemes_member_is_not_found(seeded, client, sign_in):
    first, second = make_scheme(seeded), make_scheme(seeded, name="Second")
    priya = person_named(seeded, "Priya Policy")
    with seeded.app_context():
        member = SchemeMember(scheme_id=first, person_id=priya.id, status="applied", source="applied")
        db.session().add(member)
        db.session().commit()
        member_id = member.id
    sign_in("hr@example.gov.uk")
    assert client.get(f"/schemes/{first}/members/{member_id}").status_code == 200
    assert client.get(f"/schemes/{second}/members/{member_id}").status_code == 404


def test_the_pool_follows_changes_in_who_shares(seeded, client, sign_in):
    """Who shares with HR is cached, and read again when anyone's consent changes."""
    scheme_id = make_scheme(seeded, min_fit=1)
    sign_in("hr@example.gov.uk")
    before = client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    with seeded.app_context():
        session = db.session()
        for person in session.exec(select(Person).where(Person.display_name != "Priya Policy")):
            person.shares_with_hr = False
            session.add(person)
        bump(session, CONSENT)
        session.commit()
    after = client.get(f"/schemes/{scheme_id}/candidates").get_data(as_text=True)
    assert "Priya Policy" in before and "Priya Policy" in after
    assert "of 1 candidates" in after
