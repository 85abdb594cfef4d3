"""Rate limits on signing in, registering, imports and pathway planning (Flask-Limiter).

Counts live in memory by default; set RATELIMIT_STORAGE_URI (for example redis://host:6379)
so several app servers share them. Failed sign-ins are also counted per email address, so
guessing one account's password from many addresses soon stops; the limit applies the same
whether or not an account exists, so it never says which emails have one.
"""

import hashlib
import os

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

limiter = Limiter(key_func=get_remote_address, strategy="moving-window")

DEFAULT_LIMITS = {
    "RATELIMIT_SIGN_IN": "30 per minute",  # per address
    "RATELIMIT_FAILED_SIGN_IN": "5 per 15 minutes",  # per email address, failures only
    # Per network address, which a whole department may share; each inbox is protected
    # separately (3 registration emails and 3 reset emails an hour per account).
    "RATELIMIT_REGISTER": "60 per hour",
    "RATELIMIT_IMPORTS": "30 per hour",  # per user
    # Planning a pathway searches the framework for this person (up to about a second):
    # far more than anyone reads, few enough that one account cannot keep a server busy.
    "RATELIMIT_PATHWAYS": "60 per minute",  # per user
    # An HR system sends a batch of up to 10,000 people per call: this many calls is far more
    # than a nightly or hourly feed needs, and stops a runaway client.
    "RATELIMIT_API": "300 per minute",  # per API client
}


def configured(name: str):
    """A limit read from the app's config when a request comes, so tests can set their own."""
    return lambda: current_app.config[name]


def email_key() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return "sign-in:" + hashlib.sha256(email.encode()).hexdigest()


def user_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else get_remote_address()


def sign_in_failed(response) -> bool:
    return request.method == "POST" and response.status_code != 302


def init_limits(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # If the shared store (Redis) goes down, each server counts in memory until it is back,
    # rather than refusing every sign-in.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    for name, limit in DEFAULT_LIMITS.items():
        app.config.setdefault(name, limit)
    limiter.init_app(app)
