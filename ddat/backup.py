"""Backing up and restoring the embedded SQLite database while the service runs.

SQLite's online backup API copies a consistent snapshot page by page, so people can keep using
the service during a backup (a plain file copy of a live WAL database can be torn). PostgreSQL
has its own tools: `pg_dump` and `pg_restore`.
"""

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

POSTGRES_ADVICE = (
    "This service is using PostgreSQL: back it up with "
    "`pg_dump --format=custom --file=BACKUP.dump DATABASE` and restore with "
    "`pg_restore --clean --if-exists --dbname=DATABASE BACKUP.dump`."
)


class BackupError(Exception):
    pass


def sqlite_file(engine: Engine) -> Path:
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_ADVICE)
    if not url.database or url.database == ":memory:":
        raise BackupError("The database is in memory: there is nothing on disk to back up.")
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    from_db, to_db = sqlite3.connect(source), sqlite3.connect(target)
    try:
        from_db.backup(to_db)
    finally:
        to_db.close()
        from_db.close()


def _check_is_a_backup(backup: Path) -> None:
    try:
        check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            damaged = check.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
            ours = check.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
        finally:
            check.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} is not an SQLite database ({error}): nothing was restored.") from error
    if damaged:
        raise BackupError(f"{backup} is damaged: nothing was restored.")
    if not ours:
        raise BackupError(f"{backup} is not a backup of this service: nothing was restored.")


def back_up(engine: Engine, target: Path) -> Path:
    source = sqlite_file(engine)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file so no backup is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
    return source


def restore(engine: Engine, backup: Path) -> Path:
    """Replace the live database's contents with the backup's (people must not be using it)."""
    target = sqlite_file(engine)
    _check_is_a_backup(backup)
    engine.dispose()  # no pooled connection may keep reading the old pages
    _copy(backup, target)
    return target
