"""Who may do what: named capabilities, HR's department scope, and the route decorators.

Every route declares who may use it; a test checks that none is left undeclared. Code asks
for a capability (`user.can(RUN_SCHEMES)`, `@requires(SEE_AGGREGATES)`), never for a list of
roles, so a new role or a changed rule is one edit here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

ACCESS_ATTRIBUTE = "access_rule"


@dataclass(frozen=True)
class Capability:
    name: str
    roles: frozenset[str]

    def held_by(self, user) -> bool:
        """Whether this user (signed in or not) has the capability."""
        return bool(getattr(user, "is_authenticated", False)) and user.role in self.roles


# Run cohort schemes: their people, applications, imports and records.
RUN_SCHEMES = Capability("run schemes", frozenset({"hr", "admin"}))
# Run learning: add items and sessions (within `runs`), invite, record attendance.
RUN_LEARNING = Capability("run learning", frozenset({"hr", "admin"}))
# See exact counts and named lists of people, rather than disclosure-controlled aggregates.
SEE_EXACT_COUNTS = Capability("see exact counts", frozenset({"hr", "admin"}))
# See the organisation's aggregates: dashboards and learning uptake.
SEE_AGGREGATES = Capability("see aggregates", frozenset({"hr", "leader", "admin"}))
# Keep people's records: who line-manages whom (within `department_scope`).
KEEP_PEOPLE_RECORDS = Capability("keep people records", frozenset({"hr", "admin"}))
# Administer the service: the audit log.
ADMINISTER = Capability("administer", frozenset({"admin"}))


def department_scope(user) -> int | None:
    """The one department whose people this user may see, or None for all of them.

    A central HR user (no department) and admins see every department; a departmental HR
    user sees only their own department's people, schemes and learning."""
    return None if user.role == "admin" else user.department_id


def runs(user, owner_department_id: int | None) -> bool:
    """Whether this user may run something owned by that department (None: owned centrally)."""
    scope = department_scope(user)
    return scope is None or owner_department_id == scope


def _declare(rule: str, view: Callable) -> Callable:
    setattr(view, ACCESS_ATTRIBUTE, rule)
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not: the framework is public information."""
    return _declare("public", view)


def api_client(scope: str, view: Callable) -> Callable:
    """An API client holding `scope` (ddat/api/clients.py checks the token)."""
    return _declare(f"api:{scope}", view)


def signed_in_api(view: Callable) -> Callable:
    """As `signed_in`, by the browser's session, for an API operation: 401, not the sign-in page."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return _declare("signed_in", guarded)


def signed_in(view: Callable) -> Callable:
    """Anyone with an account; their own data only (services scope every query to them)."""
    return _declare("signed_in", login_required(view))


def requires(capability: Capability) -> Callable:
    """Signed in with `capability`; others get a 403 page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not capability.held_by(current_user):
                abort(403)
            return view(*args, **kwargs)

        return _declare("capability:" + capability.name, login_required(guarded))

    return decorator
