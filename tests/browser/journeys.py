"""Steps of a browser journey that more than one journey takes, and the checks every page
passes (check_page)."""

from datetime import date
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

PASSWORD = "orange-tractor-lighthouse"  # for accounts a journey registers
DEMO_PASSWORD = "pathways-demo-2026"

_axe = Axe()


def _settles(page: Page, condition: str) -> bool:
    try:
        page.wait_for_function(condition, timeout=10_000)
    except PlaywrightTimeoutError:
        return False
    return True


def check_page(page: Page, output_path: Path, name: str) -> None:
    """Zero axe violations, GOV.UK Frontend's scripts ran under the Content-Security-Policy
    (its inline script by nonce, its module from our own origin), and a full-page screenshot."""
    # A click that navigates returns before the new page has run its scripts: wait for them.
    page.wait_for_load_state("load")
    assert _settles(page, "document.body.classList.contains('govuk-frontend-supported')"), "inline script blocked"
    assert _settles(page, "document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init')"), (
        "GOV.UK Frontend did not start"
    )
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=output_path / f"{name}.png", full_page=True)


def sign_in(page: Page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def register(page: Page, live_server: str, name: str, email: str, output_path=None) -> None:
    """Register, open the confirmation link from the mailbox and choose a name and password;
    with `output_path`, each page is checked and photographed on the way."""
    page.goto(f"{live_server}/register")
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(live_server + emailed_link(page, live_server, email, "/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish creating your account")
    if output_path is not None:
        check_page(page, output_path, "register-finish-creating-your-account")
    page.get_by_label("Full name").fill(name)
    page.get_by_role("textbox", name="Create a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")


def emailed_link(page: Page, live_server: str, email: str, kind: str) -> str:
    """The path of the newest link of this kind emailed to the address, read as an admin reads
    the local mailbox on a laptop with no Notify key (/admin/mailbox)."""
    admin = page.context.browser.new_page()
    sign_in(admin, live_server, "admin@example.gov.uk")
    admin.goto(f"{live_server}/admin/mailbox")
    card = admin.locator(".govuk-summary-card", has_text=email).filter(has=admin.locator(f"a[href*='{kind}']")).first
    href = card.locator(f"a[href*='{kind}']").first.get_attribute("href")
    admin.close()
    return "/" + href.split("://", 1)[-1].split("/", 1)[1]


def fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
