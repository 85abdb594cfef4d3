"""Database tables. Input and output shapes live with the services, not here."""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint, text
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


ROLES = ("civil_servant", "hr", "leader", "admin")

# SQLite reuses a deleted row's id unless the table says AUTOINCREMENT; these tables' ids
# reach cookies, addresses and the audit log, so they never name a second row (migration 0009).
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(index=True, unique=True, max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(default="civil_servant", max_length=20)
    # For HR users: their department's people only. None means central HR (everyone).
    department_id: int | None = Field(default=None, foreign_key="department.id")
    created_at: datetime = Field(default_factory=_now)
    # When the owner opened the link emailed on registering with a password, or the account was
    # made by single sign-on or the demo; None while a registration waits for its link (such an
    # account has no password yet and cannot be signed in to).
    email_confirmed_at: datetime | None = None
    # Whether they want messages that are not essential (invitations to learning, say): their
    # choice on /profile/data; account and booking messages always go.
    optional_messages: bool = True
    # The name given when the account was made, for messages and About you until the person's
    # profile (and its name) exists.
    display_name: str = Field(default="", max_length=200)
    # When the HR system said this person left: the account can no longer be signed in to.
    left_at: datetime | None = None

    # Flask-Login's user interface, kept here so the rules live on the user.
    @property
    def is_active(self) -> bool:
        return self.left_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        # The signed-in browser's session token (ddat/auth.py), not the account id: a cookie
        # names one revocable session, never an account.
        return getattr(self, "_session_token", None)

    def can(self, capability) -> bool:
        """Whether this account has a capability from `ddat.permissions` (RUN_SCHEMES, ...)."""
        return capability.held_by(self)


class UserSession(SQLModel, table=True):
    """One signed-in browser. The browser holds a random token and only its hash is kept, so
    deleting a row ends that session on every app server and a copy of the table signs no one in."""

    __tablename__ = "user_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime


class Person(SQLModel, table=True):
    """A civil servant's work profile (synthetic in demo data)."""

    __table_args__ = (
        # A withdrawal time only while consent stays withdrawn: giving it again clears it.
        CheckConstraint(
            "NOT shares_with_hr OR hr_consent_withdrawn_at IS NULL", name="ck_person_withdrawn_not_sharing"
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", unique=True)
    display_name: str = Field(max_length=200)
    staff_number: str | None = Field(default=None, unique=True, index=True, max_length=20)
    department_id: int = Field(foreign_key="department.id", index=True)
    profession: str = Field(index=True, max_length=40)
    grade: str = Field(index=True, max_length=8)
    shares_with_hr: bool = False
    # When the person last stopped sharing with HR: HR sees nothing of theirs made after it,
    # except in a scheme they applied to (ddat/services/consent.py).
    hr_consent_withdrawn_at: datetime | None = None
    current_role: str | None = Field(default=None, max_length=200)
    current_level: str | None = Field(default=None, max_length=120)  # a DDaT role level, for DDaT staff
    # Capabilities the person says they have shown, as "framework/kind/id" lines: the
    # crosswalk turns them into suggested ratings.
    experience: str = Field(default="", max_length=4000)
    # Whether their line manager may see their profile and team view when no confirmation is
    # asked for: a choice of its own, apart from HR's, and off until they make it.
    shares_with_manager: bool = False
    # Kept by the HR system through the people feed (ddat/services/people_feed.py): when it last
    # did, and the work email it gave (the account with that address is this person's).
    # While set, the person cannot change their grade, department or profession themselves.
    hr_record_at: datetime | None = None
    hr_email: str | None = Field(default=None, unique=True, index=True, max_length=254)
    left_at: datetime | None = None  # when the HR system said they left
    # Role families the person says interest them: the optional skills questions start there.
    work_interests: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    target_level: str | None = Field(default=None, max_length=120)
    # The latest submitted assessment: matching and dashboards read its ratings.
    current_assessment_id: int | None = Field(default=None, foreign_key="assessment.id", index=True)
    updated_at: datetime = Field(default_factory=_now)


class Assessment(SQLModel, table=True):
    """One version of a person's self-assessment. A draft is edited in place; submitting
    makes it current; changing answers later starts a new draft from it."""

    __table_args__ = (
        # At most one draft per person: a double-submitted page cannot start a second.
        Index(
            "uq_assessment_one_open_draft",
            "person_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    framework_version: str = Field(max_length=80)
    started_at: datetime = Field(default_factory=_now)
    submitted_at: datetime | None = None


class SkillRating(SQLModel, table=True):
    __tablename__ = "skill_rating"
    # One rating per skill in an assessment, however often a page is sent at once.
    __table_args__ = (Index("uq_skill_rating_assessment_skill", "assessment_id", "skill", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id", index=True)
    skill: str = Field(index=True, max_length=120)
    level: int = Field(ge=0, le=4)  # 0: the person answered "not yet"
    evidence: str = Field(default="self", max_length=12)
    framework_version: str = Field(max_length=80)
    rated_at: datetime = Field(default_factory=_now)
    # What the person did and what came of it, in their words: kept with this version.
    example: str = Field(default="", max_length=1000)
    # Who confirmed the level (a line manager's profile) and when; `evidence` is "validated"
    # while the confirmation is current and "self" again once it has expired (services/confirmations.py).
    confirmed_by_person_id: int | None = None  # not a foreign key: the record outlives the manager's account
    confirmed_at: datetime | None = None
    # The person's own level when their manager set a different one (`level`).
    self_level: int | None = None


class UserIdentity(SQLModel, table=True):
    """A sign-in from an identity provider linked to an account: (issuer, subject) is the
    provider's stable name for the person; the email address can change, this cannot."""

    __tablename__ = "user_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"), NEVER_REUSED_IDS)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=_now)


class AuditEvent(SQLModel, table=True):
    """Append-only record of who did what. Never holds passwords, tokens or assessment contents."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now, index=True)
    actor_user_id: int | None = Field(default=None, index=True)  # not a foreign key: the log outlives accounts
    actor_role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=60, index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=80)
    ip: str | None = Field(default=None, max_length=45)  # where the request came from


class ChangeCounter(SQLModel, table=True):
    """A number bumped whenever some data changes, so every app server can tell when a cache
    built from that data is stale with one cheap read."""

    __tablename__ = "change_counter"
    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class PopulationChange(SQLModel, table=True):
    """Whose row of the cached people × skills matrix a bump of the ratings counter changed,
    so each app server can update just those rows. `seq` is the counter's value after the
    bump: bumps take the counter row's lock, so they commit in counter order and a server
    that has read the counter sees every change up to it. No person id means everyone."""

    __tablename__ = "population_change"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)
    person_id: int | None = None


SCHEME_STATUSES = ("draft", "open", "running", "closed")


class Scheme(SQLModel, table=True):
    """A cohort scheme bringing people into DDaT roles. Lists are JSON: they are read whole
    with the scheme and never queried into."""

    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    target_levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    professions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    department_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grade_from: str | None = Field(default=None, max_length=8)
    grade_to: str | None = Field(default=None, max_length=8)
    min_fit: int = 0
    capacity: int = 1
    opens_on: date
    closes_on: date
    starts_on: date
    ends_on: date
    status: str = Field(default="draft", max_length=12)
    # The department running it; None for a scheme run by central HR.
    owner_department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


MEMBER_STATUSES = ("invited", "applied", "shortlisted", "enrolled", "declined", "completed", "placed", "withdrawn")


class SchemeMember(SQLModel, table=True):
    """A person's place in a scheme, from invitation or application to outcome."""

    __tablename__ = "scheme_member"
    __table_args__ = (UniqueConstraint("scheme_id", "person_id", name="uq_scheme_member_person"), NEVER_REUSED_IDS)
    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(max_length=12, index=True)
    source: str = Field(max_length=12)  # applied, nominated or imported
    statement: str | None = Field(default=None, max_length=2000)
    target_level: str | None = Field(default=None, max_length=120)
    reason: str | None = Field(default=None, max_length=500)  # for declined or withdrawn
    fit_at_enrolment: int | None = None
    applied_at: datetime | None = None
    enrolled_at: datetime | None = None
    completed_at: datetime | None = None
    placed_level: str | None = Field(default=None, max_length=120)
    placed_on: date | None = None
    # The person's profession and grade when placed: a real move, counted by observed_moves.
    placed_from_profession: str | None = Field(default=None, max_length=40)
    placed_from_grade: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class MemberNote(SQLModel, table=True):
    """HR's notes on a scheme member: never shown to the member or to leaders."""

    __tablename__ = "member_note"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="scheme_member.id", index=True)
    author_user_id: int | None = None  # not a foreign key: notes outlive HR accounts
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=_now)


class Milestone(SQLModel, table=True):
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="scheme_member.id", index=True)
    name: str = Field(max_length=200)
    achieved_on: date
    created_at: datetime = Field(default_factory=_now)


LEARNING_FORMATS = ("in_person", "online", "blended")


class LearningItem(SQLModel, table=True):
    """A masterclass or other learning in the catalogue. Its skills (JSON pairs of skill and
    level 1-4) are what completing it evidences on a person's profile."""

    __tablename__ = "learning_item"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, index=True, max_length=80)
    name: str = Field(max_length=200)
    provider: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    # Grade codes it is for; empty means everyone.
    audience: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    format: str = Field(max_length=12)
    duration_hours: float
    skills: list[list] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The department that runs it, as for schemes; None for learning run by central HR.
    owner_department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class LearningSession(SQLModel, table=True):
    """One date of a learning item. Times are stored in UTC and shown in UK time."""

    __tablename__ = "learning_session"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="learning_item.id", index=True)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    online: bool = False
    location: str = Field(max_length=200)
    capacity: int
    created_at: datetime = Field(default_factory=_now)
    # HR cancelling a session before it starts ends every place on it; the session stays, so
    # the places it had and the people told about it can still be looked up.
    cancelled_at: datetime | None = None
    cancel_reason: str = Field(default="", max_length=500)


