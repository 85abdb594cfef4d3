"""Accounts: password rules, hashing, email addresses and sessions (Flask-Login wiring)."""

import unicodedata

from flask import Flask, abort, current_app, session
from flask_login import LoginManager, current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from . import db
from .models import User
from .services import accounts, profiles, user_sessions

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
def load_user(token: str) -> User | None:
    # The cookie holds a session token; a browser whose session row has gone (signed out,
    # password changed, account deleted, "sign out of every device") is signed out.
    if not isinstance(token, str) or not 20 <= len(token) <= 64 or not token.isascii():
        return None
    user = user_sessions.user_for_token(db.session(), token)
    if user is not None:
        user._session_token = token
    return user


def normalise_email(email: str) -> str:
    """One spelling per address: compatibility forms folded (NFKC), case ignored."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def email_problem(email: str) -> str | None:
    """Addresses are plain ASCII: full-width letters and letters from other scripts that look
    like Latin ones (a Cyrillic "а") would otherwise give a second account that reads the same."""
    if not email.strip().isascii():
        return "Email address must only use the letters a to z, numbers and symbols such as @, full stops and hyphens"
    return None


def password_problem(password: str, email: str = "") -> str | None:
    """GOV.UK-style message when a new password is too weak, else None."""
    if len(password) < MINIMUM_PASSWORD_LENGTH:
        return f"Password must be {MINIMUM_PASSWORD_LENGTH} characters or more"
    lowered = password.lower()
    local_part = normalise_email(email).split("@")[0]
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "Password is too easy to guess. Use 3 random words together, such as ‘tulip lantern harbour’"
    if len(local_part) >= 4 and local_part in lowered:
        return "Password must not contain your email address"
    return None


def authenticate(email: str, password: str) -> User | None:
    user = accounts.by_email(db.session(), normalise_email(email))
    if user is None or not user.password_hash or user.left_at is not None:
        # No account, one that signs in through its organisation only, or one closed because
        # the HR system says its owner left: the same cost and answer.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if accounts.password_matches(user, password) else None


def start_session(user: User) -> None:
    """Sign this browser in with a new session of its own, committed."""
    if user.left_at is not None:  # the HR system says they left (single sign-on may still know them)
        abort(403)
    # A fresh session on sign-in, so nothing set before it (including by an attacker) survives.
    session.clear()
    profiles.claim_hr_record(db.session(), user)
    user._session_token = user_sessions.start(db.session(), user, current_app.permanent_session_lifetime)
    login_user(user)
    session.permanent = True


def end_session() -> None:
    """Sign this browser out: its session ends on every app server, so a copy of the cookie
    signs no one in."""
    token = current_user.get_id() if current_user.is_authenticated else None
    if token:
        user_sessions.end(db.session(), token)
    logout_user()
    session.clear()
