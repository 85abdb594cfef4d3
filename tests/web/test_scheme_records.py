"""Scheme records people can trust: consent withdrawn means HR sees and changes nothing new,
and every change HR makes is in the audit log."""

import io
import re

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, Milestone, Person, Scheme, SchemeMember, User
from ddat.services.framework import current_framework
from ddat.services.profiles import draft_assessment, submit_assessment
from tests.factories import TARGET, make_scheme, person_named, scheme_form

ASSESSMENT_ROW = re.compile(r'<tr class="govuk-table__row"><td class="govuk-table__cell">\d+ \w+ \d{4}</td>')
PRIYA = "policy.officer@example.gov.uk"


def assessment_rows(client, scheme_id: int, member_id: int) -> int:
    return len(ASSESSMENT_ROW.findall(client.get(f"/schemes/{scheme_id}/members/{member_id}").get_data(as_text=True)))


def member_of(app, scheme_id: int, person_id: int) -> SchemeMember:
    with app.app_context():
        return (
            db.session()
            .exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme_id, SchemeMember.person_id == person_id))
            .one()
        )


def submit_new_assessment(app, person_id: int) -> None:
    """What the person does on /profile/check: a new assessment, submitted now."""
    with app.app_context():
        session = db.session()
        person = session.get(Person, person_id)
        draft_assessment(session, person, current_framework(session))
        session.commit()
        assert submit_assessment(session, person) is not None


def set_sharing_on_page(sign_in, submit, choice: str) -> None:
    sign_in(PRIYA)
    submit("/profile/data", {"shares_with_hr": choice})


def test_after_withdrawal_hr_sees_no_newer_assessment_and_cannot_move_the_member(seeded, client, sign_in, submit):
    invited = make_scheme(seeded)
    applied = make_scheme(seeded, name="Second scheme")
    priya = person_named(seeded, "Priya Policy")
    sign_in(PRIYA)
    submit(f"/schemes/{applied}/apply", {"statement": "I analyse evidence every day."})
    sign_in("hr@example.gov.uk")
    submit(f"/schemes/{invited}/candidates/{priya.id}/invite", {}, form_url=f"/schemes/{invited}/candidates")
    in_invited, in_applied = member_of(seeded, invited, priya.id).id, member_of(seeded, applied, priya.id).id
    before = assessment_rows(client, invited, in_invited)
    assert before >= 1 and assessment_rows(client, applied, in_applied) == before

    set_sharing_on_page(sign_in, submit, "no")
    submit_new_assessment(seeded, priya.id)
    sign_in("hr@example.gov.uk")
    page = client.get(f"/schemes/{invited}/members/{in_invited}").get_data(as_text=True)
    assert len(ASSESSMENT_ROW.findall(page)) == before
    assert "Priya Policy stopped sharing their profile with HR on" in page
    # HR may only close her place now: withdrawing is the one decision offered, and no milestones.
    assert 'value="withdrawn"' in page and 'value="declined"' not in page and 'value="milestone"' not in page
    response = submit(
        f"/schemes/{invited}/members/{in_invited}",
        {"action": "decision", "status": "declined", "reason": "No longer available"},
    )
    assert "Priya Policy has stopped sharing their profile with HR" in response.get_data(as_text=True)
    assert member_of(seeded, invited, priya.id).status == "invited"
    milestone = {"action": "milestone", "name": "Finished module 1", "achieved_on": ["1", "6", "2026"]}
    submit(f"/schemes/{invited}/members/{in_invited}", milestone)
    with seeded.app_context():
        assert db.session().exec(select(Milestone).where(Milestone.member_id == in_invited)).first() is None
    withdrawn = {"action": "decision", "status": "withdrawn", "reason": "She left the scheme"}
    assert submit(f"/schemes/{invited}/members/{in_invited}", withdrawn).status_code == 302
    assert member_of(seeded, invited, priya.id).status == "withdrawn"
    # Applying to a scheme is sharing with it: that scheme's HR still sees and decides.
    assert assessment_rows(client, applied, in_applied) == before + 1
    url = f"/schemes/{applied}/members/{in_applied}"
    assert submit(url, {"action": "decision", "status": "shortlisted"}).status_code == 302

    set_sharing_on_page(sign_in, submit, "yes")
    sign_in("hr@example.gov.uk")
    assert assessment_rows(client, invited, in_invited) == before + 1


