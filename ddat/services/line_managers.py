"""Who line-manages whom. A person names their manager by email and the manager accepts, or HR
sets it. At most one open link per person (the database says so); nobody manages themselves
(the database says so too) or anyone above them in their own chain (checked here, with every
change to links taking turns, so two links made at once cannot close a loop)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..models import ChangeCounter, ConfirmationRequest, LineManagement, Person, User
from ..notifications.outbox import enqueue, link
from . import audit
from .framework import current_framework

# Every change to who manages whom takes this lock first (a counter row, so it always exists).
SERIAL = "line_management"
# Naming someone emails them; this many a day is plenty for a real change of manager.
NAMINGS_PER_DAY = 3


class LinkRefused(ValueError):
    """A change that would break the rules, with the words to show the person."""


def now() -> datetime:
    return datetime.now(UTC)


def take_turns(db: Session) -> None:
    """Wait for any other change to links (or request made through them) to finish."""
    if db.get(ChangeCounter, SERIAL) is None:
        try:
            with db.begin_nested():
                db.execute(insert(ChangeCounter).values(name=SERIAL, value=0))
        except IntegrityError:
            pass  # another request made it at the same moment
    _lock_counter(db)


def _lock_counter(db: Session) -> None:
    # As `ddat.locks.lock`, for a row named rather than numbered.
    db.flush()
    connection = db.connection()
    if connection.dialect.name == "sqlite" and not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    db.exec(select(ChangeCounter).where(ChangeCounter.name == SERIAL).with_for_update()).one()


HR_RECORD = "Your line manager comes from your HR record. To change it, contact your HR team"


def from_hr_record(link: LineManagement | None) -> bool:
    """Whether the HR system keeps this link (the people feed): not the person's to change."""
    return link is not None and link.source == "feed"


def current_link(db: Session, person: Person) -> LineManagement | None:
    """The person's line manager's link (accepted and not ended)."""
    return db.exec(
        select(LineManagement).where(
            LineManagement.report_id == person.id,
            LineManagement.ended_at.is_(None),
            LineManagement.accepted_at.is_not(None),
        )
    ).first()


def waiting_link(db: Session, person: Person) -> LineManagement | None:
    """The manager the person has named, until they accept or refuse."""
    return db.exec(
        select(LineManagement).where(
            LineManagement.report_id == person.id,
            LineManagement.ended_at.is_(None),
            LineManagement.accepted_at.is_(None),
        )
    ).first()


def manager_of(db: Session, person: Person) -> Person | None:
    found = current_link(db, person)
    return db.get(Person, found.manager_id) if found and found.manager_id else None


def _managers_above(db: Session, person_id: int) -> set[int]:
    """Everyone above a person in their chain of line managers."""
    above: set[int] = set()
    current = person_id
    while True:
        manager = db.exec(
            select(LineManagement.manager_id).where(
                LineManagement.report_id == current,
                LineManagement.ended_at.is_(None),
                LineManagement.accepted_at.is_not(None),
            )
        ).first()
        if manager is None or manager in above:
            return above
        above.add(manager)
        current = manager


def _check(db: Session, report: Person, manager: Person, by_hr: bool = False) -> None:
    if manager.id == report.id:
        raise LinkRefused("Nobody can be their own line manager" if by_hr else "You cannot be your own line manager")
    if report.id in _managers_above(db, manager.id):
        if by_hr:
            raise LinkRefused(
                f"{report.display_name} line-manages {manager.display_name}, directly or through their team, "
                f"so {manager.display_name} cannot be their line manager"
            )
        # No names: the person naming learns only that the address is someone in their own chain.
        raise LinkRefused("Someone you line-manage, directly or through your team, cannot be your line manager")


def refusal_for_hr(db: Session, report: Person, manager: Person) -> str | None:
    """Why HR cannot record this link (before they check it), or None."""
    current = manager_of(db, report)
    if current is not None and current.id == manager.id:
        return f"{manager.display_name} is already {report.display_name}’s line manager"
    try:
        _check(db, report, manager, by_hr=True)
    except LinkRefused as refused:
        return str(refused)
    return None


def unusual(db: Session, report: Person, manager: Person) -> list[str]:
    """What HR should know before recording this link: the rules a link people make themselves
    must meet, which HR may set aside."""
    elsewhere, lower = _mismatch(db, report, manager)
    return [note for note, applies in (
        (f"{manager.display_name} works in a different department from {report.display_name}.", elsewhere),
        (f"{manager.display_name}’s grade is below {report.display_name}’s.", lower),
    ) if applies]  # fmt: skip


