"""When a person stopped sharing their profile with HR

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 23:40:00

People who had already withdrawn get the time of their last withdrawal from the audit log.
Where the log no longer has it the time stays empty, and HR sees none of their assessments
(ddat/services/consent.py): nothing can show they were made while the person shared.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CHECK = "ck_person_withdrawn_not_sharing"
NEVER_REUSED = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hr_consent_withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE person SET hr_consent_withdrawn_at = ("
        "SELECT max(audit_event.at) FROM audit_event WHERE audit_event.action = 'consent.withdrawn' "
        "AND audit_event.object_type = 'person' AND audit_event.object_id = CAST(person.id AS VARCHAR)"
        ") WHERE NOT person.shares_with_hr"
    )
    # Adding a check rebuilds the table on SQLite: it stays AUTOINCREMENT (migration 0009).
    with op.batch_alter_table("person", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.create_check_constraint(CHECK, "NOT shares_with_hr OR hr_consent_withdrawn_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None, table_kwargs=NEVER_REUSED) as batch_op:
        batch_op.drop_constraint(CHECK, type_="check")
        batch_op.drop_column("hr_consent_withdrawn_at")
