"""The policy officer adds an example and asks her line manager to confirm her skills; the
line manager confirms them, changing one with a reason; she sees the answers; HR find her in a
candidate pool narrowed to people with confirmed skills. Every page passes axe."""

import re

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, sign_in
from tests.factories import person_named

REASON = "She built the team's dashboards from scratch this year"
EXAMPLE = "Built the weekly performance dashboard the directorate board uses"


def staff_number(app, name: str) -> str:
    with app.app_context():
        return person_named(app, name).staff_number


def test_a_line_manager_confirms_skills_and_hr_find_confirmed_people(
    browser: Browser, live_server, live_app, output_path
):
    officer = browser.new_page()
    sign_in(officer, live_server, "policy.officer@example.gov.uk")
    # The page with her data skills: two questions she had not answered yet, she has not had the chance to show.
    officer.goto(f"{live_server}/profile/skills/8")
    for question in ("Evaluation planning and strategy", "Analysis and synthesis"):
        officer.locator("fieldset", has_text=question).get_by_label("Not had the chance").check()
    officer.get_by_label("An example of data visualisation in your work (optional)").fill(EXAMPLE)
    check_page(officer, output_path, "confirm-1-skills-with-examples")
    officer.get_by_role("button", name="Save and continue").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("How much have you done this?")
    officer.goto(f"{live_server}/profile/check")
    officer.get_by_role("button", name="Submit and see my matches").click()

    officer.goto(f"{live_server}/profile")
    officer.get_by_role("link", name="getting your skills confirmed").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Get your skills confirmed")
    officer.get_by_role("button", name="Ask Lena Marsh to confirm your skills").click()
    expect(officer.get_by_role("alert", name="Success")).to_contain_text("We have asked your line manager")
    check_page(officer, output_path, "confirm-2-asked")

    manager = browser.new_page()
    sign_in(manager, live_server, "line.manager@example.gov.uk")
    manager.get_by_role("link", name="Your team").first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Your team")
    check_page(manager, output_path, "confirm-3-team")
    manager.get_by_role("link", name="Confirm Priya Policy’s skills").click()
    expect(manager.get_by_text(EXAMPLE)).to_be_visible()
    groups = manager.locator("fieldset.govuk-fieldset")
    for index in range(groups.count()):
        groups.nth(index).get_by_label("Confirm this level").check()
    changed = manager.get_by_role("group", name="Data visualisation")
    changed.get_by_label("Change the level").check()
    manager.get_by_label("The level you think data visualisation is at").select_option(label="Working")
    manager.get_by_label("Why you changed data visualisation").fill(REASON)
    check_page(manager, output_path, "confirm-4-answers")
    manager.get_by_role("button", name="Send your answers").click()
    expect(manager.get_by_role("alert", name="Success")).to_contain_text("Your answers have been sent to Priya Policy")
    answered_url = manager.url
    manager.go_back()
    manager.reload()
    expect(manager.get_by_role("heading", level=1)).to_have_text("This request is no longer open")
    check_page(manager, output_path, "confirm-4b-request-answered")
    manager.goto(answered_url)
    manager.get_by_role("link", name="See your team’s skills and commonest gaps").click()
    manager.get_by_label("Role level").select_option("data-analyst")
    manager.get_by_role("button", name="Show gaps").click()
    # Once answered, her request no longer shows her skills; the operations officer shares his.
    expect(manager.get_by_role("table").first).to_contain_text("Owen Operations")
    expect(manager.get_by_role("table").first).not_to_contain_text("Priya Policy")
    expect(manager.get_by_role("table").nth(1)).to_contain_text(re.compile(r"\d+ of \d+"))
    check_page(manager, output_path, "confirm-5-team-skills")

    officer.goto(f"{live_server}/profile/confirmation")
    answers = officer.get_by_role("table").first
    expect(answers).to_contain_text(REASON)
    expect(answers).to_contain_text("Changed")
    expect(officer.get_by_role("table").nth(1)).to_contain_text("Confirmed until")
    officer.get_by_label("Reply to Lena Marsh (optional)").fill("Thank you: I will build the next one too")
    check_page(officer, output_path, "confirm-6-answers-seen")
    officer.get_by_role("button", name="Send").click()
    expect(officer.get_by_role("alert", name="Success")).to_contain_text("We have sent your reply to your line manager")
    manager.goto(f"{live_server}/team")
    expect(manager.get_by_role("table").first).to_contain_text("“Thank you: I will build the next one too”")
    check_page(manager, output_path, "confirm-6b-reply-seen")

    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.goto(f"{live_server}/schemes")
    hr.locator("main a[href*='/schemes/']").filter(has_text="Data").first.click()
    hr.get_by_role("link", name="Candidates").click()
    hr.get_by_label("Skills evidence").select_option("confirmed")
    hr.get_by_label("Sort by").select_option("confirmed")
    hr.get_by_label("Name or staff number").fill("Priya")
    hr.get_by_role("button", name="Apply filters").click()
    expect(hr.get_by_role("table")).to_contain_text("Priya Policy")
    expect(hr.get_by_role("table")).to_contain_text("confirmed by their line manager")
    check_page(hr, output_path, "confirm-7-pool-confirmed")

    # HR check a change of line manager before making it, then think better of it.
    hr.goto(f"{live_server}/people/line-managers")
    hr.get_by_label("Staff number of the person").fill(staff_number(live_app, "Owen Operations"))
    hr.get_by_label("Staff number of their line manager").fill(staff_number(live_app, "Priya Policy"))
    hr.get_by_role("button", name="Continue").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Make Priya Policy Owen Operations’s line manager?")
    expect(hr.locator(".govuk-summary-list")).to_contain_text("Lena Marsh")
    check_page(hr, output_path, "confirm-8-hr-check-line-manager")
    hr.get_by_role("link", name="Cancel").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Set a line manager")