def _mismatch(db: Session, report: Person, manager: Person) -> tuple[bool, bool]:
    """Whether the manager works in another department, and whether their grade is below the report's."""
    order = {code: rank for rank, code in enumerate(current_framework(db).grade_codes)}
    lower = order.get(manager.grade, -1) < order.get(report.grade, len(order))
    return manager.department_id != report.department_id, lower


def _check_acceptance(db: Session, report: Person, manager: Person) -> None:
    """A link the people make themselves needs the manager to be in the report's department, at
    their grade or above, so a second account cannot confirm someone's skills; HR can record
    any other arrangement (a loan, a shared service)."""
    if report.id in _managers_above(db, manager.id):
        raise LinkRefused(
            f"{report.display_name} is above you in the line management chain, so you cannot be their line manager"
        )
    elsewhere, lower = _mismatch(db, report, manager)
    if elsewhere:
        raise LinkRefused(
            f"Your profile says you work in a different department from {report.display_name}. If you do "
            "line-manage them, ask HR to record it"
        )
    if lower:
        raise LinkRefused(
            f"Your profile says your grade is below {report.display_name}’s. If you do line-manage them, "
            "check the grade in your profile or ask HR to record it"
        )


def end_link(db: Session, found: LineManagement, reason: str, actor) -> None:
    """End a link and any confirmation asked through it: the manager's access ends with it."""
    found.ended_at, found.end_reason = now(), reason
    db.add(found)
    asked = db.exec(
        select(ConfirmationRequest).where(
            ConfirmationRequest.link_id == found.id,
            ConfirmationRequest.completed_at.is_(None),
            ConfirmationRequest.withdrawn_at.is_(None),
        )
    ).all()
    for request in asked:
        request.withdrawn_at = found.ended_at
        db.add(request)
    audit.record(db, "line_manager.ended", actor=actor, subject=found)


def new_manager(db: Session, report: Person, actor) -> None:
    """Sharing with a line manager was agreed for that manager: a new one, or none, starts
    without it."""
    if report.shares_with_manager:
        report.shares_with_manager = False
        db.add(report)
        audit.record(db, "consent.manager_sharing_withdrawn", actor=actor, subject=report)


def name_manager(db: Session, user: User, person: Person, email: str) -> LineManagement:
    """Ask someone to be the person's line manager, ending the link they had. The answer is the
    same whether or not the address has an account: the request waits for whoever signs in with it."""
    email = email.strip().lower()
    if email == user.email.lower():
        raise LinkRefused("You cannot be your own line manager")
    take_turns(db)
    if from_hr_record(current_link(db, person)):
        db.rollback()
        raise LinkRefused(HR_RECORD)
    since = now() - timedelta(days=1)
    named_today = db.exec(
        select(func.count())
        .select_from(LineManagement)
        .where(
            LineManagement.report_id == person.id,
            LineManagement.source == "named",
            LineManagement.created_at >= since,
        )
    ).one()
    if named_today >= NAMINGS_PER_DAY:
        db.rollback()
        raise LinkRefused(f"You have named a line manager {NAMINGS_PER_DAY} times today. Try again tomorrow")
    manager_user = db.exec(select(User).where(func.lower(User.email) == email)).first()
    manager = db.exec(select(Person).where(Person.user_id == manager_user.id)).first() if manager_user else None
    if manager is not None:
        try:
            _check(db, person, manager)
        except LinkRefused:
            db.rollback()
            raise
    # The current manager stays until the one named accepts: a mistyped address loses nothing.
    waiting = waiting_link(db, person)
    if waiting is not None:
        end_link(db, waiting, "replaced", user)
        db.flush()
    current = current_link(db, person)
    if current is not None and manager is not None and current.manager_id == manager.id:
        db.rollback()
        raise LinkRefused(f"{manager.display_name} is already your line manager")
    named = LineManagement(report_id=person.id, manager_email=email, manager_id=manager.id if manager else None,
                           source="named")  # fmt: skip
    db.add(named)
    db.flush()
    audit.record(db, "line_manager.named", actor=user, subject=named)
    if manager_user is not None and manager_user.email_confirmed_at is not None:
        enqueue(db, "line_manager_named", manager_user.email,
                {"name": manager.display_name if manager else manager_user.display_name or "colleague",
                 "report": person.display_name, "link": link("/team")}, user_id=manager_user.id)  # fmt: skip
    db.commit()
    return named


def waiting_for(db: Session, user: User, manager: Person | None) -> list[tuple[LineManagement, Person]]:
    """People asking this account to be their line manager."""
    asks = LineManagement.manager_email == user.email.lower()
    if manager is not None:
        asks = asks | (LineManagement.manager_id == manager.id)
    return list(
        db.exec(
            select(LineManagement, Person)
            .join(Person, Person.id == LineManagement.report_id)
            .where(asks, LineManagement.ended_at.is_(None), LineManagement.accepted_at.is_(None))
            .order_by(LineManagement.created_at)
        ).all()
    )


