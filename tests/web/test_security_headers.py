"""Every response carries the security headers, with a fresh script nonce that matches the
one inline script on the page."""

import re

import pytest

from ddat import create_app

PAGES = ["/", "/framework", "/framework/skills", "/masterclasses", "/sign-in", "/register", "/no-such-page", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain http on a laptop: no HSTS


def test_the_inline_script_carries_this_requests_nonce(client):
    nonces = []
    for _ in range(2):
        response = client.get("/framework")
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        html = response.get_data(as_text=True)
        assert f'<script nonce="{nonce}">document.body.className' in html
        assert len(re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)", html)) == 0  # no other inline script
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_production_sends_hsts(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("SERVICE_URL", "https://ddat-pathways.example.gov.uk")
    app = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}")
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
