"""Synthetic, deterministic demo data: departments, demo accounts, people with skill ratings,
learning and cohort schemes."""

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, insert
from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from pathways import Framework

from ..caches import population
from ..models import Assessment, Department, Person, SkillRating, User
from ..services.framework import current_framework
from .learning import seed_learning
from .line_managers import seed_demo_team, seed_line_managers
from .people import ratings_for
from .schemes import seed_schemes

DEMO_PASSWORD = "pathways-demo-2026"

# Real UK government ministerial departments (names and usual abbreviations).
DEPARTMENTS = [
    ("Cabinet Office", "CO"),
    ("Department for Business and Trade", "DBT"),
    ("Department for Culture, Media and Sport", "DCMS"),
    ("Department for Education", "DfE"),
    ("Department for Energy Security and Net Zero", "DESNZ"),
    ("Department for Environment, Food and Rural Affairs", "Defra"),
    ("Department for Science, Innovation and Technology", "DSIT"),
    ("Department for Transport", "DfT"),
    ("Department for Work and Pensions", "DWP"),
    ("Department of Health and Social Care", "DHSC"),
    ("Foreign, Commonwealth and Development Office", "FCDO"),
    ("HM Treasury", "HMT"),
    ("Home Office", "HO"),
    ("Ministry of Defence", "MOD"),
    ("Ministry of Housing, Communities and Local Government", "MHCLG"),
    ("Ministry of Justice", "MOJ"),
    ("HM Revenue and Customs", "HMRC"),
    ("Office for National Statistics", "ONS"),
]

# Rough shape of the Civil Service: most people are in delegated grades.
GRADE_WEIGHTS = {
    "AA": 3,
    "AO": 20,
    "EO": 24,
    "HEO": 18,
    "SEO": 13,
    "G7": 13,
    "G6": 6,
    "SCS1": 2,
    "SCS2": 0.6,
    "SCS3": 0.2,
    "PS": 0.05,
}
PROFESSION_WEIGHTS = {"operational_delivery": 45, "policy": 15, "ddat": 10, "other": 30}

DEMO_ACCOUNTS = [
    ("policy.officer@example.gov.uk", "civil_servant", "Priya Policy", "policy", "G7"),
    ("ops.officer@example.gov.uk", "civil_servant", "Owen Operations", "operational_delivery", "EO"),
    ("hr@example.gov.uk", "hr", None, None, None),
    ("leader@example.gov.uk", "leader", None, None, None),
    ("admin@example.gov.uk", "admin", None, None, None),
    ("perm.sec@example.gov.uk", "civil_servant", "Pat Permanent", "policy", "PS"),
    # Line manages the two demo civil servants (ddat/demo/line_managers.py).
    ("line.manager@example.gov.uk", "civil_servant", "Lena Marsh", "policy", "G6"),
]

# The two civil servant demo accounts start with a submitted self-assessment, so their
# matches and pathways can be seen straight away.
DEMO_RATINGS = {
    # A Grade 7 policy analyst: leads the evidence for a policy area and explains it to ministers.
    "policy.officer@example.gov.uk": {
        "analysis-and-insight": 3,
        "context-problem-and-option-analysis": 3,
        "stakeholder-relationship-management": 3,
        "communicating-analysis-and-insight": 3,
        "communicating-between-the-technical-and-non-technical": 2,
        "applying-statistical-and-analytical-tools-and-techniques": 2,
        "quality-assurance-of-data-and-analysis": 2,
        "requirements-definition-and-management": 2,
        "strategic-thinking": 3,
        "data-visualisation": 1,
        "data-ethics-and-privacy": 1,
        "planning": 2,
    },
    "ops.officer@example.gov.uk": {
        "customer-service-management": 2,
        "service-focus": 2,
        "incident-management": 2,
        "ownership-and-topic": 2,
        "user-focus": 2,
        "problem-management": 1,
        "continual-service-improvement": 1,
    },
}

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Emma",
    "Farah",
    "George",
    "Hannah",
    "Imran",
    "Jess",
    "Kofi",
    "Laura",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Pooja",
    "Rhys",
    "Sophie",
    "Tom",
    "Uma",
    "Wei",
    "Yasmin",
    "Zac",
]
LAST_NAMES = [
    "Ahmed",
    "Brown",
    "Campbell",
    "Davies",
    "Evans",
    "Flynn",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "O'Brien",
    "Patel",
    "Roberts",
    "Smith",
    "Taylor",
    "Williams",
    "Young",
]


@dataclass(frozen=True)
class SeedResult:
    people: int
    ratings: int


def has_people(db: Session) -> bool:
    return db.exec(select(func.count()).select_from(Person)).one() > 0


