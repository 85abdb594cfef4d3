"""The audit log: append-only, and free of personal data where the event is about removing it."""

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
            ip=request.remote_addr if has_request_context() else None,
        )
    )
