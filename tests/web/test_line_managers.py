"""Line managers confirming skills: the relationship's rules, who may see what, examples kept
through versions, confirmations as evidence, expiry, and the pool and dashboards counting them."""

import html
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, ConfirmationRequest, LineManagement, Person, SkillRating
from ddat.services import confirmations, line_managers
from tests.client import signed_in_as
from tests.factories import TARGET, make_scheme, person_of
from tests.support import outbox

MANAGER = "line.manager@example.gov.uk"
POLICY = "policy.officer@example.gov.uk"
OPS = "ops.officer@example.gov.uk"
HR = "hr@example.gov.uk"
PERM_SEC = "perm.sec@example.gov.uk"


def as_user(app, email):
    client = signed_in_as(app.test_client(), email)
    client.application.config["WTF_CSRF_ENABLED"] = False
    return client


@pytest.fixture
def team(seeded):
    seeded.config["WTF_CSRF_ENABLED"] = False
    return seeded


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def current_ratings(app, email) -> dict[str, SkillRating]:
    with app.app_context():
        person = person_of(app, email)
        rows = db.session().exec(select(SkillRating).where(SkillRating.assessment_id == person.current_assessment_id))
        return {r.skill: r for r in rows}


def ask(app, email=POLICY) -> int:
    """The person pressing "Ask … to confirm your skills" on their confirmation page."""
    client = as_user(app, email)
    page = client.get("/profile/confirmation").get_data(as_text=True)
    link = re.search(r'name="link" value="(\d+)"', page)
    response = client.post("/profile/confirmation/ask", data={"link": link.group(1) if link else ""})
    assert response.status_code == 302
    with app.app_context():
        person = person_of(app, email)
        return (
            db.session()
            .exec(select(ConfirmationRequest.id).where(ConfirmationRequest.person_id == person.id))
            .all()[-1]
        )


def answer_all(app, request_id: int, manager=MANAGER, **special) -> object:
    """The manager confirming every skill, except those in `special` (skill: form values)."""
    client = as_user(app, manager)
    page = client.get(f"/team/confirmations/{request_id}")
    assert page.status_code == 200
    data = {"shown": re.search(r'name="shown" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)}
    for skill in re.findall(r'name="decision_([a-z_]+)"', page.get_data(as_text=True)):
        data[f"decision_{skill}"] = "confirmed"
    for skill, values in special.items():
        data.update({f"{name}_{skill}": value for name, value in values.items()})
    return client.post(f"/team/confirmations/{request_id}", data=data)


# --- the relationship -----------------------------------------------------------------------


def test_nobody_can_name_themselves_as_their_line_manager(team):
    response = as_user(team, POLICY).post("/profile/line-manager", data={"email": POLICY.upper()})
    assert response.status_code == 200
    assert "You cannot be your own line manager" in text_of(response)


def test_a_manager_cannot_accept_managing_their_own_manager(team):
    # The line manager (managing the policy officer) names the policy officer as their own manager.
    manager = as_user(team, MANAGER)
    response = manager.post("/profile/line-manager", data={"email": POLICY})
    message = text_of(response)
    assert "Someone you line-manage, directly or through your team, cannot be your line manager" in message
    assert "Priya" not in message, "the refusal does not say whose address it is"
    with team.app_context():
        me = person_of(team, MANAGER)
        waiting = (
            db.session()
            .exec(select(LineManagement).where(LineManagement.report_id == me.id, LineManagement.ended_at.is_(None)))
            .first()
        )
    assert waiting is None, "naming someone below you in your own chain is refused at once"


def test_a_loop_made_through_two_requests_waiting_is_refused_when_the_second_is_accepted(team):
    policy, ops = as_user(team, POLICY), as_user(team, OPS)
    # Each names the other while neither request is accepted: both are allowed to wait.
    policy.post("/profile/line-manager", data={"email": OPS})
    ops.post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        ops_manages_policy = (
            db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == OPS)).one()
        )
        policy_manages_ops = (
            db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
        )
    assert policy.post(f"/team/requests/{policy_manages_ops}", data={"answer": "yes"}).status_code == 302
    response = ops.post(f"/team/requests/{ops_manages_policy}", data={"answer": "yes"})
    assert response.status_code == 200
    assert "Priya Policy is above you in the line management chain" in text_of(response)
    with team.app_context():
        assert db.session().get(LineManagement, ops_manages_policy).accepted_at is None


