"""A leader reads each dashboard, drills into a role family, filters and groups, and never sees
a person; every page passes axe."""

import re

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, sign_in


def test_a_leader_reads_the_dashboards(browser: Browser, live_server: str, output_path):
    leader = browser.new_page()
    sign_in(leader, live_server, "leader@example.gov.uk")
    leader.get_by_role("link", name="Dashboards").click()
    check_page(leader, output_path, "dashboards-1-index")

    leader.get_by_role("main").get_by_role("link", name="Skills", exact=True).click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Skills")
    expect(leader.get_by_role("table").first).to_contain_text("Department")
    expect(leader.get_by_role("table").nth(1)).to_contain_text("With a current confirmation")
    check_page(leader, output_path, "dashboards-2-skills")

    leader.get_by_role("table").first.get_by_role("link", name="Data", exact=True).click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Skills: Data")
    check_page(leader, output_path, "dashboards-3-skills-data-family")

    leader.get_by_role("link", name="grade", exact=True).click()
    leader.get_by_label("Profession").select_option("policy")
    leader.get_by_role("button", name="Apply filters").click()
    expect(leader).to_have_url(re.compile(r"profession=policy"))
    expect(leader).to_have_url(re.compile(r"by=grade"))
    check_page(leader, output_path, "dashboards-4-skills-filtered")

    leader.get_by_role("link", name="Capability gaps").click()
    expect(leader.locator("body")).to_contain_text("Readiness uses the same fit")
    check_page(leader, output_path, "dashboards-5-gaps")

    leader.get_by_role("link", name="Pipeline").click()
    check_page(leader, output_path, "dashboards-6-pipeline")

    leader.get_by_role("link", name="Learning uptake").click()
    leader.get_by_role("link", name="Clear filters").click()
    expect(leader.locator("#coverage")).to_contain_text("of")
    check_page(leader, output_path, "dashboards-7-learning")
    for name in ("Priya Policy", "Owen Operations", "Pat Permanent"):
        expect(leader.locator("body")).not_to_contain_text(name)
