"""Creating an account with a password, confirmed by email. Registering answers the same way
whether or not the address has an account (the page and the time taken); the email says
which: a link to confirm, or "you already have an account, sign in or reset your password"."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import EmailConfirmation, OutboxMessage, Person, User
from ..notifications.outbox import enqueue, link
from . import audit
from .accounts import by_email, hash_password

LIFETIME = timedelta(hours=24)
EMAILS_PER_HOUR = 3  # registration emails to one address, whoever asks: nobody can flood an inbox


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register(db: Session, email: str, password: str, display_name: str) -> None:
    """Email the address a confirmation link, or tell its owner they already have an account.
    Committed. Until a link is used the account has no password and cannot be signed in to."""
    password_hash = hash_password(password)  # either way, so both answers take as long
    token = secrets.token_urlsafe(32)
    if _emails_this_hour(db, email) >= EMAILS_PER_HOUR:  # the same answer, but no more email
        return
    user = by_email(db, email)
    if user is not None and (user.email_confirmed_at is not None or user.password_hash):
        person = db.exec(select(Person).where(Person.user_id == user.id)).first()
        details = {"name": person.display_name if person else display_name, "link": link("/sign-in"),
                   "reset_link": link("/forgot-password")}  # fmt: skip
        enqueue(db, "account_exists", email, details, user_id=user.id)
        db.commit()
        return
    now = datetime.now(UTC)
    if user is None:
        user = User(email=email, password_hash="", role="civil_servant")
        db.add(user)
        try:
            db.flush()
        except IntegrityError:  # the same address registered at this moment in another tab: use that account
            db.rollback()
            return register(db, email, password, display_name)
        audit.record(db, "account.created", actor=user, subject=user)
    # Only the newest link works: whoever registered the address before (perhaps someone else,
    # with a password of their choosing) cannot have their link confirm it afterwards.
    pending = and_(EmailConfirmation.user_id == user.id, EmailConfirmation.used_at.is_(None))
    db.execute(update(EmailConfirmation).where(pending).values(used_at=now))
    db.add(EmailConfirmation(token_hash=_hash(token), user_id=user.id, display_name=display_name,
                             password_hash=password_hash, created_at=now, expires_at=now + LIFETIME))  # fmt: skip
    enqueue(db, "confirm_email", email, {"name": display_name, "link": link(f"/confirm-email/{token}")}, user.id)
    db.commit()


def _emails_this_hour(db: Session, email: str) -> int:
    return db.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.to_address == email,
            OutboxMessage.template.in_(("confirm_email", "account_exists")),
            OutboxMessage.created_at > datetime.now(UTC) - timedelta(hours=1),
        )
    ).one()


def confirm(db: Session, token: str) -> tuple[User, str] | None:
    """Use a confirmation link: the account can be used from now on. The account and the name
    given when registering; None if the link was used already or has run out."""
    now = datetime.now(UTC)
    used = db.execute(
        update(EmailConfirmation)
        .where(EmailConfirmation.token_hash == _hash(token), EmailConfirmation.used_at.is_(None))
        .where(EmailConfirmation.expires_at > now)
        .values(used_at=now)
        .returning(EmailConfirmation.user_id, EmailConfirmation.display_name, EmailConfirmation.password_hash)
    ).first()
    if used is None:
        db.rollback()
        return None
    user = db.get(User, used[0])
    if user.email_confirmed_at is not None or user.password_hash:  # confirmed already: that password stands
        db.rollback()
        return None
    user.email_confirmed_at, user.password_hash = now, used[2]
    db.add(user)
    unused = and_(EmailConfirmation.user_id == user.id, EmailConfirmation.used_at.is_(None))
    db.execute(update(EmailConfirmation).where(unused).values(used_at=now))  # the other links stop working
    audit.record(db, "account.email_confirmed", actor=user, subject=user)
    db.commit()
    return user, used[1]