def test_refusing_a_request_leaves_the_person_without_a_manager(team):
    as_user(team, OPS).post("/profile/line-manager/remove")
    as_user(team, OPS).post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        link_id = db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
    assert ("line_manager_named", POLICY) in [(m.template, m.to_address) for m in outbox(team)]
    assert as_user(team, POLICY).post(f"/team/requests/{link_id}", data={"answer": "no"}).status_code == 302
    with team.app_context():
        found = db.session().get(LineManagement, link_id)
        assert (found.end_reason, found.accepted_at) == ("refused", None)
    assert "Tell us who your line manager is" in text_of(as_user(team, OPS).get("/profile/line-manager"))


def waiting_link(app, email: str) -> int:
    with app.app_context():
        return (
            db.session()
            .exec(
                select(LineManagement.id).where(
                    LineManagement.manager_email == email, LineManagement.accepted_at.is_(None)
                )
            )
            .one()
        )


def test_a_second_account_below_your_grade_cannot_accept_being_your_manager(team):
    # Owen (EO) asked to line-manage Priya (G7): a link people make themselves needs a manager at
    # the report's grade or above, so nobody confirms their own skills through a junior account.
    as_user(team, POLICY).post("/profile/line-manager", data={"email": OPS})
    response = as_user(team, OPS).post(f"/team/requests/{waiting_link(team, OPS)}", data={"answer": "yes"})
    assert response.status_code == 200
    assert "Your profile says your grade is below Priya Policy’s" in text_of(response)
    with team.app_context():
        assert db.session().get(LineManagement, waiting_link(team, OPS)).accepted_at is None


def test_a_manager_in_another_department_cannot_accept_but_hr_can_record_it(team):
    as_user(team, POLICY).post("/profile/line-manager/remove")
    as_user(team, POLICY).post("/profile/line-manager", data={"email": MANAGER})
    with team.app_context():
        session = db.session()
        lena, priya = person_of(team, MANAGER), person_of(team, POLICY)
        other = session.exec(select(Person.department_id).where(Person.department_id != priya.department_id)).first()
        lena.department_id = other
        session.add(lena)
        session.commit()
    response = as_user(team, MANAGER).post(f"/team/requests/{waiting_link(team, MANAGER)}", data={"answer": "yes"})
    assert "Your profile says you work in a different department from Priya Policy" in text_of(response)
    hr = as_user(team, "admin@example.gov.uk")  # central: sees both departments
    check = text_of(hr.post("/people/line-managers", data={"report": priya.staff_number, "manager": lena.staff_number}))
    assert "Lena Marsh works in a different department from Priya Policy" in check
    assert "Line manager now No line manager" in check
    recorded = hr.post(
        "/people/line-managers", data={"report": priya.staff_number, "manager": lena.staff_number, "checked": "yes"}
    )
    assert recorded.status_code == 302
    with team.app_context():
        assert line_managers.manager_of(db.session(), person_of(team, POLICY)).id == lena.id


def test_a_request_made_through_an_ended_link_never_opens_the_profile_to_the_next_manager(team):
    # As if the person asked at the very moment they removed their manager.
    request_id = ask(team)
    with team.app_context():
        session = db.session()
        ended = session.get(LineManagement, session.get(ConfirmationRequest, request_id).link_id)
        ended.ended_at = confirmations.now()
        session.add(ended)
        session.commit()
        priya = person_of(team, POLICY)
        assert session.get(ConfirmationRequest, request_id).withdrawn_at is None
    as_user(team, POLICY).post("/profile/line-manager", data={"email": MANAGER})
    as_user(team, MANAGER).post(f"/team/requests/{waiting_link(team, MANAGER)}", data={"answer": "yes"})
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{priya.id}").status_code == 404
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 404
    asked_again = ask(team)
    assert asked_again != request_id
    assert manager.get(f"/team/confirmations/{asked_again}").status_code == 200
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).withdrawn_at is not None


def test_someone_not_asked_cannot_answer_a_request(team):
    as_user(team, OPS).post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        link_id = db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
    for email in (MANAGER, HR, "admin@example.gov.uk"):
        assert as_user(team, email).post(f"/team/requests/{link_id}", data={"answer": "yes"}).status_code == 404


