"""A person holds at most one live registration (registered, waiting, attended or completed)
per learning item, enforced by a partial unique index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 23:40:00

Before the index existed, people booking several sessions of one item at the same moment could
end up with more than one place. Those extra places are cancelled first, so the index can be
built: each person keeps the registration that went furthest (completed, then attended, then
registered, then waiting), and of equals the earliest made.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

LIVE = "status IN ('registered', 'waiting', 'attended', 'completed')"  # LIVE_REGISTRATION in ddat/models.py
RANK = "CASE {t}.status WHEN 'completed' THEN 4 WHEN 'attended' THEN 3 WHEN 'registered' THEN 2 ELSE 1 END"


def upgrade() -> None:
    this, other = RANK.format(t="learning_registration"), RANK.format(t="other")
    op.execute(
        "UPDATE learning_registration SET status = 'cancelled', "
        "cancelled_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP "
        f"WHERE {LIVE} AND EXISTS (SELECT 1 FROM learning_registration AS other "
        "WHERE other.item_id = learning_registration.item_id "
        "AND other.person_id = learning_registration.person_id "
        f"AND other.{LIVE} "
        f"AND ({other} > {this} OR ({other} = {this} AND other.id < learning_registration.id)))"
    )
    op.create_index(
        "uq_registration_one_live",
        "learning_registration",
        ["item_id", "person_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )


def downgrade() -> None:
    op.drop_index("uq_registration_one_live", table_name="learning_registration")
