import re

import pytest
from bs4 import BeautifulSoup

from tests.pages import page, text, texts


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page has no h1"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_framework_home_lists_every_family_with_counts(client):
    document = page(client, "/framework")
    assert text(document.select_one("h1")) == "Explore the DDaT Capability Framework"
    for family in ["Architecture", "Data", "IT operations", "User-centred design", "Chief digital and data"]:
        assert family in texts(document, "h2")
    assert "The framework has 8 role families, 52 roles, 201 role levels and 188 skills." in texts(document, "p")
    assert document.select_one('a[href="/framework/roles/data-analyst"]') is not None


@pytest.mark.parametrize(
    "role, heading, first_level",
    [
        ("data-analyst", "Data analyst", "Associate data analyst"),
        ("content-designer", "Content designer", "Associate content designer"),
        ("delivery-manager", "Delivery manager", "Associate delivery manager"),
    ],
)
def test_role_page_lists_levels_in_order_with_skills(client, role, heading, first_level):
    document = page(client, f"/framework/roles/{role}")
    assert text(document.select_one("h1")) == heading
    assert f"1. {first_level}" in texts(document, "h2")
    assert "Proficiency" in texts(document, "th")


def test_role_page_shows_indicative_grade_when_known(get_page):
    html = get_page("/framework/roles/data-analyst")
    assert "Indicative grade: Executive Officer (EO) or Higher Executive Officer (HEO) (from the framework)" in html


def test_senior_civil_service_role_lists_skills_without_levels(get_page):
    html = get_page("/framework/roles/chief-data-officer")
    assert h1(html) == "Chief data officer"
    assert "Senior Civil Service role" in html
    assert "Levels in this role" not in html


def test_level_page_shows_skills_neighbours_and_similar_roles(client):
    document = page(client, "/framework/roles/data-analyst/data-analyst")
    assert text(document.select_one("h1")) == "Data analyst"
    assert texts(document, ".govuk-pagination__prev") == ["Previous level : Associate data analyst"]
    assert texts(document, ".govuk-pagination__next") == ["Next level : Senior data analyst"]
    assert text(document.select_one("#similar-heading")) == "Roles with similar skills"
    similar = texts(document, "#similar-heading + ul > li")
    assert len(similar) == 5 and all(re.search(r"\(\d+% overlap\)", role) for role in similar)


def test_first_level_has_no_previous_link(get_page):
    html = get_page("/framework/roles/data-analyst/associate-data-analyst")
    assert "Previous level" not in html
    assert "Next level" in html


def test_level_under_the_wrong_role_is_not_found(client):
    document = page(client, "/framework/roles/content-designer/senior-data-analyst", status=404)
    assert text(document.select_one("h1")) == "Page not found"


@pytest.mark.parametrize(
    "skill, heading", [("user-focus", "User focus"), ("data-analysis-and-synthesis", "Data analysis and synthesis")]
)
def test_skill_page_explains_levels_and_lists_role_levels(get_page, skill, heading):
    html = get_page(f"/framework/skills/{skill}")
    assert h1(html) == heading
    for level in ["Awareness", "Working", "Practitioner", "Expert"]:
        assert f">{level}</dt>" in html
    assert "Role levels that need this skill" in html
    assert "/framework/roles/" in html


def test_skills_a_to_z_lists_all_skills(get_page):
    html = get_page("/framework/skills")
    assert h1(html) == "Skills A to Z"
    assert len(re.findall(r'href="/framework/skills/[^"]+"', html)) == 188
    assert 'href="#letter-A"' in html


def test_search_finds_roles_levels_and_skills(get_page):
    html = get_page("/framework/search?q=D%C3%A1ta+anal")
    assert 'href="/framework/roles/data-analyst"' in html
    assert 'href="/framework/roles/data-analyst/senior-data-analyst"' in html
    assert 'href="/framework/skills/data-analysis-and-synthesis"' in html
    assert "results for ‘Dáta anal’" in html


def _results(html: str) -> list:
    return BeautifulSoup(html, "html.parser").select("main ul.govuk-list--spaced li a.govuk-link")


