"""Resetting a forgotten password by email. Asking answers the same whether or not the address
has an account (the page and the time taken); only the email differs. The link's token is
random, kept only as a hash, works once and for an hour, and using it ends every session of
the account: whoever knew the old password is signed out."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..locks import lock
from ..models import PasswordReset, Person, User
from ..notifications.outbox import enqueue, link
from . import audit, registration
from .accounts import by_email, hash_password
from .user_sessions import end_every_session

LIFETIME = timedelta(hours=1)
LINKS_PER_HOUR = 3  # to one account, whoever asks and from wherever


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(db: Session, email: str) -> None:
    """Email a reset link to the account with this (normalised) address, if there is one."""
    user = by_email(db, email)
    token = secrets.token_urlsafe(32)  # made either way, so both answers take as long
    if user is not None and not user.password_hash and user.email_confirmed_at is None:
        registration.register(db, email)  # registered, never confirmed: the confirmation link again
        return
    if user is None or not user.password_hash or user.left_at is not None:
        # No account, one that signs in through its organisation, or one closed because the HR
        # system says its owner left: nothing to reset, and the same answer as ever.
        return
    lock(db, User, user.id)  # requests at the same moment count one after another: the limit holds
    now = datetime.now(UTC)
    recent = db.exec(
        select(func.count())
        .select_from(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.created_at > now - timedelta(hours=1))
    ).one()
    if recent >= LINKS_PER_HOUR:  # the same answer, but no more email: nobody can flood an inbox
        return
    db.execute(update(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
            .values(used_at=now))  # fmt: skip  # only the newest link works
    db.add(PasswordReset(token_hash=_hash(token), user_id=user.id, created_at=now, expires_at=now + LIFETIME))
    person = db.exec(select(Person).where(Person.user_id == user.id)).first()
    name = person.display_name if person else user.display_name or "DDaT Pathways user"
    enqueue(db, "password_reset", user.email, {"name": name, "link": link(f"/reset-password/{token}")}, user.id)
    audit.record(db, "auth.password_reset_requested", actor=user, subject=user)
    db.commit()


def account_for(db: Session, token: str) -> User | None:
    """The account a reset link is for, while the link is unused and in date."""
    return db.exec(
        select(User)
        .join(PasswordReset, PasswordReset.user_id == User.id)
        .where(
            PasswordReset.token_hash == _hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > datetime.now(UTC),
            User.left_at.is_(None),  # a link sent before its owner left no longer works
        )
    ).first()


def reset(db: Session, token: str, new_password: str) -> User | None:
    """Use the link: the new password is set and every session ends; None if the link had
    already been used (by another tab a moment ago, say) or has run out."""
    now = datetime.now(UTC)
    used = db.execute(
        update(PasswordReset)
        .where(
            PasswordReset.token_hash == _hash(token), PasswordReset.used_at.is_(None), PasswordReset.expires_at > now
        )
        .values(used_at=now)
        .returning(PasswordReset.user_id)
    ).first()
    if used is None:
        db.rollback()
        return None
    user = db.get(User, used[0])
    if not user.password_hash or user.left_at is not None:  # through its organisation now, or closed
        db.rollback()
        return None
    user.password_hash = hash_password(new_password)
    db.add(user)
    end_every_session(db, user)
    audit.record(db, "auth.password_reset", actor=user, subject=user)
    db.commit()
    return user
