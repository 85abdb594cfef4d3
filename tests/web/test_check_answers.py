"""Check your answers as the GOV.UK pattern: each Change link opens that question and saving
returns to the check page; saving a page unchanged reopens nothing; submitted versions can be
read and compared."""

import re

from bs4 import BeautifulSoup
from sqlmodel import select

from ddat import db
from ddat.forms.profile import field_name
from ddat.models import Assessment, Person
from ddat.services.profiles import question_pages
from pathways import load_framework
from tests.client import registered
from tests.factories import person_of

PAGES = question_pages(load_framework())
POLICY_OFFICER = "policy.officer@example.gov.uk"


def _tasks(client) -> dict[str, str]:
    document = BeautifulSoup(client.get("/profile").get_data(as_text=True), "html.parser")
    return {
        item.select_one(".govuk-task-list__name-and-hint").get_text(" ", strip=True).split("  ")[0]: item.select_one(
            ".govuk-task-list__status"
        ).get_text(strip=True)
        for item in document.select(".govuk-task-list__item")
    }


def _drafts(app) -> int:
    with app.app_context():
        return len(db.session().exec(select(Assessment).where(Assessment.submitted_at.is_(None))).all())


def test_saving_a_page_without_changing_anything_reopens_nothing(seeded, client, sign_in, submit):
    sign_in(POLICY_OFFICER)
    for number, questions in enumerate(PAGES, start=1):
        submit(f"/profile/skills/{number}", {field_name(q.skill): "2" for q in questions})
    submit("/profile/check", {})
    before = _tasks(client)
    assert before["Check your answers"] == "Completed" and _drafts(seeded) == 0
    assert submit("/profile/skills/1", {field_name(q.skill): "2" for q in PAGES[0]}).status_code == 302
    assert _drafts(seeded) == 0, "no draft for answers that did not change"
    assert _tasks(client) == before
    submit("/profile/skills/1", {field_name(q.skill): "3" for q in PAGES[0]})
    assert _drafts(seeded) == 1, "a real change still starts a draft"


def test_your_transferable_skills_is_completed_once_every_page_is_answered(seeded, client, submit):
    registered(client, "nia@example.gov.uk", "orange-tractor-lighthouse")
    with seeded.app_context():
        from ddat.models import Department

        department = str(db.session().exec(select(Department.id)).first())
    submit("/profile/about", {"profession": "policy", "grade": "HEO", "department": department})
    for number, questions in enumerate(PAGES, start=1):
        assert _tasks(client)["Your transferable skills"] != "Completed"
        submit(f"/profile/skills/{number}", {field_name(q.skill): "1" for q in questions})
    assert _tasks(client)["Your transferable skills"] == "Completed"
    assert _tasks(client)["Check your answers"] == "Not yet started"


def test_every_change_link_opens_its_own_question_and_saving_comes_back(seeded, client, sign_in, submit):
    sign_in(POLICY_OFFICER)
    last = PAGES[-1][0]
    submit(f"/profile/skills/{len(PAGES)}", {field_name(q.skill): "1" for q in PAGES[-1]})  # start a draft
    document = BeautifulSoup(client.get("/profile/check").get_data(as_text=True), "html.parser")
    links = {a.select_one(".govuk-visually-hidden").get_text(strip=True): a["href"] for a in document.select("dd a")}
    assert links["grade"] == "/profile/about?change=yes#grade"
    skill_name = load_framework().skills[last.skill].name
    hidden = next(k for k in links if k.lower() == skill_name.lower())
    assert links[hidden] == f"/profile/skills/{len(PAGES)}?change=yes#{field_name(last.skill)}"
    # The question is on the page the link opens, and saving it goes back to the check page.
    opened = client.get(links[hidden]).get_data(as_text=True)
    assert f'id="{field_name(last.skill)}"' in opened
    page = BeautifulSoup(opened, "html.parser")
    assert page.select_one(".govuk-back-link")["href"] == "/profile/check"  # back to where they came from
    assert page.select_one("main button[type=submit]").get_text(strip=True) == "Save and go back to check your answers"
    saved = submit(links[hidden], {field_name(q.skill): "2" for q in PAGES[-1]}, form_url=links[hidden])
    assert saved.headers["Location"] == "/profile/check"
    with seeded.app_context():
        grade = db.session().exec(select(Person.grade).where(Person.display_name == "Priya Policy")).one()
        department = str(
            db.session().exec(select(Person.department_id).where(Person.display_name == "Priya Policy")).one()
        )
    about = submit(
        links["grade"], {"profession": "policy", "grade": grade, "department": department}, form_url=links["grade"]
    )
    assert about.headers["Location"] == "/profile/check"


