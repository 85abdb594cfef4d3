"""Parts of pages rendered once are exactly what rendering them afresh gives."""

import re


def page_without_nonce(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.sub(r'nonce="[^"]+"', "", re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html))


def rendered_afresh(client, app, monkeypatch, url: str) -> str:
    with monkeypatch.context() as patched:
        patched.setitem(app.jinja_env.globals, "rendered_once", lambda *key, fill=None, caller: caller())
        return page_without_nonce(client, url)


def test_cached_fragments_are_what_the_macros_render(app, monkeypatch):
    client = app.test_client()
    for url in ("/framework", "/sign-in", "/framework/roles/nope"):
        page_without_nonce(client, url)  # fills the cache
        cached = page_without_nonce(client, url)
        fresh = rendered_afresh(client, app, monkeypatch, url)
        assert cached == fresh and "govuk-footer" in cached and "govuk-header" in cached and "Alpha" in cached


def test_framework_pages_and_navigation_kept_are_what_rendering_gives(seeded, client, sign_in, monkeypatch):
    pages = [
        "/framework",
        "/framework/skills",
        "/framework/skills/data-visualisation",
        "/framework/roles/data-analyst",
        "/framework/roles/data-analyst/senior-data-analyst",
        "/profile/matches",
    ]
    for signed_in in (False, True):
        if signed_in:
            sign_in("policy.officer@example.gov.uk")
        for url in pages[: 5 if not signed_in else 6]:
            client.get(url)  # fills the cache
            cached = page_without_nonce(client, url)
            assert cached == rendered_afresh(client, seeded, monkeypatch, url), url
            assert ("Sign out" in cached) == signed_in and ("Your profile" in cached) == signed_in


def test_the_kept_navigation_carries_this_sessions_csrf_token(seeded, client, sign_in, submit):
    sign_in("policy.officer@example.gov.uk")
    client.get("/framework")
    page = client.get("/framework").get_data(as_text=True)
    token = re.search(r'action="/sign-out"[^>]*>\s*<input name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token and token.group(1) != "__csrf_token__"
    client.post("/sign-out", data={"csrf_token": token.group(1)})
    assert "Sign out" not in client.get("/framework").get_data(as_text=True)
    assert client.get("/profile/matches").status_code == 302  # back to signing in


def test_option_tags_mark_the_choice_and_escape_every_value():
    from ddat.formatters import option_tags

    html = option_tags([("a", "A & B"), (2, "<two>"), ('"x"', "X")], 2)
    assert html == (
        '<option value="a">A &amp; B</option><option value="2" selected>&lt;two&gt;</option>'
        '<option value="&#34;x&#34;">X</option>'
    )
    assert "selected" not in option_tags([("a", "A")], None)


def test_the_gaps_page_keeps_the_chosen_role_levels_selected(seeded, client, sign_in):
    sign_in("leader@example.gov.uk")
    page = client.get("/dashboards/gaps?target=data-architect&target=senior-data-analyst").get_data(as_text=True)
    assert page.count('<option value="data-architect" selected>') == 1
    assert page.count('<option value="senior-data-analyst" selected>') == 1
    assert page.count(" selected>") == 2  # and no filter chosen
