"""Framework releases, departments, accounts, people and skill ratings

Revision ID: 0001
Revises:
Create Date: 2026-11-22 07:53:04.870058
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("abbreviation", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "framework_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("loaded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("framework_release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_framework_release_version"), ["version"], unique=True)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_email"), ["email"], unique=True)

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("profession", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("shares_with_hr", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id"),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_grade"), ["grade"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_profession"), ["profession"], unique=False)

    op.create_table(
        "skill_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("skill", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("framework_version", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("rated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_rating_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_rating_skill"), ["skill"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("skill_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_rating_skill"))
        batch_op.drop_index(batch_op.f("ix_skill_rating_person_id"))

    op.drop_table("skill_rating")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_profession"))
        batch_op.drop_index(batch_op.f("ix_person_grade"))
        batch_op.drop_index(batch_op.f("ix_person_department_id"))

    op.drop_table("person")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_email"))

    op.drop_table("user_account")
    with op.batch_alter_table("framework_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_framework_release_version"))

    op.drop_table("framework_release")
    op.drop_table("department")
