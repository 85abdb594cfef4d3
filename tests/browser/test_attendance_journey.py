"""HR run a session from empty to put right: no Save button before anyone books, moving the
session once people have booked asks first, and after it HR record attendance, correct a
completion recorded by mistake and add someone who came without booking."""

import re
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import Browser, expect

from ddat import db
from ddat.models import LearningSession
from tests.browser.journeys import check_page, fill_date, sign_in

LEARNING = "Service management foundations"
PHONE = {"width": 375, "height": 800}


def the_session_starts(app, session_url: str) -> None:
    session_id = int(session_url.rstrip("/").split("/")[-1].split("?")[0])
    with app.app_context():
        session = db.session().get(LearningSession, session_id)
        session.starts_at = datetime.now(UTC) - timedelta(hours=3)
        session.ends_at = datetime.now(UTC) - timedelta(minutes=10)
        db.session().commit()


def test_hr_record_correct_and_add_a_walk_in(browser: Browser, live_server, live_app, output_path):
    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.get_by_role("link", name="Learning").click()
    hr.get_by_role("link", name=LEARNING).click()
    hr.get_by_role("link", name="Add a session").click()
    fill_date(hr, "Date", date.today() + timedelta(days=7))
    hr.get_by_label("Start time").fill("10am")
    hr.get_by_label("End time").fill("12pm")
    hr.get_by_label("Online").check()
    hr.get_by_label("Place or joining details").fill("Microsoft Teams")
    hr.get_by_label("Places").fill("2")
    hr.get_by_role("button", name="Save session").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("Session on")
    session_url = hr.url.split("?")[0]
    expect(hr.locator("main")).to_contain_text("No one has registered yet.")
    expect(hr.get_by_role("button", name=re.compile("^Save"))).to_have_count(0)
    check_page(hr, output_path, "attendance-1-no-one-booked")

    hr.get_by_label("Staff numbers or email addresses").fill(
        "policy.officer@example.gov.uk\nops.officer@example.gov.uk"
    )
    hr.get_by_role("button", name="Register these people").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Registrations saved")

    hr.get_by_role("link", name="Change the date, place or number of places").click()
    hr.get_by_label("Place or joining details").fill("Microsoft Teams, new link sent by email")
    hr.get_by_role("button", name="Save session").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Are you sure you want to move this session?")
    expect(hr.locator("main")).to_contain_text("2 people are booked on this session.")
    check_page(hr, output_path, "attendance-2-move-confirmation")
    hr.get_by_role("button", name="Continue").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Session changed")
    expect(hr.locator("main")).to_contain_text("new link sent by email")

    the_session_starts(live_app, session_url)
    hr.goto(session_url)
    hr.get_by_label("Status for Priya Policy").select_option("attended")
    hr.get_by_label("Status for Owen Operations").select_option("completed")
    hr.get_by_role("button", name="Save attendance").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Attendance saved")
    check_page(hr, output_path, "attendance-3-recorded")

    # Owen left at the break: his completion was a mistake.
    hr.get_by_role("link", name="Correct the completion for Owen Operations").click()
    expect(hr.locator("main")).to_contain_text("Service management framework knowledge at working level")
    hr.get_by_role("button", name="Correct the record").click()
    expect(hr.get_by_role("alert")).to_contain_text("Select what happened")
    check_page(hr, output_path, "attendance-4-correction-errors")
    hr.get_by_label("Attended, but did not complete it").check()
    hr.get_by_role("button", name="Correct the record").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Record corrected for Owen Operations: attended.")
    expect(hr.get_by_label("Status for Owen Operations")).to_have_value("attended")

    hr.get_by_role("link", name="Add someone who came without booking").click()
    hr.get_by_label("Staff number or email address").fill("nobody@example.gov.uk")
    hr.get_by_role("button", name="Add and record as attended").click()
    expect(hr.get_by_role("alert")).to_contain_text("No one with this staff number or email address was found")
    expect(hr.get_by_label("Staff number or email address")).to_have_value("nobody@example.gov.uk")
    check_page(hr, output_path, "attendance-5-walk-in-errors")
    hr.get_by_label("Staff number or email address").fill("perm.sec@example.gov.uk")
    hr.get_by_role("button", name="Add and record as attended").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Pat Permanent added and recorded as attended")
    expect(hr.locator("main")).to_contain_text("3 of 2 taken, including 1 person who came without booking")
    row = hr.get_by_role("row").filter(has_text="Pat Permanent")
    expect(row).to_contain_text("Came without booking")
    expect(hr.get_by_label("Status for Pat Permanent")).to_have_value("attended")
    check_page(hr, output_path, "attendance-6-walk-in-added")
    hr.set_viewport_size(PHONE)
    assert hr.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(hr, output_path, "attendance-7-walk-in-added-phone")
