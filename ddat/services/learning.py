"""The learning catalogue, its sessions and people's registrations.

Registration rules: a session in the past cannot be registered for; a person holds at most
one live registration per item; when a session is full people join its waiting list, and
the longest-waiting person takes the next place that frees up. Completing an item adds
`course` evidence for its skills to the person's profile.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..locks import lock
from ..models import LIVE_REGISTRATION, Invitation, LearningItem, LearningSession, Person, Registration, User
from ..notifications.outbox import link, tell
from ..permissions import department_scope
from ..vocabulary import audience_name
from . import audit

UK = ZoneInfo("Europe/London")
HOLDS_A_PLACE = ("registered", "attended", "no_show", "completed")
LIVE = LIVE_REGISTRATION  # a second registration for the item is refused, by the database too
OUTCOMES = ("registered", "attended", "no_show", "completed", "cancelled")


class RegistrationRefused(Exception):
    """Why someone cannot register; the message is shown to them as it is."""


def uk_now() -> datetime:
    return datetime.now(UTC)


def to_uk(moment: datetime) -> datetime:
    """A stored (UTC) time as people in the UK read it."""
    return moment.astimezone(UK)


def uk_time(day, clock) -> datetime:
    """A UK wall-clock date and time as a UTC moment, whatever the clocks are doing."""
    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC)


def has_started(learning_session: LearningSession) -> bool:
    """Once a session has started no one registers for it, and what happened can be recorded."""
    return learning_session.starts_at <= uk_now()


RESERVED_SLUGS = {"new", "mine", "registrations"}  # page addresses under /masterclasses


def slug_for(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "learning"
    return slug + "-learning" if slug in RESERVED_SLUGS else slug


# --- the catalogue ------------------------------------------------------------------------


def catalogue(db: Session) -> list[tuple[LearningItem, LearningSession | None]]:
    """Every item with its next session, if one is planned."""
    items = list(db.exec(select(LearningItem).order_by(LearningItem.name)).all())
    upcoming = db.exec(
        select(LearningSession)
        .where(LearningSession.starts_at > uk_now(), LearningSession.cancelled_at.is_(None))
        .order_by(LearningSession.starts_at)
    ).all()
    next_session: dict[int, LearningSession] = {}
    for learning_session in upcoming:
        next_session.setdefault(learning_session.item_id, learning_session)
    return [(item, next_session.get(item.id)) for item in items]


def item_by_slug(db: Session, slug: str) -> LearningItem | None:
    return db.exec(select(LearningItem).where(LearningItem.slug == slug)).first()


def save_item(db: Session, item: LearningItem | None, answers: dict, user: User) -> LearningItem:
    """Add or change an item. A new one belongs to the department of the HR user adding it
    (central HR's and admins' belong to no department), and only its owners change it."""
    action = "learning.item_changed"
    if item is None:
        base = slug_for(answers["name"])
        slug, n = base, 1
        while item_by_slug(db, slug):
            n += 1
            slug = f"{base}-{n}"
        item = LearningItem(slug=slug, owner_department_id=department_scope(user), **answers)
        action = "learning.item_added"
    else:
        for name, value in answers.items():
            setattr(item, name, value)
        item.updated_at = datetime.now(UTC)
    db.add(item)
    db.flush()
    audit.record(db, action, actor=user, subject=item)
    db.commit()
    return item


def save_session(db: Session, learning_session: LearningSession, answers: dict, user: User) -> list[Registration]:
    """Create or change a session. More places go to the waiting list at once; fewer places
    never take a place from anyone who holds one. Returns the people given a place."""
    if learning_session.id is not None:
        # A capacity change waits for bookings under way, and an edit for a cancellation under way.
        if lock(db, LearningSession, learning_session.id).cancelled_at is not None:
            db.rollback()
            raise SessionCannotChange("This session has been cancelled, so nothing about it can change")
    action = "learning.session_changed" if learning_session.id else "learning.session_added"
    moved = learning_session.id is not None and moves(
        learning_session, {**_when_and_where(learning_session), **answers}
    )
    was = {has_place: f"{session_when(learning_session)}, {session_where(learning_session, has_place)}"
           for has_place in (True, False)} if moved else {}  # fmt: skip
    for name, value in answers.items():
        setattr(learning_session, name, value)
    db.add(learning_session)
    db.flush()
    audit.record(db, action, actor=user, subject=learning_session)
    promoted = promote_waiting(db, learning_session)
    if action == "learning.session_added" and not has_started(learning_session):
        _tell_invited_without_a_place(db, learning_session)
    if moved:
        tell_everyone_booked(db, learning_session, was, skip={r.id for r in promoted})
    db.commit()
    return promoted


def cancel_session(db: Session, learning_session: LearningSession, reason: str, user: User) -> int:
    """HR cancelling a session before it starts: every place and waiting-list place on it ends,
    and each of those people is told, in the same commit. Returns how many were told."""
    learning_session = lock(db, LearningSession, learning_session.id)  # bookings under way finish first
    if learning_session.cancelled_at is not None or has_started(learning_session):
        db.rollback()
        raise SessionCannotChange("This session has already been cancelled or has started")
    now = datetime.now(UTC)
    learning_session.cancelled_at, learning_session.cancel_reason = now, reason
    db.add(learning_session)
    told = 0
    for registration, person in _people_on(db, learning_session):
        template = "waiting_session_cancelled" if registration.status == "waiting" else "session_cancelled"
        registration.status = "cancelled"
        registration.cancelled_at = registration.updated_at = now
        db.add(registration)
        told += tell_about_place(db, learning_session, registration, person, template) is not None
    db.flush()
    audit.record(db, "learning.session_cancelled", actor=user, subject=learning_session)
    db.commit()
    return told


class SessionCannotChange(Exception):
    pass


def _tell_invited_without_a_place(db: Session, learning_session: LearningSession) -> None:
    """People invited to the learning who hold no place at any of its sessions hear that a
    new session can be booked: an invitation never quietly leads nowhere."""
    item = db.get(LearningItem, learning_session.item_id)
    booked = select(Registration.person_id).where(
        Registration.item_id == item.id, Registration.status.in_((*HOLDS_A_PLACE, "waiting"))
    )
    invited = db.exec(
        select(Person)
        .join(Invitation, Invitation.person_id == Person.id)
        .where(Invitation.item_id == item.id, Person.id.not_in(booked))
        .order_by(Person.id)
    ).all()
    details = {"learning": item.name, "when": session_when(learning_session),
               "where": session_where(learning_session, has_place=False)}  # fmt: skip
    for person in invited:
        tell(db, person, "session_for_invitation", details, f"/masterclasses/{item.slug}")


def _when_and_where(learning_session: LearningSession) -> dict:
    return {name: getattr(learning_session, name) for name in WHEN_AND_WHERE}


# What a session's bookings are for: changing any of these moves it for everyone booked.
WHEN_AND_WHERE = ("starts_at", "ends_at", "online", "location")


def moves(learning_session: LearningSession, answers: dict) -> bool:
    """Whether saving these answers changes the session's date, times or place."""
    return any(getattr(learning_session, name) != answers[name] for name in WHEN_AND_WHERE)


