"""Putting a message in the outbox. `enqueue` never commits: the caller's transaction saves the
change and its message together, or neither."""

import uuid

from sqlmodel import Session

from ..models import OutboxMessage
from .messages import MESSAGES


def enqueue(db: Session, template: str, to: str, personalisation: dict, user_id: int | None = None) -> OutboxMessage:
    message = MESSAGES[template]
    missing = [p for p in message.placeholders if p not in personalisation]
    if missing:  # a message with a gap in it must not reach anyone
        raise ValueError(f"{template} needs {', '.join(missing)}")
    row = OutboxMessage(
        reference=uuid.uuid4().hex,
        template=template,
        to_address=to,
        personalisation={k: str(v) for k, v in personalisation.items()},
        user_id=user_id,
    )
    db.add(row)
    return row