def test_changing_manager_ends_the_old_managers_access_at_once(team):
    request_id = ask(team)
    with team.app_context():
        policy_id = person_of(team, POLICY).id
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 200
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    as_user(team, POLICY).post("/profile/line-manager", data={"email": PERM_SEC})
    # Lena stays the line manager until the one named accepts: a mistyped address loses nothing.
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    assert "Lena Marsh stays your line manager until they accept" in text_of(
        as_user(team, POLICY).get("/profile/line-manager")
    )
    as_user(team, PERM_SEC).post(f"/team/requests/{waiting_link(team, PERM_SEC)}", data={"answer": "yes"})
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 404
    assert manager.get(f"/team/people/{policy_id}").status_code == 404
    assert "Priya Policy" not in text_of(manager.get("/team"))
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).withdrawn_at is not None


def test_hr_set_a_line_manager_only_for_their_own_people(team):
    with team.app_context():
        ops, manager = person_of(team, OPS), person_of(team, MANAGER)
    hr = as_user(team, HR)
    as_user(team, OPS).post("/profile/line-manager/remove")
    check = text_of(
        hr.post("/people/line-managers", data={"report": ops.staff_number, "manager": manager.staff_number})
    )
    assert "Make Lena Marsh Owen Operations’s line manager?" in check and "Line manager now No line manager" in check
    response = hr.post(
        "/people/line-managers", data={"report": ops.staff_number, "manager": manager.staff_number, "checked": "yes"}
    )
    assert response.status_code == 302
    with team.app_context():
        link = (
            db.session()
            .exec(select(LineManagement).where(LineManagement.report_id == ops.id, LineManagement.ended_at.is_(None)))
            .one()
        )
        assert (link.manager_id, link.source, link.accepted_at is not None) == (manager.id, "hr", True)
    same = hr.post(
        "/people/line-managers", data={"report": ops.staff_number, "manager": ops.staff_number, "checked": "yes"}
    )
    assert "Nobody can be their own line manager" in text_of(same)
    assert as_user(team, POLICY).get("/people/line-managers").status_code == 403


# --- what managers see ----------------------------------------------------------------------


def test_a_manager_sees_a_report_only_once_asked_or_shared(team):
    with team.app_context():
        policy_id, ops_id = person_of(team, POLICY).id, person_of(team, OPS).id
        stranger = db.session().exec(select(Person.id).where(Person.user_id.is_(None))).first()
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{policy_id}").status_code == 404  # never shared, never asked
    assert manager.get(f"/team/people/{ops_id}").status_code == 200  # shares with their manager
    assert manager.get(f"/team/people/{stranger}").status_code == 404  # not a report at all
    page = text_of(manager.get("/team"))
    assert "Not shared with you" in page
    ask(team)
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    as_user(team, POLICY).post("/profile/confirmation/withdraw")
    assert manager.get(f"/team/people/{policy_id}").status_code == 404


def test_stopping_sharing_with_the_manager_ends_their_view(team):
    with team.app_context():
        ops_id = person_of(team, OPS).id
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{ops_id}").status_code == 200
    as_user(team, OPS).post("/profile/line-manager/sharing", data={"sharing-shares": "no"})
    assert manager.get(f"/team/people/{ops_id}").status_code == 404
    assert "Owen Operations" not in text_of(manager.get("/team/skills"))
    with team.app_context():
        actions = db.session().exec(select(AuditEvent.action)).all()
    assert "consent.manager_sharing_withdrawn" in actions


def test_sharing_with_a_line_manager_does_not_pass_to_the_next_one(team):
    # Owen shares with Lena; HR record Priya (not asked, not shared with) as his manager instead.
    with team.app_context():
        owen, priya = person_of(team, OPS), person_of(team, POLICY)
        assert owen.shares_with_manager
    as_user(team, POLICY).post("/profile/line-manager/remove")
    hr = as_user(team, HR)
    assert (
        hr.post(
            "/people/line-managers", data={"report": owen.staff_number, "manager": priya.staff_number, "checked": "yes"}
        ).status_code
        == 302
    )
    assert as_user(team, POLICY).get(f"/team/people/{owen.id}").status_code == 404
    assert as_user(team, MANAGER).get(f"/team/people/{owen.id}").status_code == 404
    with team.app_context():
        assert not person_of(team, OPS).shares_with_manager
        withdrawn = (
            db.session().exec(select(AuditEvent).where(AuditEvent.action == "consent.manager_sharing_withdrawn")).all()
        )
        assert [e.object_id for e in withdrawn] == [str(owen.id)]


