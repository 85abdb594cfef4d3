import shutil
import tempfile
from functools import cache
from pathlib import Path

from flask import Flask

from ddat import create_app, db
from ddat.migrate import upgrade_to_head
from ddat.services.framework import load_release


@cache
def _migrated_template() -> Path:
    """One SQLite file per test process, migrated to head with the framework loaded.

    Running every migration for each test costs far more than copying the result, and the copy
    is the same database byte for byte.
    """
    template = Path(tempfile.mkdtemp(prefix="ddat-template-")) / "template.db"
    url = f"sqlite:///{template}"
    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        load_release(db.session())
    app.extensions["db_engine"].dispose()
    return template


def fresh_app(database_file, **overrides) -> Flask:
    """An app on its own migrated SQLite database with the shipped framework loaded."""
    url = f"sqlite:///{database_file}"
    if Path(database_file).exists():
        upgrade_to_head(url)  # an existing database (a restart): migrate it as production would
    else:
        shutil.copyfile(_migrated_template(), database_file)
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


def seeded_database(url: str, people: int = 10) -> Flask:
    """An app on an empty database at `url`, migrated, with the framework and a small demo seed,
    for tests that serve it from live servers."""
    from ddat import demo

    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        load_release(db.session())
        demo.seed(db.session(), people=people, seed=4)
    return app


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


def outbox(app: Flask) -> list:
    """Every message the app has written to its outbox, oldest first."""
    from sqlmodel import select

    from ddat.models import OutboxMessage

    with app.app_context():
        return list(db.session().exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def run_sender(app: Flask, delivery, now=None, sender: str = "sender-a"):
    """One pass of the outbox sender, as `flask send-notifications` runs it."""
    from ddat.notifications.sender import run_once

    with app.app_context():
        return run_once(db.session(), delivery, sender, now)
