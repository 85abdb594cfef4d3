"""Signed-in sessions kept in the database: the browser holds a random token and only its hash
is stored, so deleting a row ends that session on every app server and a copy of the table
signs no one in."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, delete, select

from ..models import User, UserSession

TOKEN_BYTES = 32


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(db: Session, token: str) -> User | None:
    """The account a live session token belongs to, or None once it has ended or expired."""
    return db.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _token_hash(token), UserSession.expires_at > datetime.now(UTC))
    ).first()


def start(db: Session, user: User, lifetime: timedelta) -> str:
    """A new session for the account, committed; its token for the browser. The account's
    expired sessions go at the same time, so the table does not grow."""
    now = datetime.now(UTC)
    db.exec(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.add(UserSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, expires_at=now + lifetime))
    db.commit()
    return token


def end(db: Session, token: str) -> None:
    """End one session, committed."""
    db.exec(delete(UserSession).where(UserSession.token_hash == _token_hash(token)))
    db.commit()


def end_every_session(db: Session, user: User) -> None:
    """End every session of the account, in the caller's transaction."""
    db.exec(delete(UserSession).where(UserSession.user_id == user.id))
