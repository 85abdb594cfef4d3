"""The audit log cannot be changed, only added to; only events past the shortest retention
period (30 days) can be deleted, by pruning

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 13:15:00

Any later change to audit_event on SQLite must recreate these triggers: batch_alter_table
copies the table and drops them.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MESSAGE = "the audit log is append-only"
YOUNGEST_PRUNABLE_DAYS = 30  # AUDIT_RETENTION_DAYS may not be shorter (ddat/config.py)


def upgrade() -> None:
    if _postgres():
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' OR OLD.at > now() - interval '{YOUNGEST_PRUNABLE_DAYS} days' THEN "
            f"RAISE EXCEPTION '{MESSAGE}'; END IF; RETURN OLD; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_early_delete BEFORE DELETE ON audit_event "
            f"WHEN OLD.at > datetime('now', '-{YOUNGEST_PRUNABLE_DAYS} days') "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if _postgres():
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER audit_event_no_early_delete")
        op.execute("DROP TRIGGER audit_event_no_update")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"
