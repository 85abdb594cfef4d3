"""Clients of the JSON API: HR and learning systems, and other tools, each with its own secret."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from . import NEVER_REUSED_IDS, _now


class ApiClient(SQLModel, table=True):
    """One system allowed to call the API. Its secret is shown once and stored only as a hash;
    `key_id` (public, in the token) finds the row without trying every hash."""

    __tablename__ = "api_client"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(unique=True, index=True, max_length=24)
    secret_hash: str = Field(max_length=64)  # SHA-256 of a 256-bit random secret
    name: str = Field(max_length=120)
    scopes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # A departmental client sees and changes only that department's people, like departmental HR.
    department_id: int | None = Field(default=None, foreign_key="department.id")
    created_by_user_id: int | None = None  # not a foreign key: the client outlives the admin's account
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
