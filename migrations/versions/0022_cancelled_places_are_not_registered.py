"""Learning progress: a cancelled place no longer counts as registered. Every pair's furthest
stage is worked out again from the invitations and registrations there.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 19:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
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


def _refilled(cancelled_counts_as_registered: bool):
    """The rule in ddat/caches/learning.py: invited 1, a place held (and, from this revision,
    not cancelled) 2, attended 3, completed 4, the furthest per pair; the completion's
    year × 100 + month."""
    r = registration.c
    held = r.registered_at.is_not(None)
    if not cancelled_counts_as_registered:
        held = sa.and_(held, r.status != "cancelled")
    stage = sa.case((r.status == "completed", 4), (r.status == "attended", 3), (held, 2), else_=1)
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
    op.execute(progress.delete())
    op.execute(_refilled(cancelled_counts_as_registered=False))


def downgrade() -> None:
    op.execute(progress.delete())
    op.execute(_refilled(cancelled_counts_as_registered=True))
