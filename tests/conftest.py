import os

import pytest
from flask import Flask

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
