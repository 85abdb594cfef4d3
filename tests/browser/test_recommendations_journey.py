"""The demo Grade 7 policy officer finds roles she could move into and a route to chief data
officer, in a real browser; every page passes axe."""

import re

from playwright.sync_api import Page, expect

from tests.browser.journeys import check_page, sign_in


def test_a_grade_7_sees_ten_roles_at_her_grade_and_plans_a_route_to_chief_data_officer(
    page: Page, live_server, output_path
):
    sign_in(page, live_server, "policy.officer@example.gov.uk")
    page.goto(f"{live_server}/profile/matches")
    expect(page.get_by_role("heading", name="Roles you could move into")).to_be_visible()
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(10)
    titles = [t.strip() for t in page.locator(".govuk-summary-card__title").all_inner_texts()]
    assert len(set(titles)) == 10, titles
    suggested = page.locator(".govuk-summary-card .govuk-summary-list__value a").all_inner_texts()
    assert not [s for s in suggested if re.match(r"(Associate|Trainee|Junior)", s)], suggested
    check_page(page, output_path, "1-matches")

    # Every level of the first role, one click away.
    first = cards.first
    first.get_by_text(re.compile("^Every level of")).click()
    expect(first.get_by_role("table")).to_be_visible()
    expect(first.get_by_text("(suggested)")).to_be_visible()
    check_page(page, output_path, "2-every-level")

    # Step-downs are hidden until asked for.
    expect(page.get_by_text(re.compile("Step down"))).to_have_count(0)
    page.get_by_label("Include roles below my grade").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_label("Include roles below my grade")).to_be_checked()
    check_page(page, output_path, "3-with-step-downs")

    # A route to a Senior Civil Service role, chosen from the pathway page.
    page.get_by_role("link", name="plan a pathway to any role").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a pathway")
    check_page(page, output_path, "4-choose")
    page.get_by_label("Role").select_option(label="Chief data officer")
    page.get_by_role("button", name="Plan pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pathway to chief data officer")
    expect(page.get_by_role("heading", name=re.compile("^Route 1"))).to_be_visible()
    steps = page.locator("ol.govuk-list--number").first.locator("h3").all_inner_texts()
    assert steps[-1].startswith("Chief data officer") and not any("machine learning" in s.lower() for s in steps)
    check_page(page, output_path, "5-pathway-to-cdo")

    # A whole role from its card: the service picks the level, and it can be changed.
    page.goto(f"{live_server}/profile/matches?family=data")
    page.locator(".govuk-summary-card").first.get_by_role("link", name=re.compile("Plan a pathway")).click()
    expect(page.get_by_text(re.compile("as the level of this role that suits your grade"))).to_be_visible()
    page.get_by_label("Level", exact=True).select_option(index=0)
    page.get_by_role("button", name="Change level").click()
    expect(page.get_by_text(re.compile("as the level of this role that suits your grade"))).to_have_count(0)
    check_page(page, output_path, "6-pathway-level-changed")
