"""Confirmation links no longer carry a name and password from the registration form (the
page a link opens asks for them, and the name is kept on the account), and HR can cancel a
learning session

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 19:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Links made the old way would set a password someone else may have chosen: they stop working.
    op.execute("UPDATE email_confirmation SET used_at = CURRENT_TIMESTAMP WHERE used_at IS NULL")
    # Plain DROP COLUMN, not a batch copy, so SQLite keeps its record of ids already used.
    op.drop_column("email_confirmation", "password_hash")
    op.drop_column("email_confirmation", "display_name")
    op.add_column(
        "user_account",
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""),
    )
    op.add_column("learning_session", sa.Column("cancelled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column(
        "learning_session",
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("user_account", "display_name")
    op.drop_column("learning_session", "cancel_reason")
    op.drop_column("learning_session", "cancelled_at")
    op.add_column(
        "email_confirmation",
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""),
    )
    op.add_column(
        "email_confirmation",
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False, server_default=""),
    )
