"""The audit log: append-only, and free of personal data where the event is about removing it.

Every event is named in `EVENTS`, with what it records; `record` refuses any other name, so
the log only ever holds events someone can look up here.
"""

import ipaddress
from dataclasses import dataclass

from flask import has_request_context, request
from sqlmodel import Session

from ..models import AuditEvent
from ..vocabulary import MEMBER_STATUS_NAMES


@dataclass(frozen=True)
class Actor:
    """Who did something, when it is not a signed-in account: the command line, or an account
    being deleted. A `User` has the same two attributes."""

    id: int | None
    role: str | None


# Run from the command line: no account.
COMMAND_LINE = Actor(None, "cli")
# The notifications sender (ddat/notifications/sender.py).
SENDER = Actor(None, "sender")

EVENTS: dict[str, str] = {
    "account.created": "An account was registered with a password",
    "account.email_confirmed": "A person confirmed the email address of the account they registered",
    "account.deleted": "A person deleted their account and everything held about them",
    "account.role_changed": "An account's role or HR department was changed from the command line",
    "admin.mailbox_viewed": "An admin read the messages the service has sent",
    "api.completions_reported": "An API client reported completed learning (the client is the subject)",
    "api.figures_read": "An API client read dashboard figures (the client is the subject)",
    "api.scheme_members_read": "An API client read a scheme's members (the client is the subject)",
    "api.people_fed": "An API client sent a batch of the people feed (the client is the subject)",
    "api_client.created": "An admin created an API client (its secret was shown once)",
    "api_client.revoked": "An admin revoked an API client's secret",
    "audit.exported": "An admin downloaded audit events (the filters are the subject)",
    "auth.account_created": "An account was created by signing in through an organisation",
    "auth.identity_linked": "An account was linked to an organisation's sign-in",
    "auth.password_changed": "A person changed their password",
    "auth.password_reset_requested": "Someone asked for a password reset link for an account",
    "auth.password_reset": "A person chose a new password with a reset link",
    "auth.password_removed": "An account's password was removed when its organisation took it over",
    "auth.sign_in_failed": "A sign-in with a wrong email address or password (who tried is not kept)",
    "auth.signed_in": "A person signed in",
    "auth.signed_out_everywhere": "A person signed out of every other device",
    "auth.sso_refused": "An organisation's sign-in was refused",
    "consent.messages_changed": "A person chose whether to get emails that are not essential",
    "consent.shared_with_hr": "A person chose to share their profile with HR",
    "consent.withdrawn": "A person stopped sharing their profile with HR",
    "consent.shared_with_manager": "A person chose to share their profile with their line manager",
    "consent.manager_sharing_withdrawn": "A person stopped sharing their profile with their line manager",
    "people_feed.created": "The people feed added a person from the HR system",
    "people_feed.updated": "The people feed changed a person's HR record (name, email, grade, department, "
    "profession or line manager)",
    "people_feed.left": "The people feed said a person left: their account is closed",
    "people_feed.left_scheme": "A person who left was withdrawn from a scheme they were in",
    "people_feed.deleted": "A person who left more than 90 days ago was deleted, with everything held about them",
    "line_manager.named": "A person named someone as their line manager, who is asked to accept",
    "line_manager.accepted": "Someone accepted being a person's line manager",
    "line_manager.refused": "Someone refused being a person's line manager",
    "line_manager.ended": "A line manager link ended (removed, replaced or changed by HR); the manager's access ends",
    "line_manager.set_by_hr": "HR (or the HR system, through the people feed) set a person's line manager",
    "confirmation.requested": "A person asked their line manager to confirm their skills",
    "confirmation.withdrawn": "A person withdrew their request to confirm their skills",
    "confirmation.confirmed": "A line manager confirmed a skill at the level the person gave",
    "confirmation.adjusted": "A line manager confirmed a skill at a different level, with a reason",
    "confirmation.cannot_judge": "A line manager said they could not judge a skill",
    "confirmation.completed": "A line manager answered a request to confirm skills",
    "confirmation.responded": "A person accepted or replied to their line manager’s answers",
    "confirmation.expired": "A person's confirmed skills reached 2 years and count as their own rating again",
    "confirmation.team_viewed": "A line manager viewed a report's profile",
    "notification.sent": "A message was handed to GOV.UK Notify or the local mailbox (its words are not kept here)",
    "notification.failed": "A message could not be sent and will not be tried again",
    "learning.attendance_corrected": (
        "HR corrected an outcome already recorded for a person at a session (attended, did not attend or completed)"
    ),
    "learning.completions_reported": "A learning system's completions were recorded (the subject: how many)",
    "learning.attendance_imported": "HR imported attendance for a session",
    "learning.attendance_recorded": "HR recorded attendance for a session on screen",
    "learning.audience_exported": "HR downloaded the people in an item's audience who have not completed it",
    "learning.audience_viewed": "HR viewed an item's uptake with the people not yet reached",
    "learning.completed": "A completion was recorded for a person",
    "learning.completion_disputed": "A person disputed a completion recorded for them",
    "learning.dispute_resolved": "HR settled a disputed completion",
    "learning.evidence_credited": "Completed learning was credited to people's skills",
    "learning.invited": "A person was invited to learning",
    "learning.item_added": "Learning was added to the catalogue",
    "learning.item_changed": "Learning in the catalogue was changed",
    "learning.outcome_recorded": "An outcome other than completion was recorded for a registration",
    "learning.registered_by_hr": "HR registered a person for a session",
    "learning.session_added": "A session was added",
    "learning.session_changed": "A session was changed",
    "learning.session_cancelled": "HR cancelled a session before it started, ending every place on it",
    "learning.session_exported": "HR downloaded a session's registrations",
    "learning.session_viewed": "HR viewed a session's registrations",
    "learning.walk_in_recorded": "HR recorded someone who came to a session without booking as attended",
    "scheme.candidates_exported": "HR downloaded a scheme's candidate pool",
    "scheme.candidates_viewed": "HR viewed a scheme's candidate pool",
    "scheme.created": "A scheme was created",
    "scheme.updated": "A scheme was changed",
    "scheme.member_imported": "A scheme member was added or changed by an import",
    "scheme.member_invited": "HR invited a person from the candidate pool",
    "scheme.member_withdrew": "A person withdrew from a scheme themselves",
    "scheme.member_viewed": "HR viewed a scheme member's record",
    "scheme.members_exported": "HR downloaded a scheme's members",
    "scheme.members_imported": "HR imported scheme members",
    "scheme.members_viewed": "HR viewed a scheme's members",
    "scheme.milestone_added": "HR added a milestone to a member's record",
    "scheme.note_added": "HR added a note to a member's record",
    # HR's decisions: one event per status a member can be moved to.
    **{
        f"scheme.member_{status}": f"A member's status was set to {name.lower()}"
        for status, name in MEMBER_STATUS_NAMES.items()
    },
}


