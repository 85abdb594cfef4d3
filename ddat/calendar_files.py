"""A booked place as a calendar file (iCalendar, RFC 5545) people add to Outlook or Google.

The event's UID names the registration, and its SEQUENCE counts the session's changes, so a
file downloaded after the session moves updates the same event rather than adding another.
Once the place is cancelled (by the person, or HR cancelling the session) the file cancels the
event instead (RFC 5546 METHOD:CANCEL, one SEQUENCE higher), so calendars take it out."""

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import func
from sqlmodel import Session, select

from .models import AuditEvent, LearningItem, LearningSession, Registration


def times_changed(db: Session, learning_session: LearningSession) -> int:
    return db.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "learning.session_changed", AuditEvent.object_id == str(learning_session.id))
    ).one()


def place_calendar(
    db: Session,
    registration: Registration,
    learning_session: LearningSession,
    item: LearningItem,
    link: str,
    organiser_email: str,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//DDaT Pathways//Learning places//EN")
    calendar.add("version", "2.0")
    cancelled = registration.status == "cancelled"
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"registration-{registration.id}@ddat-pathways")
    event.add("sequence", times_changed(db, learning_session) + cancelled)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", learning_session.starts_at.astimezone(UTC))
    event.add("dtend", learning_session.ends_at.astimezone(UTC))
    organiser = vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = item.provider
    event.add("organizer", organiser)
    event.add("summary", ("Cancelled: " if cancelled else "") + item.name)
    event.add("location", ("Online: " if learning_session.online else "") + learning_session.location)
    event.add("description", f"{item.name}, run by {item.provider}. Your booking: {link}")
    event.add("url", link)
    calendar.add_component(event)
    return calendar.to_ical()
