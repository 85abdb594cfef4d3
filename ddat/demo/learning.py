"""Demo learning: the starter catalogue, a permanent secretary in every department, the data
masterclass with a past session most of them completed and an upcoming one, and for every
other item an upcoming session and a past one taken by a small share of its audience."""

import json
import random
from collections.abc import Iterator
from datetime import date, time, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session, select

from pathways import Framework

from ..caches import learning as learning_summary
from ..models import Department, Invitation, LearningItem, LearningSession, Person, Registration
from ..services.course_evidence import credit
from ..services.learning import to_uk, uk_now, uk_time
from ..viewmodels.uptake import audience_condition

CATALOGUE_FILE = Path(__file__).resolve().parent.parent / "data" / "learning_catalogue.json"
MASTERCLASS = "data-masterclass-for-permanent-secretaries"
COMPLETED_SHARE = 0.6  # of the permanent secretaries, in the past session
# Every other item had a past session: about 1 in 200 of its audience took it.
ATTENDING_SHARE = 1 / 200
ATTENDING_LIMIT = 600
ATTENDING_AT_LEAST = 8  # people at a session that ran, even for a small audience
RECORD_AFTER_DAYS = 6  # the session HR have still to record attendance for ran about a week ago
PAST_OUTCOMES = {"completed": 0.65, "attended": 0.1, "no_show": 0.15, "cancelled": 0.1}


def load_catalogue(db: Session) -> int:
    """Add the starter catalogue's items that are not there yet; returns how many were added."""
    existing = set(db.exec(select(LearningItem.slug)).all())
    items = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["items"]
    new = [LearningItem(**item) for item in items if item["slug"] not in existing]
    db.add_all(new)
    db.flush()
    return len(new)


def seed_learning(
    db: Session,
    framework: Framework,
    departments: list[Department],
    names: Iterator[str],
    numbers: Iterator[str],
    rng: random.Random,
) -> None:
    load_catalogue(db)
    masterclass = db.exec(select(LearningItem).where(LearningItem.slug == MASTERCLASS)).one()
    if db.exec(select(LearningSession).where(LearningSession.item_id == masterclass.id)).first():
        return  # seeded before
    leaders = _permanent_secretaries(db, departments, names, numbers)
    today = to_uk(uk_now()).date()
    past = _session(db, masterclass, today - timedelta(days=45), "1 Horse Guards Road, London", 12)
    _session(db, masterclass, today + timedelta(days=30), "1 Drummond Gate, London", 12)
    others = db.exec(select(LearningItem).where(LearningItem.id != masterclass.id).order_by(LearningItem.id)).all()
    for other in others:
        _session(db, other, today + timedelta(days=rng.randint(10, 60)), _place_for(other), 40)
        _past_attendance(db, framework, other, today - timedelta(days=rng.randint(40, 300)), rng)
    if others:
        _attendance_to_record(db, others[0], today - timedelta(days=RECORD_AFTER_DAYS), rng)
    ended = past.ends_at
    completed = [p for p in leaders if p.user_id is None][: round(len(leaders) * COMPLETED_SHARE)]
    for person in completed:
        registration = Registration(
            session_id=past.id,
            item_id=masterclass.id,
            person_id=person.id,
            status="completed",
            source="hr",
            registered_at=past.starts_at - timedelta(days=20),
            completed_at=ended,
            credited_skills=masterclass.skills,
            feedback_score=rng.choice([4, 4, 5, 5, 5, 3]),
        )
        db.add(registration)
    credit(db, framework, masterclass, [p.id for p in completed])
    done = {p.id for p in completed}
    db.add_all(Invitation(item_id=masterclass.id, person_id=p.id) for p in leaders if p.id not in done)
    db.flush()


# Where a department's learning happens: government hubs for the sessions in a room.
HUBS = (
    "10 South Colonnade, Canary Wharf, London",
    "Government Hub, 1 Central Square, Cardiff",
    "Queen Elizabeth House, 1 Sibbald Walk, Edinburgh",
    "Government Hub, 23 Stephenson Street, Birmingham",
    "Three New Bailey, 4 Stanley Street, Salford",
)


def _place_for(item: LearningItem) -> str:
    if item.format == "online":
        return "Microsoft Teams (the trainer sends the joining link)"
    return HUBS[item.id % len(HUBS)]


