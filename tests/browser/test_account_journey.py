"""Someone who fears their password is known changes it, and the other browser signed in
with it is signed out; then they sign out of every device."""

from playwright.sync_api import Browser, expect

from tests.browser.journeys import PASSWORD, check_page, register

FIRST = PASSWORD
SECOND = "second-password-orchard"


def test_changing_a_password_signs_out_the_other_browser(browser: Browser, live_server: str, output_path):
    here = browser.new_context().new_page()
    register(here, live_server, "Ash Account", "ash.account@example.gov.uk")
    elsewhere = browser.new_context().new_page()
    elsewhere.goto(f"{live_server}/sign-in")
    elsewhere.get_by_label("Email address").fill("ash.account@example.gov.uk")
    elsewhere.get_by_role("textbox", name="Password").fill(FIRST)
    elsewhere.get_by_role("button", name="Sign in", exact=True).click()
    elsewhere.goto(f"{live_server}/account")
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Your account")

    here.goto(f"{live_server}/profile")
    here.get_by_role("link", name="Change your password or sign out of every device").click()
    check_page(here, output_path, "account-1-your-account")
    here.get_by_role("link", name="Change password").click()
    here.get_by_label("Current password").fill("not-the-password")
    here.get_by_label("New password").fill(SECOND)
    here.get_by_role("button", name="Change password").click()
    expect(here.locator(".govuk-error-summary")).to_contain_text("Your current password is not correct")
    check_page(here, output_path, "account-2-password-error")
    here.get_by_label("Current password").fill(FIRST)
    here.get_by_label("New password").fill(SECOND)
    here.get_by_role("button", name="Change password").click()
    expect(here.locator(".govuk-notification-banner")).to_contain_text("Your password has been changed")
    check_page(here, output_path, "account-3-password-changed")

    elsewhere.reload()
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")

    here.get_by_role("button", name="Sign out of every other device").click()
    expect(here.locator(".govuk-notification-banner")).to_contain_text("signed out on every other device")
    here.goto(f"{live_server}/profile")
    expect(here.get_by_role("heading", level=1)).to_have_text("Your profile")
