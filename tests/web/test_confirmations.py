"""Confirmations of what an action did come from the service, are shown once, on the next page
that is not an error, and never from words in the address."""

from tests.factories import scheme_form
from tests.pages import page

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
