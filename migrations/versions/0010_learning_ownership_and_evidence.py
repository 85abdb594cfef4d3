"""Learning has an owning department, like schemes; completions record who recorded them
and what they credited, and can be disputed by the person

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# These changes rebuild both tables on SQLite: they stay AUTOINCREMENT (migration 0009).
NEVER_REUSED = {"sqlite_autoincrement": True}

CHECKS = {
    "ck_learning_registration_dispute_reason": "(disputed_at IS NULL) = (dispute_reason IS NULL)",
    "ck_learning_registration_open_dispute_is_a_completion": (
        "disputed_at IS NULL OR dispute_outcome IS NOT NULL OR status = 'completed'"
    ),
    "ck_learning_registration_dispute_outcome": (
        "dispute_outcome IS NULL OR (dispute_outcome IN ('confirmed', 'withdrawn') AND disputed_at IS NOT NULL)"
    ),
}


def upgrade() -> None:
    with op.batch_alter_table("learning_item", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.add_column(sa.Column("owner_department_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_learning_item_owner_department_id"), ["owner_department_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_learning_item_owner_department_id_department", "department", ["owner_department_id"], ["id"]
        )
    with op.batch_alter_table("learning_registration", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.add_column(sa.Column("completed_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disputed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("dispute_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column("dispute_outcome", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True))
        batch_op.add_column(sa.Column("credited_skills", sa.JSON(), nullable=True))
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    with op.batch_alter_table("learning_registration", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(name, type_="check")
        batch_op.drop_column("credited_skills")
        batch_op.drop_column("dispute_outcome")
        batch_op.drop_column("dispute_reason")
        batch_op.drop_column("disputed_at")
        batch_op.drop_column("completed_by_user_id")
    with op.batch_alter_table("learning_item", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.drop_constraint("fk_learning_item_owner_department_id_department", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_learning_item_owner_department_id"))
        batch_op.drop_column("owner_department_id")