class Invitation(SQLModel, table=True):
    """HR asking someone to take a learning item (any of its sessions)."""

    __tablename__ = "learning_invitation"
    __table_args__ = (UniqueConstraint("item_id", "person_id", name="uq_invitation_person"), NEVER_REUSED_IDS)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="learning_item.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    invited_at: datetime = Field(default_factory=_now)


# registered holds a place; waiting is on the waiting list; attended, no_show and completed
# are recorded by HR after the session.
REGISTRATION_STATUSES = ("registered", "waiting", "cancelled", "attended", "no_show", "completed")


# A registration that counts as the person's one place for an item (waiting for one included).
LIVE_REGISTRATION = ("registered", "waiting", "attended", "completed")
_LIVE = text("status IN (" + ", ".join(f"'{status}'" for status in LIVE_REGISTRATION) + ")")


class Registration(SQLModel, table=True):
    __tablename__ = "learning_registration"
    __table_args__ = (
        UniqueConstraint("session_id", "person_id", name="uq_registration_person"),
        # At most one live registration per person per item, even when they book two sessions at once.
        Index(
            "uq_registration_one_live",
            "item_id",
            "person_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        # Uptake counts one item's completions by month.
        Index("ix_learning_registration_item_status_completed", "item_id", "status", "completed_at"),
        # A dispute always has its reason; only a completion can be under dispute; it ends
        # confirmed (the evidence counts again) or withdrawn (it was not a completion).
        CheckConstraint(
            "(disputed_at IS NULL) = (dispute_reason IS NULL)", name="ck_learning_registration_dispute_reason"
        ),
        CheckConstraint(
            "disputed_at IS NULL OR dispute_outcome IS NOT NULL OR status = 'completed'",
            name="ck_learning_registration_open_dispute_is_a_completion",
        ),
        CheckConstraint(
            "dispute_outcome IS NULL OR (dispute_outcome IN ('confirmed', 'withdrawn') AND disputed_at IS NOT NULL)",
            name="ck_learning_registration_dispute_outcome",
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="learning_session.id", index=True)
    item_id: int = Field(foreign_key="learning_item.id", index=True)  # the session's, for uptake queries
    person_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(max_length=12, index=True)
    source: str = Field(max_length=12)  # self, hr, imported or walk_in (came without booking)
    waiting_since: datetime | None = None
    registered_at: datetime | None = None  # when a place was first held
    cancelled_at: datetime | None = None
    completed_at: datetime | None = Field(default=None, index=True)
    # Who recorded the completion, shown to the person. Not a foreign key: it outlives HR accounts.
    completed_by_user_id: int | None = None
    # The person saying the completion is wrong: while open, it is not course evidence.
    disputed_at: datetime | None = None
    dispute_reason: str | None = Field(default=None, max_length=500)
    dispute_outcome: str | None = Field(default=None, max_length=12)
    # The (skill, level) pairs credited when it was completed: the item's skills may change later.
    credited_skills: list[list] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    feedback_score: int | None = None
    feedback_comment: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = Field(default_factory=_now)


class PasswordReset(SQLModel, table=True):
    """A link to choose a new password: only the token's hash is kept, it works once, and for
    an hour (ddat/services/password_resets.py)."""

    __tablename__ = "password_reset"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime
    used_at: datetime | None = None


class EmailConfirmation(SQLModel, table=True):
    """The link that confirms a new account's email address: a hash of its token, usable once,
    for a day. The page it opens asks for the account's name and password, so only someone
    who can read the inbox chooses them."""

    __tablename__ = "email_confirmation"
    __table_args__ = NEVER_REUSED_IDS
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime
    used_at: datetime | None = None


OUTBOX_STATUSES = ("queued", "sending", "sent", "delivered", "failed")


class OutboxMessage(SQLModel, table=True):
    """A message to someone, written in the same transaction as the change that causes it, so
    the change and its message are saved together or not at all. The sender
    (ddat/notifications/sender.py) sends it later, once, with `reference` naming it to GOV.UK
    Notify. The address and personalisation are personal data: cleared 7 days after delivery."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'delivered', 'failed')", name="ck_outbox_message_status"
        ),
        NEVER_REUSED_IDS,
    )
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=64)
    template: str = Field(max_length=40)
    to_address: str = Field(max_length=320)
    personalisation: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Whose message it is, for their data download and account deletion. Not a foreign key:
    # a message about a deleted account is removed with it (ddat/services/my_data.py).
    user_id: int | None = Field(default=None, index=True)
    status: str = Field(default="queued", max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=_now)
    # The sender holding it while sending, and until when: a sender that dies mid-send lets
    # another take it over after this, which first asks Notify whether it went.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = None
    provider_id: str | None = Field(default=None, max_length=64)
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=_now)
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    cleared_at: datetime | None = None  # when the address and personalisation were removed


# In modules of their own, kept with these tables: clients of the JSON API, and line managers
# with their confirmations of skills.
from .api import ApiClient  # noqa: E402, F401
from .confirmations import ConfirmationRequest, LineManagement, SkillConfirmation  # noqa: E402, F401
from .learning_summary import LearningProgress  # noqa: E402, F401