def _result_names(html: str) -> list[str]:
    return [a.get_text(strip=True) for a in _results(html)]


def test_short_abbreviations_match_whole_words_only(get_page):
    names = _result_names(get_page("/framework/search?q=ai"))
    assert names, "AI is in the framework's summaries"
    assert not [n for n in names if "availab" in n.lower() or "trainee" in n.lower()], names


@pytest.mark.parametrize(
    "query, finds",
    [
        ("scrum", "Agile working"),
        ("scrum", "Delivery manager"),
        ("ux", "Senior user researcher"),
        ("ux", "Interaction designer"),
        ("ux", "Service designer"),
        ("ur", "Head of user research"),
        ("ba", "Junior business analyst"),
        ("devops", "DevOps engineer"),
        ("ml", "Machine learning engineer"),
    ],
)
def test_common_abbreviations_and_methods_find_what_the_framework_calls_them(get_page, query, finds):
    assert finds in _result_names(get_page(f"/framework/search?q={query}"))


def test_results_are_grouped_and_paged_beyond_the_first_fifty(get_page):
    first = BeautifulSoup(get_page("/framework/search?q=data"), "html.parser")
    headings = [h.get_text(strip=True) for h in first.select("main h3")]
    assert headings[0] == "Roles" and headings == sorted(headings, key=["Roles", "Role levels", "Skills"].index)
    total = int(first.select_one("#results-heading").get_text().split()[0])
    assert total > 50, "enough results for a second page"
    first_page = [a["href"] for a in _results(str(first))]
    assert len(first_page) == 50
    second = get_page("/framework/search?q=data&page=2")
    second_page = [a["href"] for a in _results(second)]
    assert second_page and not set(second_page) & set(first_page)
    assert f"Showing 51 to {min(total, 100)}" in second
    assert 'href="/framework/search?q=data&amp;page=1"' in second


def test_search_without_query_and_without_results(get_page):
    assert "Search for a role, role level or skill" in get_page("/framework/search")
    assert "No results for ‘xyzzy’" in get_page("/framework/search?q=xyzzy")


def test_over_long_or_odd_queries_still_give_a_normal_page(get_page):
    html = get_page("/framework/search?q=" + "a" * 5000)
    assert "Search must be 200 characters or fewer" in html
    assert "<title>Error: " in html
    get_page("/framework/search?q=%00%ff%3Cscript%3E&q=second&unexpected=1")
    get_page("/framework/roles/data-analyst?" + "x=1&" * 200)


def test_compare_shows_groups_of_skills(get_page):
    html = get_page("/framework/compare?from=data-analyst&to=senior-data-analyst")
    assert h1(html) == "Data analyst to Senior data analyst"
    for section in ["New skills", "Higher proficiency", "Same proficiency", "Lower proficiency", "No longer needed"]:
        assert section in html


def test_compare_without_choices_shows_the_form(get_page):
    html = get_page("/framework/compare")
    assert h1(html) == "Compare two role levels"
    assert "There is a problem" not in html


def test_compare_with_bad_choices_explains_what_to_fix_and_keeps_input(get_page):
    html = get_page("/framework/compare?from=data-analyst&to=not-a-level")
    assert "There is a problem" in html
    assert "Select a role level from the list" in html
    assert 'value="data-analyst" selected' in html
    same = get_page("/framework/compare?from=data-analyst&to=data-analyst")
    assert "Select a different role level to compare with" in same


@pytest.mark.parametrize("url", ["/framework/roles/astronaut", "/framework/skills/juggling", "/framework/nowhere"])
def test_unknown_pages_are_gov_uk_404s(get_page, url):
    html = get_page(url, status=404)
    assert h1(html) == "Page not found"
    assert "Traceback" not in html


def test_healthz_reports_database_and_framework_version(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["framework_version"].startswith("2026-11-22+")


def test_every_page_has_the_service_chrome(get_page):
    html = get_page("/framework/skills")
    assert "DDaT Pathways" in html
    assert "govuk-phase-banner" in html
    assert "Open Government Licence v3.0" in html
    assert '<link rel="stylesheet" href="/assets/govuk-frontend.min.css">' in html
