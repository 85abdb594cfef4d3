import json
import re

import pytest
from sqlmodel import func, select

from ddat import db
from ddat.models import Assessment, AuditEvent, Department, Person, SkillRating, User
from ddat.services.profiles import question_pages
from pathways import load_framework
from tests.client import registered
from tests.pages import page as whole_page

PASSWORD = "orange-tractor-lighthouse"
PAGES = question_pages(load_framework())


@pytest.fixture
def newcomer(seeded, client, submit):
    """A freshly registered civil servant, signed in, with nothing answered yet."""
    registered(client, "nia@example.gov.uk", PASSWORD)
    return seeded


def department_id(app) -> str:
    with app.app_context():
        return str(db.session().exec(select(Department.id).where(Department.abbreviation == "DWP")).one())


def about_you(app, submit, **overrides):
    answers = {
        "profession": "policy",
        "grade": "HEO",
        "department": department_id(app),
        "current_role": "Policy adviser",
    }
    return submit("/profile/about", {**answers, **overrides})


def answer_every_page(submit, level="2"):
    for number, page in enumerate(PAGES, start=1):
        from ddat.forms.profile import field_name

        response = submit(f"/profile/skills/{number}", {field_name(q.skill): level for q in page})
        assert response.status_code == 302, f"page {number} did not save"


def test_signed_out_people_are_sent_to_sign_in(client):
    for url in ["/profile", "/profile/matches", "/profile/pathway?to=data-analyst", "/profile/data"]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_task_list_before_anything_is_answered(newcomer, client):
    html = client.get("/profile").get_data(as_text=True)
    assert "Your profile" in html
    assert "Not yet started" in html and "Cannot start yet" in html


def test_about_you_errors_keep_what_was_typed(newcomer, submit):
    html = submit(
        "/profile/about", {"profession": "", "grade": "Z9", "department": "", "current_role": "Adviser"}
    ).get_data(as_text=True)
    assert "Select your profession" in html
    assert "Select your grade" in html
    assert "Select your department" in html
    assert 'value="Adviser"' in html


def test_tampered_choices_get_gov_uk_errors_not_500s(newcomer, app, submit):
    html = about_you(app, submit, profession="astronaut", current_level="not-a-level").get_data(as_text=True)
    assert "Select your profession" in html
    assert "Select a DDaT role level from the list" in html
    about_you(app, submit)
    from ddat.forms.profile import field_name

    html = submit("/profile/skills/1", {field_name(PAGES[0][0].skill): "9"}).get_data(as_text=True)
    assert "Select your level for" in html
    assert submit("/profile/experience", {"shown": ["made/up/source"]}).status_code == 200


def test_experience_pre_selects_suggestions_marked_as_such(newcomer, app, client, submit):
    about_you(app, submit, grade="G7")
    submit(
        "/profile/experience",
        {"shown": ["success_profiles/behaviour/seeing-the-big-picture", "policy/pillar/strategy"]},
    )
    html = "".join(client.get(f"/profile/skills/{n}").get_data(as_text=True) for n in range(1, len(PAGES) + 1))
    assert "Suggested: Practitioner" in html
    strategic = re.search(r'name="skill_strategic_thinking" type="radio" value="(\d)" checked', html)
    assert strategic and strategic.group(1) == "3"


def test_the_whole_assessment_saves_partial_progress_then_submits_a_version(newcomer, app, client, submit):
    about_you(app, submit)
    submit("/profile/experience", {"shown": []})
    from ddat.forms.profile import field_name

    submit("/profile/skills/1", {field_name(q.skill): "1" for q in PAGES[0]})
    assert "In progress" in client.get("/profile").get_data(as_text=True)
    answer_every_page(submit)
    check = client.get("/profile/check").get_data(as_text=True)
    assert "Check your answers" in check and "Policy adviser" in check
    response = submit("/profile/check", {})
    assert response.headers["Location"].endswith("/profile/submitted")
    with app.app_context():
        person = db.session().exec(select(Person).where(Person.display_name == "Nia Newcomer")).one()
        assessment = db.session().get(Assessment, person.current_assessment_id)
        assert assessment.submitted_at is not None
        assert assessment.framework_version == load_framework().version
    assert "Last updated" in client.get("/profile").get_data(as_text=True)