def _waiting(db: Session, user: User, manager: Person | None, link_id: int) -> LineManagement | None:
    return next((found for found, _ in waiting_for(db, user, manager) if found.id == link_id), None)


def answer(db: Session, user: User, manager: Person, link_id: int, accepted: bool) -> LineManagement | None:
    """The manager accepting or refusing; None if the request is not theirs or no longer waiting."""
    if _waiting(db, user, manager, link_id) is None:
        return None
    take_turns(db)
    found = _waiting(db, user, manager, link_id)  # still waiting, now that changes take turns
    if found is None:
        db.rollback()
        return None
    report = db.get(Person, found.report_id)
    if accepted and from_hr_record(current_link(db, report)):
        db.rollback()
        raise LinkRefused(f"{report.display_name}’s line manager comes from their HR record, so you cannot accept")
    if not accepted:
        found.ended_at, found.end_reason = now(), "refused"
        audit.record(db, "line_manager.refused", actor=user, subject=found)
    else:
        try:
            _check_acceptance(db, report, manager)
        except LinkRefused:
            db.rollback()
            raise
        current = current_link(db, report)
        if current is not None:
            end_link(db, current, "replaced", user)
            db.flush()
        new_manager(db, report, user)
        found.manager_id, found.accepted_at = manager.id, now()
        audit.record(db, "line_manager.accepted", actor=user, subject=found)
    db.add(found)
    db.commit()
    return found


def remove(db: Session, user: User, person: Person, waiting: bool = False) -> bool:
    """The person ending the link to their manager, or (`waiting`) withdrawing the request they made."""
    take_turns(db)
    found = waiting_link(db, person) if waiting else current_link(db, person)
    if found is None:
        db.rollback()
        return False
    if from_hr_record(found):
        db.rollback()
        raise LinkRefused(HR_RECORD)
    end_link(db, found, "removed", user)
    if not waiting:
        new_manager(db, person, user)
    db.commit()
    return True


def set_by_hr(db: Session, user: User, report: Person, manager: Person) -> LineManagement:
    """HR recording a person's line manager: in place at once, ending any other."""
    take_turns(db)
    try:
        _check(db, report, manager, by_hr=True)
    except LinkRefused:
        db.rollback()
        raise
    current = current_link(db, report)
    if current is not None and current.manager_id == manager.id:
        db.rollback()
        return current
    for found in (current, waiting_link(db, report)):
        if found is not None:
            end_link(db, found, "set_by_hr", user)
            db.flush()
    new_manager(db, report, user)
    manager_user = db.get(User, manager.user_id) if manager.user_id else None
    found = LineManagement(report_id=report.id, manager_email=manager_user.email.lower() if manager_user else "",
                           manager_id=manager.id, source="hr", accepted_at=now())  # fmt: skip
    db.add(found)
    db.flush()
    audit.record(db, "line_manager.set_by_hr", actor=user, subject=found)
    report_user = db.get(User, report.user_id) if report.user_id else None
    if report_user is not None and report_user.email_confirmed_at is not None:
        enqueue(db, "line_manager_recorded", report_user.email,
                {"name": report.display_name, "manager": manager.display_name, "link": link("/profile/line-manager")},
                user_id=report_user.id)  # fmt: skip
    db.commit()
    return found


def reports_of(db: Session, manager: Person) -> list[tuple[LineManagement, Person]]:
    """The manager's direct reports, by name."""
    return list(
        db.exec(
            select(LineManagement, Person)
            .join(Person, Person.id == LineManagement.report_id)
            .where(
                LineManagement.manager_id == manager.id,
                LineManagement.ended_at.is_(None),
                LineManagement.accepted_at.is_not(None),
            )
            .order_by(Person.display_name, Person.id)
        ).all()
    )


def forget(db: Session, person: Person) -> None:
    """Before a person's profile is deleted: links to them as a report go, and links where they
    are the manager end, keeping their reports' record that they had one."""
    for found in db.exec(select(LineManagement).where(LineManagement.manager_id == person.id)).all():
        if found.ended_at is None:
            end_link(db, found, "removed", None)
            report = db.get(Person, found.report_id)
            if report is not None:
                new_manager(db, report, None)
        found.manager_id = None
        db.add(found)


def manages_or_is_asked(db: Session, user: User) -> bool:
    """Whether this account line-manages anyone or is asked to: for the navigation."""
    mine = select(Person.id).where(Person.user_id == user.id).scalar_subquery()
    return (
        db.exec(
            select(LineManagement.id)
            .where(LineManagement.ended_at.is_(None))
            .where((LineManagement.manager_id == mine) | (LineManagement.manager_email == user.email.lower()))
            .limit(1)
        ).first()
        is not None
    )