def people_booked(db: Session, session_id: int) -> tuple[int, int]:
    """How many hold a place at the session (the places taken), and how many are waiting for one."""
    waiting = db.exec(
        select(func.count())
        .select_from(Registration)
        .where(Registration.session_id == session_id, Registration.status == "waiting")
    ).one()
    return places_taken(db, session_id), waiting


def in_audience(item: LearningItem, person: Person | None) -> bool:
    return person is not None and (not item.audience or person.grade in item.audience)


def sessions_of(db: Session, item: LearningItem, upcoming: bool) -> list[LearningSession]:
    """The sessions to come, or those that have started; a cancelled one is in neither."""
    query = select(LearningSession).where(LearningSession.item_id == item.id, LearningSession.cancelled_at.is_(None))
    if upcoming:
        return list(db.exec(query.where(LearningSession.starts_at > uk_now()).order_by(LearningSession.starts_at)))
    return list(db.exec(query.where(LearningSession.starts_at <= uk_now()).order_by(LearningSession.starts_at.desc())))


def cancelled_sessions_of(db: Session, item: LearningItem) -> list[LearningSession]:
    query = select(LearningSession).where(LearningSession.item_id == item.id, LearningSession.cancelled_at.is_not(None))
    return list(db.exec(query.order_by(LearningSession.starts_at.desc())))


def session_of(db: Session, item: LearningItem, session_id: int) -> LearningSession | None:
    learning_session = db.get(LearningSession, session_id)
    return learning_session if learning_session and learning_session.item_id == item.id else None


def places_taken(db: Session, session_id: int) -> int:
    return db.exec(
        select(func.count())
        .select_from(Registration)
        .where(Registration.session_id == session_id, Registration.status.in_(HOLDS_A_PLACE))
    ).one()


def places_taken_by_session(db: Session, session_ids: list[int]) -> dict[int, int]:
    rows = db.exec(
        select(Registration.session_id, func.count())
        .where(Registration.session_id.in_(session_ids), Registration.status.in_(HOLDS_A_PLACE))
        .group_by(Registration.session_id)
    ).all()
    return dict(rows)


