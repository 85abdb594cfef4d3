"""The learning catalogue, its sessions and people's registrations.

Registration rules: a session in the past cannot be registered for; a person holds at most
one live registration per item; when a session is full people join its waiting list, and
the longest-waiting person takes the next place that frees up. Completing an item adds
`course` evidence for its skills to the person's profile.
"""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, true
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pathways import Framework

from ..locks import lock
from ..models import LIVE_REGISTRATION, Invitation, LearningItem, LearningSession, Person, Registration, User
from ..permissions import department_scope
from . import audit, course_evidence

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


RESERVED_SLUGS = {"new", "mine", "registrations"}  # page addresses under /masterclasses


def slug_for(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:70] or "learning"
    return slug + "-learning" if slug in RESERVED_SLUGS else slug


# --- the catalogue ------------------------------------------------------------------------


def catalogue(db: Session) -> list[tuple[LearningItem, LearningSession | None]]:
    """Every item with its next session, if one is planned."""
    items = list(db.exec(select(LearningItem).order_by(LearningItem.name)).all())
    upcoming = db.exec(
        select(LearningSession).where(LearningSession.starts_at > uk_now()).order_by(LearningSession.starts_at)
    ).all()
    next_session: dict[int, LearningSession] = {}
    for session in upcoming:
        next_session.setdefault(session.item_id, session)
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


def save_session(db: Session, session: LearningSession, answers: dict, user: User) -> list[Registration]:
    """Create or change a session. More places go to the waiting list at once; fewer places
    never take a place from anyone who holds one. Returns the people given a place."""
    if session.id is not None:
        lock(db, LearningSession, session.id)  # a capacity change waits for bookings under way
    action = "learning.session_changed" if session.id else "learning.session_added"
    for name, value in answers.items():
        setattr(session, name, value)
    db.add(session)
    db.flush()
    audit.record(db, action, actor=user, subject=session)
    promoted = promote_waiting(db, session)
    db.commit()
    return promoted


def in_audience(item: LearningItem, person: Person | None) -> bool:
    return person is not None and (not item.audience or person.grade in item.audience)


def sessions_of(db: Session, item: LearningItem, upcoming: bool) -> list[LearningSession]:
    query = select(LearningSession).where(LearningSession.item_id == item.id)
    if upcoming:
        return list(db.exec(query.where(LearningSession.starts_at > uk_now()).order_by(LearningSession.starts_at)))
    return list(db.exec(query.where(LearningSession.starts_at <= uk_now()).order_by(LearningSession.starts_at.desc())))


def session_of(db: Session, item: LearningItem, session_id: int) -> LearningSession | None:
    session = db.get(LearningSession, session_id)
    return session if session and session.item_id == item.id else None


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


def places_left(session: LearningSession, taken: int) -> int:
    return max(session.capacity - taken, 0)


# What people other than HR see of a session's places: how full it is, never how many people
# hold a place (with a small session that would say who else is going). HR see the number.
FEW_PLACES_SHARE = 5  # "Few places left" once a fifth or less of the places are free


def places_band(session: LearningSession, taken: int) -> str:
    left = places_left(session, taken)
    if left == 0:
        return "Full"
    return "Few places left" if left * FEW_PLACES_SHARE <= session.capacity else "Places available"


def places_shown(session: LearningSession, taken: int, exact: bool) -> str:
    return f"{places_left(session, taken):,}" if exact else places_band(session, taken)


# --- registering -------------------------------------------------------------------------


def live_registration(db: Session, item_id: int, person_id: int) -> Registration | None:
    return db.exec(
        select(Registration).where(
            Registration.item_id == item_id, Registration.person_id == person_id, Registration.status.in_(LIVE)
        )
    ).first()


def why_not_register(db: Session, item: LearningItem, session: LearningSession, person: Person) -> str | None:
    """Why this person cannot register themselves for the session, or None if they can."""
    if not in_audience(item, person):
        return (
            f"This learning is for {', '.join(item.audience)} grades. Ask your HR team if you think you should take it."
        )
    return _refusal(db, session, person)


