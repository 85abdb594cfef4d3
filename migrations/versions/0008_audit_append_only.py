"""The audit log cannot be changed, only added to (and old events pruned)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:15:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MESSAGE = "the audit log is append-only"


def upgrade() -> None:
    if _postgres():
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_event_no_update" + (" ON audit_event" if _postgres() else ""))
    if _postgres():
        op.execute("DROP FUNCTION audit_event_append_only()")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
