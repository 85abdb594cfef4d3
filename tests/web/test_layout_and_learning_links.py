"""What people testing the service found: a pathway's gaps link to the learning in the
catalogue that closes them (or say there is none), the "Suggested" tag no longer sits on its
hint's words, heatmap names and headings are never cut short, a role family's skills read a
skill to a row beside the groups a leader chooses, and no page promises a skill's own meaning
of a level when the service has only the general one."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

import pathways
from ddat import db, demo
from ddat.models import LearningItem
from ddat.services.framework import current_framework
from ddat.services.profiles import engine_profile, save_answers, submit_assessment
from pathways import load_framework, plan_pathway
from pathways.aggregates import family_skills
from tests.client import registered, signed_in_as
from tests.factories import POLICY, VISUALISATION, person_of
from tests.pages import page, text, texts
from tests.support import fresh_app

FRAMEWORK = load_framework()
TARGET = "data-analyst"  # the demo Grade 7 needs working in each of its skills
LEADER = "leader@example.gov.uk"


def _learning_for(document, skill_name: str) -> str:
    """The text of one gap's line in "Learning in the catalogue for these skills"."""
    for item in document.select("ul.app-gap-learning > li"):
        if text(item.strong) == skill_name:
            return text(item)
    raise AssertionError(f"no learning line for {skill_name}")


def _links_for(document, skill_name: str) -> list[str]:
    item = next(li for li in document.select("ul.app-gap-learning > li") if text(li.strong) == skill_name)
    return [a["href"] for a in item.select("a")]


def _add_item(app, slug: str, skills: list, hours: float = 8, audience: list | None = None) -> None:
    with app.app_context():
        db.session().add(
            LearningItem(
                slug=slug,
                name=slug.replace("-", " ").capitalize(),
                provider="Test provider",
                format="online",
                duration_hours=hours,
                audience=audience or [],
                skills=skills,
            )
        )
        db.session().commit()


# --- 1. a pathway's gaps and the catalogue -------------------------------------------------


def test_each_gap_links_to_the_learning_that_develops_it_or_says_there_is_none(seeded, client, sign_in):
    _add_item(seeded, "data-management-in-practice", [["data-management", 3]], hours=20)
    sign_in(POLICY)
    document = page(client, f"/profile/pathway?to={TARGET}")

    # An item that reaches the level needed closes the gap, with its own length.
    assert _links_for(document, "Data visualisation") == [f"/masterclasses/{VISUALISATION}"]
    line = _learning_for(document, "Data visualisation")
    assert "12 hours, takes it to working" in line and "part of the way" not in line
    assert _links_for(document, "Data management") == ["/masterclasses/data-management-in-practice"]
    assert "20 hours, takes it to practitioner" in _learning_for(document, "Data management")

    # Items that stop short are shown as part of the way; those for other grades say so.
    line = _learning_for(document, "Delivering business impact through data")
    assert "takes it to awareness (part of the way)" in line
    assert "only for Permanent Secretary" in line
    assert "only for Deputy Director (SCS1), Director (SCS2) and Director General (SCS3)" in line

    # None at all, and none beyond what the person holds, are said plainly.
    assert "no learning in the catalogue for this skill yet" in _learning_for(document, "Developing code for analysis")
    assert "no learning in the catalogue takes this skill beyond awareness yet" in _learning_for(
        document, "Data ethics and privacy"
    )


def test_the_hours_stay_the_pathways_own_estimate(seeded, client, sign_in):
    """A course's length is shown beside the gap, never taken off the estimate."""
    _add_item(seeded, "everything-about-data", [[s, 4] for s in FRAMEWORK.skills], hours=1)
    sign_in(POLICY)
    document = page(client, f"/profile/pathway?to={TARGET}")
    with seeded.app_context():
        plan = plan_pathway(FRAMEWORK, engine_profile(db.session(), person_of(seeded, POLICY)), TARGET)
    expected = plan.routes[0].total_hours
    assert f"Route 1: about {expected:,} hours" in texts(document, "h2")
    table_hours = [int(cell) for cell in texts(document, "table td.govuk-table__cell--numeric")]
    assert sum(table_hours) == expected
    assert "1 hour, takes it to expert" in _learning_for(document, "Data visualisation")


