"""Demo line managers: the demo line manager manages the two demo civil servants, and most
synthetic people have a line manager of a higher grade in their own department (so no chain
loops), about a third of whom confirmed their report's skills, some over 2 years ago."""

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from pathways import Framework

from ..caches import population
from ..models import LineManagement, Person, SkillRating, User
from ..services import confirmations

DEMO_MANAGER = "line.manager@example.gov.uk"
DEMO_REPORTS = ("policy.officer@example.gov.uk", "ops.officer@example.gov.uk")
# The operations officer lets their manager see their profile; the policy officer has not
# decided yet, so the manager sees nothing of theirs until they ask for a confirmation.
SHARING_WITH_MANAGER = ("ops.officer@example.gov.uk",)
CONFIRMED_SHARE = 0.35
SHARING_SHARE = 0.5  # of synthetic reports who let their manager see their profile


def _person_of(db: Session, email: str) -> Person | None:
    return db.exec(select(Person).join(User, User.id == Person.user_id).where(User.email == email)).first()


def seed_demo_team(db: Session) -> None:
    manager = _person_of(db, DEMO_MANAGER)
    if manager is None:
        return
    now = datetime.now(UTC)
    for email in DEMO_REPORTS:
        report = _person_of(db, email)
        has_one = db.exec(
            select(LineManagement.id).where(LineManagement.report_id == report.id, LineManagement.ended_at.is_(None))
        ).first()
        if report is None or has_one:
            continue
        db.add(LineManagement(report_id=report.id, manager_email=DEMO_MANAGER, manager_id=manager.id, source="hr",
                              created_at=now - timedelta(days=200), accepted_at=now - timedelta(days=200)))  # fmt: skip
        report.shares_with_manager = email in SHARING_WITH_MANAGER
        db.add(report)
    db.flush()


def seed_line_managers(db: Session, framework: Framework, person_ids: list[int], rng: random.Random) -> None:
    """Line managers for these (synthetic) people from their department's higher grades, and
    confirmed ratings for a share of them."""
    if not person_ids:
        return
    order = {code: i for i, code in enumerate(framework.grade_codes)}
    rows = db.exec(select(Person.id, Person.department_id, Person.grade, Person.current_assessment_id)).all()
    by_department: dict[int, list[tuple[int, int]]] = {}
    for pid, department, grade, _ in rows:
        by_department.setdefault(department, []).append((order.get(grade, 0), pid))
    wanted = set(person_ids)
    now = datetime.now(UTC)
    links, confirmed, sharing = [], [], []
    for pid, department, grade, assessment in rows:
        if pid not in wanted:
            continue
        above = [other for rank, other in by_department[department] if rank > order.get(grade, 0)]
        if not above:
            continue
        manager = rng.choice(above)
        since = now - timedelta(days=rng.randint(30, 1500))
        links.append({"report_id": pid, "manager_email": "", "manager_id": manager, "source": "hr",
                      "created_at": since, "accepted_at": since})  # fmt: skip
        if rng.random() < SHARING_SHARE:
            sharing.append({"pid": pid})
        if assessment and rng.random() < CONFIRMED_SHARE:
            # Some confirmations are due again (over 2 years old: the person's own rating once
            # more) or soon due, as in a team that has used the service for a while.
            when = max(now - timedelta(days=rng.randint(10, 850)), since)
            stale = confirmations.expires_at(when) <= now
            evidence = "self" if stale else "validated"
            confirmed.append({"aid": assessment, "by": manager, "at": when, "evidence": evidence})
    if links:
        db.execute(insert(LineManagement), links)
    if sharing:
        people = Person.__table__
        db.connection().execute(
            update(people).where(people.c.id == bindparam("pid")).values(shares_with_manager=True), sharing
        )
    if confirmed:
        ratings = SkillRating.__table__
        db.connection().execute(
            update(ratings)
            .where(ratings.c.assessment_id == bindparam("aid"), ratings.c.level > 0)
            .values(
                evidence=bindparam("evidence"), confirmed_by_person_id=bindparam("by"), confirmed_at=bindparam("at")
            ),
            confirmed,
        )
        population.bump(db)  # bulk statements: the ORM's flush events never see them
