"""Completed learning as people see it and can challenge it: where each completion came from
(the item, the session, who recorded it), a dispute that stops it counting as course
evidence, and HR settling the dispute."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, select

from pathways import Framework

from ..models import LearningItem, LearningSession, Person, Registration, User
from ..vocabulary import level_name
from . import audit, course_evidence
from .learning_completions import REPORTED
from .schemes import people_in_scope


@dataclass(frozen=True)
class CompletionRecord:
    registration: Registration
    item: LearningItem
    session: LearningSession
    recorded_by: str | None  # the HR user's email address, when known
    skills: list[tuple[str, str]]  # (skill name, level name) the completion was credited with

    @property
    def disputed(self) -> bool:
        return self.registration.disputed_at is not None and self.registration.dispute_outcome is None

    @property
    def can_dispute(self) -> bool:
        return self.registration.status == "completed" and self.registration.disputed_at is None


def _records(db: Session, framework: Framework, query) -> list[CompletionRecord]:
    rows = db.exec(
        query.join(LearningSession, LearningSession.id == Registration.session_id)
        .join(LearningItem, LearningItem.id == Registration.item_id)
        .order_by(LearningSession.starts_at.desc())
    ).all()
    recorders = {r.completed_by_user_id for r, _, _ in rows if r.completed_by_user_id}
    emails = dict(db.exec(select(User.id, User.email).where(User.id.in_(recorders))).all()) if recorders else {}
    return [
        CompletionRecord(
            registration,
            item,
            learning_session,
            emails.get(registration.completed_by_user_id) or _reported(learning_session),
            [
                (framework.skills[s].name, level_name(lv))
                for s, lv in credited(registration, item)
                if s in framework.skills
            ],
        )
        for registration, learning_session, item in rows
    ]


def _reported(learning_session: LearningSession) -> str | None:
    # Completions a learning system reported are recorded at sessions of their own.
    return "A learning system" if learning_session.location == REPORTED else None


def credited(registration: Registration, item: LearningItem) -> list:
    """What the completion was credited with; the item's skills for completions recorded
    before that was kept."""
    return item.skills if registration.credited_skills is None else registration.credited_skills


def completions_of(db: Session, framework: Framework, person: Person) -> list[CompletionRecord]:
    """The person's completions, and any that were disputed, newest session first."""
    query = select(Registration, LearningSession, LearningItem).where(
        Registration.person_id == person.id,
        (Registration.status == "completed") | Registration.disputed_at.is_not(None),
    )
    return _records(db, framework, query)


def completion_of(db: Session, framework: Framework, person: Person, registration_id: int) -> CompletionRecord | None:
    for record in completions_of(db, framework, person):
        if record.registration.id == registration_id:
            return record
    return None


def dispute(db: Session, framework: Framework, record: CompletionRecord, reason: str, user: User) -> None:
    """The person saying a completion is wrong: until HR settles it, it is not evidence."""
    registration = record.registration
    registration.disputed_at = registration.updated_at = datetime.now(UTC)
    registration.dispute_reason = reason
    db.add(registration)
    db.flush()
    course_evidence.withdraw(db, framework, credited(registration, record.item), registration.person_id)
    audit.record(db, "learning.completion_disputed", actor=user, subject=registration)
    db.commit()


def open_disputes(db: Session, learning_session: LearningSession, user: User) -> list[tuple[Registration, Person]]:
    """Disputed completions at this session, for the people this HR user looks after."""
    return list(
        db.exec(
            select(Registration, Person)
            .join(Person, Person.id == Registration.person_id)
            .where(
                Registration.session_id == learning_session.id,
                Registration.disputed_at.is_not(None),
                Registration.dispute_outcome.is_(None),
                people_in_scope(user),
            )
            .order_by(Registration.disputed_at)
        )
    )


def resolve(db: Session, framework: Framework, registration: Registration, resolution: str, user: User) -> None:
    """HR settling a dispute: confirmed puts the course evidence back; otherwise the
    completion is replaced by what happened, and the evidence stays off."""
    now = datetime.now(UTC)
    if resolution == "confirmed":
        registration.dispute_outcome = "confirmed"
    else:
        registration.dispute_outcome = "withdrawn"
        registration.status = resolution
        registration.completed_at = None
    registration.updated_at = now
    db.add(registration)
    db.flush()
    if resolution == "confirmed":
        item = db.get(LearningItem, registration.item_id)
        skills = credited(registration, item)
        course_evidence.credit(db, framework, item, [registration.person_id], user, skills=skills)
    audit.record(db, "learning.dispute_resolved", actor=user, subject=registration)
    db.commit()
