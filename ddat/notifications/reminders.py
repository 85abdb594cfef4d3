"""Reminders 2 days before a session, put in the outbox by the sender as sessions come near.

Each reminder's reference names the registration and the session's start, so running the
sender again (or on several machines) adds none twice, and a session that moves earns one
reminder for its new time."""

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import LearningSession, OutboxMessage, Person, Registration
from ..services.learning import tell_about_place

AHEAD = timedelta(days=2)


def reminder_reference(registration: Registration, learning_session: LearningSession) -> str:
    return f"reminder-{registration.id}-{learning_session.starts_at:%Y%m%d%H%M}"


def queue_reminders(db: Session, now: datetime) -> int:
    """Remind everyone with a place on a session starting within 2 days, unless they booked
    within those 2 days (their confirmation is reminder enough)."""
    due = db.exec(
        select(Registration, LearningSession, Person)
        .join(LearningSession, LearningSession.id == Registration.session_id)
        .join(Person, Person.id == Registration.person_id)
        .where(
            Registration.status == "registered",
            LearningSession.starts_at > now,
            LearningSession.starts_at <= now + AHEAD,
            Person.user_id.is_not(None),
        )
    ).all()
    wanted = {
        reminder_reference(r, s): (r, s, p)
        for r, s, p in due
        if r.registered_at is None or r.registered_at < s.starts_at - AHEAD
    }
    if not wanted:
        return 0
    done = set(db.exec(select(OutboxMessage.reference).where(OutboxMessage.reference.in_(list(wanted)))).all())
    added = 0
    for reference, (registration, learning_session, person) in wanted.items():
        if reference in done:
            continue
        message = tell_about_place(db, learning_session, registration, person, "session_reminder")
        if message is not None:
            message.reference = reference
            added += 1
    try:
        db.commit()
    except IntegrityError:  # another sender wrote them at this moment; its run or the next adds any missed
        db.rollback()
        return 0
    return added
