"""Putting a message in the outbox. `enqueue` never commits: the caller's transaction saves the
change and its message together, or neither."""

import uuid

from flask import current_app
from sqlmodel import Session

from ..models import OutboxMessage, Person, User
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
        # Only what the template shows: nothing else about the person is kept with the message.
        personalisation={name: str(personalisation[name]) for name in message.placeholders},
        user_id=user_id,
    )
    db.add(row)
    return row


def link(path: str) -> str:
    """An address in the service for a message: messages are also written by commands and
    imports, where there is no request to take the host from."""
    return current_app.config["SERVICE_URL"].rstrip("/") + path


def tell(db: Session, person: Person, template: str, personalisation: dict, path: str) -> OutboxMessage | None:
    """A message to a person with an account (people known only from HR records have no
    address here), with their name and a link into the service."""
    user = db.get(User, person.user_id) if person.user_id else None
    if user is None or (not MESSAGES[template].essential and not user.optional_messages):
        return None
    details = {"name": person.display_name, "link": link(path), **personalisation}
    return enqueue(db, template, user.email, details, user_id=user.id)
