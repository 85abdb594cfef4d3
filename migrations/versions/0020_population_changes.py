"""A log of whose rows of the cached skills matrix each ratings change affected

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 08:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "population_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_population_change_seq", "population_change", ["seq"])


def downgrade() -> None:
    op.drop_index("ix_population_change_seq", table_name="population_change")
    op.drop_table("population_change")
