"""A line manager confirming the skills a report rated themselves at.

The report asks about their submitted assessment; the manager answers each rated skill:
confirmed, adjusted (to a level they give, with a reason) or "cannot judge". The answers make
a new submitted version of the report's assessment in which confirmed and adjusted skills are
`validated` evidence, with who and when. A confirmation is current for 2 years; after that the
rating counts as the person's own again (`expire`, run by the notifications sender) and they
are told it is due.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..caches import population
from ..locks import lock
from ..models import (
    Assessment,
    ConfirmationRequest,
    LineManagement,
    OutboxMessage,
    Person,
    SkillConfirmation,
    SkillRating,
    User,
)
from ..notifications.outbox import enqueue, link, tell
from . import audit, line_managers
from .profiles import copied, open_draft, ratings_of

CURRENT_FOR_YEARS = 2
VALIDATED = "validated"


class Refused(ValueError):
    """Asking is not possible now, with the words to show the person."""


def now() -> datetime:
    return datetime.now(UTC)


def years_after(when: datetime, years: int) -> datetime:
    """The same day and time `years` later (29 February becomes 28 February)."""
    try:
        return when.replace(year=when.year + years)
    except ValueError:
        return when.replace(year=when.year + years, day=28)


def expires_at(confirmed_at: datetime) -> datetime:
    return years_after(confirmed_at, CURRENT_FOR_YEARS)


@dataclass(frozen=True)
class Decision:
    decision: str  # confirmed, adjusted or cannot_judge
    level: int | None = None  # the manager's level, for an adjustment
    reason: str = ""


def _open(query):
    return query.where(ConfirmationRequest.completed_at.is_(None), ConfirmationRequest.withdrawn_at.is_(None))


def open_request(db: Session, person: Person) -> ConfirmationRequest | None:
    return db.exec(_open(select(ConfirmationRequest).where(ConfirmationRequest.person_id == person.id))).first()


def latest_answered(db: Session, person: Person) -> ConfirmationRequest | None:
    return db.exec(
        select(ConfirmationRequest)
        .where(ConfirmationRequest.person_id == person.id, ConfirmationRequest.completed_at.is_not(None))
        .order_by(ConfirmationRequest.completed_at.desc(), ConfirmationRequest.id.desc())
    ).first()


def ask(db: Session, user: User, person: Person, meant_for: int | None = None) -> ConfirmationRequest:
    """Ask the person's line manager to confirm their current submitted assessment. `meant_for`
    is the link the person's page named: if their manager has changed since, nothing is asked."""
    # Taking turns with changes to links, so a link ended at the same moment cannot be asked.
    line_managers.take_turns(db)
    manager_link = line_managers.current_link(db, person)
    if manager_link is None:
        db.rollback()
        raise Refused("You need a line manager who has accepted your request before you can ask them")
    if meant_for is not None and manager_link.id != meant_for:
        db.rollback()
        raise Refused("Your line manager has changed since you opened the page. Check who you are asking")
    if not person.current_assessment_id or not rated(db, person.current_assessment_id):
        db.rollback()
        raise Refused("Submit your skills assessment before asking your line manager to confirm it")
    existing = open_request(db, person)
    if existing is not None and existing.link_id == manager_link.id:
        db.rollback()
        return existing
    if existing is not None:  # asked through a link that has since ended
        existing.withdrawn_at = now()
        db.add(existing)
        db.flush()
    asked = ConfirmationRequest(person_id=person.id, assessment_id=person.current_assessment_id,
                                link_id=manager_link.id)  # fmt: skip
    db.add(asked)
    try:
        db.flush()
    except IntegrityError:  # asked twice at once: the database keeps one open request
        db.rollback()
        return open_request(db, person)
    audit.record(db, "confirmation.requested", actor=user, subject=asked)
    manager = db.get(Person, manager_link.manager_id)
    manager_user = db.get(User, manager.user_id) if manager and manager.user_id else None
    if manager_user is not None:
        enqueue(db, "confirmation_requested", manager_user.email,
                {"name": manager.display_name, "report": person.display_name,
                 "skills": len(rated(db, asked.assessment_id)),
                 "link": link(f"/team/confirmations/{asked.id}")}, user_id=manager_user.id)  # fmt: skip
    db.commit()
    return asked


def withdraw(db: Session, user: User, person: Person) -> bool:
    asked = open_request(db, person)
    if asked is None:
        return False
    asked = lock(db, ConfirmationRequest, asked.id)
    if asked.completed_at or asked.withdrawn_at:
        db.rollback()
        return False
    asked.withdrawn_at = now()
    db.add(asked)
    audit.record(db, "confirmation.withdrawn", actor=user, subject=asked)
    db.commit()
    return True


