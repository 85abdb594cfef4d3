"""Every page type, as each kind of user sees it, fits a 375 px phone: the page never scrolls
sideways (wide tables scroll inside their own box), and axe finds nothing at that width."""

import re

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.journeys import check_page, sign_in

PHONE = {"width": 375, "height": 800}
MASTERCLASS = "/masterclasses/data-masterclass-for-permanent-secretaries"

PUBLIC_PAGES = [
    "/",
    "/framework",
    "/framework/roles/data-analyst",
    "/framework/roles/data-analyst/senior-data-analyst",
    "/framework/skills",
    "/framework/skills/data-visualisation",
    "/framework/search?q=data",
    "/framework/compare?from=data-analyst&to=senior-data-analyst",
    "/masterclasses",
    MASTERCLASS,
    "/accessibility",
    "/privacy",
    "/cookies",
    "/status",
    "/sign-in",
    "/register",
    "/forgot-password",
]
PAGES_BY_ROLE = {
    "policy.officer@example.gov.uk": [
        "/profile",
        "/profile/about",
        "/profile/experience",
        "/profile/skills/1",
        "/profile/check",
        "/profile/matches",
        "/profile/matches/senior-data-analyst",
        "/profile/pathway?to=chief-data-officer",
        "/profile/data",
        "/profile/line-manager",
        "/profile/confirmation",
        "/masterclasses/mine",
        "/schemes/my-applications",
        "/account",
    ],
    "hr@example.gov.uk": [
        "/schemes",
        "{scheme}",
        "{scheme}/candidates",
        "{scheme}/members",
        "{scheme}/dashboard",
        "{scheme}/edit",
        f"{MASTERCLASS}/uptake",
        "{session}",
        "/people/line-managers",
    ],
    "line.manager@example.gov.uk": ["/team", "/team/skills?level=data-analyst"],
    "leader@example.gov.uk": [
        "/dashboards",
        "/dashboards/skills",
        "/dashboards/skills?family=data",
        "/dashboards/gaps",
        "/dashboards/pipeline",
        "/dashboards/learning",
    ],
    "admin@example.gov.uk": ["/admin/audit", "/admin/mailbox"],
}


def _first_link(page: Page, url: str, pattern: str) -> str:
    page.goto(url)
    for href in page.locator("main a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if href and re.fullmatch(pattern, href):
            return href
    raise AssertionError(f"no link like {pattern} on {url}")


def _fits_the_phone(page: Page, live_server: str, path: str, output_path, name: str) -> None:
    page.goto(live_server + path)
    check_page(page, output_path, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide on a {PHONE['width']} px phone"


def test_public_pages_fit_a_phone(browser: Browser, live_server: str, output_path):
    page = browser.new_page(viewport=PHONE)
    for n, path in enumerate(PUBLIC_PAGES):
        _fits_the_phone(page, live_server, path, output_path, f"phone-public-{n}")


@pytest.mark.parametrize("email", list(PAGES_BY_ROLE))
def test_every_page_type_fits_a_phone_for_each_role(browser: Browser, live_server: str, output_path, email):
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server, email)
    known = {}
    if email.startswith("hr@"):
        known["scheme"] = _first_link(page, f"{live_server}/schemes", r"/schemes/\d+")
        known["session"] = _first_link(page, live_server + MASTERCLASS, r"/masterclasses/[\w-]+/sessions/\d+")
    who = email.split("@")[0].replace(".", "-")
    for n, path in enumerate(PAGES_BY_ROLE[email]):
        _fits_the_phone(page, live_server, path.format(**known), output_path, f"phone-{who}-{n}")
