"""Cohort schemes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 23:15:24.270804
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "scheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("target_levels", sa.JSON(), nullable=False),
        sa.Column("professions", sa.JSON(), nullable=False),
        sa.Column("department_ids", sa.JSON(), nullable=False),
        sa.Column("grade_from", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("grade_to", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("min_fit", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_department_id"],
            ["department.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scheme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_owner_department_id"), ["owner_department_id"], unique=False)

    op.create_table(
        "scheme_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("statement", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("target_level", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("fit_at_enrolment", sa.Integer(), nullable=True),
        sa.Column("applied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("enrolled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("placed_level", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["scheme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scheme_id", "person_id", name="uq_scheme_member_person"),
    )
    with op.batch_alter_table("scheme_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheme_member_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheme_member_scheme_id"), ["scheme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheme_member_status"), ["status"], unique=False)

    op.create_table(
        "member_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["scheme_member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("member_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_note_member_id"), ["member_id"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["scheme_member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_member_id"), ["member_id"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.create_index("ix_person_staff_number", ["staff_number"], unique=True)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_user_account_department_id", "department", ["department_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint("fk_user_account_department_id", type_="foreignkey")
        batch_op.drop_column("department_id")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_staff_number")
        batch_op.drop_column("staff_number")

    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_milestone_member_id"))

    op.drop_table("milestone")
    with op.batch_alter_table("member_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_note_member_id"))

    op.drop_table("member_note")
    with op.batch_alter_table("scheme_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_member_status"))
        batch_op.drop_index(batch_op.f("ix_scheme_member_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_scheme_member_person_id"))

    op.drop_table("scheme_member")
    with op.batch_alter_table("scheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheme_owner_department_id"))

    op.drop_table("scheme")
    op.drop_table("change_counter")
