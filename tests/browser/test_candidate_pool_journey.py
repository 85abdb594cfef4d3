"""HR find people in a scheme's candidate pool by name and grade and invite several at once;
an invited person applies and then withdraws, and sees their withdrawal recorded."""

from datetime import date, timedelta

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, fill_date, sign_in


def _create_open_scheme(hr, name: str) -> None:
    hr.get_by_role("button", name="Create a scheme").click()
    hr.get_by_label("Scheme name").fill(name)
    hr.get_by_label("Target role level", exact=True).select_option("associate-data-analyst")
    for profession in ("Policy", "Operational Delivery"):
        hr.get_by_label(profession, exact=True).check()
    hr.get_by_label("Lowest grade").select_option("AO")
    hr.get_by_label("Highest grade").select_option("G7")
    hr.get_by_label("Minimum fit (%)").fill("0")
    hr.get_by_label("Places").fill("10")
    today = date.today()
    fill_date(hr, "Applications open", today)
    fill_date(hr, "Applications close", today + timedelta(days=28))
    fill_date(hr, "Scheme starts", today + timedelta(days=60))
    fill_date(hr, "Scheme ends", today + timedelta(days=420))
    hr.get_by_label("Open for applications").check()
    hr.get_by_role("button", name="Save scheme").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text(name)


def test_hr_search_the_pool_and_invite_several_people_then_one_withdraws(browser: Browser, live_server, output_path):
    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    expect(hr.get_by_role("heading", name="Your to-do")).to_be_visible()  # HR land on their schemes
    check_page(hr, output_path, "pool-1-schemes-to-do")
    _create_open_scheme(hr, "Pool search into Data Analysis")
    hr.get_by_role("link", name="Candidates").click()

    hr.get_by_label("Name or staff number").fill("Priya")
    hr.get_by_role("button", name="Apply filters").click()
    expect(hr.get_by_text("Showing 1 to 1 of 1 candidates")).to_be_visible()
    expect(hr.get_by_role("table")).to_contain_text("Priya Policy")
    hr.get_by_label("Select Priya Policy").check()
    hr.get_by_role("button", name="Invite selected people").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("1 person invited.")
    expect(hr.get_by_label("Name or staff number")).to_have_value("Priya")  # the page HR left

    hr.get_by_role("link", name="Clear filters").click()
    hr.get_by_label("Grade").select_option(label="Executive Officer (EO)")
    hr.get_by_role("button", name="Apply filters").click()
    rows = hr.locator("tbody tr")
    expect(rows.first).to_be_visible()
    grades = hr.locator("tbody tr td:nth-child(4)").all_inner_texts()
    assert grades and all("Executive Officer (EO)" in g for g in grades)
    check_page(hr, output_path, "pool-2-filtered")
    boxes = hr.locator("tbody input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    hr.get_by_role("button", name="Invite selected people").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("2 people invited.")
    expect(hr.locator("tbody tr").nth(0)).to_contain_text("Invited")
    check_page(hr, output_path, "pool-3-invited")
    hr.close()

    officer = browser.new_page()
    sign_in(officer, live_server, "policy.officer@example.gov.uk")
    officer.goto(f"{live_server}/schemes/my-applications")
    row = officer.locator("tbody tr", has_text="Pool search into Data Analysis")
    expect(row).to_contain_text("HR invited you")
    row.get_by_role("link", name="Apply").click()
    officer.get_by_label("Why do you want to join this scheme?").fill("I use data in every briefing.")
    officer.get_by_role("button", name="Send application").click()
    officer.get_by_role("link", name="your applications").click()
    row = officer.locator("tbody tr", has_text="Pool search into Data Analysis")
    expect(row).to_contain_text("Waiting for HR’s decision")
    row.get_by_role("link", name="Withdraw").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Are you sure you want to withdraw?")
    check_page(officer, output_path, "pool-4-withdraw")
    officer.get_by_label("Why are you withdrawing? (optional)").fill("My team needs me until the spring.")
    officer.get_by_role("button", name="Yes, withdraw").click()
    expect(officer.get_by_role("alert", name="Success")).to_contain_text("You have withdrawn")
    row = officer.locator("tbody tr", has_text="Pool search into Data Analysis")
    expect(row).to_contain_text("You withdrew. My team needs me until the spring.")
    check_page(officer, output_path, "pool-5-my-applications")
    officer.close()
