"""The kinds of work a person says interest them: role families that trim the optional skills

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 07:25:00

Empty for everyone to start with, which shows every family, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NEVER_REUSED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.add_column(sa.Column("work_interests", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.drop_column("work_interests")