def test_changing_answers_creates_a_new_version_and_keeps_history(newcomer, app, client, submit):
    about_you(app, submit)
    submit("/profile/experience", {"shown": []})
    answer_every_page(submit, level="1")
    submit("/profile/check", {})
    answer_every_page(submit, level="3")
    submit("/profile/check", {})
    with app.app_context():
        person = db.session().exec(select(Person).where(Person.display_name == "Nia Newcomer")).one()
        versions = db.session().exec(select(Assessment).where(Assessment.person_id == person.id)).all()
        assert len(versions) == 2 and all(v.submitted_at for v in versions)
        current = (
            db.session()
            .exec(select(func.max(SkillRating.level)).where(SkillRating.assessment_id == person.current_assessment_id))
            .one()
        )
        assert current == 3
    assert "2 versions" in client.get("/profile").get_data(as_text=True)


def test_matches_empty_state_before_an_assessment(newcomer, client):
    assert "once you have submitted your skills assessment" in client.get("/profile/matches").get_data(as_text=True)


def test_matches_show_one_card_per_role_with_level_fit_grade_and_why(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    cards = whole_page(client, "/profile/matches").select(".govuk-summary-card")
    assert len(cards) == 10
    roles = [card.select_one(".govuk-summary-card__title").get_text(" ", strip=True) for card in cards]
    assert len(set(roles)) == 10
    text = cards[0].get_text(" ", strip=True)
    for label in ("Suggested level", "Fit", "Grade", "Is it a viable move?", "Biggest gaps", "Every level of"):
        assert label in text
    # The demo policy officer is a Grade 7: no associate or trainee level is suggested first.
    suggested = [card.select_one(".govuk-summary-list__value a").get_text(strip=True) for card in cards]
    assert not [s for s in suggested if s.lower().startswith(("associate", "trainee", "junior"))], suggested
    assert "What would open most doors" in client.get("/profile/matches").get_data(as_text=True)


def test_matches_filter_by_family_readiness_and_step_downs(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    data_only = whole_page(client, "/profile/matches?family=data")
    titles = [t.get_text(" ", strip=True) for t in data_only.select(".govuk-summary-card__title")]
    assert "Data analyst" in titles and "Content designer" not in titles
    default = whole_page(client, "/profile/matches")
    assert "hidden" in default.get_text(" ", strip=True)
    lower = client.get("/profile/matches?lower=yes").get_data(as_text=True)
    assert "Step down" in lower
    assert "Step down" not in str(default)
    assert client.get("/profile/matches?family=nonsense&readiness=<script>").status_code == 200


def test_match_detail_explains_the_fit_and_links_learning(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    html = client.get("/profile/matches/associate-performance-analyst").get_data(as_text=True)
    assert "Your fit: Associate performance analyst" in html
    assert "Skills you are missing" in html and "Skills you already meet" in html
    assert "/framework/skills/" in html
    assert 'href="/profile/pathway?to=associate-performance-analyst"' in html
    assert client.get("/profile/matches/not-a-level").status_code == 404


def test_pathway_routes_target_and_csv(seeded, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    html = client.get("/profile/pathway?to=senior-performance-analyst").get_data(as_text=True)
    assert "Pathway to senior performance analyst" in html and "Route 1" in html
    submit(
        "/profile/pathway/target?to=senior-performance-analyst",
        {},
        form_url="/profile/pathway?to=senior-performance-analyst",
    )
    assert "Your target role" in client.get("/profile").get_data(as_text=True)
    response = client.get("/profile/pathway?to=senior-performance-analyst&format=csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("Route,Step,Role level,Skill,Starting level,From,Needed,Hours")
    assert client.get("/profile/pathway?to=role:chief-data-officer").status_code == 200
    assert client.get("/profile/pathway?to=nowhere").status_code == 404


def test_my_data_download_consent_and_delete(seeded, app, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    data = json.loads(client.get("/profile/data/download.json").get_data(as_text=True))
    assert data["account"]["email"] == "policy.officer@example.gov.uk"
    assert data["assessments"][0]["ratings"]
    assert "analysis-and-insight" in client.get("/profile/data/download.csv").get_data(as_text=True)

    submit("/profile/data", {"shares_with_hr": "no"})
    with app.app_context():
        assert not db.session().exec(select(Person.shares_with_hr).where(Person.display_name == "Priya Policy")).one()

    assert "Are you sure" in client.get("/profile/data/delete").get_data(as_text=True)
    response = submit("/profile/data/delete", {})
    assert response.headers["Location"].endswith("/profile/deleted")
    with app.app_context():
        session = db.session()
        assert session.exec(select(User).where(User.email == "policy.officer@example.gov.uk")).first() is None
        assert session.exec(select(Person).where(Person.display_name == "Priya Policy")).first() is None
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "account.deleted")).one()
        assert (event.actor_user_id, event.object_id, event.actor_role) == (None, None, "civil_servant")
    assert client.get("/profile").status_code == 302


def test_people_only_ever_see_their_own_profile(seeded, client, sign_in):
    sign_in("ops.officer@example.gov.uk")
    mine = client.get("/profile/data/download.json").get_json() or json.loads(
        client.get("/profile/data/download.json").data
    )
    assert mine["account"]["email"] == "ops.officer@example.gov.uk"
    assert "Priya Policy" not in client.get("/profile/check").get_data(as_text=True)


def test_matches_are_paginated_and_keep_filters(seeded, client, sign_in):
    sign_in("policy.officer@example.gov.uk")
    first = client.get("/profile/matches").get_data(as_text=True)
    total = int(re.search(r"Showing 1 to 10 of (\d+) roles", first).group(1))
    assert 10 < total <= 52
    second = client.get("/profile/matches?page=2&family=&readiness=").get_data(as_text=True)
    assert f"Showing 11 to {min(20, total)} of {total}" in second
    assert "Showing 1 to 10" in client.get("/profile/matches?page=abc").get_data(as_text=True)
    assert f"Showing {(total - 1) // 10 * 10 + 1} to {total}" in client.get("/profile/matches?page=999").get_data(
        as_text=True
    )


@pytest.mark.parametrize("page", ["²", "١", "9" * 5000, "-3", "1.5"])
def test_odd_page_numbers_show_the_first_page_not_an_error(seeded, client, sign_in, page):
    sign_in("policy.officer@example.gov.uk")
    response = client.get("/profile/matches", query_string={"page": page})
    assert response.status_code == 200
    assert "Showing 1 to 10 of" in response.get_data(as_text=True)


def count_drafts(app) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).where(Assessment.submitted_at.is_(None))).one()


def test_looking_at_questions_does_not_start_a_new_version(seeded, app, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    before = count_drafts(app)
    for url in ["/profile/skills/1", "/profile/other-skills/data", "/profile"]:
        assert client.get(url).status_code == 200, url
    # With nothing changed there is nothing to check: back to the task list.
    assert client.get("/profile/check").headers["Location"].endswith("/profile")
    assert count_drafts(app) == before
    html = client.get("/profile/skills/1").get_data(as_text=True)
    assert "checked" in html  # the submitted answers are shown for editing

    from ddat.forms.profile import field_name

    submit("/profile/skills/1", {field_name(q.skill): "3" for q in PAGES[0]})
    assert count_drafts(app) == before + 1
    assert "Check your answers" in client.get("/profile/check").get_data(as_text=True)


def test_my_data_includes_answers_not_yet_submitted(seeded, client, sign_in, submit):
    from ddat.forms.profile import field_name

    sign_in("policy.officer@example.gov.uk")
    submit("/profile/skills/1", {field_name(q.skill): "4" for q in PAGES[0]})
    data = json.loads(client.get("/profile/data/download.json").get_data(as_text=True))
    draft, *submitted = data["assessments"]
    assert draft["submitted_at"] is None and not draft["current"]
    assert {r["level"] for r in draft["ratings"] if r["skill"] in {q.skill for q in PAGES[0]}} == {4}
    assert submitted and submitted[0]["current"]
    assert ",,no," in client.get("/profile/data/download.csv").get_data(as_text=True)


def test_a_senior_civil_service_target_shows_on_the_profile(seeded, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    url = "/profile/pathway?to=role:chief-data-officer"
    submit("/profile/pathway/target?to=role:chief-data-officer", {}, form_url=url)
    html = client.get("/profile").get_data(as_text=True)
    assert re.search(r"Your target role: <a [^>]*>Chief data officer</a>", html, re.IGNORECASE)


def test_not_had_the_chance_is_an_answer_that_is_neither_not_yet_nor_a_level(newcomer, client, submit):
    from ddat.forms.profile import field_name

    about_you(newcomer, submit)
    submit("/profile/experience", {})
    first, second = PAGES[0][0].skill, PAGES[0][1].skill
    answers = {field_name(q.skill): "1" for q in PAGES[0]} | {field_name(first): "chance", field_name(second): "0"}
    assert submit("/profile/skills/1", answers).status_code == 302
    with newcomer.app_context():
        person = db.session().exec(select(Person).where(Person.display_name == "Nia Newcomer")).one()
        stored = {
            r.skill: (r.level, r.evidence)
            for r in db.session().exec(select(SkillRating).where(SkillRating.person_id == person.id)).all()
        }
    assert stored[first] == (0, "no_chance") and stored[second] == (0, "self")
    # Shown again as it was answered, and on the check page by its own name.
    again = whole_page(client, "/profile/skills/1")
    assert again.select_one(f"input[name={field_name(first)}][value=chance]").has_attr("checked")
    assert again.select_one(f"input[name={field_name(second)}][value='0']").has_attr("checked")
    check = whole_page(client, "/profile/check").get_text(" ", strip=True)
    assert "Not had the chance" in check
    # Changing it to a level clears it.
    submit("/profile/skills/1", answers | {field_name(first): "2"})
    with newcomer.app_context():
        rating = (
            db.session()
            .exec(select(SkillRating).where(SkillRating.skill == first, SkillRating.person_id == person.id))
            .one()
        )
        assert (rating.level, rating.evidence) == (2, "self")


def test_work_that_interests_you_trims_the_optional_skills_and_keeps_answers(newcomer, client, submit):
    about_you(newcomer, submit)
    everything = whole_page(client, "/profile/other-skills")
    links = {a["href"] for a in everything.select("a[href^='/profile/other-skills/']")}
    assert len(links) == 7  # every family with role levels, until the person says
    submit("/profile/other-skills/data", {})  # saved once, nothing chosen
    assert submit("/profile/other-skills", {"families": ["data", "user-centred-design"]}).status_code == 302
    trimmed = whole_page(client, "/profile/other-skills")
    shown = {a["href"] for a in trimmed.select("a[href^='/profile/other-skills/']")}
    assert shown == {"/profile/other-skills/data", "/profile/other-skills/user-centred-design"}
    assert trimmed.select_one("input[value=data]").has_attr("checked")
    assert "every other role family" in trimmed.get_text(" ", strip=True)
    assert client.get("/profile/data/download.json").get_json()["profile"]["work_that_interests_you"] == [
        "data",
        "user-centred-design",
    ]
    every = whole_page(client, "/profile/other-skills?all=yes")
    assert len({a["href"] for a in every.select("a[href^='/profile/other-skills/']")}) == 7
    bad = submit("/profile/other-skills", {"families": ["not-a-family"]})
    assert bad.status_code == 200 and "Select from the options shown" in bad.get_data(as_text=True)


def test_a_skill_not_had_the_chance_to_show_reads_so_on_the_explanation_page(newcomer, client, submit):
    from ddat.forms.profile import field_name

    about_you(newcomer, submit)
    submit("/profile/experience", {})
    skill = PAGES[0][0].skill
    for number, questions in enumerate(PAGES, start=1):
        answers = {field_name(q.skill): "chance" if q.skill == skill else "1" for q in questions}
        assert submit(f"/profile/skills/{number}", answers).status_code == 302
    assert submit("/profile/check", {}).status_code == 302
    level = next(lv for lv, _ in load_framework().role_levels_needing(skill))
    rows = whole_page(client, f"/profile/matches/{level.slug}").select("tr")
    row = next(r for r in rows if r.td and r.td.get_text(strip=True) == load_framework().skills[skill].name)
    assert "Not had the chance" in row.get_text(" ", strip=True)