def _refusal(db: Session, session: LearningSession, person: Person) -> str | None:
    if session.starts_at <= uk_now():
        return "This session has already taken place"
    existing = live_registration(db, session.item_id, person.id)
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
    db: Session, session: LearningSession, person: Person, source: str = "self", actor: User | None = None
) -> Registration:
    """A place, or a place on the waiting list when the session is full. HR may register
    people outside the audience; people registering themselves are checked first. HR
    registering someone (`actor`) is audited, with the registration, in the same commit."""
    session = lock(db, LearningSession, session.id)  # two people cannot both take the last place
    refusal = _refusal(db, session, person)
    if refusal:
        db.rollback()
        raise RegistrationRefused(refusal)
    registration = db.exec(
        select(Registration).where(Registration.session_id == session.id, Registration.person_id == person.id)
    ).first() or Registration(
        session_id=session.id, item_id=session.item_id, person_id=person.id, status="", source=source
    )
    now = datetime.now(UTC)
    if places_taken(db, session.id) < session.capacity:
        registration.status = "registered"
        registration.registered_at = registration.registered_at or now
    else:
        registration.status = "waiting"
        registration.waiting_since = now
    registration.cancelled_at = None
    registration.updated_at = now
    db.add(registration)
    try:
        if actor is not None:
            db.flush()
            audit.record(db, "learning.registered_by_hr", actor=actor, subject=registration)
        db.commit()
    except IntegrityError:
        # The same person booked another session of this item at the same moment (each
        # session has its own lock): the database's one-live-place index kept the first.
        db.rollback()
        raise RegistrationRefused(_refusal(db, session, person) or "Already registered for a session") from None
    return registration


def cancel(db: Session, registration: Registration) -> Registration | None:
    """Cancel a place or a place on the waiting list; returns whoever took the freed place."""
    promoted = _cancel(db, registration)
    db.commit()
    return promoted


def _cancel(db: Session, registration: Registration) -> Registration | None:
    session = lock(db, LearningSession, registration.session_id)
    db.refresh(registration)  # a second click, or HR at the same moment, may have cancelled it already
    if registration.status == "cancelled":
        return None
    held_a_place = registration.status in HOLDS_A_PLACE
    registration.status = "cancelled"
    registration.cancelled_at = registration.updated_at = datetime.now(UTC)
    db.add(registration)
    db.flush()
    promoted = promote_waiting(db, session) if held_a_place else []
    return promoted[0] if promoted else None


def promote_waiting(db: Session, session: LearningSession) -> list[Registration]:
    """Give free places to the waiting list, longest waiting first."""
    session = lock(db, LearningSession, session.id)
    free = session.capacity - places_taken(db, session.id)
    if free <= 0:
        return []
    waiting = db.exec(
        select(Registration)
        .where(Registration.session_id == session.id, Registration.status == "waiting")
        .order_by(Registration.waiting_since, Registration.id)
        .limit(free)
    ).all()
    now = datetime.now(UTC)
    for registration in waiting:
        registration.status = "registered"
        registration.registered_at = registration.registered_at or now
        registration.updated_at = now
        db.add(registration)
    db.flush()
    return list(waiting)


