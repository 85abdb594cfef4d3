"""After a session: HR recording what happened to each registration, who may be recorded,
feedback, and a person's places given up when their account goes."""

from datetime import UTC, datetime

from sqlalchemy import true
from sqlmodel import Session, select

from pathways import Framework

from ..models import Invitation, LearningItem, LearningSession, Person, Registration, User
from . import audit, course_evidence
from .learning import HOLDS_A_PLACE, LIVE, RegistrationRefused, release_place, uk_now


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
    caller to tell HR. A no show holds no live place, so it leaves other sessions alone.
    Changing an outcome already recorded (attended to did not attend, say) is audited as a
    correction; a completion is corrected only by `learning_corrections.correct_completion`."""
    if status == registration.status or registration.status == "completed":
        return False
    if registration.disputed_at is not None:
        raise RegistrationRefused(DISPUTED)
    corrected = {registration.id} if registration.status in RECORDED else set()
    if status == "cancelled":
        release_place(db, registration)
        if credit_now:
            audit_outcomes(db, user, [registration], corrected)
        return False
    if status == "registered" and registration.status in ("waiting", "cancelled", ""):
        raise RegistrationRefused("A place can only be given by registering them, within the places left")
    if status in LIVE:
        for other in other_live_registrations(db, registration):
            if other.status in ("attended", "completed"):
                raise RegistrationRefused("Already recorded at another session of this learning")
            release_place(db, other)
            if given_up is not None:
                given_up.append(other)
    now = datetime.now(UTC)
    if status in HOLDS_A_PLACE:
        registration.registered_at = registration.registered_at or now
    if status == "completed":
        item = db.get(LearningItem, registration.item_id)
        learning_session = db.get(LearningSession, registration.session_id)
        # The day they did the learning; when it was recorded is in the audit log.
        registration.completed_at = learning_session.ends_at if learning_session.ends_at <= now else now
        registration.completed_by_user_id = user.id
        registration.credited_skills = [list(pair) for pair in item.skills]
    registration.status = status
    registration.updated_at = now
    db.add(registration)
    if credit_now:  # otherwise the caller audits and credits many at once
        audit_outcomes(db, user, [registration], corrected)
        if status == "completed":
            course_evidence.credit(db, framework, item, [registration.person_id], user)
    return status == "completed"


# Outcomes HR record once a session has started; changing one of them is a correction.
RECORDED = ("attended", "no_show", "completed")
DISPUTED = "This record was disputed: settle it on the session page"
NOT_SIGNED_UP = "Not registered for or invited to this learning: register or invite them first"
SIGNED_UP_AFTER = (
    "Registered or invited only after this session started, which is not evidence they took part: "
    "only people who registered or were invited before it can be recorded"
)


def who_may_be_recorded(db: Session, learning_session: LearningSession) -> tuple[set[int], set[int]]:
    """People whose attendance or completion may be recorded at this session, and people who
    signed up only after it started. Those who may: registered for this session (themselves
    or by HR, which is only open before it starts), registered for another session of the
    item before this one started, or invited before it started. Signing up afterwards is not
    evidence they took part, or HR could credit learning to anyone just before importing it."""
    before = learning_session.starts_at
    registrations = db.exec(
        select(
            Registration.person_id,
            (Registration.session_id == learning_session.id)
            | (Registration.registered_at <= before)
            | (Registration.waiting_since <= before),
        ).where(Registration.item_id == learning_session.item_id, Registration.source != "imported")
    ).all()
    invitations = db.exec(
        select(Invitation.person_id, Invitation.invited_at <= before).where(
            Invitation.item_id == learning_session.item_id
        )
    ).all()
    signed_up = [*registrations, *invitations]
    allowed = {pid for pid, in_time in signed_up if in_time}
    return allowed, {pid for pid, _ in signed_up} - allowed


def why_not_recorded(person_id: int, allowed: set[int], signed_up_late: set[int]) -> str | None:
    if person_id in allowed:
        return None
    return SIGNED_UP_AFTER if person_id in signed_up_late else NOT_SIGNED_UP


def audit_outcomes(db: Session, user: User, registrations: list[Registration], corrected=frozenset()) -> None:
    """One audit event per recorded outcome, with who recorded it, in one flush. `corrected`:
    the ids of registrations whose earlier outcome (attended, did not attend) was replaced.
    A completion is always audited as one, whatever it replaced: it is the event people's
    evidence rests on."""
    db.flush()
    for registration in registrations:
        if registration.status == "completed":
            action = "learning.completed"
        elif registration.id in corrected:
            action = "learning.attendance_corrected"
        else:
            action = "learning.outcome_recorded"
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
    promoted = [release_place(db, registration) for registration in held]
    return [registration for registration in promoted if registration is not None]