def _subject(subject) -> tuple[str | None, str | None]:
    """A stored row (its table and id) or a (kind, identifier) pair, as the event names it."""
    if subject is None:
        return None, None
    if isinstance(subject, tuple):
        kind, identifier = subject
        return kind, None if identifier is None else str(identifier)
    return type(subject).__tablename__, str(subject.id)


def record(db: Session, action: str, *, actor=None, subject=None) -> None:
    """Add an event to the caller's transaction: what happened, who did it (a `User` or an
    `Actor`; None when no one is known) and what it was about."""
    if action not in EVENTS:
        raise ValueError(f"{action!r} is not an audit event: add it to audit.EVENTS")
    object_type, object_id = _subject(subject)
    db.add(
        AuditEvent(
            action=action,
            actor_user_id=actor.id if actor is not None else None,
            actor_role=actor.role if actor is not None else None,
            object_type=object_type,
            object_id=object_id,
            ip=_client_address(),
        )
    )


def record_now(db: Session, action: str, *, actor=None, subject=None) -> None:
    """Record an event that stands on its own (a view, an export, a refused sign-in) and
    commit it at once."""
    record(db, action, actor=actor, subject=subject)
    db.commit()


def _client_address() -> str | None:
    # Behind a misconfigured proxy the address can come from the client: store only a real one.
    if not has_request_context() or not request.remote_addr:
        return None
    try:
        return str(ipaddress.ip_address(request.remote_addr))
    except ValueError:
        return None
