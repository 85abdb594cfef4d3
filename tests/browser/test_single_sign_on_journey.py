"""Signing in with an organisation's account, through a real OpenID Connect provider."""

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page


def sign_in_at_provider(page, live_server: str, sub: str) -> None:
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("button", name="Sign in with Test Department").click()
    # The provider's own page, not this service's: type who you are and approve.
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_new_starter_signs_in_with_their_organisations_account(
    browser: Browser, live_server: str, identity_provider, output_path
):
    identity_provider.add_user("sam-1", email="sam.okafor@example.gov.uk", email_verified=True, name="Sam Okafor")
    page = browser.new_page()
    page.goto(f"{live_server}/sign-in")
    expect(page.get_by_role("heading", level=2, name="With your organisation's account")).to_be_visible()
    check_page(page, output_path, "sso-1-sign-in")
    sign_in_at_provider(page, live_server, "sam-1")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    check_page(page, output_path, "sso-2-signed-in")
    page.close()


def test_an_address_outside_the_allowed_domains_is_refused(
    browser: Browser, live_server: str, identity_provider, output_path
):
    identity_provider.add_user("outsider-1", email="someone@example.com", email_verified=True)
    page = browser.new_page()
    sign_in_at_provider(page, live_server, "outsider-1")
    expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
    expect(page.get_by_text("does not accept sign-ins for your email address")).to_be_visible()
    check_page(page, output_path, "sso-3-refused")
    page.get_by_role("link", name="Go back to sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.close()
