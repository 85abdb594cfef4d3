"""An admin lets an HR system use the API and later revokes it; HR import people's records
from a CSV file; a person sees the record HR keep as read-only. Every page passes axe."""

import re

from playwright.sync_api import Browser, expect

from ddat import db
from ddat.models import Department
from tests.browser.journeys import check_page, sign_in
from tests.factories import person_of


def test_an_admin_creates_and_revokes_an_api_client(browser: Browser, live_server: str, output_path):
    admin = browser.new_page()
    sign_in(admin, live_server, "admin@example.gov.uk")
    admin.goto(f"{live_server}/admin/audit")
    admin.get_by_role("link", name="API clients").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("API clients")
    admin.get_by_role("button", name="Create an API client").click()
    admin.get_by_role("button", name="Create client").click()
    expect(admin.locator(".govuk-error-summary")).to_contain_text("Enter the name of the system")
    check_page(admin, output_path, "api-1-new-client-errors")
    admin.get_by_label("Name of the system").fill("Oracle HR")
    admin.get_by_label(re.compile("people:write")).check()
    admin.get_by_role("button", name="Create client").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("API client created")
    token = admin.get_by_label("Token").input_value()
    assert token.startswith("ddat_")
    check_page(admin, output_path, "api-2-token-shown-once")
    admin.get_by_role("link", name="Back to API clients").click()
    expect(admin.get_by_role("table")).to_contain_text("Active")
    expect(admin.locator("main")).not_to_contain_text(token)
    check_page(admin, output_path, "api-3-clients")
    admin.get_by_role("link", name="Revoke Oracle HR").click()
    check_page(admin, output_path, "api-4-revoke")
    admin.get_by_role("button", name="Yes, revoke it").click()
    expect(admin.get_by_role("table")).to_contain_text("Revoked")

    docs = browser.new_page()
    docs.goto(f"{live_server}/api/v1/docs")
    expect(docs.get_by_role("heading", level=1)).to_have_text("DDaT Pathways API")
    expect(docs.locator("main")).to_contain_text("POST /api/v1/people")
    check_page(docs, output_path, "api-5-docs")


def test_hr_import_records_and_the_person_sees_them_as_read_only(
    browser: Browser, live_server: str, live_app, output_path, tmp_path
):
    with live_app.app_context():
        pat = person_of(live_app, "perm.sec@example.gov.uk")
        department = db.session().get(Department, pat.department_id)
    # Pat's record as it is, so the rest of the journeys see the same person; and a newcomer.
    rows = ("staff_number,email,name,grade,department,profession,line_manager,left\n"
            f"{pat.staff_number},perm.sec@example.gov.uk,{pat.display_name},{pat.grade},{department.name},"
            f"{pat.profession},,\n"
            f"HR900001,nia.starter@example.gov.uk,Nia Starter,HEO,{department.abbreviation},policy,,\n")  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text(rows.replace(",HEO,", ",Grade 9,"))
    good = tmp_path / "people.csv"
    good.write_text(rows)
    hr = browser.new_page()
    sign_in(hr, live_server, "hr@example.gov.uk")
    hr.goto(f"{live_server}/schemes")
    hr.get_by_role("link", name="Import people’s records").click()
    hr.get_by_label("Upload a CSV file").set_input_files(str(bad))
    hr.get_by_role("button", name="Import people").click()
    expect(hr.get_by_role("table")).to_contain_text("Grade must be one of")
    check_page(hr, output_path, "api-6-import-problems")
    hr.get_by_label("Upload a CSV file").set_input_files(str(good))
    hr.get_by_role("button", name="Import people").click()
    expect(hr.get_by_role("heading", level=1)).to_have_text("People’s records imported")
    expect(hr.locator(".govuk-summary-list")).to_contain_text("Added 1")
    check_page(hr, output_path, "api-7-imported")

    person = browser.new_page()
    sign_in(person, live_server, "perm.sec@example.gov.uk")
    person.goto(f"{live_server}/profile/about")
    expect(person.get_by_role("heading", level=2, name="From your HR record")).to_be_visible()
    expect(person.get_by_label("What is your substantive grade?")).to_have_count(0)
    check_page(person, output_path, "api-8-about-you-from-hr")
