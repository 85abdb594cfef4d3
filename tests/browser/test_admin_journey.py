"""An admin searches the audit log."""

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, sign_in


def test_an_admin_searches_the_audit_log(browser: Browser, live_server: str, output_path):
    admin = browser.new_page()
    sign_in(admin, live_server, "admin@example.gov.uk")
    admin.get_by_role("link", name="Audit log").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Audit log")
    admin.get_by_label("Action").select_option("auth.signed_in")
    admin.get_by_role("button", name="Search").click()
    expect(admin.get_by_role("table")).to_contain_text("auth.signed_in")
    check_page(admin, output_path, "admin-1-audit-log")