def test_other_people_cannot_answer_a_request(team):
    request_id = ask(team)
    for email in (OPS, HR, "leader@example.gov.uk", "admin@example.gov.uk", POLICY):
        client = as_user(team, email)
        assert client.get(f"/team/confirmations/{request_id}").status_code == 404
        assert client.post(f"/team/confirmations/{request_id}", data={}).status_code == 404


# --- examples, confirmations and their effect -----------------------------------------------


def test_examples_are_kept_through_versions_and_shown_to_the_manager(team):
    policy = as_user(team, POLICY)
    page = policy.get("/profile/skills/1").get_data(as_text=True)
    fields = dict(re.findall(r'name="(skill_[a-z_]+)" type="radio" value="(\d)" checked', page))
    skill = next(iter(fields))
    example_field = "example_" + skill.removeprefix("skill_")
    data = {**fields, example_field: "Led the evidence review for the 2026 spending bid"}
    for name in re.findall(r'name="(skill_[a-z_]+)"', page):
        data.setdefault(name, "2")
    assert policy.post("/profile/skills/1", data=data).status_code == 302
    assert policy.post("/profile/check", data={}).status_code == 302
    slug = skill.removeprefix("skill_").replace("_", "-")
    assert current_ratings(team, POLICY)[slug].example.startswith("Led the evidence review")
    # A new draft starts from the submitted version, example included.
    assert "Led the evidence review" in policy.get("/profile/skills/1").get_data(as_text=True)
    request_id = ask(team)
    assert "Led the evidence review" in text_of(as_user(team, MANAGER).get(f"/team/confirmations/{request_id}"))


def test_unsubmitted_changes_are_pointed_out_and_submitting_them_updates_an_open_request(team):
    policy = as_user(team, POLICY)
    page = policy.get("/profile/skills/1").get_data(as_text=True)
    fields = dict(re.findall(r'name="(skill_[a-z_]+)" type="radio" value="(\d)" checked', page))
    skill = next(iter(fields))
    data = {**fields, "example_" + skill.removeprefix("skill_"): "Ran the consultation on the new guidance"}
    for name in re.findall(r'name="(skill_[a-z_]+)"', page):
        data.setdefault(name, fields.get(name, "2"))
    assert policy.post("/profile/skills/1", data=data).status_code == 302
    warning = text_of(policy.get("/profile/confirmation"))
    assert "You have changed your answers since you last submitted them" in warning
    request_id = ask(team)
    assert "You have changed your answers since you last submitted them" in text_of(policy.get("/profile/confirmation"))
    manager = as_user(team, MANAGER)
    assert "Ran the consultation" not in text_of(manager.get(f"/team/confirmations/{request_id}"))
    assert policy.post("/profile/check", data={}).status_code == 302
    assert "Ran the consultation on the new guidance" in text_of(manager.get(f"/team/confirmations/{request_id}"))
    assert "You have changed your answers" not in text_of(policy.get("/profile/confirmation"))


def test_confirming_two_and_changing_one_makes_validated_evidence(team):
    before = current_ratings(team, POLICY)
    request_id = ask(team)
    changed = "data-visualisation"  # the policy officer said awareness
    response = answer_all(team, request_id, **{
        changed.replace("-", "_"): {"decision": "adjusted", "level": "2", "reason": "Built the team's dashboards"},
        "planning": {"decision": "cannot_judge"},
    })  # fmt: skip
    assert response.status_code == 302
    after = current_ratings(team, POLICY)
    assert after[changed].level == 2 and after[changed].self_level == 1 and after[changed].evidence == "validated"
    assert after["planning"].evidence == "self"
    confirmed = [s for s, r in after.items() if r.evidence == "validated" and s != changed]
    assert len(confirmed) == len([r for r in before.values() if r.level > 0]) - 2
    assert all(after[s].level == before[s].level and after[s].confirmed_at for s in confirmed)
    page = text_of(as_user(team, POLICY).get("/profile/confirmation"))
    assert "Changed" in page and "Built the team's dashboards" in page and "Could not judge" in page
    assert ("confirmation_completed", POLICY) in [(m.template, m.to_address) for m in outbox(team)]
    # The person accepts with a reply.
    reply = as_user(team, POLICY).post(f"/profile/confirmation/{request_id}/reply", data={"reply": "Thanks"})
    assert reply.status_code == 302
    with team.app_context():
        actions = db.session().exec(select(AuditEvent.action)).all()
    for action in ("confirmation.requested", "confirmation.confirmed", "confirmation.adjusted",
                   "confirmation.cannot_judge", "confirmation.completed", "confirmation.responded"):  # fmt: skip
        assert action in actions


