"""A person explores the framework in a real browser; every page type passes axe."""

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import check_page


def test_explore_family_role_level_skill_search_and_compare(page: Page, live_server, output_path):
    page.goto(f"{live_server}/")
    check_page(page, output_path, "0-start")
    page.get_by_role("link", name="explore the framework’s roles and skills").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Explore the DDaT Capability Framework")
    expect(page).to_have_title(re.compile("DDaT Pathways"))
    check_page(page, output_path, "1-framework")

    data_family = page.locator("section", has=page.get_by_role("heading", name="Data", exact=True))
    data_family.get_by_role("link", name="Data analyst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data analyst")
    check_page(page, output_path, "2-role")

    page.get_by_role("link", name="View senior data analyst in detail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior data analyst")
    expect(page.get_by_role("heading", name="Roles with similar skills")).to_be_visible()
    check_page(page, output_path, "3-role-level")

    page.get_by_role("navigation", name="Other levels in this role").get_by_role(
        "link", name=re.compile("Next level")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Principal data analyst")
    page.go_back()

    page.locator("main ul.govuk-list--bullet a").first.click()
    expect(page.get_by_text("Role levels that need this skill")).to_be_visible()
    check_page(page, output_path, "4-skill")

    page.get_by_role("link", name="Skills A to Z").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills A to Z")
    check_page(page, output_path, "5-skills")

    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Search roles and skills").fill("délivery manag")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Delivery manager", exact=True).first).to_be_visible()
    check_page(page, output_path, "6-search")

    page.get_by_label("Search roles and skills").fill("xyzzy")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No results for ‘xyzzy’")).to_be_visible()
    check_page(page, output_path, "7-search-no-results")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Framework").click()
    page.get_by_role("link", name="compare two role levels").click()
    page.get_by_label("Current role level").select_option(label="Data analyst (Data analyst)")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("link", name="Select the role level you are comparing with")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Current role level")).to_have_value("data-analyst")
    check_page(page, output_path, "8-compare-error")

    page.get_by_label("Role level to compare with").select_option(label="Performance analyst (Performance analyst)")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data analyst to Performance analyst")
    expect(page.get_by_role("heading", name=re.compile("^New skills"))).to_be_visible()
    check_page(page, output_path, "9-compare")


def test_not_found_page(page: Page, live_server, output_path):
    response = page.goto(f"{live_server}/framework/roles/astronaut")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, output_path, "not-found")


def test_senior_civil_service_role(page: Page, live_server, output_path):
    page.goto(f"{live_server}/framework/roles/chief-technology-officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chief technology officer")
    check_page(page, output_path, "scs-role")
