"""Serialising a check and the write that depends on it ("is a place left?", then "take it").

Every change to who holds a place locks the parent row first (the learning session, the
scheme) with `lock`, then counts, then writes, in one transaction. Two requests for the last
place therefore take turns: the second counts only after the first has committed or rolled
back. How the lock is taken depends on the database:

- PostgreSQL locks the row (SELECT ... FOR UPDATE). Others locking the same row wait; plain
  readers do not. Under READ COMMITTED each later statement sees what the first committed.
- SQLite has one writer at a time, so the transaction becomes the writer (BEGIN IMMEDIATE)
  before it reads anything it will decide on. pysqlite's own transactions begin only at the
  first INSERT, UPDATE or DELETE, so the reads before that took no snapshot; an open
  transaction here has already written and so already holds the write lock. Waiting for the
  lock is bounded by the connection's busy timeout (ddat/db.py).
"""

from typing import TypeVar

from sqlmodel import Session, select

Row = TypeVar("Row")


def lock(db: Session, model: type[Row], row_id: int) -> Row:
    """Lock one row for the rest of the transaction and return it as it now is."""
    db.flush()  # on SQLite a pending write would otherwise open a deferred transaction first
    connection = db.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    query = select(model).where(model.id == row_id).with_for_update()
    # Whatever this session loaded before the lock may be out of date (a capacity just changed).
    return db.exec(query.execution_options(populate_existing=True)).one()
