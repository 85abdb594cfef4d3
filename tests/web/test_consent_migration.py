"""Migration 0012 on SQLite and PostgreSQL: people who withdrew before it keep HR out of what
they did afterwards, from the time the audit log recorded."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from ddat.migrate import alembic_config
from tests.support import empty_postgres


def utc_text(at) -> str | None:
    if at is None or isinstance(at, str):  # SQLite hands back the stored text
        return at and at[:19]
    return (at.astimezone(UTC) if at.tzinfo else at).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'consent.db'}"
    return empty_postgres(request.getfixturevalue("postgres_url"))


def test_people_who_withdrew_before_the_upgrade_get_their_last_withdrawal_time(database_url):
    config = alembic_config(database_url)
    command.upgrade(config, "0008")
    engine = create_engine(database_url)
    first, last = datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2026, 5, 1, 10, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO department (id, name, abbreviation) VALUES (1, 'Cabinet Office', 'CO')"))
        for person_id, shares in ((1, False), (2, False), (3, True)):
            connection.execute(
                text(
                    "INSERT INTO person (id, display_name, department_id, profession, grade, shares_with_hr, "
                    "experience, updated_at) VALUES (:id, 'Someone', 1, 'policy', 'EO', :shares, '', :at)"
                ),
                {"id": person_id, "shares": shares, "at": first},
            )
        for person_id, at in (("1", first), ("1", last), ("3", first)):
            connection.execute(
                text(
                    "INSERT INTO audit_event (at, action, object_type, object_id) "
                    "VALUES (:at, 'consent.withdrawn', 'person', :id)"
                ),
                {"at": at, "id": person_id},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, hr_consent_withdrawn_at FROM person ORDER BY id")).all()
    withdrawn = {person_id: utc_text(at) for person_id, at in rows}
    # 1 withdrew twice: the later time. 2 never did (as far as the log shows). 3 shares again.
    assert withdrawn == {1: "2026-05-01 10:00:00", 2: None, 3: None}
    command.downgrade(config, "0008")
    engine.dispose()
