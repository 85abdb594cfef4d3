"""Ids that are never reused, sessions kept in the database, one open draft per person

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:00:00

SQLite hands a deleted row's id to the next row unless the table is AUTOINCREMENT, so a
deleted account's id (in a cookie, an address or the audit log) could name a new person.
Tables whose ids reach a cookie, an address or the audit log are rebuilt as AUTOINCREMENT,
and each table's sequence starts above every id the audit log has ever named, so no old
event can be read as being about a new row. PostgreSQL's sequences never go back.

Signed-in browsers now hold a random session token whose hash is a row here: deleting the
row ends that session on every app server (the old session epoch is dropped, so everyone
signs in again once after this migration).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The tables whose ids reach a cookie, an address or an audit event, and the audit object
# type that names them.
NEVER_REUSED = {
    "user_account": "user_account",
    "person": "person",
    "assessment": "assessment",
    "scheme": "scheme",
    "scheme_member": "scheme_member",
    "member_note": "member_note",
    "milestone": "milestone",
    "learning_item": "learning_item",
    "learning_session": "learning_session",
    "learning_invitation": "learning_invitation",
    "learning_registration": "learning_registration",
    "user_identity": "user_identity",
}


def upgrade() -> None:
    op.create_table(
        "user_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")

    # A double-submitted question page once made a second draft; keep the newest of each.
    op.execute(
        "DELETE FROM skill_rating WHERE assessment_id IN (SELECT a.id FROM assessment a WHERE a.submitted_at IS NULL "
        "AND a.id < (SELECT max(b.id) FROM assessment b WHERE b.person_id = a.person_id AND b.submitted_at IS NULL))"
    )
    op.execute(
        "DELETE FROM assessment WHERE submitted_at IS NULL AND id < (SELECT max(b.id) FROM assessment b "
        "WHERE b.person_id = assessment.person_id AND b.submitted_at IS NULL)"
    )

    if op.get_bind().dialect.name == "sqlite":
        for table in NEVER_REUSED:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
        _start_sequences_above_audited_ids()
    # A page sent twice at once once wrote a skill twice into one assessment: keep the newest.
    op.execute(
        "DELETE FROM skill_rating WHERE assessment_id IS NOT NULL AND id < (SELECT max(b.id) FROM skill_rating b "
        "WHERE b.assessment_id = skill_rating.assessment_id AND b.skill = skill_rating.skill)"
    )
    op.create_index("uq_skill_rating_assessment_skill", "skill_rating", ["assessment_id", "skill"], unique=True)
    # After the rebuild: batch mode's copy of a table may not keep a partial index's condition.
    op.create_index(
        "uq_assessment_one_open_draft",
        "assessment",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("submitted_at IS NULL"),
        postgresql_where=sa.text("submitted_at IS NULL"),
    )


def _start_sequences_above_audited_ids() -> None:
    bind = op.get_bind()
    for table, object_type in NEVER_REUSED.items():
        highest = bind.execute(
            sa.text(
                f"SELECT max(n) FROM (SELECT max(id) AS n FROM {table} UNION ALL "
                "SELECT max(CAST(object_id AS INTEGER)) FROM audit_event WHERE object_type = :type "
                "AND object_id GLOB '[0-9]*' UNION ALL "
                "SELECT max(actor_user_id) FROM audit_event WHERE :type = 'user_account')"
            ),
            {"type": object_type},
        ).scalar()
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :table"), {"table": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
            {"table": table, "seq": highest or 0},
        )


def downgrade() -> None:
    # AUTOINCREMENT stays on SQLite tables: taking it away would only let ids be reused.
    op.drop_index("uq_assessment_one_open_draft", table_name="assessment")
    op.drop_index("uq_skill_rating_assessment_skill", table_name="skill_rating")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
