"""Accounts: creating one, changing its password and ending its sessions, each audited and
committed in one transaction."""

from datetime import UTC, datetime

from sqlalchemy import func, update
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Department, PasswordReset, User
from . import audit
from .user_sessions import end_every_session


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(user: User, password: str) -> bool:
    return bool(user.password_hash) and check_password_hash(user.password_hash, password)


def by_email(db: Session, email: str) -> User | None:
    """The account with this (already normalised) email address."""
    return db.exec(select(User).where(User.email == email)).first()


def change_password(db: Session, user: User, new_password: str) -> None:
    """Whoever knew the old password may be signed in somewhere: every session of the account
    ends with the change (the caller starts a new one for the browser that asked)."""
    user.password_hash = hash_password(new_password)
    db.add(user)
    end_every_session(db, user)
    end_reset_links(db, user)
    audit.record(db, "auth.password_changed", actor=user, subject=user)
    db.commit()


def end_reset_links(db: Session, user: User) -> None:
    """A password reset link asked for before the password changed (or before signing out
    everywhere, as someone does who fears another has their email) stops working."""
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=datetime.now(UTC))
    )


def set_optional_messages(db: Session, user: User, wanted: bool) -> None:
    user.optional_messages = wanted
    db.add(user)
    audit.record(db, "consent.messages_changed", actor=user, subject=user)
    db.commit()


def sign_out_everywhere(db: Session, user: User) -> None:
    end_every_session(db, user)
    end_reset_links(db, user)
    audit.record(db, "auth.signed_out_everywhere", actor=user, subject=user)
    db.commit()


class RoleRefused(ValueError):
    """Why a role could not be given, in words for the person at the command line."""


def set_role(db: Session, email: str, role: str, department: str | None) -> tuple[User, str, Department | None]:
    """Give an account a role, committed and audited (from the command line: no account acts);
    HR with a department see only its people. Returns the account, its role before, and the
    department found."""
    user = by_email(db, email)
    if user is None:
        raise RoleRefused(f"No account has the email address {email}")
    found = None
    if department:
        found = db.exec(
            select(Department).where(
                (func.lower(Department.name) == department.lower())
                | (func.lower(Department.abbreviation) == department.lower())
            )
        ).first()
        if found is None:
            raise RoleRefused(f"No department is called {department}")
        if role != "hr":
            raise RoleRefused("Only HR accounts have a department")
    before = user.role
    user.role, user.department_id = role, found.id if found else None
    db.add(user)
    audit.record(db, "account.role_changed", actor=audit.Actor(None, "admin"), subject=user)
    db.commit()
    return user, before, found
