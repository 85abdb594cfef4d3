"""Messages a person follows from the local mailbox (no Notify key here): HR invites them to
learning, they book and add it to their calendar, HR move the session and they are told; then
they forget their password and reset it from the emailed link, which signs out their other
browser."""

import re

from playwright.sync_api import Browser, expect

from tests.browser.journeys import check_page, emailed_link, register, sign_in

LEARNING = "Service management foundations"
EMAIL = "mo.messages@example.gov.uk"
NEW_PASSWORD = "copper-meadow-lantern"


def _mailbox_has(browser: Browser, live_server: str, subject: str) -> None:
    admin = browser.new_page()
    sign_in(admin, live_server, "admin@example.gov.uk")
    admin.goto(f"{live_server}/admin/mailbox")
    expect(admin.locator(".govuk-summary-card", has_text=EMAIL).filter(has_text=subject).first).to_be_visible()
    admin.close()


def test_invited_booked_told_of_a_move_then_a_password_reset(browser: Browser, live_server, output_path):
    mo = browser.new_page()
    register(mo, live_server, "Mo Messages", EMAIL, output_path)
    mo.get_by_label("Policy", exact=True).check()
    mo.get_by_label("What is your substantive grade?").select_option("HEO")
    mo.get_by_label("Which department or agency do you work for?").select_option(label="HM Treasury")
    mo.get_by_role("button", name="Save and continue").click()
    expect(mo.get_by_role("heading", level=1)).to_have_text("Your experience")

    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.goto(f"{live_server}/masterclasses")
    hr.get_by_role("link", name=LEARNING).click()
    hr.get_by_role("link", name="Invite people").click()
    hr.get_by_label("Staff numbers or email addresses").fill(EMAIL)
    hr.get_by_role("button", name="Send invitations").click()
    _mailbox_has(browser, live_server, f"You are invited to {LEARNING}")

    mo.goto(live_server + emailed_link(mo, live_server, EMAIL, "/masterclasses/"))  # the invitation's link
    expect(mo.get_by_role("heading", level=1)).to_have_text(LEARNING)
    mo.get_by_role("link", name="Register").first.click()
    mo.get_by_role("button", name="Confirm and register").click()
    expect(mo.get_by_role("heading", name="You’re registered")).to_be_visible()
    check_page(mo, output_path, "messages-1-registered")
    with mo.expect_download() as download:
        mo.get_by_role("link", name="Add it to your calendar (.ics file)").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VEVENT" in open(download.value.path()).read()
    _mailbox_has(browser, live_server, f"Your place on {LEARNING} is confirmed")
    booking = mo.url

    # HR move the session Mo is booked on; Mo is told.
    hr.goto(f"{live_server}/masterclasses")
    hr.get_by_role("link", name=LEARNING).click()
    hr.get_by_role("link", name=re.compile("^Manage session on")).first.click()  # the session Mo booked
    hr.get_by_role("link", name="Change the date, place or number of places").click()
    hr.get_by_label("Place or joining details").fill("Room 4, 1 Horse Guards Road, London")
    hr.get_by_label("In person").check()
    hr.get_by_role("button", name="Save session").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Are you sure you want to move this session?")
    expect(hr.get_by_text("Each of them will get an email")).to_be_visible()
    hr.get_by_role("button", name="Continue").click()
    _mailbox_has(browser, live_server, f"Your session of {LEARNING} has changed")
    mo.goto(booking)
    expect(mo.locator("main")).to_contain_text("Room 4, 1 Horse Guards Road, London")

    # Mo forgets the password: the reset link, from the mailbox, signs out the other browser.
    other = browser.new_page()
    other.goto(f"{live_server}/sign-in")
    other.get_by_role("link", name="Forgotten your password?").click()
    other.get_by_label("Email address").fill(EMAIL)
    other.get_by_role("button", name="Send a reset link").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(other, output_path, "messages-2-check-your-email")
    other.goto(live_server + emailed_link(other, live_server, EMAIL, "/reset-password/"))
    check_page(other, output_path, "messages-3-choose-a-new-password")
    other.get_by_label("New password").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Reset password").click()
    expect(other.get_by_role("heading", name="Your password has been reset")).to_be_visible()
    mo.goto(f"{live_server}/profile")
    expect(mo.get_by_role("heading", level=1)).to_have_text("Sign in")  # the old session has ended
    other.goto(f"{live_server}/sign-in")
    other.get_by_label("Email address").fill(EMAIL)
    other.get_by_role("textbox", name="Password").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Sign in", exact=True).click()
    expect(other.get_by_role("link", name="Sign out")).to_be_visible()

    # HR cancel the session: Mo is told, and the booking says so.
    hr.goto(f"{live_server}/masterclasses")
    hr.get_by_role("link", name=LEARNING).click()
    hr.get_by_role("link", name=re.compile("^Manage session on")).first.click()
    hr.get_by_role("link", name="Cancel this session").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("Are you sure you want to cancel this session?")
    expect(hr.get_by_text("1 person is booked on this session.")).to_be_visible()
    hr.get_by_label("Why is it cancelled? (optional)").fill("The trainer is unwell.")
    check_page(hr, output_path, "messages-4-cancel-the-session")
    hr.get_by_role("button", name="Cancel the session").click()
    expect(hr.get_by_text("Session cancelled. 1 person was told by email.")).to_be_visible()
    check_page(hr, output_path, "messages-5-session-cancelled")
    _mailbox_has(browser, live_server, f"Your session of {LEARNING} on")
    other.goto(booking)
    expect(other.get_by_text("The HR team running it cancelled this session on")).to_be_visible()
    check_page(other, output_path, "messages-6-place-cancelled")
    with other.expect_download() as download:
        other.get_by_role("link", name="download this calendar file (.ics) to take it out").click()
    assert "METHOD:CANCEL" in open(download.value.path()).read()