def test_a_reply_reaches_the_manager_once(team):
    request_id = ask(team)
    answer_all(team, request_id, planning={"decision": "adjusted", "level": "1", "reason": "Not yet led a plan"})
    policy = as_user(team, POLICY)
    assert "Reply to Lena Marsh (optional)" in text_of(policy.get("/profile/confirmation"))
    policy.post(f"/profile/confirmation/{request_id}/reply", data={"reply": "I planned the spending review bid"})
    assert ("confirmation_replied", MANAGER) in [(m.template, m.to_address) for m in outbox(team)]
    team_page = text_of(as_user(team, MANAGER).get("/team"))
    assert "They replied on" in team_page and "“I planned the spending review bid”" in team_page
    # A second reply does not overwrite the first.
    policy.post(f"/profile/confirmation/{request_id}/reply", data={"reply": "Never mind"})
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).response == "I planned the spending review bid"
    assert "Never mind" not in text_of(as_user(team, MANAGER).get("/team"))


def test_asking_again_shows_the_manager_what_they_confirmed_and_starts_from_it(team):
    request_id = ask(team)
    answer_all(team, request_id, data_visualisation={"decision": "adjusted", "level": "2", "reason": "Dashboards"})
    again = ask(team)
    page = as_user(team, MANAGER).get(f"/team/confirmations/{again}").get_data(as_text=True)
    words = text_of(as_user(team, MANAGER).get(f"/team/confirmations/{again}"))
    assert "a line manager changed it from their own answer, awareness" in words
    checked = re.findall(r'name="(decision_[a-z_]+)" type="radio" value="confirmed" checked', page)
    assert "decision_data_visualisation" in checked and len(checked) == len(current_ratings(team, POLICY)) - sum(
        1 for r in current_ratings(team, POLICY).values() if r.level == 0
    )


def test_a_manager_answering_a_withdrawn_request_is_told_why(team):
    request_id = ask(team)
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 200
    as_user(team, POLICY).post("/profile/confirmation/withdraw")
    sent = manager.post(f"/team/confirmations/{request_id}", data={"decision_planning": "confirmed"})
    assert sent.status_code == 200
    assert "Priya Policy withdrew their request" in text_of(sent)


def test_hr_recording_a_manager_tells_the_person(team):
    with team.app_context():
        ops, priya = person_of(team, OPS), person_of(team, POLICY)
    as_user(team, HR).post("/people/line-managers", data={"report": ops.staff_number, "manager": priya.staff_number,
                                                          "checked": "yes"})  # fmt: skip
    assert ("line_manager_recorded", OPS) in [(m.template, m.to_address) for m in outbox(team)]


def test_a_change_of_level_needs_a_different_level_and_a_reason(team):
    request_id = ask(team)
    response = answer_all(team, request_id, planning={"decision": "adjusted", "level": "2", "reason": ""})
    assert response.status_code == 200
    page = text_of(response)
    assert "Select a level other than working" in page
    assert "Say why you changed the level of planning" in page
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).completed_at is None


def test_confirmation_raises_confidence_and_changing_the_answer_makes_it_self_again(team):
    from ddat.services.profiles import engine_profile
    from pathways import load_framework, match

    framework = load_framework()

    def confidence():
        with team.app_context():
            return match(framework, engine_profile(db.session(), person_of(team, POLICY)), "data-analyst").confidence

    before = confidence()
    mine = as_user(team, POLICY)
    assert re.search(
        r"that you have: 0 confirmed by your line manager, \d+ your own",
        text_of(mine.get("/profile/matches/data-analyst")),
    )
    answer_all(team, ask(team))
    assert confidence() > before
    assert "Confirmed until" in text_of(mine.get("/profile/confirmation"))
    held = re.search(r"Of the (\d+) skills this level needs that you have: (\d+) confirmed by your line manager\.",
                     text_of(mine.get("/profile/matches/data-analyst")))  # fmt: skip
    assert held and held.group(1) == held.group(2)


