"""HR's weekly digest of new scheme applications, written by the sender once a week.

Each digest's reference names the HR account and the ISO week, so the sender writes it once
however often it runs, on however many machines. HR with nothing new that week get none."""

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import OutboxMessage, Person, Scheme, SchemeMember, User
from ..permissions import department_scope
from ..services.schemes import people_in_scope
from .outbox import enqueue, link

WEEK = timedelta(days=7)


def digest_reference(user: User, now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"digest-{user.id}-{year}-W{week:02d}"


def queue_digests(db: Session, now: datetime) -> int:
    if now.isoweekday() != 1:  # Mondays
        return 0
    # HR, not admins: the people whose job the applications are.
    hr_users = [u for u in db.exec(select(User).where(User.role == "hr")).all() if u.optional_messages]
    references = {digest_reference(u, now): u for u in hr_users}
    done = set(db.exec(select(OutboxMessage.reference).where(OutboxMessage.reference.in_(list(references)))).all())
    added = 0
    for reference, user in references.items():
        if reference in done:
            continue
        counts = _new_applications(db, user, now)
        if not counts:
            continue
        summary = "\n".join(f"- {name}: {n} new" for name, n in counts)
        details = {"name": user.email.split("@")[0], "count": sum(n for _, n in counts), "summary": summary,
                   "link": link("/schemes")}  # fmt: skip
        enqueue(db, "hr_weekly_digest", user.email, details, user_id=user.id).reference = reference
        added += 1
    try:
        db.commit()
    except IntegrityError:  # another sender wrote them at this moment; its run or the next adds any missed
        db.rollback()
        return 0
    return added


def _new_applications(db: Session, user: User, now: datetime) -> list[tuple[str, int]]:
    query = (
        select(Scheme.name, func.count())
        .join(SchemeMember, SchemeMember.scheme_id == Scheme.id)
        .join(Person, Person.id == SchemeMember.person_id)
        .where(SchemeMember.applied_at > now - WEEK, people_in_scope(user))
        .group_by(Scheme.id, Scheme.name)
        .order_by(Scheme.name)
    )
    scope = department_scope(user)
    if scope is not None:
        query = query.where(Scheme.owner_department_id == scope)
    return list(db.exec(query).all())
