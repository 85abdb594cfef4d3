"""HR creates a scheme, reviews candidates, enrols an applicant, records the outcome and reads the funnel."""

from datetime import date, timedelta

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, fill_date, sign_in


def test_hr_runs_a_scheme_from_set_up_to_placement(browser: Browser, live_server: str, output_path):
    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.get_by_role("link", name="Schemes").click()
    check_page(hr, output_path, "1-schemes-empty")
    hr.get_by_role("button", name="Create a scheme").click()

    hr.get_by_role("button", name="Save scheme").click()  # nothing filled in
    expect(hr.get_by_role("alert")).to_contain_text("Enter a scheme name")
    check_page(hr, output_path, "2-scheme-errors")

    hr.get_by_label("Scheme name").fill("Policy to Performance Analysis")
    hr.get_by_label("Target role level", exact=True).select_option("associate-performance-analyst")
    hr.get_by_label("Policy", exact=True).check()
    hr.get_by_label("Lowest grade").select_option("EO")
    hr.get_by_label("Highest grade").select_option("G7")
    hr.get_by_label("Minimum fit (%)").fill("0")
    hr.get_by_label("Places").fill("3")
    today = date.today()
    fill_date(hr, "Applications open", today)
    fill_date(hr, "Applications close", today + timedelta(days=28))
    fill_date(hr, "Scheme starts", today + timedelta(days=60))
    fill_date(hr, "Scheme ends", today + timedelta(days=420))
    hr.get_by_label("Open for applications").check()
    hr.get_by_role("button", name="Save scheme").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Policy to Performance Analysis")
    check_page(hr, output_path, "3-overview")

    hr.get_by_role("link", name="Candidates").click()
    expect(hr.get_by_role("table")).to_contain_text("Priya Policy")
    check_page(hr, output_path, "4-candidates")

    # The policy officer sees the scheme on her matches page and applies.
    officer = browser.new_page()
    sign_in(officer, live_server, "policy.officer@example.gov.uk")
    officer.goto(f"{live_server}/profile/matches")
    officer.get_by_role("link", name="Policy to Performance Analysis").click()
    check_page(officer, output_path, "5-apply")
    officer.get_by_label("Why do you want to join this scheme?").fill("I turn evidence into advice every week.")
    officer.get_by_role("button", name="Send application").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Application sent")
    check_page(officer, output_path, "6-applied")
    officer.close()

    hr.get_by_role("link", name="Members", exact=True).click()
    check_page(hr, output_path, "7-members")
    hr.get_by_role("link", name="Priya Policy").click()
    for status in ("Shortlisted", "Enrolled", "Completed"):
        hr.get_by_label(status, exact=True).check()
        hr.get_by_role("button", name="Save decision").click()
        expect(hr.get_by_role("alert", name="Success")).to_contain_text("Decision saved")
    check_page(hr, output_path, "8-member-completed")
    hr.get_by_label("Placed in a DDaT role").check()
    hr.get_by_role("button", name="Save decision").click()
    expect(hr.get_by_role("alert")).to_contain_text("Select the role level they were placed in")  # and no "saved"
    hr.get_by_label("Role level they were placed in (if placed)").select_option("associate-performance-analyst")
    fill_date(hr, "Date placed (if placed)", today + timedelta(days=430))
    hr.get_by_role("button", name="Save decision").click()
    expect(hr.locator(".govuk-summary-list")).to_contain_text("Placed in a DDaT role")
    check_page(hr, output_path, "9-member-placed")

    hr.get_by_role("link", name="Back to members").click()
    hr.get_by_role("link", name="Dashboard", exact=True).click()
    funnel = hr.get_by_role("table").first
    expect(funnel.get_by_role("row", name="Placed")).to_contain_text("1")
    expect(funnel.get_by_role("row", name="Enrolled")).to_contain_text("1")
    check_page(hr, output_path, "10-dashboard")
