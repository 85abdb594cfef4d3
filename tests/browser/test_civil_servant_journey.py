"""A Policy and an Operational Delivery officer each go from registering to deleting their account."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journeys import PASSWORD, check_page, register


def fill_about_you(page: Page, profession: str, grade: str, department: str) -> None:
    page.get_by_label(profession, exact=True).check()
    page.get_by_label("What is your substantive grade?").select_option(grade)
    page.get_by_label("Which department or agency do you work for?").select_option(label=department)
    page.get_by_role("button", name="Save and continue").click()


@pytest.mark.parametrize(
    "who, profession, grade, experience, level, expect_family",
    [
        (
            "policy",
            "Policy",
            "G7",
            ["Seeing the big picture", "Strategy: one of the 3 pillars of the Policy Profession Standards"],
            "Working",
            "Roles you could move into",
        ),
        (
            "ops",
            "Operational Delivery",
            "EO",
            ["Delivering at pace", "Managing a quality service"],
            "Working",
            "Roles you could move into",
        ),
    ],
)
def test_register_assess_match_plan_download_and_delete(
    page: Page, live_server, output_path, who, profession, grade, experience, level, expect_family
):
    email = f"{who}.journey@example.gov.uk"
    register(page, live_server, f"{who.title()} Journey", email)
    check_page(page, output_path, "1-about-you")

    page.get_by_role("button", name="Save and continue").click()  # nothing filled in
    expect(page.get_by_role("link", name="Select your profession")).to_be_visible()
    check_page(page, output_path, "2-about-you-errors")
    page.get_by_label(profession, exact=True).check()
    page.get_by_label("What is your substantive grade?").select_option(grade)
    page.get_by_label("Which department or agency do you work for?").select_option(
        label="Department for Work and Pensions"
    )
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your experience")
    for item in experience:
        page.get_by_label(item).check()
    check_page(page, output_path, "3-experience")
    page.get_by_role("button", name="Save and continue").click()

    caption = page.locator(".govuk-caption-l")
    expect(caption).to_contain_text("page 1 of")
    pages = int(caption.inner_text().rsplit(" ", 1)[-1])
    suggestions = 0
    for number in range(1, pages + 1):
        expect(caption).to_contain_text(f"page {number} of {pages}")
        suggestions += page.locator(".govuk-tag", has_text="Suggested:").count()
        for group in page.locator("fieldset.govuk-fieldset").all():
            if not group.locator("input:checked").count():
                group.get_by_label(level, exact=True).check()
        if number == 1:
            check_page(page, output_path, "4-skills-page")
        page.get_by_role("button", name="Save and continue").click()
    assert suggestions > 0, "the experience given should pre-fill some answers"

    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    check_page(page, output_path, "5-task-list")
    expect(page.locator(".govuk-task-list__item", has_text="Your transferable skills")).to_contain_text("Completed")
    page.get_by_role("link", name="Check your answers").click()
    check_page(page, output_path, "6-check-answers")
    # Change one answer: the link opens that question, and saving comes back here.
    first_skill = page.locator(".govuk-summary-list").nth(1).locator(".govuk-summary-list__row").first
    skill_name = first_skill.locator("dt").inner_text()
    first_skill.get_by_role("link", name=re.compile("^Change")).click()
    expect(page).to_have_url(re.compile(r"change=yes#skill_"))
    question = page.locator("fieldset.govuk-fieldset", has_text=skill_name).first
    expect(question.locator("legend")).to_be_in_viewport()  # the question, not only its answers, is in view
    question.get_by_label("Expert", exact=True).check()
    page.get_by_role("button", name="Save and go back to check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.locator(".govuk-summary-list__row", has_text=skill_name).first).to_contain_text("Expert")
    page.get_by_role("button", name="Submit and see my matches").click()
    expect(page.get_by_role("heading", name="Assessment submitted")).to_be_visible()
    check_page(page, output_path, "7-submitted")

    page.get_by_role("link", name="See the DDaT roles your skills match").click()
    expect(page.get_by_role("heading", name=re.compile(expect_family))).to_be_visible()
    check_page(page, output_path, "8-matches")

    page.locator(".govuk-summary-card .govuk-summary-list__value a").first.click()  # the suggested level
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your fit:")
    check_page(page, output_path, "9-match-detail")

    page.get_by_role("link", name="Plan a pathway to this role").click()
    expect(page.get_by_role("heading", name=re.compile("^Route 1"))).to_be_visible()
    page.get_by_role("button", name="Save as my target").click()
    expect(page.get_by_text(re.compile("is now your target role"))).to_be_visible()
    check_page(page, output_path, "10-pathway")

    page.get_by_role("link", name="Your profile").click()
    page.get_by_role("link", name=re.compile("Download your data")).click()
    # Checked before the download: a download click can leave Chromium's navigation pending,
    # so waiting for the page to load afterwards sometimes times out on a busy machine.
    check_page(page, output_path, "11-my-data")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download everything (JSON)").click()
    exported = json.loads(open(download.value.path()).read())
    assert exported["account"]["email"] == email and exported["assessments"]

    page.get_by_role("link", name="Delete your account").click()
    check_page(page, output_path, "12-delete-confirm")
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.get_by_role("heading", name="Account deleted")).to_be_visible()
    check_page(page, output_path, "13-deleted")

    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("link", name="Enter a correct email address and password")).to_be_visible()
    check_page(page, output_path, "14-sign-in-error")


def test_an_assessment_page_can_be_completed_with_the_keyboard_alone(page: Page, live_server):
    register(page, live_server, "Kim Keyboard", "kim.keyboard@example.gov.uk")
    fill_about_you(page, "Operational Delivery", "EO", "HM Revenue and Customs")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="How much have you done this?")).to_be_visible()

    # Tab into each question's radios and choose "Working" with the arrow keys.
    radios = page.locator("input[type=radio]")
    page.locator("h1").click()
    for question in range(page.locator("fieldset.govuk-fieldset").count()):
        target = page.locator("fieldset.govuk-fieldset").nth(question).locator("input[type=radio]").first
        while not target.evaluate("el => el === document.activeElement"):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type") == "radio" and not target.evaluate(
                "el => el === document.activeElement"
            ):
                continue
        page.keyboard.press("Space")
        for _ in range(2):
            page.keyboard.press("ArrowDown")
    assert radios.count() > 0
    while page.evaluate("document.activeElement.textContent.trim()") != "Save and continue":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="How much have you done this?")).to_be_visible()
    expect(page.get_by_text("page 2 of")).to_be_visible()
