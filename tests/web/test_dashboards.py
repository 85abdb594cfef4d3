"""Leader dashboards: who may see them, that no individual ever shows, that what is shown
cannot be used to work out a small group, and that the numbers are right."""

import csv
import io
import re

import pytest
from sqlmodel import func, select

from ddat import db
from ddat.models import Person, User
from ddat.services import demo
from tests.conftest import CSRF_PATTERN
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


def signed_in(app, email: str):
    client = app.test_client()
    token = CSRF_PATTERN.search(client.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"email": email, "password": "pathways-demo-2026", "csrf_token": token})
    assert response.status_code == 302
    return client


def with_filters(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query if query else url


def csv_rows(client, url: str) -> list[list[str]]:
    response = client.get(with_filters(url, "format=csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]  # after the heading row


def test_only_leaders_hr_and_admins_see_dashboards(big):
    anonymous = big.test_client()
    for url in PAGES:
        assert anonymous.get(url).status_code == 302
    civil_servant = signed_in(big, "policy.officer@example.gov.uk")
    for url in PAGES:
        assert civil_servant.get(url).status_code == 403
    for email in ("leader@example.gov.uk", "hr@example.gov.uk", "admin@example.gov.uk"):
        client = signed_in(big, email)
        assert client.get("/dashboards/skills").status_code == 200
    assert "Dashboards" in signed_in(big, "leader@example.gov.uk").get("/framework").get_data(as_text=True)


def test_a_leader_never_sees_a_name_email_or_staff_number(big):
    with big.app_context():
        people = db.session().exec(select(Person.display_name, Person.staff_number)).all()
        emails = db.session().exec(select(User.email)).all()
    leader = signed_in(big, "leader@example.gov.uk")
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
    leader = signed_in(big, "leader@example.gov.uk")
    rows = [r for r in csv_rows(leader, with_filters(url, query)) if r[1] != "(columns)"]
    assert all(n == 0 or n >= 5 for n in shown_numbers(rows)), rows


def tables(rows: list[list[str]]) -> dict[tuple[str, str], list[str]]:
    return {(r[0], r[1]): r[2:] for r in rows if r[1] != "(columns)"}


@pytest.mark.parametrize("query", ["profession=policy", "band=AA-EO", "profession=operational_delivery&band=HEO-SEO"])
def test_a_filtered_view_cannot_be_subtracted_from_a_wider_one(big, query):
    """Comparing a view with the same view without one filter must not reveal a small group."""
    leader = signed_in(big, "leader@example.gov.uk")
    for url in ("/dashboards/skills", "/dashboards/gaps"):
        narrow = tables(csv_rows(leader, with_filters(url, query)))
        for dropped in query.split("&"):
            wider_query = "&".join(q for q in query.split("&") if q != dropped)
            wider = tables(csv_rows(leader, with_filters(url, wider_query)))
            for key, cells in narrow.items():
                for a, b in zip(cells, wider.get(key, []), strict=False):
                    if a.isdigit() and b.isdigit():
                        assert int(b) - int(a) == 0 or int(b) - int(a) >= 5, (url, query, key, a, b)


def test_the_skills_totals_are_right(big):
    with big.app_context():
        assessed = (
            db.session()
            .exec(select(func.count()).select_from(Person).where(Person.current_assessment_id.is_not(None)))
            .one()
        )
    leader = signed_in(big, "leader@example.gov.uk")
    rows = tables(csv_rows(leader, "/dashboards/skills"))
    caption = next(key[0] for key in rows)
    assert rows[(caption, "All")][0] == str(assessed)
    drill = csv_rows(leader, "/dashboards/skills?family=data")
    assert drill[0][1] == "(columns)"
    assert "People" in drill[0][2:] and "Data visualisation" in drill[0][2:]


def test_filters_that_leave_too_few_people_show_a_message(big):
    leader = signed_in(big, "leader@example.gov.uk")
    page = leader.get("/dashboards/skills?department=1&band=SCS&profession=ddat").get_data(as_text=True)
    assert "Fewer than 5 people match these filters" in page
    assert "<table" not in page


def test_odd_filters_are_ignored_not_errors(big):
    leader = signed_in(big, "leader@example.gov.uk")
    odd = ["department=abc", "department=99999999999", "since=2026-13", "until=9999-01", "by=salary"]
    odd += ["family=../../etc", "target=<script>alert(1)</script>", "profession=" + "x" * 5000]
    for query in odd:
        for url in PAGES:
            response = leader.get(with_filters(url, query))
            assert response.status_code == 200, (url, query)
            assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert leader.get("/dashboards/skills?band=%00").status_code == 200  # not a known band: ignored


def test_filters_are_kept_in_links_so_views_can_be_shared(big):
    leader = signed_in(big, "leader@example.gov.uk")
    page = leader.get("/dashboards/skills?profession=policy&by=grade").get_data(as_text=True)
    assert re.search(r'href="/dashboards/pipeline\?profession=policy"', page)
    assert 'href="/dashboards/skills?profession=policy&amp;by=grade&amp;family=data"' in page
    assert '<option value="policy" selected>' in page


def test_learning_dashboard_shows_the_masterclass_coverage(big):
    with big.app_context():
        leaders = db.session().exec(select(func.count()).select_from(Person).where(Person.grade == "PS")).one()
    page = signed_in(big, "leader@example.gov.uk").get("/dashboards/learning").get_data(as_text=True)
    assert re.search(rf"<strong>\d+ of {leaders}</strong> people it is for \(PS\)", page)
