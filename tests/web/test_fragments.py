"""The header, phase banner and footer rendered once are exactly what the macros give."""

import re

from ddat import fragments


def page_without_nonce(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.sub(r'nonce="[^"]+"', "", re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html))


def test_cached_fragments_are_what_the_macros_render(app, monkeypatch):
    client = app.test_client()
    for url in ("/framework", "/sign-in", "/framework/roles/nope"):
        page_without_nonce(client, url)  # fills the cache
        cached = page_without_nonce(client, url)
        monkeypatch.setattr(fragments, "_rendered", {})
        app.jinja_env.globals["same_every_time"] = lambda name, macro, params: macro(params)
        fresh = page_without_nonce(client, url)
        app.jinja_env.globals["same_every_time"] = fragments.same_every_time
        assert cached == fresh and "govuk-footer" in cached and "govuk-header" in cached and "Alpha" in cached
