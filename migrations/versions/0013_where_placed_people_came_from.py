"""Where a placed scheme member came from: their profession and grade when they were placed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 07:00:00

Placements are counted as real moves from a profession and grade into a DDaT role
(ddat/services/observed_moves.py). A person's profession and grade change after a move, so
they are kept with the placement. Members placed before this revision get the person's
profession and grade as they are now, the best record there is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NEVER_REUSED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("scheme_member", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.add_column(sa.Column("placed_from_profession", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("placed_from_grade", sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE scheme_member SET "
        "placed_from_profession = (SELECT profession FROM person WHERE person.id = scheme_member.person_id), "
        "placed_from_grade = (SELECT grade FROM person WHERE person.id = scheme_member.person_id) "
        "WHERE status = 'placed'"
    )


def downgrade() -> None:
    with op.batch_alter_table("scheme_member", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.drop_column("placed_from_grade")
        batch_op.drop_column("placed_from_profession")
