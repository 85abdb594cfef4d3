"""One engine per app, one session per request, closed on teardown."""

import os
import sqlite3
from urllib.parse import quote

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlmodel import Session, create_engine

from .caches import learning, population  # noqa: F401 (their flush events keep the counters and the summary)

# How long a request waits for PostgreSQL to accept a connection: a server that does not answer
# (rather than refusing) must give a "busy" page, not hold a worker until gunicorn kills it.
POSTGRES_CONNECT_SECONDS = 5


def make_engine(url: str, busy_seconds: float = 5):
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": POSTGRES_CONNECT_SECONDS}
        # A connection the server dropped (a restart, a failover) is replaced before it is used.
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    if parsed.database in (None, "", ":memory:"):
        return _with_pragmas(create_engine(url, connect_args={"check_same_thread": False}))
    return _sqlite_file_engine(url, parsed.database, busy_seconds)


def _sqlite_file_engine(url: str, path: str, busy_seconds: float):
    """The app opens an existing database and never creates one: sqlite3 would otherwise make a
    new, empty file wherever the real one went missing, and requests would fail or, worse, write
    into it. `flask init-db` (Alembic, with its own engine) is what creates the file."""
    location = f"file:{quote(path)}?mode=rw"

    def connect():
        try:
            return sqlite3.connect(location, uri=True, check_same_thread=False, timeout=busy_seconds)
        except sqlite3.OperationalError as error:
            if os.path.exists(path):
                raise
            # What the log and a command run before `init-db` show, rather than "unable to open".
            raise sqlite3.OperationalError(f"no database file at {path}: `flask init-db` creates it") from error

    engine = _with_pragmas(create_engine(url, creator=connect))

    @event.listens_for(engine, "connect")
    def _remember_file(_connection, record):
        record.info["file"] = _file_identity(path)

    @event.listens_for(engine, "checkout")
    def _same_file(_connection, record, _proxy):
        # An open connection keeps reading and writing the file it opened, even after that file
        # was moved, deleted or replaced (a restore). Such a connection is dropped, so the pool
        # opens the file now at the path, or fails plainly when there is none.
        if _file_identity(path) != record.info.get("file"):
            raise DisconnectionError(f"the database file {path} was moved or replaced")

    return engine


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _with_pragmas(engine):
    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Read the database through the operating system's page cache, shared by every
        # connection and worker, rather than each connection's own 2 MB cache: joins that
        # look up thousands of people by id are faster (docs/performance.md).
        cursor.execute("PRAGMA mmap_size=268435456")
        # Deleted rows are overwritten with zeros, so a deleted account's personal data
        # does not linger in free pages of the file (see forget_deleted_rows for the WAL).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    return engine


def forget_deleted_rows(db_session: Session) -> None:
    """After deleting personal data: copy the write-ahead log into the (zeroed) database file
    and empty it, so the log keeps no copy of the deleted rows. PostgreSQL's own cleanup
    (autovacuum) reclaims dead rows there."""
    bind = db_session.get_bind()
    if bind.dialect.name == "sqlite":
        # Outside any transaction: a checkpoint cannot run inside one.
        connection = bind.raw_connection()
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
        finally:
            connection.close()


def init_db(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLITE_BUSY_SECONDS"])
    app.teardown_appcontext(_close_session)


def engine():
    return current_app.extensions["db_engine"]


def session() -> Session:
    if "db_session" not in g:
        # A request that records an audit event and then renders what it loaded must not
        # reload every row one at a time: objects keep their values after a commit. Nothing
        # here changes rows behind the session's back (no triggers that write), so they stay true.
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def discard_session() -> None:
    """End the request's session after a database error. Its connection is closed rather than
    rolled back (a rollback on a connection the server dropped raises again), which discards the
    transaction; what it loaded stays readable, unlike after a rollback, which expires it, so an
    error page can still show who is signed in without asking the database again."""
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.invalidate()


def _close_session(_exc=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is None:
        return
    try:
        db_session.close()
    except SQLAlchemyError:
        # The server went away after the request's own work (a restart): closing rolls back,
        # which fails on a dropped connection, and the answer already made must still be sent.
        db_session.invalidate()