def rated(db: Session, assessment_id: int):
    """The ratings a manager is asked about: every skill held at some level."""
    return [r for r in ratings_of(db, assessment_id) if r.level > 0]


def asked_of(db: Session, manager: Person) -> list[tuple[ConfirmationRequest, Person]]:
    """Open requests to this manager from their current reports, oldest first."""
    return list(
        db.exec(
            _open(select(ConfirmationRequest, Person))
            .join(LineManagement, LineManagement.id == ConfirmationRequest.link_id)
            .join(Person, Person.id == ConfirmationRequest.person_id)
            .where(
                LineManagement.manager_id == manager.id,
                LineManagement.ended_at.is_(None),
                LineManagement.accepted_at.is_not(None),
            )
            .order_by(ConfirmationRequest.requested_at, ConfirmationRequest.id)
        ).all()
    )


def asked_of_me(db: Session, manager: Person, request_id: int) -> tuple[ConfirmationRequest, Person] | None:
    return next(((r, p) for r, p in asked_of(db, manager) if r.id == request_id), None)


def outcome_of(db: Session, assessment_id: int) -> ConfirmationRequest | None:
    """The request whose answers made this version of an assessment, if a manager's did."""
    return db.exec(
        select(ConfirmationRequest).where(ConfirmationRequest.outcome_assessment_id == assessment_id)
    ).first()


def closed_for_me(db: Session, manager: Person, request_id: int) -> tuple[ConfirmationRequest, Person] | None:
    """A request once asked of this manager by someone still their report, now answered or
    withdrawn: so they can be told why it is no longer there, rather than shown 'not found'."""
    asked = db.get(ConfirmationRequest, request_id)
    if asked is None or (asked.completed_at is None and asked.withdrawn_at is None):
        return None
    report = db.get(Person, asked.person_id)
    link = line_managers.current_link(db, report) if report else None
    if link is None or link.id != asked.link_id or link.manager_id != manager.id:
        return None
    return asked, report


class AnswersChanged(Refused):
    """The person submitted new answers after the manager's page was drawn."""


def decide(
    db: Session, user: User, manager: Person, request_id: int, decisions: dict[str, Decision], shown: int
) -> ConfirmationRequest | None:
    """The manager's answers about the version of the assessment they were shown (`shown`);
    None if the request is not theirs or no longer open, AnswersChanged if the person has
    submitted another version since, so nobody confirms a level they never saw."""
    if asked_of_me(db, manager, request_id) is None:
        return None
    asked = lock(db, ConfirmationRequest, request_id)
    if asked_of_me(db, manager, request_id) is None:  # answered, withdrawn or the link ended meanwhile
        db.rollback()
        return None
    if asked.assessment_id != shown:
        db.rollback()
        raise AnswersChanged("They have changed their answers since you opened this page")
    person = lock(db, Person, asked.person_id)  # the person's own changes wait for this version
    when = now()
    answered = {}
    for rating in rated(db, asked.assessment_id):
        choice = decisions[rating.skill]
        row = SkillConfirmation(request_id=asked.id, person_id=person.id, skill=rating.skill,
                                self_level=rating.level, decision=choice.decision,
                                confirmed_level=_level_given(rating.level, choice), reason=choice.reason.strip(),
                                decided_by_id=manager.id, decided_at=when)  # fmt: skip
        db.add(row)
        answered[rating.skill] = row
    db.flush()
    for row in answered.values():
        audit.record(db, f"confirmation.{row.decision}", actor=user, subject=row)
    outcome = _new_version(db, person, answered, manager, when)
    draft = open_draft(db, person)
    if draft is not None:
        for rating in ratings_of(db, draft.id):
            _apply(rating, answered.get(rating.skill), manager, when)
            db.add(rating)
    asked.completed_at, asked.outcome_assessment_id = when, outcome.id if outcome else None
    db.add(asked)
    audit.record(db, "confirmation.completed", actor=user, subject=asked)
    tell(db, person, "confirmation_completed",
         {"manager": manager.display_name, "summary": summary(list(answered.values()))},
         "/profile/confirmation")  # fmt: skip
    db.commit()
    return asked


def _level_given(held: int, choice: Decision) -> int | None:
    if choice.decision == "confirmed":
        return held
    return choice.level if choice.decision == "adjusted" else None


def _apply(rating, answer: SkillConfirmation | None, manager: Person, when: datetime) -> bool:
    """Make one rating the manager's confirmed level, if they answered about this level."""
    if answer is None or answer.decision == "cannot_judge" or rating.level != answer.self_level:
        return False
    rating.self_level = answer.self_level if answer.decision == "adjusted" else None
    rating.level = answer.confirmed_level
    rating.evidence, rating.confirmed_by_person_id, rating.confirmed_at = VALIDATED, manager.id, when
    return True


