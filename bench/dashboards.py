"""Leader dashboard figures on a large workforce: every dashboard, unfiltered and filtered.

Run with `make bench` (BENCH_PEOPLE sets the workforce size, 200,000 by default). Writes
bench/results/dashboards.json and prints the same JSON. Timings are in-process through the
Flask test client, signed in as a leader, with /healthz timed alongside as the ratio's base;
the cached skills matrix is built once before timing, as on a running server.
"""

import json
import os
import random
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from bench.common import client_as, machine, medians, seeded_app, timed, write
from bench.learning import ITEM, add_uptake
from ddat import db
from ddat.models import LearningItem, Person, Scheme, SchemeMember, User

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
MEMBERS = 5_000
ROUNDS = 7
RESULTS = Path(__file__).parent / "results" / "dashboards.json"
PAGES = {
    "skills": "/dashboards/skills",
    "skills_family": "/dashboards/skills?family=data",
    "skills_filtered": "/dashboards/skills?profession=policy&band=HEO-SEO&by=grade",
    "gaps": "/dashboards/gaps",
    "gaps_filtered": "/dashboards/gaps?department=3&profession=operational_delivery",
    "pipeline": "/dashboards/pipeline",
    "learning": "/dashboards/learning",
}


def add_scheme_members(session, rng: random.Random) -> None:
    today = date.today()
    scheme = Scheme(
        name="Benchmark scheme",
        target_levels=["associate-data-analyst"],
        capacity=MEMBERS,
        opens_on=today - timedelta(days=300),
        closes_on=today - timedelta(days=200),
        starts_on=today - timedelta(days=180),
        ends_on=today + timedelta(days=180),
        status="running",
    )
    session.add(scheme)
    session.flush()
    people = rng.sample(session.exec(select(Person.id)).all(), MEMBERS)
    now = datetime.now(UTC)
    rows = []
    for person_id in people:
        stage = rng.choices([1, 2, 3, 4], [40, 30, 15, 15])[0]
        rows.append(
            {
                "scheme_id": scheme.id,
                "person_id": person_id,
                "status": ["applied", "enrolled", "completed", "placed"][stage - 1],
                "source": "applied",
                "applied_at": now - timedelta(days=250),
                "enrolled_at": now - timedelta(days=180) if stage >= 2 else None,
                "completed_at": now - timedelta(days=30) if stage >= 3 else None,
                "placed_on": today - timedelta(days=rng.randint(1, 150)) if stage == 4 else None,
                "created_at": now - timedelta(days=250),
                "updated_at": now,
            }
        )
    session.execute(insert(SchemeMember), rows)
    session.commit()


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app, _ = seeded_app(tmp, PEOPLE)
        with app.app_context():
            session = db.session()
            rng = random.Random(11)
            item = session.exec(select(LearningItem).where(LearningItem.slug == ITEM)).one()
            add_uptake(session, item, rng)
            add_scheme_members(session, rng)
            leader_id = session.exec(select(User.id).where(User.email == "leader@example.gov.uk")).one()
        leader = client_as(app, leader_id)
        first = timed(lambda: leader.get(PAGES["skills"]))  # builds the cached matrix
        for url in PAGES.values():
            assert leader.get(url).status_code == 200, url
        timings = {"healthz": [], **{name: [] for name in PAGES}}
        for _ in range(ROUNDS):
            timings["healthz"].append(timed(lambda: leader.get("/healthz")))
            for name, url in PAGES.items():
                timings[name].append(timed(lambda url=url: leader.get(url)))
    return write(
        RESULTS,
        {
            "machine": machine(),
            "people": PEOPLE,
            "rounds": ROUNDS,
            "first_request_seconds": round(first, 1),
            **medians(timings),
        },
    )


if __name__ == "__main__":
    print(json.dumps(main()))
