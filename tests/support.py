from flask import Flask

from ddat import create_app, db
from ddat.migrate import upgrade_to_head
from ddat.services.framework import load_release


def fresh_app(database_file, **overrides) -> Flask:
    """An app on its own migrated SQLite database with the shipped framework loaded."""
    url = f"sqlite:///{database_file}"
    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, **overrides)
    with app.app_context():
        load_release(db.session())
    return app


def empty_postgres(url: str) -> str:
    """The throwaway server's database, emptied so a test starts from nothing."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return url


def app_on_each_database(request, tmp_path) -> Flask:
    """For a fixture with params ["sqlite", "postgresql"]: a fresh app on that database."""
    if request.param == "sqlite":
        return fresh_app(tmp_path / "test.db")
    url = empty_postgres(request.getfixturevalue("postgres_url"))
    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        load_release(db.session())
    request.addfinalizer(app.extensions["db_engine"].dispose)
    return app
