"""Confirmations of what an action did come from the service, are shown once, on the next page
that is not an error, and never from words in the address."""

from tests.factories import POLICY, VISUALISATION, add_session, scheme_form
from tests.pages import page
from tests.web.steps import book

HR = "hr@example.gov.uk"


def test_a_confirmation_is_shown_once_on_the_page_the_action_leads_to(seeded, client, sign_in, submit):
    sign_in(HR)
    created = submit("/schemes/new", scheme_form(name="Confirmation scheme"))
    assert created.status_code == 302
    overview = page(client, created.headers["Location"])
    assert [b.get_text(" ", strip=True) for b in overview.select(".govuk-notification-banner--success")] == [
        "Success Scheme created."
    ]
    again = page(client, created.headers["Location"])
    assert again.select(".govuk-notification-banner--success") == []


def test_an_error_page_leaves_the_confirmation_for_the_next_page(seeded, client, sign_in, submit):
    sign_in(HR)
    created = submit("/schemes/new", scheme_form(name="Confirmation scheme"))
    missing = page(client, "/schemes/999999", status=404)
    assert missing.select(".govuk-notification-banner--success") == []
    overview = page(client, created.headers["Location"])
    assert "Scheme created." in overview.select_one(".govuk-notification-banner--success").get_text()


def test_words_in_the_address_are_never_shown_as_a_confirmation(seeded, client, sign_in, submit):
    sign_in(HR)
    created = submit("/schemes/new", scheme_form(name="Confirmation scheme"))
    page(client, created.headers["Location"])  # the real confirmation, seen
    tampered = page(client, created.headers["Location"] + "?saved=hacked&done=password")
    assert tampered.select(".govuk-notification-banner") == []
    assert "hacked" not in tampered.get_text()


def test_the_booking_panel_is_shown_once_and_never_from_the_address(seeded, client, sign_in, submit):
    session_id = add_session(seeded, VISUALISATION, days=10)
    sign_in(POLICY)
    booked = book(submit, VISUALISATION, session_id)
    assert booked.status_code == 302
    place = page(client, booked.headers["Location"])
    assert place.select_one(".govuk-panel__title").get_text(strip=True) == "You’re registered"
    assert page(client, booked.headers["Location"]).select(".govuk-panel") == []
    assert page(client, booked.headers["Location"] + "?new=1").select(".govuk-panel") == []


def test_a_sharing_choice_is_saved_then_confirmed_on_the_page_it_returns_to(seeded, client, sign_in, submit):
    sign_in(POLICY)
    saved = submit("/profile/data", {"shares_with_hr": "no"})
    assert saved.status_code == 302  # a reload of the page it shows does not send the choice again
    shown = page(client, saved.headers["Location"])
    assert "Your choice has been saved." in shown.select_one(".govuk-notification-banner--success").get_text()
    assert page(client, "/profile/data").select(".govuk-notification-banner--success") == []
