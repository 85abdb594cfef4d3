"""Who is calling the API: a client's bearer token, checked for its scope, counted against its
rate limit and audited on every call."""

from functools import wraps

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from .. import db
from ..limits import configured, limiter
from ..permissions import api_client
from ..services import api_clients, audit


def _token() -> str:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" else ""


def _client():
    """The calling client if its token is good, looked up once per request."""
    if "api_caller" not in g:
        g.api_caller = api_clients.client_for(db.session(), _token()) if _token() else None
    return g.api_caller


def client_key() -> str:
    """Rate limits count per client once its token is checked; calls without a good token count
    against their address, so guessing is limited and nobody can use up a real client's limit."""
    client = _client()
    return f"api:{client.id}" if client is not None else f"api-address:{get_remote_address()}"


def client_actor() -> audit.Actor:
    """Who the audit log says acted: this client, by id (the log outlives the client's row)."""
    return audit.Actor(None, f"api:{g.api_client.id}")


def requires_scope(scope: str, event: str):
    """An operation for clients with `scope`: 401 without a valid token, 403 without the scope.
    `event` names the audit event every call the client may make records."""
    if scope not in api_clients.SCOPES or event not in audit.EVENTS:
        raise ValueError((scope, event))

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            session = db.session()
            client = _client()
            if client is None:
                abort(401, message="Send a valid, unexpired API token: Authorization: Bearer <token>")
            if scope not in client.scopes:
                abort(403, message=f"This client does not have the {scope} scope")
            if request.method == "POST" and not request.is_json:  # said plainly, not as a missing field
                abort(415, message="Send the body as JSON, with Content-Type: application/json")
            g.api_client = client
            client.last_used_at = api_clients.now()
            session.add(client)
            audit.record(session, event, actor=client_actor(), subject=client)
            session.commit()
            return view(*args, **kwargs)

        # Outermost, so calls without a valid token count too.
        return api_client(scope, limiter.limit(configured("RATELIMIT_API"), key_func=client_key)(guarded))

    return decorator


def client_department() -> int | None:
    """The calling client's department, or None for a central client."""
    return g.api_client.department_id
