"""Masterclass figures on a large workforce: the uptake page for HR and for a leader, and a
2,000-row attendance import.

Run with `make bench` (BENCH_PEOPLE sets the workforce size, 200,000 by default). Writes
bench/results/learning.json and prints the same JSON. Timings are in-process through the
Flask test client, with /healthz timed alongside as the ratio's base.
"""

import json
import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from bench.common import client_as, machine, medians, seeded_app, timed, write
from ddat import db
from ddat.caches import learning
from ddat.imports.attendance_import import import_attendance
from ddat.models import Invitation, LearningItem, LearningSession, Person, Registration, User
from ddat.permissions import department_scope
from ddat.services.framework import current_framework

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
REGISTRATIONS = PEOPLE // 10  # a popular course: one person in ten has taken a place
IMPORT_ROWS = 2_000
ROUNDS = 7
ITEM = "working-with-data-and-visualisation"
RESULTS = Path(__file__).parent / "results" / "learning.json"


def add_uptake(session, item: LearningItem, rng: random.Random) -> LearningSession:
    """A year of monthly sessions; a tenth of the workforce registered, most attended and completed."""
    now = datetime.now(UTC)
    sessions = []
    for month in range(12):
        starts = now - timedelta(days=30 * (12 - month))
        sessions.append(
            LearningSession(
                item_id=item.id,
                starts_at=starts,
                ends_at=starts + timedelta(hours=12),
                location="Online",
                capacity=PEOPLE,
            )
        )
    session.add_all(sessions)
    session.flush()
    people = session.exec(select(Person.id).order_by(Person.id)).all()
    # Not anyone the demo data already has at a session of the item: a person holds one place.
    taken = set(session.exec(select(Registration.person_id).where(Registration.item_id == item.id)).all())
    chosen = rng.sample([p for p in people if p not in taken], REGISTRATIONS + IMPORT_ROWS)
    rows = []
    for person_id in chosen[:REGISTRATIONS]:
        held = rng.choice(sessions)
        status = rng.choices(["completed", "attended", "no_show", "registered"], [70, 10, 10, 10])[0]
        rows.append(
            {
                "session_id": held.id,
                "item_id": item.id,
                "person_id": person_id,
                "status": status,
                "source": "self",
                "registered_at": held.starts_at - timedelta(days=14),
                "completed_at": held.ends_at if status == "completed" else None,
                "feedback_score": rng.randint(3, 5) if status == "completed" else None,
                "updated_at": now,
            }
        )
    session.execute(insert(Registration), rows)
    # The people the import records were invited (attendance is only recorded for people
    # registered or invited), as were a fifth of everyone.
    invited = set(people[: PEOPLE // 5]) | set(chosen[REGISTRATIONS:])
    invited -= set(session.exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
    session.execute(insert(Invitation), [{"item_id": item.id, "person_id": p, "invited_at": now} for p in invited])
    learning.refresh_everything(session)  # bulk inserts: the learning summary's flush event never sees them
    session.commit()
    return sessions[-1], chosen[REGISTRATIONS:]


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app, _ = seeded_app(tmp, PEOPLE)
        with app.app_context():
            session = db.session()
            item = session.exec(select(LearningItem).where(LearningItem.slug == ITEM)).one()
            last, walk_ins = add_uptake(session, item, random.Random(7))
            # Not anyone the demo data already has at a session of the item: they cannot be
            # recorded at a second one.
            earlier = select(Registration.person_id).where(
                Registration.item_id == item.id, Registration.session_id != last.id
            )
            numbers = session.exec(
                select(Person.staff_number).where(Person.id.in_(walk_ins), Person.id.not_in(earlier))
            ).all()
            csv_file = ("staff_number,status\n" + "".join(f"{n},completed\n" for n in numbers)).encode()
            hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
            leader_id = session.exec(select(User.id).where(User.email == "leader@example.gov.uk")).one()
            framework = current_framework(session)
            import_seconds = timed(
                lambda: import_attendance(session, framework, last, hr, csv_file, department_scope(hr))
            )
            again = import_attendance(session, framework, last, hr, csv_file, department_scope(hr))
            assert again.ok, again.errors[:3]  # the timed run did the work
            reimport_seconds = timed(
                lambda: import_attendance(session, framework, last, hr, csv_file, department_scope(hr))
            )
            hr_id = hr.id
        page = f"/masterclasses/{ITEM}/uptake"
        as_hr, as_leader = client_as(app, hr_id), client_as(app, leader_id)
        assert as_hr.get(page).status_code == 200 and as_leader.get(page).status_code == 200
        timings = {"healthz": [], "uptake_hr": [], "uptake_leader": [], "catalogue": []}
        for _ in range(ROUNDS):
            timings["healthz"].append(timed(lambda: as_hr.get("/healthz")))
            timings["uptake_hr"].append(timed(lambda: as_hr.get(page)))
            timings["uptake_leader"].append(timed(lambda: as_leader.get(page)))
            timings["catalogue"].append(timed(lambda: as_leader.get("/masterclasses")))
    result = {
        "machine": machine(),
        "people": PEOPLE,
        "registrations": REGISTRATIONS,
        "rounds": ROUNDS,
        "import_rows": len(numbers),
        "import_seconds": round(import_seconds, 2),
        "reimport_seconds": round(reimport_seconds, 2),
        **medians(timings),
    }
    return write(RESULTS, result)


if __name__ == "__main__":
    print(json.dumps(main()))
