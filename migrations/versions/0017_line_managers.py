"""Line managers, examples with each skill rating, and managers' confirmations of skills

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 22:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OPEN_LINK = "ended_at IS NULL"
OPEN_REQUEST = "completed_at IS NULL AND withdrawn_at IS NULL"


def _text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when():
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    # Plain ADD COLUMN, not a batch copy, so SQLite keeps its record of ids already used.
    op.add_column("person", sa.Column("shares_with_manager", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("skill_rating", sa.Column("example", _text(1000), nullable=False, server_default=""))
    op.add_column("skill_rating", sa.Column("confirmed_by_person_id", sa.Integer(), nullable=True))
    op.add_column("skill_rating", sa.Column("confirmed_at", _when(), nullable=True))
    op.add_column("skill_rating", sa.Column("self_level", sa.Integer(), nullable=True))
    op.create_table(
        "line_management",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("manager_email", _text(254), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("source", _text(12), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("accepted_at", _when(), nullable=True),
        sa.Column("ended_at", _when(), nullable=True),
        sa.Column("end_reason", _text(12), nullable=True),
        sa.CheckConstraint("manager_id IS NULL OR manager_id != report_id", name="ck_line_management_not_self"),
        sa.ForeignKeyConstraint(["manager_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_line_management_report_id", "line_management", ["report_id"])
    op.create_index("ix_line_management_manager_id", "line_management", ["manager_id"])
    op.create_index("ix_line_management_manager_email", "line_management", ["manager_email"])
    op.create_index(
        "uq_line_management_one_open",
        "line_management",
        ["report_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_LINK),
        postgresql_where=sa.text(OPEN_LINK),
    )
    op.create_table(
        "confirmation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", _when(), nullable=False),
        sa.Column("completed_at", _when(), nullable=True),
        sa.Column("withdrawn_at", _when(), nullable=True),
        sa.Column("outcome_assessment_id", sa.Integer(), nullable=True),
        sa.Column("response", _text(1000), nullable=False),
        sa.Column("responded_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["line_management.id"]),
        sa.ForeignKeyConstraint(["outcome_assessment_id"], ["assessment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_confirmation_request_person_id", "confirmation_request", ["person_id"])
    op.create_index("ix_confirmation_request_link_id", "confirmation_request", ["link_id"])
    op.create_index(
        "uq_confirmation_request_one_open",
        "confirmation_request",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_REQUEST),
        postgresql_where=sa.text(OPEN_REQUEST),
    )
    op.create_table(
        "skill_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("skill", _text(120), nullable=False),
        sa.Column("self_level", sa.Integer(), nullable=False),
        sa.Column("decision", _text(12), nullable=False),
        sa.Column("confirmed_level", sa.Integer(), nullable=True),
        sa.Column("reason", _text(500), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _when(), nullable=False),
        sa.CheckConstraint(
            "decision IN ('confirmed', 'adjusted', 'cannot_judge')", name="ck_skill_confirmation_decision"
        ),
        sa.CheckConstraint(
            "decision != 'adjusted' OR (confirmed_level IS NOT NULL AND reason != '')",
            name="ck_skill_confirmation_adjusted",
        ),
        sa.ForeignKeyConstraint(["request_id"], ["confirmation_request.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", "skill", name="uq_skill_confirmation_skill"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_skill_confirmation_request_id", "skill_confirmation", ["request_id"])
    op.create_index("ix_skill_confirmation_person_id", "skill_confirmation", ["person_id"])


def downgrade() -> None:
    op.drop_table("skill_confirmation")
    op.drop_table("confirmation_request")
    op.drop_table("line_management")
    for column in ("self_level", "confirmed_at", "confirmed_by_person_id", "example"):
        op.drop_column("skill_rating", column)
    op.drop_column("person", "shares_with_manager")
