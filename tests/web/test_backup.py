"""Backing up the SQLite database while it is in use, and restoring it."""

import pytest
from sqlalchemy import create_engine
from sqlmodel import func, select

from ddat import db
from ddat.backup import BackupError, sqlite_file
from ddat.models import Department, Person
from tests.cli import run


def people(app) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(Person)).one()


def test_a_backup_restores_what_was_there(seeded, tmp_path):
    copy = tmp_path / "backups" / "monday.db"
    before = people(seeded)
    result = run(seeded, "backup", str(copy))
    assert result.exit_code == 0 and "Backed up" in result.output and copy.stat().st_size > 0
    # Work goes on after the backup.
    with seeded.app_context():
        session = db.session()
        session.add(Department(name="Department of Later Changes", abbreviation="DLC"))
        session.commit()
    assert run(seeded, "backup", str(copy)).exit_code != 0  # an existing backup is never overwritten
    result = run(seeded, "restore", str(copy), "--yes")
    assert result.exit_code == 0, result.output
    with seeded.app_context():
        names = db.session().exec(select(Department.name)).all()
    assert "Department of Later Changes" not in names and people(seeded) == before
    client = seeded.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert "Senior data analyst" in client.get("/framework/roles/data-analyst").get_data(as_text=True)


def test_restore_refuses_what_is_not_a_backup(seeded, tmp_path):
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all, just some words that are long enough " * 20)
    result = run(seeded, "restore", str(text_file), "--yes")
    assert result.exit_code != 0 and "not an SQLite database" in result.output
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = run(seeded, "restore", str(other), "--yes")
    assert result.exit_code != 0 and "not a backup of this service" in result.output
    assert people(seeded) > 0


def test_postgresql_is_pointed_at_pg_dump():
    with pytest.raises(BackupError, match="pg_dump"):
        sqlite_file(create_engine("postgresql+psycopg://someone@localhost/ddat"))
