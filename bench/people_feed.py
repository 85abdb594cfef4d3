"""The people feed on a large workforce: one 10,000-person batch through POST /api/v1/people
(half changes to people already known, half new people, a fifth of them with a line manager),
then the same batch again, which must change nothing.

Run with `make bench` (BENCH_PEOPLE sets the workforce size, 200,000 by default). Writes
bench/results/people_feed.json and prints the same JSON. Targets (issue: HR systems): the batch
within 5 s on SQLite at 200,000 people, and its repeat within 1 s.
"""

import json
import os
import tempfile
from pathlib import Path

from sqlmodel import select

from bench.common import machine, seeded_app, timed, write
from ddat import db
from ddat.models import Department, Person, User
from ddat.services import api_clients

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
BATCH = 10_000
RESULTS = Path(__file__).parent / "results" / "people_feed.json"


def batch_for(session) -> list[dict]:
    names = {d.id: d.name for d in session.exec(select(Department)).all()}
    known = session.exec(
        select(Person).where(Person.staff_number.is_not(None)).order_by(Person.id).limit(BATCH // 2)
    ).all()
    managers = [p.staff_number for p in known[:200]]
    rows = [
        {"staff_number": p.staff_number, "email": f"{p.staff_number.lower()}@example.gov.uk", "name": p.display_name,
         "grade": "SEO" if p.grade != "SEO" else "HEO", "department": names[p.department_id],
         "profession": p.profession}
        for p in known
    ]  # fmt: skip
    first_department = next(iter(names.values()))
    for n in range(BATCH - len(rows)):
        rows.append({"staff_number": f"NEW{n:06d}", "email": f"new.{n}@example.gov.uk", "name": f"New Starter {n}",
                     "grade": "EO", "department": first_department, "profession": "operational_delivery",
                     "line_manager": managers[n % len(managers)] if n % 5 == 0 else None})  # fmt: skip
    return rows


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app, seed_seconds = seeded_app(tmp, PEOPLE)
        with app.app_context():
            session = db.session()
            admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
            _, token = api_clients.create(session, admin, "Benchmark HR system", ["people:write"], None,
                                          api_clients.default_expiry())  # fmt: skip
            rows = batch_for(session)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        answers = []

        def send():
            answers.append(client.post("/api/v1/people", json={"people": rows}, headers=headers))

        first = timed(send)
        repeat = timed(send)
        assert all(a.status_code == 200 for a in answers), [a.get_data(as_text=True)[:300] for a in answers]
        assert answers[1].get_json()["unchanged"] == len(rows), answers[1].get_json()
    result = {
        "machine": machine(),
        "people": PEOPLE,
        "seed_seconds": round(seed_seconds, 1),
        "batch_rows": len(rows),
        "first_batch": answers[0].get_json(),
        "first_batch_seconds": round(first, 2),
        "repeat_batch_seconds": round(repeat, 2),
        "targets_seconds": {"first_batch": 5, "repeat_batch": 1},
    }
    return write(RESULTS, result)


if __name__ == "__main__":
    print(json.dumps(main()))