def _permanent_secretaries(db: Session, departments, names: Iterator[str], numbers: Iterator[str]) -> list[Person]:
    """Every department's permanent secretary: the demo account's in the first department, a
    synthetic person in each of the others."""
    leaders = list(db.exec(select(Person).where(Person.grade == "PS", Person.user_id.is_not(None))).all())
    covered = {p.department_id for p in leaders}
    for department in departments:
        if department.id not in covered:
            person = Person(
                display_name=next(names),
                staff_number=next(numbers),
                department_id=department.id,
                profession="policy",
                grade="PS",
            )
            db.add(person)
            leaders.append(person)
    db.flush()
    return leaders


def _past_attendance(db: Session, framework: Framework, item: LearningItem, day, rng: random.Random) -> None:
    """A past session of the item taken by about 1 in 200 of the people it is for, most of
    whom completed it (their profiles gain its course evidence)."""
    audience = db.exec(select(Person.id).where(Person.user_id.is_(None), audience_condition(item))).all()
    wanted = round(len(audience) * ATTENDING_SHARE)
    if len(audience) >= 4 * ATTENDING_AT_LEAST:  # a workforce big enough to fill a session did
        wanted = max(wanted, ATTENDING_AT_LEAST)
    takers = sorted(rng.sample(list(audience), min(wanted, len(audience), ATTENDING_LIMIT)))
    if not takers:
        return
    past = _session(db, item, day, "Microsoft Teams", len(takers))
    statuses, weights = zip(*PAST_OUTCOMES.items(), strict=True)
    drawn = rng.choices(statuses, weights, k=len(takers))
    registered = past.starts_at - timedelta(days=14)
    rows = [
        {
            "session_id": past.id,
            "item_id": item.id,
            "person_id": person_id,
            "status": status,
            "source": "self",
            "registered_at": registered,
            "cancelled_at": registered + timedelta(days=7) if status == "cancelled" else None,
            "completed_at": past.ends_at if status == "completed" else None,
            "credited_skills": item.skills if status == "completed" else None,
            "feedback_score": rng.choice([3, 4, 4, 5, 5]) if status in ("attended", "completed") else None,
            "updated_at": past.ends_at,
        }
        for person_id, status in zip(takers, drawn, strict=True)
    ]
    db.execute(insert(Registration), rows)
    learning_summary.refresh(db, [(item.id, row["person_id"]) for row in rows])  # a bulk insert: no flush event sees it
    credit(db, framework, item, [row["person_id"] for row in rows if row["status"] == "completed"])


def _attendance_to_record(db: Session, item: LearningItem, day, rng: random.Random) -> None:
    """A session last week whose attendance HR have not recorded yet, as there always is one:
    it is on HR's to-do list."""
    audience = db.exec(select(Person.id).where(Person.user_id.is_(None), audience_condition(item))).all()
    if len(audience) < 4 * ATTENDING_AT_LEAST:
        return
    taken = set(db.exec(select(Registration.person_id).where(Registration.item_id == item.id)).all())
    booked = sorted(rng.sample([p for p in audience if p not in taken], ATTENDING_AT_LEAST))
    past = _session(db, item, day, "Microsoft Teams", ATTENDING_AT_LEAST + 4)
    if past.ends_at > uk_now():  # the working day it fell on has not ended yet
        return
    registered = past.starts_at - timedelta(days=10)
    db.add_all(
        Registration(
            session_id=past.id,
            item_id=item.id,
            person_id=p,
            status="registered",
            source="self",
            registered_at=registered,
            updated_at=registered,
        )  # fmt: skip
        for p in booked
    )
    db.flush()


# Sessions start at half past nine on a working day; learning longer than a day runs into the next.
STARTS_AT, HOURS_IN_A_DAY = time(9, 30), 7


def working_day(day: date) -> date:
    """The first weekday on or after `day` outside the Christmas and New Year break."""
    while day.weekday() >= 5 or (day.month, day.day) >= (12, 24) or (day.month, day.day) <= (1, 1):
        day += timedelta(days=1)
    return day


def _session(db: Session, item: LearningItem, day, location: str, capacity: int) -> LearningSession:
    first_day = working_day(day)
    starts = uk_time(first_day, STARTS_AT)
    hours = max(item.duration_hours, 1)
    if hours <= HOURS_IN_A_DAY:
        ends = starts + timedelta(hours=hours)
    else:
        ends = uk_time(working_day(first_day + timedelta(days=1)), STARTS_AT) + timedelta(hours=hours - HOURS_IN_A_DAY)
    learning_session = LearningSession(
        item_id=item.id,
        starts_at=starts,
        ends_at=ends,
        online=item.format == "online",
        location=location,
        capacity=capacity,
    )
    db.add(learning_session)
    db.flush()
    return learning_session
