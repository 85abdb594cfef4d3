"""HR's to-do on the schemes page: applications waiting for a decision, and sessions that have
ended with attendance still to record. Both count only what this HR user may act on: their
schemes and learning, and people in their department scope."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import LearningItem, LearningSession, Person, Registration, Scheme, SchemeMember, User
from ..permissions import department_scope
from ..services.learning import uk_now
from ..services.schemes import people_in_scope

# Applied and shortlisted people are waiting on HR; an invitation waits on the person.
WAITING_ON_HR = ("applied", "shortlisted")
SESSIONS_LISTED = 10


@dataclass(frozen=True)
class Waiting:
    scheme: Scheme
    status: str
    count: int


@dataclass(frozen=True)
class ToRecord:
    item: LearningItem
    learning_session: LearningSession
    count: int  # people still shown as registered after the session ended


def applications_waiting(db: Session, user: User) -> list[Waiting]:
    scope = department_scope(user)
    query = (
        select(Scheme, SchemeMember.status, func.count())
        .join(SchemeMember, SchemeMember.scheme_id == Scheme.id)
        .join(Person, Person.id == SchemeMember.person_id)
        .where(SchemeMember.status.in_(WAITING_ON_HR), people_in_scope(user))
        .group_by(Scheme.id, SchemeMember.status)
        .order_by(Scheme.closes_on, Scheme.id)
    )
    if scope is not None:
        query = query.where(Scheme.owner_department_id == scope)
    rows = db.exec(query).all()
    order = {status: i for i, status in enumerate(WAITING_ON_HR)}
    return sorted((Waiting(s, status, n) for s, status, n in rows), key=lambda w: order[w.status])


def sessions_to_record(db: Session, user: User) -> tuple[list[ToRecord], int]:
    """Ended sessions of learning this user runs where someone is still only "registered",
    oldest first, and how many such sessions there are in all."""
    scope = department_scope(user)
    query = (
        select(LearningItem, LearningSession, func.count())
        .join(LearningSession, LearningSession.item_id == LearningItem.id)
        .join(Registration, Registration.session_id == LearningSession.id)
        .join(Person, Person.id == Registration.person_id)
        .where(LearningSession.ends_at <= uk_now(), Registration.status == "registered", people_in_scope(user))
        .group_by(LearningItem.id, LearningSession.id)
    )
    if scope is not None:
        # central HR's learning is run centrally: departmental HR record only their own
        query = query.where(LearningItem.owner_department_id == scope)
    rows = db.exec(query.order_by(LearningSession.starts_at, LearningSession.id)).all()
    return [ToRecord(i, s, n) for i, s, n in rows[:SESSIONS_LISTED]], len(rows)
