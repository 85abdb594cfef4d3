"""Database tables. Input and output shapes live with the services, not here."""

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


class FrameworkRelease(SQLModel, table=True):
    """One loaded framework export. The newest is current; older ones stay for assessments made under them."""

    __tablename__ = "framework_release"
    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(index=True, unique=True, max_length=80)
    document: bytes
    loaded_at: datetime = Field(default_factory=_now)


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    abbreviation: str = Field(max_length=20)


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="civil_servant", max_length=20)
    created_at: datetime = Field(default_factory=_now)


class Person(SQLModel, table=True):
    """A civil servant's work profile (synthetic in demo data)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", unique=True)
    display_name: str = Field(max_length=200)
    department_id: int = Field(foreign_key="department.id", index=True)
    profession: str = Field(index=True, max_length=40)
    grade: str = Field(index=True, max_length=8)
    shares_with_hr: bool = False


class SkillRating(SQLModel, table=True):
    __tablename__ = "skill_rating"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    skill: str = Field(index=True, max_length=120)
    level: int = Field(ge=1, le=4)
    evidence: str = Field(default="self", max_length=12)
    framework_version: str = Field(max_length=80)
    rated_at: datetime = Field(default_factory=_now)
