import pytest
from flask import Flask

from ddat import create_app, db
from ddat.migrate import upgrade_to_head
from ddat.services.framework import load_release


@pytest.fixture
def app(tmp_path) -> Flask:
    """A fresh app on its own migrated SQLite database with the shipped framework loaded."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        load_release(db.session())
    return app


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
