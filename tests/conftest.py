import os

import pytest
from flask import Flask

from tests.client import CSRF_PATTERN, DEMO_PASSWORD, signed_in_as
from tests.support import fresh_app


@pytest.fixture
def make_app(tmp_path):
    return lambda name="test": fresh_app(tmp_path / f"{name}.db")


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def get_page(client):
    """GET a page, check the status, and return its HTML as text."""

    def get(url: str, status: int = 200) -> str:
        response = client.get(url)
        assert response.status_code == status, f"{url} returned {response.status_code}"
        assert response.mimetype == "text/html"
        return response.get_data(as_text=True)

    return get


@pytest.fixture(scope="session")
def postgres_url():
    from tests.postgres import throwaway_postgres

    with throwaway_postgres() as url:
        if url is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL is not installed; `make test` installs it")
            pytest.skip("PostgreSQL is not installed")
        yield url


@pytest.fixture(scope="module")
def redis_url():
    """A Redis server of the module's own, so counts never carry over from another module."""
    from tests.redis_server import throwaway_redis

    with throwaway_redis() as url:
        if url is None:
            if os.environ.get("CI"):
                pytest.fail("Redis is not installed; `make test` installs it")
            pytest.skip("Redis is not installed")
        yield url


@pytest.fixture
def submit(client):
    """Fill in a form as a browser would: GET the page for its CSRF token, then POST."""

    def post(url: str, data: dict, form_url: str | None = None, follow: bool = False):
        page = client.get(form_url or url).get_data(as_text=True)
        token = CSRF_PATTERN.search(page)
        assert token, f"no CSRF token on {form_url or url}"
        return client.post(url, data={**data, "csrf_token": token.group(1)}, follow_redirects=follow)

    return post


@pytest.fixture
def seeded(app):
    from ddat import db, demo

    with app.app_context():
        demo.seed(db.session(), people=10, seed=4)
    return app


@pytest.fixture
def sign_in(client):
    """Sign the test's own client in: sign_in(email, password=DEMO_PASSWORD)."""

    def as_user(email: str, password: str = DEMO_PASSWORD):
        return signed_in_as(client, email, password)

    return as_user