def test_a_confirmation_expires_after_two_years_and_the_person_is_told(team):
    answer_all(team, ask(team))
    confirmed_at = next(r.confirmed_at for r in current_ratings(team, POLICY).values() if r.confirmed_at)
    with team.app_context():
        confirmations.expire(db.session(), confirmed_at + timedelta(days=729))  # other people's may end
    assert any(r.evidence == "validated" for r in current_ratings(team, POLICY).values())
    with team.app_context():
        assert confirmations.expire(db.session(), confirmations.years_after(confirmed_at, 2)) > 0
        assert confirmations.expire(db.session(), confirmations.years_after(confirmed_at, 2)) == 0
    after = current_ratings(team, POLICY)
    assert all(r.evidence != "validated" for r in after.values())
    assert [m.to_address for m in outbox(team) if m.template == "confirmation_due"].count(POLICY) == 1
    assert "Confirmation due" in text_of(as_user(team, POLICY).get("/profile/confirmation"))


def test_the_pool_filters_and_sorts_by_confirmed_skills(team):
    scheme = make_scheme(team)
    answer_all(team, ask(team))
    hr = as_user(team, HR)
    page = text_of(hr.get(f"/schemes/{scheme}/candidates?target={TARGET}&evidence=confirmed"))
    assert "Priya Policy" in page
    held = re.search(r"Priya Policy.*?Of the (\d+) needed skills they hold: (\d+) confirmed by their line", page)
    assert held and held.group(1) == held.group(2), "every skill Priya holds was confirmed"
    with team.app_context():
        people = db.session().exec(select(Person).where(Person.shares_with_hr)).all()
        confirmed_names = {
            p.display_name
            for p in people
            if p.current_assessment_id
            and db.session()
            .exec(
                select(SkillRating.id).where(
                    SkillRating.assessment_id == p.current_assessment_id, SkillRating.evidence == "validated"
                )
            )
            .first()
        }
    names = re.findall(r'<span class="govuk-visually-hidden">Select ([^<]+)</span>', hr.get(
        f"/schemes/{scheme}/candidates?target={TARGET}&evidence=confirmed").get_data(as_text=True))  # fmt: skip
    assert names and set(names) <= {n.replace("'", "&#39;") for n in confirmed_names} | confirmed_names
    sorted_page = hr.get(f"/schemes/{scheme}/candidates?target={TARGET}&sort=confirmed").get_data(as_text=True)
    first = re.findall(r"Fit on confirmed skills: (\d+)%", sorted_page)
    assert first and int(first[0]) == max(int(x) for x in first)


def test_hr_never_see_confirmations_of_people_who_do_not_share_with_hr(team):
    scheme = make_scheme(team)
    answer_all(team, ask(team))
    as_user(team, POLICY).post("/profile/data", data={"shares_with_hr": "no"})
    page = text_of(as_user(team, HR).get(f"/schemes/{scheme}/candidates?target={TARGET}&q=Priya"))
    assert "Priya Policy" not in page


def test_leaders_can_count_confirmed_skills_only(team):
    leader = as_user(team, "leader@example.gov.uk")
    every = leader.get("/dashboards/skills?by=grade&format=csv").get_data(as_text=True)
    confirmed = leader.get("/dashboards/skills?by=grade&evidence=confirmed&format=csv").get_data(as_text=True)
    assert "With a current confirmation" in every
    assert every != confirmed
    page = text_of(leader.get("/dashboards/skills?evidence=confirmed"))
    assert "counts only skills a line manager confirmed" in page


def test_asking_twice_at_once_keeps_one_open_request(team):
    first, second = ask(team), ask(team)
    assert first == second
    with team.app_context():
        person = person_of(team, POLICY)
        open_ones = (
            db.session()
            .exec(
                select(ConfirmationRequest).where(
                    ConfirmationRequest.person_id == person.id, ConfirmationRequest.completed_at.is_(None)
                )
            )
            .all()
        )
    assert len(open_ones) == 1
    assert [m.template for m in outbox(team)].count("confirmation_requested") == 1


