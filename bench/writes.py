"""What the write benchmark sets up in the database before the server starts, and checks in it
after the server has stopped. Through SQLModel with the database's URL, so SQLite and
PostgreSQL alike."""

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import exists, func
from sqlmodel import Session, create_engine, select

from bench import server
from ddat.models import Assessment, LearningItem, Person, Registration, SkillRating, User
from ddat.services import api_clients
from ddat.services.accounts import hash_password

ADMIN = "admin@example.gov.uk"


def add_accounts(url: str, count: int, prefix: str = "bench.writer") -> list[dict]:
    """Civil servant accounts for synthetic people who have submitted an assessment, made before
    the server starts (registering over HTTP is rate limited per address). Each has a person of
    their own, so the last rating written for a skill comes from one account only."""
    engine = create_engine(url)
    accounts = []
    with Session(engine) as session:
        people = session.exec(
            select(Person)
            .where(Person.user_id.is_(None), Person.current_assessment_id.is_not(None), Person.left_at.is_(None))
            .order_by(Person.id)
            .limit(count)
        ).all()
        for number, person in enumerate(people, 1):
            user = User(email=f"{prefix}.{number}@example.gov.uk", password_hash=hash_password(server.PASSWORD))
            session.add(user)
            session.flush()
            person.user_id = user.id
            session.add(person)
            accounts.append({"email": user.email, "person_id": person.id})
        session.commit()
        versions = submitted_versions(session, [a["person_id"] for a in accounts])
    engine.dispose()
    return [account | {"versions_before": versions[account["person_id"]]} for account in accounts]


def api_token(url: str) -> str:
    """A learning system's token (central, `learning:write`), made as the demo admin."""
    engine = create_engine(url)
    with Session(engine) as session:
        admin = session.exec(select(User).where(User.email == ADMIN)).one()
        _, token = api_clients.create(
            session, admin, "Benchmark learning system", ["learning:write"], None, api_clients.default_expiry()
        )
    engine.dispose()
    return token


def unreported_completions(url: str, count: int, not_people: set[int]) -> list[dict]:
    """(staff number, item) pairs of people still in post who have no registration for that item,
    a different person each; none of `not_people` (the writer's accounts, whose assessments a
    completion would give a new version)."""
    engine = create_engine(url)
    with Session(engine) as session:
        items = session.exec(select(LearningItem.id, LearningItem.slug).order_by(LearningItem.id)).all()
        candidates = []
        for item_id, slug in items:
            registered = exists().where(Registration.person_id == Person.id, Registration.item_id == item_id)
            numbers = session.exec(
                select(Person.staff_number)
                .where(Person.staff_number.is_not(None), Person.left_at.is_(None), ~registered,
                       Person.id.not_in(not_people or {0}))
                .order_by(Person.id.desc())
                .limit(count)
            ).all()  # fmt: skip
            candidates.append((slug, iter(numbers)))
    engine.dispose()
    # Each completion by someone else, items in turn, so no two writes change one person.
    pairs, used = [], set()
    while len(pairs) < count and candidates:
        for slug, numbers in list(candidates):
            number = next((n for n in numbers if n not in used), None)
            if number is None:
                candidates.remove((slug, numbers))
                continue
            used.add(number)
            pairs.append({"staff_number": number, "item": slug})
    if len(pairs) < count:
        raise RuntimeError(f"only {len(pairs)} unreported completions for the {count} the writer may need")
    return pairs[:count]


def today() -> str:
    return datetime.now(UTC).date().isoformat()  # the API refuses a completion later than this


def submitted_versions(session: Session, person_ids: list[int]) -> Counter:
    rows = session.exec(
        select(Assessment.person_id, func.count())
        .where(Assessment.person_id.in_(person_ids), Assessment.submitted_at.is_not(None))
        .group_by(Assessment.person_id)
    ).all()
    return Counter(dict(rows))


def verify(url: str, accounts: list[dict], passes: list[dict]) -> dict:
    """Every acknowledged write, looked for in the database after the server has stopped: each
    account has one new submitted version per acknowledged submission, its current version holds
    the level last acknowledged for every skill it changed, and every acknowledged completion is
    recorded as completed."""
    last: dict[tuple[int, str], int] = {}
    submissions: Counter = Counter()
    completions = []
    for one in passes:
        for person_id, skill, level in one["acknowledged_ratings"]:
            last[(person_id, skill)] = level
            submissions[person_id] += 1
        completions += one["acknowledged_completions"]
    lost = []
    engine = create_engine(url)
    with Session(engine) as session:
        versions = submitted_versions(session, [a["person_id"] for a in accounts])
        for account in accounts:
            person_id = account["person_id"]
            expected = account["versions_before"] + submissions[person_id]
            if versions[person_id] != expected:
                lost.append(f"person {person_id}: {versions[person_id]} submitted versions, {expected} acknowledged")
        current = dict(session.exec(select(Person.id, Person.current_assessment_id).where(
            Person.id.in_([a["person_id"] for a in accounts]))).all())  # fmt: skip
        for (person_id, skill), level in last.items():
            stored = session.exec(
                select(SkillRating.level).where(
                    SkillRating.assessment_id == current[person_id], SkillRating.skill == skill
                )
            ).first()
            if stored != level:
                lost.append(f"person {person_id}: {skill} is {stored} now, last acknowledged {level}")
        slugs = dict(session.exec(select(LearningItem.slug, LearningItem.id)).all())
        for number, slug in completions:
            found = session.exec(
                select(Registration.id)
                .join(Person, Person.id == Registration.person_id)
                .where(Person.staff_number == number, Registration.item_id == slugs[slug],
                       Registration.status == "completed")
            ).first()  # fmt: skip
            if found is None:
                lost.append(f"{number}: completion of {slug} missing")
    engine.dispose()
    return {
        "assessments_acknowledged": sum(submissions.values()),
        "ratings_checked": len(last),
        "completions_acknowledged": len(completions),
        "lost_writes": len(lost),
        "lost": lost[:20],
    }