def test_an_invitation_from_a_pool_shown_before_withdrawal_is_refused(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded)
    priya = person_named(seeded, "Priya Policy")
    sign_in("hr@example.gov.uk")
    pool = f"/schemes/{scheme_id}/candidates"
    assert f"/candidates/{priya.id}/invite" in client.get(pool).get_data(as_text=True)
    set_sharing_on_page(sign_in, submit, "no")
    sign_in("hr@example.gov.uk")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(pool).get_data(as_text=True))
    response = client.post(f"{pool}/{priya.id}/invite", data={"csrf_token": token.group(1)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That person is no longer in the candidate pool, so they were not invited" in html
    with seeded.app_context():
        assert db.session().exec(select(SchemeMember).where(SchemeMember.person_id == priya.id)).first() is None


def test_the_database_keeps_a_withdrawal_time_only_while_consent_is_withdrawn(seeded):
    priya = person_named(seeded, "Priya Policy")
    with seeded.app_context():
        session = db.session()
        person = session.get(Person, priya.id)
        assert person.shares_with_hr
        person.hr_consent_withdrawn_at = person.updated_at
        session.add(person)
        with pytest.raises(IntegrityError):
            session.commit()


def test_every_change_hr_makes_to_a_scheme_is_audited_with_who_and_what(seeded, client, sign_in, submit):
    priya = person_named(seeded, "Priya Policy")
    sign_in("hr@example.gov.uk")
    everyone = ["policy", "operational_delivery", "other", "ddat"]  # the import adds someone from any profession
    created = submit("/schemes/new", scheme_form(professions=everyone, grade_from="AA", grade_to="PS"))
    with seeded.app_context():
        scheme = db.session().exec(select(Scheme).where(Scheme.name == "Operations to Service Management")).one()
        scheme.status = "open"
        db.session().commit()
        scheme_id = scheme.id
        hr_id = db.session().exec(select(User.id).where(User.email == "hr@example.gov.uk")).one()
    assert created.status_code == 302
    submit(f"/schemes/{scheme_id}/edit", scheme_form(professions=everyone, grade_from="AA", grade_to="PS"))
    submit(f"/schemes/{scheme_id}/candidates/{priya.id}/invite", {}, form_url=f"/schemes/{scheme_id}/candidates")
    member_id = str(member_of(seeded, scheme_id, priya.id).id)
    url = f"/schemes/{scheme_id}/members/{member_id}"
    submit(url, {"action": "note", "text": "Spoke on the phone."})
    submit(url, {"action": "milestone", "name": "First meeting", "achieved_on": ["3", "3", "2027"]})
    submit(url, {"action": "decision", "status": "declined", "reason": "Not this year"})
    with seeded.app_context():
        ops = db.session().exec(select(Person).where(Person.display_name != "Priya Policy", Person.shares_with_hr))
        other = next(p for p in ops if p.staff_number)
    upload = io.BytesIO(f"staff_number,status\n{other.staff_number},applied\n".encode())
    assert "Members imported" in submit(f"/schemes/{scheme_id}/import", {"file": (upload, "m.csv")}).get_data(
        as_text=True
    )
    imported_id = str(member_of(seeded, scheme_id, other.id).id)
    with seeded.app_context():
        events = {
            (e.action, e.object_type, e.object_id)
            for e in db.session().exec(select(AuditEvent).where(AuditEvent.actor_user_id == hr_id))
        }
    assert {
        ("scheme.created", "scheme", str(scheme_id)),
        ("scheme.updated", "scheme", str(scheme_id)),
        ("scheme.member_invited", "scheme_member", member_id),
        ("scheme.note_added", "scheme_member", member_id),
        ("scheme.milestone_added", "scheme_member", member_id),
        ("scheme.member_declined", "scheme_member", member_id),
        ("scheme.members_imported", "scheme", str(scheme_id)),
        ("scheme.member_imported", "scheme_member", imported_id),
    } <= events


def test_the_cohorts_fit_now_leaves_out_members_who_stopped_sharing(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded)
    priya = person_named(seeded, "Priya Policy")
    with seeded.app_context():
        session = db.session()
        other = session.exec(
            select(Person).where(
                Person.id != priya.id, Person.shares_with_hr, Person.current_assessment_id.is_not(None)
            )
        ).first()
        for person_id in (priya.id, other.id):
            member = SchemeMember(scheme_id=scheme_id, person_id=person_id, status="enrolled", source="nominated")
            member.target_level, member.enrolled_at, member.fit_at_enrolment = TARGET, priya.updated_at, 40
            session.add(member)
        session.commit()

    def fit_now() -> str:
        page = client.get(f"/schemes/{scheme_id}/dashboard").get_data(as_text=True)
        return re.search(r"Average fit now</dt><dd class=\"govuk-summary-list__value\">([^<]*)</dd>", page).group(1)

    sign_in("hr@example.gov.uk")
    assert re.fullmatch(r"\d+%", fit_now())
    set_sharing_on_page(sign_in, submit, "no")
    sign_in("hr@example.gov.uk")
    assert re.fullmatch(
        r"\d+% \(1 of 2 people: the others have no assessment or no longer share their profile with HR\)", fit_now()
    )


def test_a_persons_download_holds_their_places_in_schemes(seeded, client, sign_in, submit):
    import json

    scheme = make_scheme(seeded, name="Data apprenticeship")
    sign_in(PRIYA)
    submit(f"/schemes/{scheme}/apply", {"statement": "I analyse evidence every day."})
    data = json.loads(client.get("/profile/data/download.json").get_data(as_text=True))
    mine = [s for s in data["schemes"] if s["scheme"] == "Data apprenticeship"]
    assert len(mine) == 1
    assert mine[0]["status"] == "applied" and mine[0]["your_statement"] == "I analyse evidence every day."
