"""Creating an account, confirmed by email. Registering asks only for the address and answers
the same way whether or not it has an account; the email says which: a link to confirm and
choose a name and password, or "you already have an account, sign in or reset your password"."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..locks import lock
from ..models import EmailConfirmation, OutboxMessage, Person, User
from ..notifications.outbox import enqueue, link
from . import audit
from .accounts import by_email, hash_password

LIFETIME = timedelta(hours=24)
EMAILS_PER_HOUR = 3  # registration emails to one address, whoever asks: nobody can flood an inbox


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def register(db: Session, email: str) -> None:
    """Email the address a confirmation link, or tell its owner they already have an account.
    Committed. The account gets its name and password only on the page the link opens, so
    whoever registers someone else's address chooses nothing about the account it becomes."""
    token = secrets.token_urlsafe(32)
    user = by_email(db, email)
    if user is not None:
        user = lock(db, User, user.id)  # registrations at the same moment count one after another
    if user is not None and _emails_this_hour(db, user) >= EMAILS_PER_HOUR:  # the same answer, no more email
        db.rollback()
        return
    if user is not None and (user.email_confirmed_at is not None or user.password_hash):
        # Only the name the account holder gave: nothing typed on the form reaches their inbox.
        person = db.exec(select(Person).where(Person.user_id == user.id)).first()
        details = {"name": person.display_name if person else user.display_name or user.email, "link": link("/sign-in"),
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
            return register(db, email)
        user = lock(db, User, user.id)
        audit.record(db, "account.created", actor=user, subject=user)
    # Only the newest link works, so an address gets one way in at a time.
    pending = and_(EmailConfirmation.user_id == user.id, EmailConfirmation.used_at.is_(None))
    db.execute(update(EmailConfirmation).where(pending).values(used_at=now))
    db.add(EmailConfirmation(token_hash=_hash(token), user_id=user.id, created_at=now, expires_at=now + LIFETIME))
    enqueue(db, "confirm_email", email, {"link": link(f"/confirm-email/{token}")}, user.id)
    db.commit()


def _emails_this_hour(db: Session, user: User) -> int:
    """By account, not address: a sent confirmation's address is wiped along with its link."""
    return db.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.user_id == user.id,
            OutboxMessage.template.in_(("confirm_email", "account_exists")),
            OutboxMessage.created_at > datetime.now(UTC) - timedelta(hours=1),
        )
    ).one()


def _live_link(token: str):
    return and_(
        EmailConfirmation.token_hash == _hash(token),
        EmailConfirmation.used_at.is_(None),
        EmailConfirmation.expires_at > datetime.now(UTC),
    )


def account_for(db: Session, token: str) -> User | None:
    """The account a confirmation link would finish, if it still works."""
    row = db.exec(select(EmailConfirmation).where(_live_link(token))).first()
    user = db.get(User, row.user_id) if row else None
    return user if user is not None and not _finished(user) else None


def _finished(user: User) -> bool:
    return user.email_confirmed_at is not None or bool(user.password_hash)


def finish(db: Session, token: str, display_name: str, password: str) -> User | None:
    """Use a confirmation link: the address is confirmed and the account has the name and
    password its owner chose on the page the link opened. Committed. None if the link was used already
    (perhaps in another tab a moment ago) or has run out."""
    now = datetime.now(UTC)
    used = db.execute(
        update(EmailConfirmation).where(_live_link(token)).values(used_at=now).returning(EmailConfirmation.user_id)
    ).first()
    user = db.get(User, used[0]) if used else None
    if user is None or _finished(user):
        db.rollback()
        return None
    user.email_confirmed_at, user.password_hash = now, hash_password(password)
    user.display_name = display_name
    db.add(user)
    unused = and_(EmailConfirmation.user_id == user.id, EmailConfirmation.used_at.is_(None))
    db.execute(update(EmailConfirmation).where(unused).values(used_at=now))  # the other links stop working
    audit.record(db, "account.email_confirmed", actor=user, subject=user)
    db.commit()
    return user
