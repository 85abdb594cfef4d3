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