def seed(db: Session, people: int, seed: int, progress: Callable[[int], None] | None = None) -> SeedResult:
    framework = current_framework(db)
    rng = random.Random(seed)
    departments = _ensure_departments(db)
    # Synthetic staff numbers carry on from the people already there, so re-seeding never clashes.
    numbers = (f"CS{n:07d}" for n in itertools.count(db.exec(select(func.count()).select_from(Person)).one() + 1))
    _ensure_demo_accounts(db, departments, framework, numbers)
    seed_demo_team(db)
    first_new = db.exec(select(func.max(Person.id))).one() or 0
    rating_count = _add_people(db, people, departments, framework, rng, numbers, progress or (lambda _added: None))
    new_people = db.exec(select(Person.id).where(Person.id > first_new, Person.user_id.is_(None))).all()
    seed_line_managers(db, framework, list(new_people), rng)
    names = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in itertools.count())
    seed_learning(db, framework, departments, names, numbers, rng)
    seed_schemes(db, framework, rng)
    db.commit()
    return SeedResult(people, rating_count)


def _ensure_departments(db: Session) -> list[Department]:
    existing = {d.name: d for d in db.exec(select(Department)).all()}
    for name, abbreviation in DEPARTMENTS:
        if name not in existing:
            existing[name] = Department(name=name, abbreviation=abbreviation)
            db.add(existing[name])
    db.flush()
    return sorted(existing.values(), key=lambda d: d.name)


def _ensure_demo_accounts(db: Session, departments, framework: Framework, numbers: Iterator[str]) -> None:
    password_hash = generate_password_hash(DEMO_PASSWORD)
    for email, role, name, profession, grade in DEMO_ACCOUNTS:
        if db.exec(select(User).where(User.email == email)).first():
            continue
        user = User(email=email, password_hash=password_hash, role=role, email_confirmed_at=datetime.now(UTC))
        db.add(user)
        db.flush()
        if profession:
            person = Person(
                user_id=user.id,
                display_name=name,
                staff_number=next(numbers),
                department_id=departments[0].id,
                profession=profession,
                grade=grade,
                shares_with_hr=True,
            )
            db.add(person)
            db.flush()
            if email in DEMO_RATINGS:
                ratings = [
                    _rating_row(person.id, skill, level, framework) for skill, level in DEMO_RATINGS[email].items()
                ]
                _record_assessments(db, [person.id], ratings, framework)


def _add_people(
    db: Session,
    count: int,
    departments,
    framework: Framework,
    rng: random.Random,
    numbers: Iterator[str],
    progress: Callable[[int], None],
) -> int:
    grades, grade_weights = zip(*GRADE_WEIGHTS.items(), strict=True)
    professions, profession_weights = zip(*PROFESSION_WEIGHTS.items(), strict=True)
    ratings = 0
    batch = 1000
    for start in range(0, count, batch):
        size = min(batch, count - start)
        rows, skills = [], []
        for _ in range(size):
            profession = rng.choices(professions, profession_weights)[0]
            grade = rng.choices(grades, grade_weights)[0]
            person_skills, shown = ratings_for(profession, grade, framework, rng)
            skills.append(person_skills)
            rows.append(
                {
                    "display_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "staff_number": next(numbers),
                    "department_id": rng.choice(departments).id,
                    "profession": profession,
                    "grade": grade,
                    "shares_with_hr": rng.random() < 0.6,
                    "experience": "\n".join(sorted("/".join(source) for source in shown)),
                }
            )
        ids = db.execute(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows).scalars().all()
        rating_rows = [
            _rating_row(person_id, skill, level, framework)
            for person_id, person_skills in zip(ids, skills, strict=True)
            for skill, level in person_skills.items()
        ]
        _record_assessments(db, ids, rating_rows, framework)
        ratings += len(rating_rows)
        progress(size)
    if count:
        # A bulk insert, which the ORM's flush events never see (population.WATCHED); some of
        # these people share with HR. Their ratings are marked by `_record_assessments`.
        population.bump(db, population.CONSENT)
    return ratings


def _record_assessments(db: Session, person_ids: list[int], rating_rows: list[dict], framework: Framework) -> None:
    """One submitted assessment per person holding their ratings, made current."""
    if not person_ids:
        return
    now = datetime.now(UTC)
    assessment_rows = [
        {"person_id": pid, "framework_version": framework.version, "started_at": now, "submitted_at": now}
        for pid in person_ids
    ]
    statement = insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True)
    assessment_ids = db.execute(statement, assessment_rows).scalars().all()
    by_person = dict(zip(person_ids, assessment_ids, strict=True))
    for row in rating_rows:
        row["assessment_id"] = by_person[row["person_id"]]
    if rating_rows:
        db.execute(insert(SkillRating), rating_rows)
    people = Person.__table__
    db.connection().execute(  # a Core executemany: one statement, many rows
        people.update().where(people.c.id == bindparam("pid")).values(current_assessment_id=bindparam("aid")),
        [{"pid": pid, "aid": aid} for pid, aid in by_person.items()],
    )
    population.bump(db)  # bulk statements: the ORM's flush events never see them (population.WATCHED)


def _rating_row(person_id: int, skill: str, level: int, framework: Framework) -> dict:
    return {
        "person_id": person_id,
        "skill": skill,
        "level": level,
        "evidence": "self",
        "framework_version": framework.version,
        "rated_at": datetime.now(UTC),
    }
