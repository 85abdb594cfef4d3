"""page(), the helper tests read the service's pages with, fails when a page is not what it
should be: a wrong status, a title without the service's name, an error summary not asked for."""

import pytest
from flask import Flask

from tests.pages import page, page_of, text, texts

SUFFIX = "– DDaT Pathways – GOV.UK"
SUMMARY = '<div class="govuk-error-summary"><h2>There is a problem</h2><a href="#name">Enter a name</a></div>'


def html(title: str, body: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>Heading</h1>{body}</body></html>"


@pytest.fixture
def canned():
    """A client of an app whose pages are given: canned.pages[url] = (html, status[, headers])."""
    app = Flask(__name__)
    pages: dict[str, tuple[int, str]] = {}

    @app.get("/<path:url>")
    def show(url):
        return pages["/" + url]

    client = app.test_client()
    client.pages = pages
    return client


def test_a_good_page_is_parsed_for_selectors(canned):
    items = '<ul><li class="x">One</li><li class="x"> Two\n</li></ul>'
    canned.pages["/good"] = (html(f"\n  Skills {SUFFIX}\n", items), 200)
    document = page(canned, "/good")
    assert text(document.select_one("h1")) == "Heading"
    assert texts(document, "li.x") == ["One", "Two"]


def test_a_wrong_status_fails(canned):
    canned.pages["/missing"] = (html(f"Page not found {SUFFIX}"), 404)
    with pytest.raises(AssertionError, match="/missing returned 404, not 200"):
        page(canned, "/missing")
    page(canned, "/missing", status=404)  # when it is the status expected


@pytest.mark.parametrize("title", ["Skills – GOV.UK", "Skills – DDaT Pathways", "", f"{SUFFIX} and more"])
def test_a_title_without_the_service_name_at_its_end_fails(canned, title):
    canned.pages["/badly-titled"] = (html(title), 200)
    with pytest.raises(AssertionError, match="has the title"):
        page(canned, "/badly-titled")


def test_a_page_without_a_title_fails(canned):
    canned.pages["/untitled"] = ("<html><body><h1>Heading</h1></body></html>", 200)
    with pytest.raises(AssertionError, match="has the title ''"):
        page(canned, "/untitled")


def test_an_error_summary_fails_unless_expected(canned):
    canned.pages["/form"] = (html(f"Error: Name {SUFFIX}", SUMMARY), 200)
    with pytest.raises(AssertionError, match="shows an error summary: 'There is a problem Enter a name'"):
        page(canned, "/form")
    document = page(canned, "/form", errors=True)
    assert texts(document, ".govuk-error-summary a") == ["Enter a name"]


def test_an_expected_error_summary_must_be_there_and_in_the_title(canned):
    canned.pages["/no-errors"] = (html(f"Name {SUFFIX}"), 200)
    with pytest.raises(AssertionError, match="shows no error summary"):
        page(canned, "/no-errors", errors=True)
    canned.pages["/untold"] = (html(f"Name {SUFFIX}", SUMMARY), 200)
    with pytest.raises(AssertionError, match="does not say so"):
        page(canned, "/untold", errors=True)


def test_a_response_that_is_not_html_fails(canned):
    canned.pages["/data.csv"] = ("a,b\n", 200, {"Content-Type": "text/csv"})
    with pytest.raises(AssertionError, match="is text/csv, not HTML"):
        page(canned, "/data.csv")


def test_the_services_own_pages_pass(seeded, client, submit):
    document = page(client, "/framework")
    assert text(document.select_one("h1"))
    page(client, "/no-such-page", status=404)
    refused = submit("/sign-in", {"email": "nobody@example.gov.uk", "password": "whatever-it-is"})
    document = page_of(refused, "/sign-in", errors=True)
    assert "Enter a correct email address and password" in texts(document, ".govuk-error-summary a")
