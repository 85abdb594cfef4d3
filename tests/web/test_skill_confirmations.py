"""Line managers confirming skills: examples kept through versions, confirming, changing and
not judging, replies, expiry, and confirmed skills in confidence, the pool and the dashboards."""

import re
from datetime import timedelta

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, ConfirmationRequest, Person, SkillRating
from ddat.services import confirmations
from tests.factories import TARGET, make_scheme, person_of
from tests.line_management import (
    HR,
    MANAGER,
    PERM_SEC,
    POLICY,
    answer_all,
    as_user,
    ask,
    count_requests,
    current_ratings,
    text_of,
)
from tests.support import outbox


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