def test_a_submitted_assessment_can_be_read_and_compared_with_the_one_before(seeded, client, sign_in, submit):
    sign_in(POLICY_OFFICER)
    submit(f"/profile/skills/{len(PAGES)}", {field_name(q.skill): "4" for q in PAGES[-1]})
    submit("/profile/check", {})
    profile = client.get("/profile").get_data(as_text=True)
    newest = re.search(r'href="/profile/assessments/(\d+)"', profile).group(1)
    html = client.get(f"/profile/assessments/{newest}").get_data(as_text=True)
    document = BeautifulSoup(html, "html.parser")
    assert "Version 2 of 2, your current one" in document.select_one(".govuk-caption-l").get_text()
    changes = [[td.get_text(strip=True) for td in tr.select("td")] for tr in document.select("tbody tr")]
    changed_skill = load_framework().skills[PAGES[-1][0].skill].name
    assert any(row[0] == changed_skill and row[2] == "Expert" for row in changes), changes
    earlier = re.findall(r'href="/profile/assessments/(\d+)"', html)
    assert earlier and client.get(f"/profile/assessments/{earlier[0]}").status_code == 200


def test_nobody_reads_another_persons_assessment(seeded, client, sign_in):
    with seeded.app_context():
        theirs = (
            db.session()
            .exec(select(Person.current_assessment_id).where(Person.display_name == "Owen Operations"))
            .one()
        )
    sign_in(POLICY_OFFICER)
    assert client.get(f"/profile/assessments/{theirs}").status_code == 404


def test_an_answer_about_a_skill_the_framework_no_longer_has_is_left_out_not_an_error(seeded, client, sign_in, submit):
    # A draft begun under an earlier release can hold a skill this one has dropped; sorting
    # the answers by skill name once looked it up and answered 500.
    from ddat.models import SkillRating

    sign_in(POLICY_OFFICER)
    submit("/profile/skills/1", {field_name(q.skill): "3" for q in PAGES[0]})
    with seeded.app_context():
        session = db.session()
        person = person_of(seeded, POLICY_OFFICER)
        draft = session.exec(
            select(Assessment).where(Assessment.person_id == person.id, Assessment.submitted_at.is_(None))
        ).one()
        session.add(SkillRating(person_id=draft.person_id, assessment_id=draft.id, skill="a-skill-since-retired",
                                level=3, framework_version="2019"))  # fmt: skip
        session.commit()
    page = client.get("/profile/check")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert PAGES[0][0].name in shown and "a-skill-since-retired" not in shown


def test_answers_about_skills_the_framework_does_not_have_are_refused(seeded):
    import pytest

    from ddat.services.framework import current_framework
    from ddat.services.profiles import save_answers

    with seeded.app_context():
        session = db.session()
        person = session.merge(person_of(seeded, POLICY_OFFICER))
        with pytest.raises(ValueError, match="data-analysis"):
            save_answers(session, person, current_framework(session), {"data-analysis": 3})
        session.rollback()
        assert session.exec(select(Assessment).where(Assessment.submitted_at.is_(None))).all() == []
