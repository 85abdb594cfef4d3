"""Learning progress: each person's furthest stage with each learning item and the month they
completed it, filled in from the invitations and registrations already there

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The tables as this migration reads them (the models may change later; this must not).
invitation = sa.table("learning_invitation", sa.column("item_id"), sa.column("person_id"))
registration = sa.table(
    "learning_registration",
    sa.column("item_id"),
    sa.column("person_id"),
    sa.column("status"),
    sa.column("registered_at"),
    sa.column("completed_at", sa.DateTime()),
)
progress = sa.table(
    "learning_progress", sa.column("item_id"), sa.column("person_id"), sa.column("stage"), sa.column("completed_month")
)


def _backfill():
    """The rule in ddat/caches/learning.py at the time of writing: invited 1, a place held 2,
    attended 3, completed 4, the furthest per pair; the completion's year × 100 + month."""
    r = registration.c
    stage = sa.case(
        (r.status == "completed", 4), (r.status == "attended", 3), (r.registered_at.is_not(None), 2), else_=1
    )
    year, month = sa.extract("year", r.completed_at), sa.extract("month", r.completed_at)
    completed = sa.and_(r.status == "completed", r.completed_at.is_not(None))
    completed_month = sa.case((completed, sa.cast(year * 100 + month, sa.Integer)), else_=sa.null())
    invited = sa.select(
        invitation.c.item_id.label("item_id"),
        invitation.c.person_id.label("person_id"),
        sa.literal(1, sa.Integer).label("stage"),
        sa.cast(sa.null(), sa.Integer).label("completed_month"),
    )
    both = sa.union_all(invited, sa.select(r.item_id, r.person_id, stage, completed_month)).subquery()
    rows = sa.select(
        both.c.item_id, both.c.person_id, sa.func.max(both.c.stage), sa.func.max(both.c.completed_month)
    ).group_by(both.c.item_id, both.c.person_id)
    return progress.insert().from_select(["item_id", "person_id", "stage", "completed_month"], rows)


def upgrade() -> None:
    op.create_table(
        "learning_progress",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("completed_month", sa.Integer(), nullable=True),
        sa.CheckConstraint("stage BETWEEN 1 AND 4", name="ck_learning_progress_stage"),
        sa.ForeignKeyConstraint(["item_id"], ["learning_item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "person_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_learning_progress_person_id", "learning_progress", ["person_id"], unique=False)
    op.execute(_backfill())


def downgrade() -> None:
    op.drop_index("ix_learning_progress_person_id", table_name="learning_progress")
    op.drop_table("learning_progress")
