"""Leader dashboards: who may see them, that no individual ever shows, that what is shown
cannot be used to work out a small group, and that the numbers are right."""

import csv
import html
import io
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from ddat import db, demo
from ddat.models import Person, User
from ddat.viewmodels import dashboards
from ddat.viewmodels.dashboard_filters import Filters
from ddat.viewmodels.dashboards import _month_name, protect_exact
from pathways.disclosure import Hidden, rounded
from tests.client import signed_in_as
from tests.support import fresh_app

PAGES = [
    "/dashboards",
    "/dashboards/skills",
    "/dashboards/skills?by=grade",
    "/dashboards/skills?family=data&by=profession",
    "/dashboards/gaps",
    "/dashboards/gaps?target=data-architect&by=grade",
    "/dashboards/pipeline",
    "/dashboards/learning",
]
FILTERS = ["", "profession=policy", "band=AA-EO", "department=1&band=SCS", "since=2026-01&until=2026-12"]


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    app = fresh_app(tmp_path_factory.mktemp("dash") / "dash.db")
    with app.app_context():
        demo.seed(db.session(), people=400, seed=3)
    return app


def with_filters(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query if query else url


def csv_file(client, url: str) -> list[list[str]]:
    response = client.get(with_filters(url, "format=csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def csv_rows(client, url: str) -> list[list[str]]:
    """The rows of every table in a CSV download, without each table's heading row."""
    return [row for row in csv_file(client, url) if row[0] != "Table"]


def test_only_leaders_hr_and_admins_see_dashboards(big):
    anonymous = big.test_client()
    for url in PAGES:
        assert anonymous.get(url).status_code == 302
    civil_servant = signed_in_as(big.test_client(), "policy.officer@example.gov.uk")
    for url in PAGES:
        assert civil_servant.get(url).status_code == 403
    for email in ("leader@example.gov.uk", "hr@example.gov.uk", "admin@example.gov.uk"):
        client = signed_in_as(big.test_client(), email)
        assert client.get("/dashboards/skills").status_code == 200
    assert "Dashboards" in signed_in_as(big.test_client(), "leader@example.gov.uk").get("/framework").get_data(
        as_text=True
    )


def test_a_leader_never_sees_a_name_email_or_staff_number(big):
    with big.app_context():
        people = db.session().exec(select(Person.display_name, Person.staff_number)).all()
        emails = db.session().exec(select(User.email)).all()
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    for url in PAGES:
        for query in FILTERS:
            pages = [leader.get(with_filters(url, query)).get_data(as_text=True)]
            if url != "/dashboards":
                pages.append(leader.get(with_filters(url, query + "&format=csv")).get_data(as_text=True))
            for text in pages:
                for name, number in people:
                    assert f">{name}<" not in text and f",{name}," not in text, (url, query, name)
                    assert number not in text, (url, query, number)
                for email in emails:
                    assert email not in text, (url, query, email)


def shown_numbers(rows: list[list[str]]) -> list[int]:
    return [int(cell) for row in rows for cell in row[2:] if cell.isdigit()]


@pytest.mark.parametrize("url", [p for p in PAGES if p != "/dashboards"])
@pytest.mark.parametrize("query", FILTERS)
def test_no_shown_number_is_a_small_group(big, url, query):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    rows = csv_rows(leader, with_filters(url, query))
    assert all(n == 0 or n >= 5 for n in shown_numbers(rows)), rows


def tables(rows: list[list[str]]) -> dict[tuple[str, str], list[str]]:
    return {(r[0], r[1]): r[2:] for r in rows}


@given(st.data())
def test_a_filtered_view_cannot_be_subtracted_from_a_wider_one(data):
    """Before rounding, a filtered view and the same view without the filter never differ by a
    small number in any shown cell or total (rounding then blurs every difference further)."""
    groups = data.draw(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6, unique=True))
    wider = {g: data.draw(base_row(4)) for g in groups}
    narrow = {g: [data.draw(st.integers(0, c)) for c in row] for g, row in wider.items()}
    narrow = {g: [row[0], *[min(c, row[0]) for c in row[1:]]] for g, row in narrow.items()}

    def count(filters):
        return narrow if filters.profession else wider

    shown_narrow, total_narrow = protect_exact(count, Filters(profession="policy"), "base")
    shown_wider, total_wider = protect_exact(count, Filters(), "base")
    pairs = [(shown_narrow[g], shown_wider[g]) for g in groups] + [(total_narrow, total_wider)]
    for narrow_row, wider_row in pairs:
        for a, b in zip(narrow_row, wider_row, strict=True):
            if a is not None and b is not None:
                assert b - a == 0 or b - a >= 5


def base_row(width: int):
    return st.integers(0, 30).flatmap(
        lambda base: st.lists(st.integers(0, base), min_size=width - 1, max_size=width - 1).map(lambda r: [base, *r])
    )


def test_shown_numbers_are_rounded_to_fives(big):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    for url in ("/dashboards/skills", "/dashboards/gaps", "/dashboards/learning"):
        assert all(n % 5 == 0 for n in shown_numbers(csv_rows(leader, url)[1:]))


def test_every_group_is_listed_whatever_the_filters(big):
    """Which rows appear must not say who is in a small group."""
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    for department in (1, 2, 3):
        rows = csv_rows(leader, f"/dashboards/skills?by=grade&department={department}")
        rows = [r for r in rows if r[0] == rows[0][0]]  # the skills table; who has a confirmation follows it
        from ddat.vocabulary import GRADE_NAMES

        # Every grade, in words, in order; or, when every number is hidden, none but the total, as on the page.
        assert [r[1] for r in rows[:-1]] in (list(GRADE_NAMES.values()), []), rows
        learning = csv_rows(leader, f"/dashboards/learning?department={department}")
        assert sum(1 for r in learning if r[0] == "Completions by month") >= 1
        ps_row = next(r for r in learning if r[1] == "Data masterclass for permanent secretaries")
        assert set(ps_row[2:]) == {"[c]"}  # one permanent secretary: the row is hidden whole


def test_the_skills_totals_are_right(big):
    with big.app_context():
        assessed = (
            db.session()
            .exec(select(func.count()).select_from(Person).where(Person.current_assessment_id.is_not(None)))
            .one()
        )
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    rows = tables(csv_rows(leader, "/dashboards/skills"))
    caption = next(key[0] for key in rows)
    assert rows[(caption, "All")][0] == str(rounded(assessed))  # rounded to the nearest 5
    drill = csv_file(leader, "/dashboards/skills?family=data")
    assert drill[0][:2] == ["Table", "Department"]
    assert "People" in drill[0][2:] and "Data visualisation" in drill[0][2:]


def test_filters_that_leave_too_few_people_show_a_message(big):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    page = leader.get("/dashboards/skills?department=1&band=SCS&profession=ddat").get_data(as_text=True)
    assert "Fewer than 5 people match these filters" in page
    assert "<table" not in page


def test_odd_filters_are_ignored_not_errors(big):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    odd = ["department=abc", "department=99999999999", "since=2026-13", "until=9999-01", "by=salary"]
    odd += ["family=../../etc", "target=<script>alert(1)</script>", "profession=" + "x" * 5000]
    for query in odd:
        for url in PAGES:
            response = leader.get(with_filters(url, query))
            assert response.status_code == 200, (url, query)
            assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert leader.get("/dashboards/skills?band=%00").status_code == 200  # not a known band: ignored


def test_filters_are_kept_in_links_so_views_can_be_shared(big):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    page = leader.get("/dashboards/skills?profession=policy&by=grade").get_data(as_text=True)
    assert re.search(r'href="/dashboards/pipeline\?profession=policy"', page)
    assert 'href="/dashboards/skills?profession=policy&amp;by=grade&amp;family=data"' in page
    assert '<option value="policy" selected>' in page


def test_learning_dashboard_shows_the_masterclass_coverage(big):
    with big.app_context():
        leaders = db.session().exec(select(func.count()).select_from(Person).where(Person.grade == "PS")).one()
    page = signed_in_as(big.test_client(), "leader@example.gov.uk").get("/dashboards/learning").get_data(as_text=True)
    assert re.search(rf"<strong>\d+ of {rounded(leaders)}</strong> people it is for \(Permanent Secretary\)", page)


def test_moving_grade_shows_on_the_dashboard_at_once(seeded, client, sign_in, submit):
    """The cached matrix holds grades too, so changing one's grade must refresh it."""
    from ddat.caches.population import current_population
    from ddat.services.framework import current_framework

    with seeded.app_context():
        before = current_population(db.session(), current_framework(db.session()))
    sign_in("policy.officer@example.gov.uk")
    page = client.get("/profile/about").get_data(as_text=True)
    department = re.search(r'<option value="(\d+)" selected', page).group(1)
    submit("/profile/about", {"department": department, "profession": "policy", "grade": "SEO"})
    with seeded.app_context():
        after = current_population(db.session(), current_framework(db.session()))
        person = db.session().exec(select(Person).where(Person.display_name == "Priya Policy")).one()
    row = int(np.searchsorted(after.person_ids, person.id))
    assert after is not before and after.grade_names[after.grades[row]] == "SEO"


@pytest.mark.parametrize("grades", [None, ("PS",), ("AA", "AO", "EO")])
def test_cached_headcounts_count_what_sql_counts(big, grades):
    """Audiences and filtered populations come from cached headcounts: the same as a count."""
    from ddat.caches.population import headcounts
    from ddat.services.framework import current_framework
    from ddat.viewmodels.dashboard_filters import grade_bands, people_in, person_conditions

    with big.app_context():
        session = db.session()
        framework = current_framework(session)
        counts = headcounts(session)
        for department in (None, 1, 2):
            for profession in (None, "policy", "ddat"):
                for band in (None, *grade_bands(framework)):
                    filters = Filters(department=department, profession=profession, band=band)
                    condition = person_conditions(filters, framework)
                    if grades:
                        condition = condition & Person.grade.in_(grades)
                    expected = session.exec(select(func.count()).select_from(Person).where(condition)).one()
                    assert people_in(counts, filters, framework, grades) == expected, filters


def test_headcounts_follow_a_change_of_grade(seeded, client, sign_in, submit):
    from ddat.caches.population import headcounts

    with seeded.app_context():
        before = sum(n for (_, _, grade), n in headcounts(db.session()).items() if grade == "SEO")
    sign_in("policy.officer@example.gov.uk")
    page = client.get("/profile/about").get_data(as_text=True)
    department = re.search(r'<option value="(\d+)" selected', page).group(1)
    submit("/profile/about", {"department": department, "profession": "policy", "grade": "SEO"})
    with seeded.app_context():
        after = sum(n for (_, _, grade), n in headcounts(db.session()).items() if grade == "SEO")
    assert after == before + 1


TRUTH_PAGES = [
    "/dashboards/skills",
    "/dashboards/skills?family=data&by=grade",
    "/dashboards/gaps",
    "/dashboards/gaps?target=data-architect&by=grade",
    "/dashboards/pipeline",
    "/dashboards/learning",
]


def true_counts(monkeypatch) -> list[dict[str, list[int]]]:
    """The exact rows behind each table a page draws, in the order it draws them."""
    seen = []
    protect = dashboards.protect

    def recording(count, filters, mode, zeros_hidden=False):
        seen.append(count(filters))
        return protect(count, filters, mode, zeros_hidden)

    monkeypatch.setattr(dashboards, "protect", recording)
    return seen


def check_cell(cell: str, true: int, where) -> None:
    if cell.isdigit():
        assert int(cell) == rounded(true), where  # a shown count is the true count, rounded
    elif cell == "fewer than 5":
        assert 1 <= true <= 4, where  # never for a number hidden for another reason
    else:
        assert cell == "[c]", where


@pytest.mark.parametrize("url", TRUTH_PAGES)
@pytest.mark.parametrize(
    "query", ["", "profession=policy", "band=AA-EO", "department=1", "since=2026-01&until=2026-12"]
)
def test_every_number_and_label_a_leader_sees_is_true(big, monkeypatch, url, query):
    """Capability gaps once showed an "All" row of 515 people "ready now: fewer than 5 ...
    stretch: fewer than 5" when the rows above added up to hundreds."""
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    seen = true_counts(monkeypatch)
    rows = csv_rows(leader, with_filters(url, query))
    captions = list(dict.fromkeys(r[0] for r in rows))
    seen = [truth for truth in seen if truth]  # a table with no rows has only its heading row
    assert len(captions) == len(seen)
    for caption, truth in zip(captions, seen, strict=True):
        if caption.startswith("Commonest gaps"):
            continue  # its rows are the columns of one total, checked by the total row elsewhere
        table = [r for r in rows if r[0] == caption]
        named = {_month_name(k) if re.fullmatch(r"\d{4}-\d\d", k) else k: v for k, v in truth.items()}
        sums = [sum(column) for column in zip(*truth.values(), strict=True)]
        totals = next((row[2:] for row in table if row[1] in ("All", "All items")), None)
        for row in table:
            if totals and row[1] not in ("All", "All items"):
                for column, (cell, total) in enumerate(zip(row[2:], totals, strict=True)):
                    # "fewer than 5" says at least 1: set against a shown total, it can pin cells.
                    assert not (cell == "fewer than 5" and total.isdigit()), (url, query, caption, row[1], column)
            if row[1] in ("All", "All items"):
                true_row = sums
            else:
                true_row = named[row[1]]
            for column, (cell, true) in enumerate(zip(row[2:], true_row, strict=True)):
                if row[1] == "All items" and column == 0:
                    assert cell == "[z]"  # audiences of different items do not add up
                    continue
                check_cell(cell, true, (url, query, caption, row[1], column, true))


def test_the_learning_total_does_not_add_up_audiences_of_different_items(big):
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    rows = tables(csv_rows(leader, "/dashboards/learning"))
    caption = "Learning uptake among the people each item is for"
    assert (caption, "All") not in rows
    assert rows[(caption, "All items")][0] == "[z]"
    page = leader.get("/dashboards/learning").get_data(as_text=True)
    assert "<dt>[z]</dt><dd>Not applicable.</dd>" in page


@pytest.mark.parametrize("url", [*PAGES, "/masterclasses/data-masterclass-for-permanent-secretaries/uptake"])
def test_a_chart_is_drawn_only_when_it_has_a_number_to_show(big, url):
    """The learning dashboard once drew a "chart" of eight "[c]" values in large type, above the
    heading of the table it stood for."""
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    page = leader.get(url).get_data(as_text=True)
    for chart in re.findall(r'<svg role="img".*?</svg>', page, flags=re.S):
        assert "<rect" in chart, (url, chart[:200])


def test_a_chart_with_nothing_to_show_says_so_instead(big):
    with big.test_request_context():
        template = big.jinja_env.from_string(
            '{% from "components/bar_chart.html" import bar_chart %}{{ bar_chart("m", "Completions by month", bars) }}'
        )
        hidden = template.render(bars=[("May 2026", Hidden.PROTECTED), ("Jun 2026", Hidden.SMALL)])
        some = template.render(bars=[("May 2026", 10), ("Jun 2026", Hidden.PROTECTED)])
    assert "<svg" not in hidden
    assert "There is no chart of completions by month: none of its numbers can be shown" in hidden
    assert "<svg" in some and some.count("<rect") == 1


def test_a_table_with_every_number_hidden_does_not_say_its_totals_are_shown(big):
    months = [("May 2026", [Hidden.PROTECTED]), ("Jun 2026", [Hidden.PROTECTED])]
    with big.test_request_context():
        template = big.jinja_env.from_string('{% from "dashboards/_parts.html" import data_table %}{{ data_table(t) }}')
        none = template.render(
            t=dashboards.Table("Completions by month", "Month", ["Completed"], months, [Hidden.PROTECTED])
        )
        total = template.render(t=dashboards.Table("Completions by month", "Month", ["Completed"], months, [10]))
    assert "so they are not shown" in none and "only the totals are shown" not in none
    assert "so only the totals are shown" in total
    # The download holds what the page shows: the total alone, not a row of [c] per month.
    table = dashboards.Table("Completions by month", "Month", ["Completed"], months, [10])
    assert table.csv_rows() == [["Completions by month", "All", 10]]
    one_shown = dashboards.Table("Completions by month", "Month", ["Completed"], [*months, ("Jul 2026", [10])], [20])
    assert [row[1] for row in one_shown.csv_rows()] == ["May 2026", "Jun 2026", "Jul 2026", "All"]


@pytest.mark.parametrize("url", [p for p in PAGES if p != "/dashboards"])
def test_each_table_in_a_csv_has_the_headings_it_has_on_the_page(big, url):
    """Dashboard downloads once headed every column "Column 1", "Column 2" and so on."""
    leader = signed_in_as(big.test_client(), "leader@example.gov.uk")
    page = leader.get(url).get_data(as_text=True)
    lines = csv_file(leader, url)
    headings = [i for i, row in enumerate(lines) if row[0] == "Table"]
    assert headings and headings[0] == 0, lines[:2]
    for start, end in zip(headings, [*headings[1:], len(lines)], strict=True):
        heading, rows = lines[start], lines[start + 1 : end]
        assert len({row[0] for row in rows}) <= 1, "one table under each heading row"
        assert all(len(row) == len(heading) for row in rows), (heading, rows)
        for name in heading[1:] if rows else []:  # a table with no rows is a sentence on the page
            assert f">{html.escape(name, quote=False)}<" in page or f">{html.escape(name)}</a>" in page, name
        assert not any(re.fullmatch(r"Column \d+", name) for name in heading)
