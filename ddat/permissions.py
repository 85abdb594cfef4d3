"""Every route declares who may use it; a test checks that none is left undeclared.

The rules themselves live on the user (`User.has_role`); these decorators name them.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

ACCESS_ATTRIBUTE = "access_rule"


def _declare(rule: str, view: Callable) -> Callable:
    setattr(view, ACCESS_ATTRIBUTE, rule)
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not: the framework is public information."""
    return _declare("public", view)


def signed_in(view: Callable) -> Callable:
    """Anyone with an account; their own data only (services scope every query to them)."""
    return _declare("signed_in", login_required(view))


def role_required(*roles: str) -> Callable:
    """Signed in with one of `roles`; others get a 403 page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _declare("role:" + ",".join(roles), login_required(guarded))

    return decorator