def test_the_pathway_download_names_the_learning_for_each_gap(seeded, client, sign_in):
    sign_in(POLICY)
    rows = list(csv.reader(io.StringIO(client.get(f"/profile/pathway?to={TARGET}&format=csv").get_data(as_text=True))))
    assert rows[0][-1] == "Learning in the catalogue"
    by_skill = {row[3]: row[-1] for row in rows[1:]}
    assert by_skill["Data visualisation"] == "Working with data and visualisation (12 hours, to working)"
    assert by_skill["Developing code for analysis"] == "No learning in the catalogue for this skill yet"


# --- 2. the "Suggested" tag ------------------------------------------------------------------


def test_a_suggested_answer_tag_sits_on_a_line_of_its_own(seeded, client, submit):
    registered(client, "sam@example.gov.uk", "orange-tractor-lighthouse", "Sam Suggested")
    department = re.search(r'<option value="(\d+)"', client.get("/profile/about").get_data(as_text=True)).group(1)
    submit("/profile/about", {"profession": "policy", "grade": "G7", "department": department})
    experience = page(client, "/profile/experience")
    submit("/profile/experience", {"shown": [box["value"] for box in experience.select("input[name=shown]")]})
    document = page(client, "/profile/skills/1")
    tags = document.select(".govuk-hint .govuk-tag")
    assert tags, "the experience given should suggest some answers"
    for tag in tags:
        assert tag.parent.name == "span" and tag.parent["class"] == ["app-hint-tag"]
        assert "app-nowrap" not in tag["class"]
    css = client.get("/assets/app.css").get_data(as_text=True)
    rule = re.search(r"\.app-hint-tag \{([^}]*)\}", css).group(1)
    assert "display: block" in rule  # its own line, under the skill's name, above "For example"


# --- 3 and 4. dashboards ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboards(tmp_path_factory):
    app = fresh_app(tmp_path_factory.mktemp("layout") / "layout.db")
    with app.app_context():
        demo.seed(db.session(), people=300, seed=5)
    return signed_in_as(app.test_client(), LEADER)


def _csv(client, url: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(client.get(url + "&format=csv").get_data(as_text=True))))


def test_heatmap_names_and_headings_are_shown_in_full_inside_their_scrolling_box(dashboards):
    document = page(dashboards, "/dashboards/skills?by=department")
    heatmap = document.select_one(".app-heatmap")
    assert heatmap.select_one(".app-table-scroll[role=region][tabindex='0'] [role=img]")
    assert heatmap.select_one("svg") is None  # SVG text cannot wrap, so long names were cut
    skills_table = document.select("table")[0]  # the table of who has a current confirmation follows it
    departments = [text(th) for th in skills_table.select("tbody th[scope=row]")][:-1]  # not "All"
    assert texts(heatmap, ".app-heatmap__name") == departments
    assert "Ministry of Housing, Communities and Local Government" in departments
    assert texts(heatmap, ".app-heatmap__heading") == [
        f.name for f in FRAMEWORK.families if f.slug in family_skills(FRAMEWORK)
    ]
    assert not any("…" in name for name in texts(heatmap, ".app-heatmap__name, .app-heatmap__heading"))
    css = dashboards.get("/assets/app.css").get_data(as_text=True)
    assert "overflow-x: auto" in re.search(r"\.app-table-scroll \{([^}]*)\}", css).group(1)


