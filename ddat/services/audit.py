"""The audit log: append-only, and free of personal data where the event is about removing it."""

import ipaddress

from flask import has_request_context, request
from sqlmodel import Session

from ..models import AuditEvent


def record(
    db: Session,
    action: str,
    actor_user_id: int | None = None,
    actor_role: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> None:
    db.add(
        AuditEvent(
            action=action,
            actor_user_id=actor_user_id,
            actor_role=actor_role,
            object_type=object_type,
            object_id=object_id,
            ip=_client_address(),
        )
    )


def record_now(db: Session, action: str, *args, **kwargs) -> None:
    """Record an event that stands on its own (a view, an export, a refused sign-in) and
    commit it at once."""
    record(db, action, *args, **kwargs)
    db.commit()


def _client_address() -> str | None:
    # Behind a misconfigured proxy the address can come from the client: store only a real one.
    if not has_request_context() or not request.remote_addr:
        return None
    try:
        return str(ipaddress.ip_address(request.remote_addr))
    except ValueError:
        return None