def places_left(learning_session: LearningSession, taken: int) -> int:
    return max(learning_session.capacity - taken, 0)


# What people other than HR see of a session's places: how full it is, never how many people
# hold a place (with a small session that would say who else is going). HR see the number.
FEW_PLACES_SHARE = 5  # "Few places left" once a fifth or less of the places are free


def places_band(learning_session: LearningSession, taken: int) -> str:
    left = places_left(learning_session, taken)
    if left == 0:
        return "Full"
    return "Few places left" if left * FEW_PLACES_SHARE <= learning_session.capacity else "Places available"


def places_shown(learning_session: LearningSession, taken: int, exact: bool) -> str:
    return f"{places_left(learning_session, taken):,}" if exact else places_band(learning_session, taken)


# --- registering -------------------------------------------------------------------------


def live_registration(db: Session, item_id: int, person_id: int) -> Registration | None:
    return db.exec(
        select(Registration).where(
            Registration.item_id == item_id, Registration.person_id == person_id, Registration.status.in_(LIVE)
        )
    ).first()


def why_not_register(db: Session, item: LearningItem, learning_session: LearningSession, person: Person) -> str | None:
    """Why this person cannot register themselves for the session, or None if they can."""
    if not in_audience(item, person):
        return (
            f"This learning is for these grades only: {audience_name(item.audience)}. "
            "Ask your HR team if you think you should take it."
        )
    return _refusal(db, learning_session, person)


def _refusal(db: Session, learning_session: LearningSession, person: Person) -> str | None:
    if learning_session.cancelled_at is not None:
        return "This session has been cancelled"
    if has_started(learning_session):
        return "This session has already taken place"
    existing = live_registration(db, learning_session.item_id, person.id)
    if existing is None:
        return None
    if existing.status == "completed":
        return "Already completed"
    return (
        "Already on the waiting list for a session"
        if existing.status == "waiting"
        else "Already registered for a session"
    )


def register(
    db: Session, learning_session: LearningSession, person: Person, source: str = "self", actor: User | None = None
) -> Registration:
    """A place, or a place on the waiting list when the session is full. HR may register
    people outside the audience; people registering themselves are checked first. HR
    registering someone (`actor`) is audited, with the registration, in the same commit."""
    learning_session = lock(db, LearningSession, learning_session.id)  # two people cannot both take the last place
    refusal = _refusal(db, learning_session, person)
    if refusal:
        db.rollback()
        raise RegistrationRefused(refusal)
    registration = db.exec(
        select(Registration).where(Registration.session_id == learning_session.id, Registration.person_id == person.id)
    ).first() or Registration(
        session_id=learning_session.id, item_id=learning_session.item_id, person_id=person.id, status="", source=source
    )
    now = datetime.now(UTC)
    if places_taken(db, learning_session.id) < learning_session.capacity:
        registration.status = "registered"
        registration.registered_at = registration.registered_at or now
    else:
        registration.status = "waiting"
        registration.waiting_since = now
    registration.cancelled_at = None
    registration.updated_at = now
    db.add(registration)
    try:
        db.flush()
        if actor is not None:
            audit.record(db, "learning.registered_by_hr", actor=actor, subject=registration)
        template = "place_confirmed" if registration.status == "registered" else "waiting_list"
        tell_about_place(db, learning_session, registration, person, template)
        db.commit()
    except IntegrityError:
        # The same person booked another session of this item at the same moment (each
        # session has its own lock): the database's one-live-place index kept the first.
        db.rollback()
        raise RegistrationRefused(
            _refusal(db, learning_session, person) or "Already registered for a session"
        ) from None
    return registration


def cancel(db: Session, registration: Registration) -> Registration | None:
    """Cancel a place or a place on the waiting list; returns whoever took the freed place."""
    promoted = release_place(db, registration)
    db.commit()
    return promoted


def release_place(db: Session, registration: Registration) -> Registration | None:
    learning_session = lock(db, LearningSession, registration.session_id)
    db.refresh(registration)  # a second click, or HR at the same moment, may have cancelled it already
    if registration.status == "cancelled":
        return None
    held_a_place = registration.status in HOLDS_A_PLACE
    registration.status = "cancelled"
    registration.cancelled_at = registration.updated_at = datetime.now(UTC)
    db.add(registration)
    db.flush()
    promoted = promote_waiting(db, learning_session) if held_a_place else []
    return promoted[0] if promoted else None


