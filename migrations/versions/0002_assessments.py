"""Assessments, profile answers and targets

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 08:09:09.620625
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("framework_version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_role", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
        batch_op.add_column(sa.Column("current_level", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("experience", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("target_level", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column("current_assessment_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.create_index(batch_op.f("ix_person_current_assessment_id"), ["current_assessment_id"], unique=False)
        batch_op.create_foreign_key("fk_person_current_assessment", "assessment", ["current_assessment_id"], ["id"])

    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessment_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_skill_rating_assessment_id"), ["assessment_id"], unique=False)
        batch_op.create_foreign_key("fk_skill_rating_assessment", "assessment", ["assessment_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.drop_constraint("fk_skill_rating_assessment", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_skill_rating_assessment_id"))
        batch_op.drop_column("assessment_id")

    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_constraint("fk_person_current_assessment", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_person_current_assessment_id"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("current_assessment_id")
        batch_op.drop_column("target_level")
        batch_op.drop_column("experience")
        batch_op.drop_column("current_level")
        batch_op.drop_column("current_role")

    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_person_id"))

    op.drop_table("assessment")