def _new_version(db: Session, person: Person, answered: dict, manager: Person, when: datetime) -> Assessment | None:
    """A submitted version of the person's current assessment with the answers applied."""
    current = db.get(Assessment, person.current_assessment_id) if person.current_assessment_id else None
    if current is None:
        return None
    version = Assessment(person_id=person.id, framework_version=current.framework_version, started_at=when,
                         submitted_at=when)  # fmt: skip
    db.add(version)
    db.flush()
    for rating in ratings_of(db, current.id):
        copy = copied(rating, assessment_id=version.id)
        _apply(copy, answered.get(rating.skill), manager, when)
        db.add(copy)
    person.current_assessment_id, person.updated_at = version.id, when
    db.add(person)
    return version


def summary(answers: list[SkillConfirmation]) -> str:
    """The answers in a sentence: "2 confirmed, 1 changed and 1 they could not judge"."""
    counts = {d: sum(1 for a in answers if a.decision == d) for d in ("confirmed", "adjusted", "cannot_judge")}
    parts = [f"{counts['confirmed']} confirmed"]
    if counts["adjusted"]:
        parts.append(f"{counts['adjusted']} changed")
    if counts["cannot_judge"]:
        parts.append(f"{counts['cannot_judge']} they could not judge")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def answers_to(db: Session, asked: ConfirmationRequest) -> list[SkillConfirmation]:
    return list(
        db.exec(
            select(SkillConfirmation).where(SkillConfirmation.request_id == asked.id).order_by(SkillConfirmation.id)
        ).all()
    )


def respond(db: Session, user: User, person: Person, request_id: int, reply: str) -> bool:
    """The person accepting the answers, or replying to their manager about them: once."""
    if db.get(ConfirmationRequest, request_id) is None:
        return False
    asked = lock(db, ConfirmationRequest, request_id)
    if asked.person_id != person.id or asked.completed_at is None or asked.responded_at:
        db.rollback()
        return False
    asked.response, asked.responded_at = reply.strip(), now()
    db.add(asked)
    audit.record(db, "confirmation.responded", actor=user, subject=asked)
    link_then = db.get(LineManagement, asked.link_id)
    still = line_managers.current_link(db, person)
    manager = (
        db.get(Person, still.manager_id) if still and link_then and still.manager_id == link_then.manager_id else None
    )
    manager_user = db.get(User, manager.user_id) if manager and manager.user_id else None
    if asked.response and manager_user is not None:
        enqueue(db, "confirmation_replied", manager_user.email,
                {"name": manager.display_name, "report": person.display_name, "link": link("/team")},
                user_id=manager_user.id)  # fmt: skip
    db.commit()
    return True


def is_current(confirmed_at: datetime | None, when: datetime | None = None) -> bool:
    return confirmed_at is not None and expires_at(confirmed_at) > (when or now())


def expire(db: Session, when: datetime) -> int:
    """Confirmations older than 2 years count as the person's own rating again; people whose
    current skills were among them are told (once: the message's reference says so)."""
    cutoff = years_after(when, -CURRENT_FOR_YEARS)
    stale = (SkillRating.evidence == VALIDATED) & (SkillRating.confirmed_at <= cutoff)
    due = db.exec(
        select(Person, SkillRating.confirmed_at)
        .join(SkillRating, SkillRating.assessment_id == Person.current_assessment_id)
        .where(stale)
    ).all()
    changed = db.execute(update(SkillRating).where(stale).values(evidence="self")).rowcount
    if not changed:
        db.rollback()
        return 0
    # A bulk statement: the ORM's flush events never see it.
    population.bump(db, people={person.id for person, _ in due})
    told: dict[int, tuple[Person, int, datetime]] = {}
    for person, confirmed_at in due:
        _, count, first = told.get(person.id, (person, 0, confirmed_at))
        told[person.id] = (person, count + 1, min(first, confirmed_at))
    references = {f"confirmation-due-{pid}-{first:%Y%m%d}": pid for pid, (_, _, first) in told.items()}
    done = set(db.exec(select(OutboxMessage.reference).where(OutboxMessage.reference.in_(list(references)))).all())
    for reference, pid in references.items():
        person, count, first = told[pid]
        audit.record(db, "confirmation.expired", actor=audit.SENDER, subject=person)
        if reference in done:
            continue
        message = tell(db, person, "confirmation_due",
                       {"count": count, "confirmed_on": f"{first:%-d %B %Y}"}, "/profile/confirmation")  # fmt: skip
        if message is not None:
            message.reference = reference
    try:
        db.commit()
    except IntegrityError:  # another sender did the same at this moment
        db.rollback()
        return 0
    return changed
