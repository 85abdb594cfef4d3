"""A person's own learning: their places, invitations and completed learning, for their pages
and their data download. Every function reads one person's records only."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from ..models import Invitation, LearningItem, LearningSession, Person, Registration
from ..services import course_evidence
from ..services.learning import has_started, live_registration


@dataclass(frozen=True)
class MyRegistration:
    registration: Registration
    session: LearningSession
    item: LearningItem

    @property
    def can_cancel(self) -> bool:
        return self.registration.status in ("registered", "waiting") and not has_started(self.session)

    @property
    def can_give_feedback(self) -> bool:
        return self.registration.status in ("attended", "completed")


def my_registrations(db: Session, person: Person) -> list[MyRegistration]:
    rows = db.exec(
        select(Registration, LearningSession, LearningItem)
        .join(LearningSession, LearningSession.id == Registration.session_id)
        .join(LearningItem, LearningItem.id == Registration.item_id)
        .where(Registration.person_id == person.id)
        .order_by(LearningSession.starts_at.desc())
    ).all()
    return [MyRegistration(*row) for row in rows]


def my_registration(db: Session, person: Person, registration_id: int) -> MyRegistration | None:
    """One of the person's own registrations; anyone else's is None (shown as 404)."""
    for mine in my_registrations(db, person):
        if mine.registration.id == registration_id:
            return mine
    return None


def my_invitations(db: Session, person: Person) -> list[LearningItem]:
    """Items the person was invited to and has not registered for since."""
    invited = db.exec(
        select(LearningItem)
        .join(Invitation, Invitation.item_id == LearningItem.id)
        .where(Invitation.person_id == person.id)
        .order_by(LearningItem.name)
    ).all()
    return [item for item in invited if live_registration(db, item.id, person.id) is None]


def completed_learning(db: Session, person: Person) -> list[tuple[LearningItem, datetime]]:
    rows = db.exec(
        select(LearningItem, Registration.completed_at)
        .join(Registration, Registration.item_id == LearningItem.id)
        .where(
            Registration.person_id == person.id,
            Registration.status == "completed",
            course_evidence.counts_as_evidence(),
        )
        .order_by(Registration.completed_at)
    ).all()
    return list(rows)
