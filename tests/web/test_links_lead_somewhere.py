"""Nobody is shown a link they cannot follow: starting from where each kind of user lands,
every link on every page they can reach opens for them (no "not allowed", no "not found")."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_scheme

# Leaving the service's pages: signing out ends the crawl's session; assets are not pages.
NOT_CRAWLED = ("/sign-out", "/assets/", "/static/", "/sso/")
MOST_PAGES = 120  # enough to reach every page type from the landing page
SAME_PAGE_TYPE = 3  # addresses visited of one kind: a few roles, a few pages of a list


def _page_type(url: str) -> str:
    """/framework/roles/data-analyst and /schemes/4/members?page=2 are one kind of page each."""
    path = urlsplit(url).path
    return re.sub(r"/framework/(\w+)/.*", r"/framework/\1/*", re.sub(r"\d+", "N", path))


LANDINGS = {
    "leader@example.gov.uk": "/dashboards",
    "policy.officer@example.gov.uk": "/home",
    "hr@example.gov.uk": "/schemes",
}


def _links(html: str, here: str) -> list[str]:
    found = []
    for anchor in BeautifulSoup(html, "html.parser").select("a[href]"):
        url = urljoin(here, anchor["href"])
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
            continue  # other sites (the official framework, the licence)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(NOT_CRAWLED) and "#" not in anchor["href"][:1]:
            found.append(path)
    return found


@pytest.mark.parametrize("email", list(LANDINGS))
def test_every_link_a_user_is_shown_opens_for_them(seeded, client, sign_in, email):
    make_scheme(seeded)
    sign_in(email)
    queue, seen, variants, broken = deque([LANDINGS[email]]), set(), {}, []
    while queue and len(seen) < MOST_PAGES:
        url = queue.popleft()
        path = _page_type(url)
        if url in seen or variants.get(path, 0) >= SAME_PAGE_TYPE:
            continue
        seen.add(url)
        variants[path] = variants.get(path, 0) + 1
        response = client.get(url, follow_redirects=True)
        if response.status_code >= 400:
            broken.append((url, response.status_code, response.request.headers.get("Referer")))
            continue
        if response.mimetype == "text/html":
            queue.extend(link for link in _links(response.get_data(as_text=True), url) if link not in seen)
    assert broken == [], f"{email} is shown links that do not open"
    assert len(seen) > 20  # the crawl really went round the service
