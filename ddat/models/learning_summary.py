"""Each person's furthest stage with each learning item, worked out from their invitations and
registrations and kept up to date in the transaction that changes them (ddat/caches/learning.py),
so the learning dashboard counts a few compact rows instead of grouping every registration."""

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel


class LearningProgress(SQLModel, table=True):
    __tablename__ = "learning_progress"
    __table_args__ = (
        CheckConstraint("stage BETWEEN 1 AND 4", name="ck_learning_progress_stage"),
        # Rows stored in key order on SQLite: an item's rows are read together, and a table
        # with a rowid made that a lookup per row (PostgreSQL has no such option).
        {"sqlite_with_rowid": False},
    )
    # Derived rows: they go with the item or person they are about rather than stop it going.
    item_id: int = Field(foreign_key="learning_item.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")
    stage: int  # 1 invited, 2 registered, 3 attended, 4 completed
    # Year × 100 + month of their completion (UTC), for completions by month; None if not completed.
    completed_month: int | None = None
