"""Accounts: password rules, hashing and Flask-Login wiring."""

from flask import Flask, session
from flask_login import LoginManager, login_user, logout_user
from sqlmodel import select
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .models import User

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"

MINIMUM_PASSWORD_LENGTH = 12
# Checked so that an unknown email costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-at-all")

# The commonest passwords of 12 characters or more in public breach lists, lower-cased.
COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 12345678901234 123456789abc 1q2w3e4r5t6y 1qaz2wsx3edc
    aaaaaaaaaaaa abcdefghijkl changemechangeme correcthorsebatterystaple iloveyou1234
    letmein12345 passw0rdpassw0rd password1234 password12345 password123456 password1234!
    passwordpassword qwertyuiop12 qwertyuiopasdf qwerty123456 trustno1trustno1 welcome12345
    welcometothejungle administrator adminadminadmin summer2026!! winter2026!! spring2026!!
    autumn2026!! civilservice1 civilservice123 governmentuk1 pathways-demo-2026
    """.split()
)


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(".")
    if not (user_id.isdigit() and epoch.isdigit()) or len(session_id) > 30:
        return None
    user = db.session().get(User, int(user_id))
    # A browser signed in before the account's sessions were ended is signed out.
    return user if user is not None and user.session_epoch == int(epoch) else None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """GOV.UK-style message when a new password is too weak, else None."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        return f"Password must be {MINIMUM_PASSWORD_LENGTH} characters or more"
    lowered = password.lower()
    local_part = normalise_email(email).split("@")[0]
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "Password is too easy to guess: use 3 random words, for example"
    if len(local_part) >= 4 and local_part in lowered:
        return "Password must not contain your email address"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def authenticate(email: str, password: str) -> User | None:
    user = db.session().exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None or not user.password_hash:
        # No account, or one that signs in through its organisation only: the same cost and answer.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def start_session(user: User) -> None:
    # A fresh session on sign-in, so nothing set before it (including by an attacker) survives.
    session.clear()
    login_user(user)
    session.permanent = True


def end_session() -> None:
    logout_user()
    session.clear()
