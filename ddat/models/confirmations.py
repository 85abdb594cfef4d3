"""Line managers, and their confirmations of the skills their reports rate themselves at."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from . import NEVER_REUSED_IDS, _now

LINK_END_REASONS = ("refused", "replaced", "removed", "set_by_hr", "left")


class LineManagement(SQLModel, table=True):
    """A person's line manager: named by the person (waiting until the manager accepts) or set by
    HR. Ending it ends the manager's access at once; the row stays for the record."""

    __tablename__ = "line_management"
    __table_args__ = (
        # At most one line manager, and one named manager waiting to accept, per person, however
        # requests race: the current manager stays until the new one accepts.
        Index(
            "uq_line_management_one_manager",
            "report_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND accepted_at IS NOT NULL"),
            postgresql_where=text("ended_at IS NULL AND accepted_at IS NOT NULL"),
        ),
        Index(
            "uq_line_management_one_waiting",
            "report_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL AND accepted_at IS NULL"),
            postgresql_where=text("ended_at IS NULL AND accepted_at IS NULL"),
        ),
        CheckConstraint("manager_id IS NULL OR manager_id != report_id", name="ck_line_management_not_self"),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="person.id", index=True)
    # The address the person gave (lower case); the manager's profile once known (and None
    # again if the manager deletes their account).
    manager_email: str = Field(index=True, max_length=254)
    manager_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    source: str = Field(max_length=12)  # named (by the person), hr, or feed (the HR system)
    created_at: datetime = Field(default_factory=_now)
    accepted_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, max_length=12)


class ConfirmationRequest(SQLModel, table=True):
    """A person asking their line manager to confirm one submitted version of their assessment."""

    __tablename__ = "confirmation_request"
    __table_args__ = (
        # One open request per person: asking twice at once cannot make two.
        Index(
            "uq_confirmation_request_one_open",
            "person_id",
            unique=True,
            sqlite_where=text("completed_at IS NULL AND withdrawn_at IS NULL"),
            postgresql_where=text("completed_at IS NULL AND withdrawn_at IS NULL"),
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    assessment_id: int = Field(foreign_key="assessment.id")
    link_id: int = Field(foreign_key="line_management.id", index=True)
    requested_at: datetime = Field(default_factory=_now)
    completed_at: datetime | None = None
    # Ended without an answer: the person withdrew it, or the line manager changed.
    withdrawn_at: datetime | None = None
    # The assessment version the manager's answers made, and the person's reply to them.
    outcome_assessment_id: int | None = Field(default=None, foreign_key="assessment.id")
    response: str = Field(default="", max_length=1000)
    responded_at: datetime | None = None


DECISIONS = ("confirmed", "adjusted", "cannot_judge")


class SkillConfirmation(SQLModel, table=True):
    """The manager's answer about one skill in a request."""

    __tablename__ = "skill_confirmation"
    __table_args__ = (
        UniqueConstraint("request_id", "skill", name="uq_skill_confirmation_skill"),
        CheckConstraint("decision IN ('confirmed', 'adjusted', 'cannot_judge')", name="ck_skill_confirmation_decision"),
        # An adjustment always says why, and to what.
        CheckConstraint(
            "decision != 'adjusted' OR (confirmed_level IS NOT NULL AND reason != '')",
            name="ck_skill_confirmation_adjusted",
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="confirmation_request.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    skill: str = Field(max_length=120)
    self_level: int
    decision: str = Field(max_length=12)
    confirmed_level: int | None = None
    reason: str = Field(default="", max_length=500)
    decided_by_id: int | None = None  # the manager's profile; not a foreign key: the record outlives it
    decided_at: datetime = Field(default_factory=_now)
