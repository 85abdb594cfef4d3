"""API clients, and the HR system's record of people: when the feed last set a person's
details, the work email it gave, and when someone left

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 06:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when():
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy, so SQLite keeps its record of ids already used.
    op.add_column("person", sa.Column("hr_record_at", _when(), nullable=True))
    op.add_column("person", sa.Column("hr_email", _text(254), nullable=True))
    op.add_column("person", sa.Column("left_at", _when(), nullable=True))
    op.create_index("ix_person_hr_email", "person", ["hr_email"], unique=True)
    op.add_column("user_account", sa.Column("left_at", _when(), nullable=True))
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", _text(24), nullable=False),
        sa.Column("secret_hash", _text(64), nullable=False),
        sa.Column("name", _text(120), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("expires_at", _when(), nullable=False),
        sa.Column("revoked_at", _when(), nullable=True),
        sa.Column("last_used_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_api_client_key_id", "api_client", ["key_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_api_client_key_id", table_name="api_client")
    op.drop_table("api_client")
    op.drop_index("ix_person_hr_email", table_name="person")
    op.drop_column("user_account", "left_at")
    for column in ("left_at", "hr_email", "hr_record_at"):
        op.drop_column("person", column)
