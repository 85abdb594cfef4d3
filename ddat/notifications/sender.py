"""Sending what is in the outbox, safely from several machines at once.

A sender claims each due message just before sending it, with a conditional update (status
queued, or a claim that has run out), so two senders never hold the same message. It sends each with its
unique reference; before trying a message again it asks Notify whether an earlier attempt
got through (a timeout can hide a success), so nothing is sent twice. 5xx, 429 and timeouts
are tried again with a growing wait; 400 and 403 are recorded and not retried.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from ..models import OutboxMessage
from ..services import audit
from ..services.confirmations import expire as expire_confirmations
from ..services.leavers import delete_leavers
from .delivery import PermanentFailure, TemporaryFailure
from .digests import queue_digests
from .messages import MESSAGES
from .reminders import queue_reminders

LEASE = timedelta(minutes=5)  # far longer than one send (the client gives up after 10 s)
MAX_ATTEMPTS = 8  # about two hours of retries at the waits below
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 30, 3600
BATCH = 50
KEEP_WORDS = timedelta(days=7)  # after delivery, then the address and personalisation go


@dataclass
class Run:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    delivered: int = 0
    cleared: int = 0
    reminders: int = 0
    digests: int = 0
    expired: int = 0  # confirmed ratings that reached 2 years
    leavers_deleted: int = 0  # people who left more than the retention period ago
    errors: list[str] = field(default_factory=list)


def new_sender_name() -> str:
    return f"sender-{uuid.uuid4().hex[:12]}"


def wait_before(attempts: int, retry_after: float | None = None) -> timedelta:
    if retry_after is not None:  # Notify said how long
        return timedelta(seconds=min(max(retry_after, 1), LONGEST_WAIT_SECONDS))
    return timedelta(seconds=min(FIRST_WAIT_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_WAIT_SECONDS))


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def claim_next(db: Session, sender: str, now: datetime) -> int | None:
    """Take the next due message for this sender, just before sending it, so its lease runs
    from the send itself; the update re-checks that it is still due, so only one sender wins."""
    while True:
        message_id = db.exec(select(OutboxMessage.id).where(_due(now)).order_by(OutboxMessage.id).limit(1)).first()
        if message_id is None:
            return None
        result = db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _due(now))
            .values(
                status="sending",
                claimed_by=sender,
                claimed_until=now + LEASE,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        db.commit()
        if result.rowcount == 1:
            return message_id  # otherwise another sender took it a moment ago: look again


def _finish(db: Session, message: OutboxMessage, sender: str, **values) -> bool:
    """Record the outcome, if the message is still this sender's."""
    result = db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == sender)
        .values(claimed_by=None, claimed_until=None, **values)
    )
    if result.rowcount == 1 and values.get("status") in ("sent", "failed"):
        action = "notification.sent" if values["status"] == "sent" else "notification.failed"
        audit.record(db, action, actor=audit.SENDER, subject=message)
    db.commit()
    return result.rowcount == 1


def send_one(db: Session, delivery, message_id: int, sender: str, now: datetime, run: Run) -> None:
    message = db.get(OutboxMessage, message_id)
    db.refresh(message)
    if message.claimed_by != sender or message.status != "sending":
        return  # no longer this sender's to send
    try:
        earlier = delivery.already_sent(message.reference) if message.attempts > 1 else None
        provider_id = earlier or delivery.send(message)
    except TemporaryFailure as failure:
        if message.attempts >= MAX_ATTEMPTS:
            _finish(db, message, sender, status="failed", error=f"Gave up after {message.attempts} tries: {failure}")
            run.failed += 1
        else:
            wait = wait_before(message.attempts, failure.retry_after)
            _finish(db, message, sender, status="queued", next_attempt_at=now + wait, error=str(failure)[:500])
            run.retrying += 1
        run.errors.append(str(failure))
    except PermanentFailure as failure:
        _finish(db, message, sender, status="failed", error=str(failure)[:500])
        run.failed += 1
        run.errors.append(str(failure))
    else:
        words = {}
        if MESSAGES[message.template].secret and not delivery.keeps_copies:
            words = {"to_address": "", "personalisation": {}, "cleared_at": now}  # the link is Notify's now
        _finish(db, message, sender, status="sent", provider_id=provider_id, sent_at=now, error=None, **words)
        run.sent += 1


def read_delivery(db: Session, delivery, now: datetime, run: Run) -> None:
    """Ask where Notify has got to with messages sent in the last week."""
    sent = db.exec(
        select(OutboxMessage)
        .where(OutboxMessage.status == "sent", OutboxMessage.sent_at >= now - KEEP_WORDS)
        .order_by(OutboxMessage.id)
        .limit(BATCH)
    ).all()
    for message in sent:
        try:
            status = delivery.status_of(message.provider_id)
        except (TemporaryFailure, PermanentFailure) as failure:
            run.errors.append(str(failure))
            break
        if status == "delivered":
            message.status, message.delivered_at = "delivered", now
            run.delivered += 1
        elif status == "failed":
            message.status, message.error = "failed", "Notify could not deliver it"
            run.failed += 1
        db.add(message)
    db.commit()


def clear_old_words(db: Session, now: datetime, run: Run) -> None:
    """Message bodies are personal data: kept 7 days after delivery (or failure), then gone."""
    old = db.exec(
        select(OutboxMessage).where(
            OutboxMessage.cleared_at.is_(None),
            OutboxMessage.status.in_(("sent", "delivered", "failed")),
            or_(OutboxMessage.delivered_at < now - KEEP_WORDS, OutboxMessage.sent_at < now - KEEP_WORDS,
                and_(OutboxMessage.status == "failed", OutboxMessage.created_at < now - KEEP_WORDS)),
        )
    ).all()  # fmt: skip
    for message in old:
        message.to_address, message.personalisation, message.cleared_at = "", {}, now
        db.add(message)
        run.cleared += 1
    db.commit()


def run_once(db: Session, delivery, sender: str, now: datetime | None = None) -> Run:
    """One pass: queue reminders and digests that are due, send up to BATCH messages, read
    delivery back and clear old words. `now` fixes the clock (for tests); otherwise each
    message is claimed at the moment it is sent."""
    clock = (lambda: now) if now else (lambda: datetime.now(UTC))
    run = Run()
    run.reminders = queue_reminders(db, clock())
    run.digests = queue_digests(db, clock())
    run.expired = expire_confirmations(db, clock())
    run.leavers_deleted = delete_leavers(db, clock())
    for _ in range(BATCH):
        moment = clock()
        message_id = claim_next(db, sender, moment)
        if message_id is None:
            break
        send_one(db, delivery, message_id, sender, moment, run)
    now = clock()
    read_delivery(db, delivery, now, run)
    clear_old_words(db, now, run)
    return run
