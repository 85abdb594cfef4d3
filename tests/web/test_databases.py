"""The schema and the data layer behave the same on SQLite and PostgreSQL."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from ddat import create_app, db
from ddat.migrate import alembic_config, upgrade_to_head
from ddat.services.framework import load_release
from tests.client import CSRF_PATTERN, signed_in_as
from tests.support import empty_postgres

EXPECTED_TABLES = {
    "alembic_version", "framework_release", "department", "user_account", "person", "skill_rating", "assessment",
    "audit_event", "change_counter", "scheme", "scheme_member", "member_note", "milestone", "learning_item",
    "learning_session", "learning_invitation", "learning_registration", "user_identity", "user_session",
    "outbox_message", "password_reset", "email_confirmation", "line_management", "confirmation_request",
    "skill_confirmation", "api_client", "population_change", "learning_progress",
}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'schema.db'}"
    return empty_postgres(request.getfixturevalue("postgres_url"))


def test_migrations_create_every_table_and_downgrade_cleanly(database_url):
    from alembic import command

    upgrade_to_head(database_url)
    engine = create_engine(database_url)
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES
    command.downgrade(alembic_config(database_url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade_to_head(database_url)
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES
    engine.dispose()


# person and assessment point at each other (a person's current assessment), which SQLAlchemy
# says it cannot sort; the comparison does not need it to.
@pytest.mark.filterwarnings("ignore:Cannot correctly sort tables")
def test_migrations_match_the_table_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import ddat.models  # noqa: F401  (the tables SQLModel knows)

    upgrade_to_head(database_url)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_framework_seed_and_pages_work_on_each_database(database_url):
    upgrade_to_head(database_url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        load_release(db.session())
    result = app.test_cli_runner().invoke(args=["seed-demo", "--people", "25", "--seed", "5"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert "Senior data analyst" in client.get("/framework/roles/data-analyst").get_data(as_text=True)
    # The learning pages' queries (a UNION, GROUP BY, EXTRACT on a timestamp, row locks) on each database.
    assert "Data masterclass for permanent secretaries" in client.get("/masterclasses").get_data(as_text=True)

    def post(url, data):
        token = CSRF_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)
        return client.post(url, data={**data, "csrf_token": token})

    signed_in_as(client, "perm.sec@example.gov.uk")
    item = "/masterclasses/data-masterclass-for-permanent-secretaries"
    booking = re.search(r'href="(/masterclasses/[^"]+/book)"', client.get(item).get_data(as_text=True)).group(1)
    assert post(booking, {}).status_code == 302
    post("/sign-out", {})
    signed_in_as(client, "leader@example.gov.uk")
    uptake = client.get(item + "/uptake").get_data(as_text=True)
    assert re.search(r"<strong>\d+ of \d+</strong> people it is for \(Permanent Secretary\)", uptake)
    assert re.search(r'<th scope="row" class="govuk-table__header">\w{3} \d{4}</th>', uptake)  # a month row
    app.extensions["db_engine"].dispose()


def test_the_audit_log_cannot_be_changed_only_added_to_and_pruned(database_url):
    from sqlalchemy.exc import DBAPIError

    upgrade_to_head(database_url)
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for action, days_ago in (("recent.event", 1), ("old.event", 40)):
            connection.execute(
                text("INSERT INTO audit_event (at, action) VALUES (:at, :action)"),
                {"at": datetime.now(UTC) - timedelta(days=days_ago), "action": action},
            )
    for change in ("UPDATE audit_event SET action = 'something.else'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(change))
    with engine.begin() as connection:
        assert sorted(connection.execute(text("SELECT action FROM audit_event")).scalars()) == [
            "old.event",
            "recent.event",
        ]
        # Pruning what is past the retention period is allowed.
        connection.execute(text("DELETE FROM audit_event WHERE action = 'old.event'"))
        assert connection.execute(text("SELECT action FROM audit_event")).scalars().all() == ["recent.event"]
    engine.dispose()
