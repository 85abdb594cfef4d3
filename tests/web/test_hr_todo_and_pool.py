"""HR's to-do on the schemes page, the candidate pool's search, filters and bulk actions, and
the warnings that stop HR inviting people into a dead end."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, LearningSession, Person, Registration, SchemeMember
from tests.factories import HR, POLICY, TODAY, VISUALISATION, add_session, make_scheme, person_named, person_of
from tests.pages import text_of, texts


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _member(app, scheme_id: int, person: Person, status: str, **fields) -> int:
    with app.app_context():
        member = SchemeMember(scheme_id=scheme_id, person_id=person.id, status=status, source="applied", **fields)
        db.session().add(member)
        db.session().commit()
        return member.id


def _sharing_candidates(app) -> list[Person]:
    with app.app_context():
        query = select(Person).where(Person.shares_with_hr, Person.current_assessment_id.is_not(None))
        return list(db.session().exec(query.order_by(Person.id)).all())


def test_the_schemes_page_lists_what_is_waiting_for_hr(seeded, client, sign_in, get_page):
    sign_in(HR)
    assert "Nothing is waiting for you" in get_page("/schemes")

    scheme_id = make_scheme(seeded, name="Policy into Analysis", capacity=6)
    people = _sharing_candidates(seeded)
    for person, status in zip(people, ("applied", "applied", "shortlisted", "enrolled", "invited"), strict=False):
        _member(seeded, scheme_id, person, status)
    ended = add_session(seeded, VISUALISATION, days=-3)
    with seeded.app_context():
        learning_session = db.session().get(LearningSession, ended)
        for person, status in zip(people, ("registered", "registered", "attended"), strict=False):
            db.session().add(Registration(session_id=ended, item_id=learning_session.item_id, person_id=person.id,
                                          status=status, source="hr"))  # fmt: skip
        db.session().commit()

    page = parse(get_page("/schemes"))
    waiting = texts(page, "#applications-waiting li")
    assert any("Policy into Analysis: 2 people applied" in w for w in waiting)
    assert any("Policy into Analysis: 1 person shortlisted" in w for w in waiting)
    link = page.select_one("#applications-waiting a")["href"]
    assert link == f"/schemes/{scheme_id}/members?status=applied"
    assert texts(page, "#sessions-to-record li") == [
        f"Working with data and visualisation, {(datetime.now(UTC) - timedelta(days=3)):%-d %B %Y}: 2 people to record"
    ]
    row = next(r for r in page.select("tbody tr") if "Policy into Analysis" in r.get_text())
    cells = texts(row, "td")
    assert cells[3] == "3" and cells[4] == "1 of 6"  # waiting for a decision; places taken

    # Recording the session's attendance takes it off the list.
    with seeded.app_context():
        for registration in db.session().exec(select(Registration).where(Registration.session_id == ended)):
            registration.status = "attended"
            db.session().add(registration)
        db.session().commit()
    assert "sessions-to-record" not in get_page("/schemes")


def test_departmental_hr_see_only_their_own_to_do(seeded, client, sign_in, get_page):
    from ddat.models import User

    priya = person_of(seeded, POLICY)
    with seeded.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        db.session().add(User(email="dept.hr@example.gov.uk", password_hash=hr.password_hash, role="hr",
                              department_id=priya.department_id + 1))  # fmt: skip
        db.session().commit()
    central = make_scheme(seeded, name="Central scheme")
    _member(seeded, central, priya, "applied")
    sign_in("dept.hr@example.gov.uk")
    assert "Central scheme" not in get_page("/schemes")


def test_hr_are_warned_before_inviting_people_to_a_scheme_not_taking_applications(seeded, client, sign_in, submit):
    draft = make_scheme(seeded, status="draft")
    later = make_scheme(seeded, name="Opens later", opens_on=TODAY + timedelta(days=10))
    open_now = make_scheme(seeded, name="Open now")
    sign_in(HR)
    assert "This scheme is a draft" in text_of(client.get(f"/schemes/{draft}/candidates").get_data(as_text=True))
    opens = f"Applications open on {TODAY + timedelta(days=10):%-d %B %Y}"
    assert opens in text_of(client.get(f"/schemes/{later}/candidates").get_data(as_text=True))
    assert 'id="not-open"' not in client.get(f"/schemes/{open_now}/candidates").get_data(as_text=True)

    priya = person_of(seeded, POLICY)
    page = submit(f"/schemes/{later}/candidates/{priya.id}/invite", {}, form_url=f"/schemes/{later}/candidates",
                  follow=True)  # fmt: skip
    assert "Invitation recorded. " + opens in text_of(page.get_data(as_text=True))

    # The invited person is told when they can apply, not shown "page not found".
    sign_in(POLICY)
    response = client.get(f"/schemes/{later}/apply")
    assert response.status_code == 200
    assert opens + ". Come back then to apply." in text_of(response.get_data(as_text=True))
    assert client.get(f"/schemes/{draft}/apply").status_code == 404  # not invited: nothing to say
    mine = text_of(client.get("/schemes/my-applications").get_data(as_text=True))
    assert "HR invited you. When you can apply" in mine  # no "Apply" link to a scheme not taking applications

    sign_in(HR)
    submit(f"/schemes/{draft}/candidates/{priya.id}/invite", {}, form_url=f"/schemes/{draft}/candidates")
    sign_in(POLICY)
    page = text_of(client.get(f"/schemes/{draft}/apply").get_data(as_text=True))
    assert "have not opened it for applications yet" in page and "Applications open on" not in page


def test_hr_cannot_invite_someone_outside_the_schemes_rules(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded, grade_from="AA", grade_to="EO")  # the policy officer is a Grade 7
    priya = person_of(seeded, POLICY)
    sign_in(HR)
    page = submit(f"/schemes/{scheme_id}/candidates/{priya.id}/invite", {}, form_url=f"/schemes/{scheme_id}/candidates",
                  follow=True)  # fmt: skip
    assert "That person is no longer in the candidate pool, so they were not invited" in page.get_data(as_text=True)
    with seeded.app_context():
        assert db.session().exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme_id)).first() is None


def test_people_withdraw_themselves_and_see_hrs_decision_and_reason(seeded, client, sign_in, submit, get_page):
    applied = make_scheme(seeded, name="Applied scheme")
    declined = make_scheme(seeded, name="Declined scheme")
    priya = person_of(seeded, POLICY)
    _member(seeded, declined, priya, "declined", reason="The scheme needs people at Grade 6")
    sign_in(POLICY)
    submit(f"/schemes/{applied}/apply", {"statement": "I analyse evidence every day."})

    page = text_of(get_page("/schemes/my-applications"))
    assert "The scheme needs people at Grade 6" in page and "Waiting for HR’s decision" in page
    confirm = text_of(get_page(f"/schemes/{applied}/withdraw"))
    assert "Are you sure you want to withdraw?" in confirm and "Your application will be withdrawn" in confirm
    assert client.get(f"/schemes/{declined}/withdraw").status_code == 302  # a decided application stays decided

    done = submit(f"/schemes/{applied}/withdraw", {"reason": "I have taken a new role"}, follow=True)
    assert "You have withdrawn from Applied scheme." in text_of(done.get_data(as_text=True))
    row = next(r for r in parse(get_page("/schemes/my-applications")).select("tbody tr") if "Applied scheme" in r.text)
    assert "Withdrawn" in row.text and "You withdrew. I have taken a new role" in row.text
    assert "/withdraw" not in str(row)
    with seeded.app_context():
        event = db.session().exec(select(AuditEvent).where(AuditEvent.action == "scheme.member_withdrew")).one()
        assert event.actor_role == "civil_servant"

    # HR see the withdrawal and its reason; nobody can withdraw someone else.
    sign_in(HR)
    with seeded.app_context():
        member_id = db.session().exec(select(SchemeMember.id).where(SchemeMember.scheme_id == applied)).one()
    member_page = text_of(get_page(f"/schemes/{applied}/members/{member_id}"))
    assert "Withdrawn: At their own request. I have taken a new role" in member_page
    assert client.get(f"/schemes/{applied}/withdraw").status_code == 404


def test_the_pool_can_be_searched_by_name_or_staff_number_and_filtered(seeded, client, sign_in, get_page):
    scheme_id = make_scheme(seeded)
    people = _sharing_candidates(seeded)
    sign_in(HR)
    pool = f"/schemes/{scheme_id}/candidates"
    everyone = parse(get_page(pool))
    total = int(re.search(r"of (\d+) candidates", everyone.get_text()).group(1))
    assert total == len(people) >= 3

    someone = people[1]
    by_number = parse(get_page(f"{pool}?q={someone.staff_number.lower()}"))  # typed any way
    assert "of 1 candidates" in by_number.get_text() and someone.display_name in by_number.get_text()
    first_name = someone.display_name.split()[0].lower()
    by_name = parse(get_page(f"{pool}?q={first_name}"))
    names = [cells[2] for cells in (texts(r, "td") for r in by_name.select("tbody tr"))]
    assert names and all(first_name in n.lower() for n in names)
    assert "No one matches these filters and “zzzz”" in text_of(get_page(f"{pool}?q=zzzz"))

    grade = someone.grade
    by_grade = parse(get_page(f"{pool}?grade={grade}"))
    count = sum(p.grade == grade for p in people)
    assert f"of {count} candidates" in by_grade.get_text()
    department = someone.department_id
    by_department = get_page(f"{pool}?department={department}")
    assert f"of {sum(p.department_id == department for p in people)} candidates" in by_department
    # The download is the filtered list, with names on screen and codes in extra columns.
    rows = list(csv.DictReader(io.StringIO(client.get(f"{pool}?grade={grade}&format=csv").get_data(as_text=True))))
    assert len(rows) == count and {r["Grade code"] for r in rows} == {grade}
    assert all(r["Grade"] != grade and r["Readiness"][0].isupper() for r in rows)


def test_hr_invite_and_shortlist_several_people_at_once(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded, capacity=10)
    people = _sharing_candidates(seeded)
    applicant = people[0]
    _member(seeded, scheme_id, applicant, "applied")
    pool = f"/schemes/{scheme_id}/candidates"
    sign_in(HR)
    picked = [str(p.id) for p in people[1:3]]
    page = submit(f"{pool}/selected", {"person": picked + [str(applicant.id)], "action": "invite", "grade": ""},
                  form_url=pool, follow=True)  # fmt: skip
    text = text_of(page.get_data(as_text=True))
    assert "2 people invited." in text
    assert "1 person was not invited: already in the scheme" in text
    page = submit(f"{pool}/selected", {"person": [str(applicant.id), picked[0]], "action": "shortlist"},
                  form_url=pool, follow=True)  # fmt: skip
    text = text_of(page.get_data(as_text=True))
    assert "1 person shortlisted." in text
    assert "1 person was not shortlisted: not an applicant waiting for a decision" in text
    with seeded.app_context():
        statuses = {m.person_id: m.status for m in db.session().exec(select(SchemeMember))}
        invites = db.session().exec(select(AuditEvent).where(AuditEvent.action == "scheme.member_invited")).all()
    assert statuses == {applicant.id: "shortlisted", people[1].id: "invited", people[2].id: "invited"}
    assert len(invites) == 2
    nothing = submit(f"{pool}/selected", {"action": "invite"}, form_url=pool, follow=True)
    assert "Select at least one person" in nothing.get_data(as_text=True)


def test_learning_invitations_outside_the_audience_are_refused_with_a_reason(seeded, client, sign_in, submit):
    from tests.factories import MASTERCLASS

    sign_in(HR)
    priya = person_named(seeded, "Priya Policy")
    assert priya.staff_number
    page = submit(f"/masterclasses/{MASTERCLASS}/invite", {"people": priya.staff_number.lower()})  # any case
    text = text_of(page.get_data(as_text=True))
    assert "This learning is for Permanent Secretary only, so these people could not book it: Priya Policy" in text
    with seeded.app_context():
        from ddat.models import Invitation

        assert db.session().exec(select(Invitation).where(Invitation.person_id == priya.id)).first() is None


def test_grades_and_professions_are_in_words_on_the_catalogue_scheme_and_matches_pages(seeded, client, sign_in):
    scheme_id = make_scheme(seeded, grade_from="EO", grade_to="G7", professions=["policy", "operational_delivery"])
    catalogue = parse(client.get("/masterclasses").get_data(as_text=True))
    row = next(r for r in catalogue.select("tbody tr") if "permanent secretaries" in r.get_text())
    assert "Permanent Secretary" in row.get_text() and ">PS<" not in str(row)
    sign_in(HR)
    overview = text_of(client.get(f"/schemes/{scheme_id}").get_data(as_text=True))
    assert "Executive Officer (EO) to Grade 7" in overview and "Policy, Operational Delivery" in overview
    sign_in(POLICY)
    matches = text_of(client.get("/profile/matches").get_data(as_text=True))
    assert "indicative grade " in matches and not re.search(r"indicative grade (G7|G6|SEO|HEO)\b", matches)


def test_the_count_of_roles_hidden_below_your_grade_is_of_the_roles_the_filter_shows(seeded, client, sign_in):
    sign_in(POLICY)
    for family in ("", "data"):
        hidden_page = text_of(client.get(f"/profile/matches?family={family}").get_data(as_text=True))
        shown = int(re.search(r"of (\d+) roles?", hidden_page).group(1))
        found = re.search(r"(\d+) roles? (?:are|is) only below your grade and hidden", hidden_page)
        hidden = int(found.group(1)) if found else 0
        every = text_of(client.get(f"/profile/matches?family={family}&lower=yes").get_data(as_text=True))
        assert int(re.search(r"of (\d+) roles?", every).group(1)) == shown + hidden, family
