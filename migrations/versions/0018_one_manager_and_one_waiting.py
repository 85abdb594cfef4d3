"""A person keeps their line manager while a newly named one has yet to accept: one accepted
link and one waiting link at most, instead of one open link

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ACCEPTED = "ended_at IS NULL AND accepted_at IS NOT NULL"
WAITING = "ended_at IS NULL AND accepted_at IS NULL"


def upgrade() -> None:
    op.drop_index("uq_line_management_one_open", table_name="line_management")
    for name, where in (("uq_line_management_one_manager", ACCEPTED), ("uq_line_management_one_waiting", WAITING)):
        op.create_index(
            name,
            "line_management",
            ["report_id"],
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    # Going back to one open link: a waiting request gives way to the accepted manager.
    op.execute(
        "UPDATE line_management SET ended_at = CURRENT_TIMESTAMP, end_reason = 'replaced' "
        f"WHERE {WAITING} AND report_id IN (SELECT report_id FROM line_management WHERE {ACCEPTED})"
    )
    op.drop_index("uq_line_management_one_waiting", table_name="line_management")
    op.drop_index("uq_line_management_one_manager", table_name="line_management")
    op.create_index(
        "uq_line_management_one_open",
        "line_management",
        ["report_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )
