"""A permanent secretary registers for the data masterclass, HR records attendance and
completion, and the coverage figure moves on, for HR and (as safe counts) for a leader."""

import re
from datetime import UTC, date, datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from ddat import db
from ddat.models import LearningSession
from pathways.disclosure import rounded
from tests.browser.journeys import check_page, fill_date, sign_in

MASTERCLASS = "Data masterclass for permanent secretaries"


def coverage(page: Page) -> tuple[int, int]:
    done, size = re.search(r"(\d+) of (\d+)", page.locator("#coverage").inner_text()).groups()
    return int(done), int(size)


def the_day_comes(app, session_url: str) -> None:
    session_id = int(session_url.rstrip("/").split("/")[-1].split("?")[0])
    with app.app_context():
        session = db.session().get(LearningSession, session_id)
        session.starts_at = datetime.now(UTC) - timedelta(hours=3)
        session.ends_at = datetime.now(UTC) - timedelta(minutes=10)
        db.session().add(session)
        db.session().commit()


def test_the_data_masterclass_from_registration_to_coverage(browser: Browser, live_server, live_app, output_path):
    visitor = browser.new_page()
    visitor.goto(f"{live_server}/masterclasses")
    check_page(visitor, output_path, "learning-1-catalogue")

    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.get_by_role("link", name="Learning").click()
    hr.get_by_role("link", name=MASTERCLASS).click()
    check_page(hr, output_path, "learning-2-item-for-hr")
    hr.get_by_role("link", name="Uptake and coverage").click()
    before = coverage(hr)
    hr.go_back()

    hr.get_by_role("link", name="Add a session").click()
    hr.get_by_role("button", name="Save session").click()
    expect(hr.get_by_role("alert")).to_contain_text("Enter the date of the session")
    check_page(hr, output_path, "learning-3-session-errors")
    fill_date(hr, "Date", date.today() + timedelta(days=7))
    hr.get_by_label("Start time").fill("10am")
    hr.get_by_label("End time").fill("1pm")
    hr.get_by_label("In person").check()
    hr.get_by_label("Place or joining details").fill("1 Drummond Gate, London")
    hr.get_by_label("Places").fill("10")
    hr.get_by_role("button", name="Save session").click()
    expect(hr.get_by_role("heading", level=1)).to_contain_text("Session on")
    expect(hr.locator("body")).to_contain_text("0 of 10 taken")
    session_url = hr.url
    check_page(hr, output_path, "learning-4-new-session")

    leader_of_a_department = browser.new_page()
    sign_in(leader_of_a_department, live_server, "perm.sec@example.gov.uk")
    # Invited, she lands on the masterclass itself: registering is two clicks from signing in.
    expect(leader_of_a_department.get_by_role("heading", level=1)).to_have_text(MASTERCLASS)
    leader_of_a_department.get_by_role("link", name=re.compile("^Register")).first.click()
    check_page(leader_of_a_department, output_path, "learning-5-register")
    leader_of_a_department.get_by_role("button", name="Confirm and register").click()
    expect(leader_of_a_department.get_by_role("heading", level=1)).to_have_text("You’re registered")
    check_page(leader_of_a_department, output_path, "learning-6-registered")
    leader_of_a_department.get_by_role("link", name="Your learning").click()
    expect(leader_of_a_department.get_by_role("table")).to_contain_text(MASTERCLASS)
    check_page(leader_of_a_department, output_path, "learning-7-your-learning")

    the_day_comes(live_app, session_url)
    hr.goto(session_url.split("?")[0])
    hr.get_by_label("Status for Pat Permanent").select_option("attended")
    hr.get_by_role("button", name="Save attendance").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Attendance saved")
    hr.get_by_label("Status for Pat Permanent").select_option("completed")
    hr.get_by_role("button", name="Save attendance").click()
    expect(hr.get_by_role("table")).to_contain_text("Completed")
    check_page(hr, output_path, "learning-8-attendance")

    hr.get_by_role("link", name=re.compile("^Back to")).click()
    hr.get_by_role("link", name="Uptake and coverage").click()
    assert coverage(hr) == (before[0] + 1, before[1])
    hr.get_by_text(re.compile(r"^Who has not completed it yet")).click()
    check_page(hr, output_path, "learning-9-uptake-for-hr")

    leader = browser.new_page()
    sign_in(leader, live_server, "leader@example.gov.uk")
    leader.goto(hr.url)
    assert coverage(leader) == (rounded(before[0] + 1), rounded(before[1]))  # leaders see fives
    expect(leader.locator("body")).not_to_contain_text("Pat Permanent")
    expect(leader.locator("body")).to_contain_text("[c]")  # a department of one is hidden whole
    check_page(leader, output_path, "learning-10-uptake-for-a-leader")

    leader_of_a_department.reload()
    leader_of_a_department.get_by_role("link", name=MASTERCLASS).click()
    leader_of_a_department.get_by_role("link", name="Give feedback").click()
    leader_of_a_department.get_by_role("button", name="Send feedback").click()
    expect(leader_of_a_department.get_by_role("alert")).to_contain_text("Select how useful it was")
    check_page(leader_of_a_department, output_path, "learning-11-feedback-errors")
    leader_of_a_department.get_by_label("5 – very useful").check()
    leader_of_a_department.get_by_label("Anything else").fill("Practical and candid.")
    leader_of_a_department.get_by_role("button", name="Send feedback").click()
    expect(leader_of_a_department.get_by_role("alert", name="Success")).to_contain_text("Thank you")
    check_page(leader_of_a_department, output_path, "learning-12-completed")

    # The completion is on their learning page with who recorded it; they dispute it, and HR settle it.
    leader_of_a_department.get_by_role("link", name="Your learning").click()
    records = leader_of_a_department.get_by_role("table").first
    expect(records).to_contain_text("hr@example.gov.uk")
    expect(records).to_contain_text("It counts as evidence of these skills")
    records.get_by_role("link", name=re.compile("^Check or dispute")).click()
    leader_of_a_department.get_by_role("link", name="Dispute this record").click()
    leader_of_a_department.get_by_role("button", name="Dispute this record").click()
    expect(leader_of_a_department.get_by_role("alert")).to_contain_text("Enter why this record is wrong")
    check_page(leader_of_a_department, output_path, "learning-13-dispute-errors")
    leader_of_a_department.get_by_label("Why is this record wrong?").fill("I left after the first hour.")
    leader_of_a_department.get_by_role("button", name="Dispute this record").click()
    expect(leader_of_a_department.get_by_role("alert", name="Success")).to_contain_text("You have disputed this record")
    check_page(leader_of_a_department, output_path, "learning-14-disputed")

    hr.goto(session_url.split("?")[0])
    expect(hr.locator("body")).to_contain_text("I left after the first hour.")
    check_page(hr, output_path, "learning-15-dispute-for-hr")
    hr.get_by_label("The completion is right: it counts again").check()
    hr.get_by_role("button", name="Settle the dispute").click()
    expect(hr.get_by_role("alert", name="Success")).to_contain_text("Dispute settled")
    leader_of_a_department.get_by_role("link", name="Your learning").click()
    expect(leader_of_a_department.get_by_role("table").first).to_contain_text("HR checked your dispute")