def test_a_family_reads_a_skill_to_a_row_beside_the_groups_chosen(dashboards):
    skills = [FRAMEWORK.skills[s].name for s in family_skills(FRAMEWORK)["data"]]
    url = "/dashboards/skills?family=data&by=department"
    full = _csv(dashboards, url)
    heading, rows = full[0], {row[1]: row[2:] for row in full[1:]}
    assert heading[:3] == ["Table", "Department", "People"] and len(rows) > 5  # the download keeps every group

    chosen = ["HM Treasury", "Home Office"]
    document = page(dashboards, url + "".join(f"&show={name.replace(' ', '+')}" for name in chosen))
    table = document.select_one("table")
    assert [text(th) for th in table.select("thead th")] == ["Skill", "All", *chosen]
    assert [text(th) for th in table.select("tbody th")] == ["People", *skills]
    # Every number is the family table's own, after its disclosure control: choosing
    # columns shows what the download shows for those groups, never a number it hides.
    for tr in table.select("tbody tr"):
        name = text(tr.th)
        column = heading.index(name) - 2 if name != "People" else 0
        cells = [text(td) for td in tr.select("td")]
        assert cells == [_as_page(rows["All"][column]), *(_as_page(rows[g][column]) for g in chosen)], name
    assert texts(document, ".app-heatmap__name") == skills
    assert texts(document, ".app-heatmap__heading") == ["All", *chosen]
    download = document.select_one("a[href*='format=csv']")["href"]
    assert "family=data" in download and "show=" not in download  # every group, whatever is chosen


def _as_page(value: str) -> str:
    return f"{int(value):,}" if value.isdigit() else value


def test_without_a_choice_the_largest_groups_are_compared_and_odd_choices_are_ignored(dashboards):
    document = page(dashboards, "/dashboards/skills?family=data&by=department&show=Nowhere&show=%3Cscript%3E")
    columns = texts(document, "table thead th")[1:]
    assert columns[0] == "All" and len(columns) == 6
    assert "the 5 departments with the most people" in text(document.select_one("main"))
    by_profession = page(dashboards, "/dashboards/skills?family=data&by=profession")
    assert "every profession" in text(by_profession.select_one("main"))


# --- 5. what a level means ---------------------------------------------------------------------


def test_no_skill_has_a_meaning_of_its_own_for_a_level_and_the_pages_say_so(client):
    """The framework data the service loads has the four levels' general meanings only."""
    data = json.loads((Path(pathways.__file__).parent / "data" / "ddat_framework.json").read_text())
    assert not [key for skill in data["skills"] for key in skill if "level" in key or "descri" in key]
    skill = FRAMEWORK.skills["data-visualisation"]
    document = page(client, f"/framework/skills/{skill.slug}")
    said = text(document.select_one("main"))
    assert "this service has only the general meaning of each level, the same for every skill" in said
    link = document.find("a", string=re.compile("read the framework’s description of data visualisation"))
    assert link["href"] == skill.url
    assert [row["id"] for row in document.select(".govuk-summary-list__row[id]")] == [
        f"level-{lv.name}" for lv in FRAMEWORK.proficiency_levels
    ]

    level = page(client, "/framework/roles/data-analyst/senior-data-analyst")
    assert "In general, for any skill: applies the skill independently" in text(level.select_one("main"))
    role = page(client, "/framework/roles/data-analyst")
    assert "this service has only the general meaning of each level" in text(role.select_one("details"))


def test_the_fit_page_links_each_skill_without_promising_its_own_level_meaning(seeded, client, sign_in):
    sign_in(POLICY)
    document = page(client, "/profile/matches/senior-data-analyst")
    said = text(document.select_one("main"))
    assert not re.search(r"What (awareness|working|practitioner|expert) means", said)
    assert "this service has only the general meaning of each level" in text(document.select_one("details"))
    skill_links = [a["href"] for a in document.select("table td a")]
    assert skill_links and all(href.startswith("/framework/skills/") for href in skill_links)


def test_a_route_to_a_level_already_met_says_so_instead_of_about_0_hours(seeded, client, sign_in):
    with seeded.app_context():
        session = db.session()
        person = session.merge(person_of(seeded, POLICY))
        framework = current_framework(session)
        save_answers(session, person, framework, {skill: 4 for skill in framework.skills})
        submit_assessment(session, person)
        session.commit()
        plan = plan_pathway(FRAMEWORK, engine_profile(session, person), TARGET)
    assert plan.routes[0].total_hours == 0
    sign_in(POLICY)
    headings = texts(page(client, f"/profile/pathway?to={TARGET}"), "h2")
    assert "Route 1: no new learning" in headings
    assert not [h for h in headings if "about 0 hours" in h]