def test_naming_a_manager_is_limited_to_three_a_day(team):
    client = as_user(team, OPS)
    for _ in range(3):
        assert client.post("/profile/line-manager", data={"email": POLICY}).status_code == 302
    refused = client.post("/profile/line-manager", data={"email": POLICY})
    assert "3 times today" in text_of(refused)


def test_deleting_a_managers_account_ends_their_links(team):
    with team.app_context():
        policy_id = person_of(team, POLICY).id
    as_user(team, MANAGER).post("/profile/data/delete", data={})
    page = text_of(as_user(team, POLICY).get("/profile/line-manager"))
    assert "Tell us who your line manager is" in page
    with team.app_context():
        assert (
            db.session()
            .exec(
                select(LineManagement).where(LineManagement.report_id == policy_id, LineManagement.ended_at.is_(None))
            )
            .first()
            is None
        )


def test_sharing_ends_when_the_manager_deletes_their_account(team):
    with team.app_context():
        assert person_of(team, OPS).shares_with_manager
    as_user(team, MANAGER).post("/profile/data/delete", data={})
    with team.app_context():
        owen, priya = person_of(team, OPS), person_of(team, POLICY)
        assert not owen.shares_with_manager, "the consent was for the manager who has gone"
    as_user(team, HR).post("/people/line-managers", data={"report": owen.staff_number, "manager": priya.staff_number,
                                                          "checked": "yes"})  # fmt: skip
    assert as_user(team, POLICY).get(f"/team/people/{owen.id}").status_code == 404


def test_a_manager_cannot_confirm_a_level_they_were_not_shown(team):
    request_id = ask(team)
    manager = as_user(team, MANAGER)
    page = manager.get(f"/team/confirmations/{request_id}").get_data(as_text=True)
    shown = re.search(r'name="shown" type="hidden" value="(\d+)"', page).group(1)
    data = {f"decision_{s}": "confirmed" for s in re.findall(r'name="decision_([a-z_]+)"', page)}
    # Meanwhile the officer raises a level and submits it.
    policy = as_user(team, POLICY)
    skills = policy.get("/profile/skills/1").get_data(as_text=True)
    fields = dict(re.findall(r'name="(skill_[a-z_]+)" type="radio" value="(\d)" checked', skills))
    raised = next(name for name, level in fields.items() if level != "4")
    answers = {**fields, raised: "4"}
    for name in re.findall(r'name="(skill_[a-z_]+)"', skills):
        answers.setdefault(name, "2")
    assert policy.post("/profile/skills/1", data=answers).status_code == 302
    assert policy.post("/profile/check", data={}).status_code == 302
    stale = manager.post(f"/team/confirmations/{request_id}", data={**data, "shown": shown})
    assert stale.status_code == 200 and "changed their answers since you opened this page" in text_of(stale)
    slug = raised.removeprefix("skill_").replace("_", "-")
    assert current_ratings(team, POLICY)[slug].evidence == "self", "nothing was confirmed"
    assert answer_all(team, request_id).status_code == 302
    assert current_ratings(team, POLICY)[slug].evidence == "validated"


def test_an_ask_meant_for_a_former_manager_asks_nobody(team):
    client = as_user(team, POLICY)
    page = client.get("/profile/confirmation").get_data(as_text=True)
    lenas = re.search(r'name="link" value="(\d+)"', page).group(1)
    with team.app_context():
        priya, pat = person_of(team, POLICY), person_of(team, PERM_SEC)
    as_user(team, HR).post("/people/line-managers", data={"report": priya.staff_number, "manager": pat.staff_number,
                                                          "checked": "yes"})  # fmt: skip
    client.post("/profile/confirmation/ask", data={"link": lenas})
    assert "Your line manager has changed since you opened the page" in text_of(client.get("/profile/confirmation"))
    assert count_requests(team) == 0


def count_requests(app) -> int:
    with app.app_context():
        return len(db.session().exec(select(ConfirmationRequest.id)).all())


def test_hr_are_told_when_the_manager_is_already_recorded(team):
    with team.app_context():
        priya, lena = person_of(team, POLICY), person_of(team, MANAGER)
    page = as_user(team, HR).post("/people/line-managers", data={"report": priya.staff_number,
                                                                  "manager": lena.staff_number})  # fmt: skip
    assert "Lena Marsh is already Priya Policy’s line manager" in text_of(page)