def promote_waiting(db: Session, learning_session: LearningSession) -> list[Registration]:
    """Give free places to the waiting list, longest waiting first."""
    learning_session = lock(db, LearningSession, learning_session.id)
    free = learning_session.capacity - places_taken(db, learning_session.id)
    if free <= 0:
        return []
    waiting = db.exec(
        select(Registration)
        .where(Registration.session_id == learning_session.id, Registration.status == "waiting")
        .order_by(Registration.waiting_since, Registration.id)
        .limit(free)
    ).all()
    now = datetime.now(UTC)
    for registration in waiting:
        registration.status = "registered"
        registration.registered_at = registration.registered_at or now
        registration.updated_at = now
        db.add(registration)
        tell_about_place(db, learning_session, registration, db.get(Person, registration.person_id), "promoted")
    db.flush()
    return list(waiting)


def outside_audience(item: LearningItem, people: list[Person]) -> list[Person]:
    """The people an invitation would leave stuck: invited, but not allowed to book."""
    return [p for p in people if not in_audience(item, p)]


def invite(db: Session, item: LearningItem, people: list[Person], user: User) -> int:
    """Invite people who are not invited yet; returns how many were new. HR sending the same
    invitations twice at once invites each person once: the second finds the first's."""
    try:
        return _invite(db, item, people, user)
    except IntegrityError:
        db.rollback()
        return _invite(db, item, people, user)


def _invite(db: Session, item: LearningItem, people: list[Person], user: User) -> int:
    invited = set(db.exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
    new = list({p.id: p for p in people if p.id not in invited}.values())  # each person once
    invitations = [Invitation(item_id=item.id, person_id=p.id) for p in new]
    db.add_all(invitations)
    db.flush()
    next_step = (
        "Choose a session and book your place:"
        if sessions_of(db, item, upcoming=True)
        else "No sessions are planned yet: we will email you when one is. Until then, read about it here:"
    )
    for invitation, person in zip(invitations, new, strict=True):
        audit.record(db, "learning.invited", actor=user, subject=invitation)
        tell(db, person, "learning_invitation", {"learning": item.name, "provider": item.provider,
                                                 "next_step": next_step}, f"/masterclasses/{item.slug}")  # fmt: skip
    db.commit()
    return len(new)


# --- telling people ------------------------------------------------------------------------


def session_when(learning_session: LearningSession) -> str:
    """ "3 March 2027, 10am to 1pm", as the pages write it."""
    starts, ends = to_uk(learning_session.starts_at), to_uk(learning_session.ends_at)
    return f"{starts:%-d %B %Y}, {_clock(starts)} to {_clock(ends)}"


def _clock(at: datetime) -> str:
    if at.hour == 12 and at.minute == 0:
        return "midday"
    minutes = f":{at.minute:02d}" if at.minute else ""
    return f"{at.hour % 12 or 12}{minutes}{'am' if at.hour < 12 else 'pm'}"


def session_where(learning_session: LearningSession, has_place: bool = True) -> str:
    """Where, as the pages write it; an online session's joining details only for people with a place."""
    if learning_session.online and not has_place:
        return "Online (the joining details come with your place)"
    return ("Online: " if learning_session.online else "") + learning_session.location


def tell_about_place(
    db: Session,
    learning_session: LearningSession,
    registration: Registration,
    person: Person,
    template: str,
    was: dict[bool, str] | None = None,
):
    """A message about the person's place, in the transaction that gives or changes it; `was`
    is where and when a moved session was, as told to people with a place and without."""
    item = db.get(LearningItem, learning_session.item_id)
    has_place = registration.status not in ("waiting", "cancelled")
    details = {"learning": item.name, "when": session_when(learning_session),
               "where": session_where(learning_session, has_place), "was": (was or {}).get(has_place, ""),
               "reason": learning_session.cancel_reason or "The HR team running it did not give a reason.",
               "item_link": link(f"/masterclasses/{item.slug}")}  # fmt: skip
    return tell(db, person, template, details, f"/masterclasses/registrations/{registration.id}")


def _people_on(db: Session, learning_session: LearningSession) -> list[tuple[Registration, Person]]:
    """Everyone holding a place at the session before it starts, or waiting for one."""
    return list(
        db.exec(
            select(Registration, Person)
            .join(Person, Person.id == Registration.person_id)
            .where(Registration.session_id == learning_session.id, Registration.status.in_(("registered", "waiting")))
            .order_by(Registration.id)
        ).all()
    )


def tell_everyone_booked(
    db: Session, learning_session: LearningSession, was: dict[bool, str], skip=frozenset()
) -> None:
    """Everyone holding a place, or waiting for one, hears that the session moved, each in the
    words for where they stand: a place (and its calendar file) or a place on the waiting list."""
    for registration, person in _people_on(db, learning_session):
        if registration.id not in skip:
            template = "waiting_session_changed" if registration.status == "waiting" else "session_changed"
            tell_about_place(db, learning_session, registration, person, template, was)