def invite(db: Session, item: LearningItem, people: list[Person], user: User) -> int:
    """Invite people who are not invited yet; returns how many were new."""
    invited = set(db.exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
    new = list({p.id: p for p in people if p.id not in invited}.values())  # each person once
    invitations = [Invitation(item_id=item.id, person_id=p.id) for p in new]
    db.add_all(invitations)
    db.flush()
    for invitation in invitations:
        audit.record(db, "learning.invited", actor=user, subject=invitation)
    db.commit()
    return len(new)


# --- after the session ---------------------------------------------------------------------


def record_outcome(db: Session, framework: Framework, registration: Registration, status: str, user: User) -> None:
    """HR recording attendance or completion, in one transaction."""
    set_outcome(db, framework, registration, status, user)
    db.commit()


def set_outcome(
    db: Session,
    framework: Framework,
    registration: Registration,
    status: str,
    user: User,
    credit_now: bool = True,
    given_up: list[Registration] | None = None,
) -> bool:
    """Change a registration's outcome without committing; True if it was newly completed;
    `user` is who is recording it (shown to the person, and audited).
    Completion adds course evidence once (now, or by the caller for many people at once with
    `course_evidence.credit`); it is never undone here, and nor is a dispute (only HR settling
    it: `learning_records.resolve`). A place is only given through `register` (which keeps to
    the places and the waiting list), so someone waiting or cancelled cannot be set back to
    registered here. Raises RegistrationRefused when the person is already recorded at another
    session of the item. Attending or completing is a live place, and a person holds one per
    item: a place they hold at another session is given up and added to `given_up`, for the
    caller to tell HR. A no show holds no live place, so it leaves other sessions alone."""
    if status == registration.status or registration.status == "completed":
        return False
    if registration.disputed_at is not None:
        raise RegistrationRefused(DISPUTED)
    if status == "cancelled":
        _cancel(db, registration)
        if credit_now:
            audit_outcomes(db, user, [registration])
        return False
    if status == "registered" and registration.status in ("waiting", "cancelled", ""):
        raise RegistrationRefused("A place can only be given by registering them, within the places left")
    if status in LIVE:
        for other in other_live_registrations(db, registration):
            if other.status in ("attended", "completed"):
                raise RegistrationRefused("Already recorded at another session of this learning")
            _cancel(db, other)
            if given_up is not None:
                given_up.append(other)
    now = datetime.now(UTC)
    if status in HOLDS_A_PLACE:
        registration.registered_at = registration.registered_at or now
    if status == "completed":
        item = db.get(LearningItem, registration.item_id)
        session = db.get(LearningSession, registration.session_id)
        # The day they did the learning; when it was recorded is in the audit log.
        registration.completed_at = session.ends_at if session.ends_at <= now else now
        registration.completed_by_user_id = user.id
        registration.credited_skills = [list(pair) for pair in item.skills]
    registration.status = status
    registration.updated_at = now
    db.add(registration)
    if credit_now:  # otherwise the caller audits and credits many at once
        audit_outcomes(db, user, [registration])
        if status == "completed":
            course_evidence.credit(db, framework, item, [registration.person_id], user)
    return status == "completed"


DISPUTED = "This record was disputed: settle it on the session page"
NOT_SIGNED_UP = "Not registered for or invited to this learning: register or invite them first"
SIGNED_UP_AFTER = (
    "Registered or invited only after this session started, which is not evidence they took part: "
    "only people who registered or were invited before it can be recorded"
)


def who_may_be_recorded(db: Session, session: LearningSession) -> tuple[set[int], set[int]]:
    """People whose attendance or completion may be recorded at this session, and people who
    signed up only after it started. Those who may: registered for this session (themselves
    or by HR, which is only open before it starts), registered for another session of the
    item before this one started, or invited before it started. Signing up afterwards is not
    evidence they took part, or HR could credit learning to anyone just before importing it."""
    before = session.starts_at
    registrations = db.exec(
        select(
            Registration.person_id,
            (Registration.session_id == session.id)
            | (Registration.registered_at <= before)
            | (Registration.waiting_since <= before),
        ).where(Registration.item_id == session.item_id, Registration.source != "imported")
    ).all()
    invitations = db.exec(
        select(Invitation.person_id, Invitation.invited_at <= before).where(Invitation.item_id == session.item_id)
    ).all()
    signed_up = [*registrations, *invitations]
    allowed = {pid for pid, in_time in signed_up if in_time}
    return allowed, {pid for pid, _ in signed_up} - allowed


def why_not_recorded(person_id: int, allowed: set[int], signed_up_late: set[int]) -> str | None:
    if person_id in allowed:
        return None
    return SIGNED_UP_AFTER if person_id in signed_up_late else NOT_SIGNED_UP


def audit_outcomes(db: Session, user: User, registrations: list[Registration]) -> None:
    """One audit event per recorded outcome, with who recorded it, in one flush."""
    db.flush()
    for registration in registrations:
        action = "learning.completed" if registration.status == "completed" else "learning.outcome_recorded"
        audit.record(db, action, actor=user, subject=registration)


def other_live_registrations(db: Session, registration: Registration) -> list[Registration]:
    """The person's live registrations for the same item at other sessions."""
    return list(
        db.exec(
            select(Registration).where(
                Registration.item_id == registration.item_id,
                Registration.person_id == registration.person_id,
                Registration.status.in_(LIVE),
                Registration.id != registration.id if registration.id else true(),
            )
        )
    )


def save_feedback(db: Session, registration: Registration, score: int, comment: str) -> None:
    registration.feedback_score = score
    registration.feedback_comment = comment or None
    registration.updated_at = datetime.now(UTC)
    db.add(registration)
    db.commit()


def give_up_places(db: Session, person: Person) -> list[Registration]:
    """Before a person's records are deleted: every place they hold at a session still to come
    goes to the longest-waiting person, in the caller's transaction. Returns who was promoted."""
    held = db.exec(
        select(Registration)
        .join(LearningSession, LearningSession.id == Registration.session_id)
        .where(
            Registration.person_id == person.id,
            Registration.status.in_(HOLDS_A_PLACE),
            LearningSession.starts_at > uk_now(),
        )
    ).all()
    promoted = [_cancel(db, registration) for registration in held]
    return [registration for registration in promoted if registration is not None]
