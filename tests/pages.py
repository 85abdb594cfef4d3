"""Reading the service's pages in a test: page() fetches one and checks what every page of the
service has, and gives back the parsed document to find elements in by CSS selector."""

import re

from bs4 import BeautifulSoup, Tag

SERVICE_SUFFIX = "– DDaT Pathways – GOV.UK"
ERROR_SUMMARY = ".govuk-error-summary"


def page(client, url: str, status: int = 200, *, errors: bool = False) -> BeautifulSoup:
    """GET url with the test client and check it is a whole page of the service: the status
    (200 unless told), HTML, a <title> ending with the service's name, and an error summary
    only when errors=True (then the title starts "Error: ", as GOV.UK asks). Returns the
    parsed document, for document.select("css selector")."""
    return page_of(client.get(url), url, status=status, errors=errors)


def page_of(response, where: str, status: int = 200, *, errors: bool = False) -> BeautifulSoup:
    """The same checks as page(), for a response the test already has (a form sent, say)."""
    assert response.status_code == status, f"{where} returned {response.status_code}, not {status}"
    assert response.mimetype == "text/html", f"{where} is {response.mimetype}, not HTML"
    document = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    title = text(document.title) if document.title else ""
    assert title.endswith(SERVICE_SUFFIX), f"{where} has the title {title!r}, not one ending {SERVICE_SUFFIX!r}"
    summary = document.select_one(ERROR_SUMMARY)
    if errors:
        assert summary is not None, f"{where} shows no error summary"
        assert title.startswith("Error: "), f"{where} shows errors but its title {title!r} does not say so"
        assert not title.startswith("Error: Error:"), f"{where} says Error twice in its title {title!r}"
    else:
        assert summary is None, f"{where} shows an error summary: {text(summary)!r}"
    return document


def text(element: Tag) -> str:
    """An element's text as a person reads it: its words, single-spaced."""
    return " ".join(element.get_text(" ").split())


def texts(document: BeautifulSoup | Tag, selector: str) -> list[str]:
    """The text of every element the CSS selector finds, in page order."""
    return [text(element) for element in document.select(selector)]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
