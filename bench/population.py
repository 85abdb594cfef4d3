"""How fast the cached skills matrix follows changes: rebuilt from scratch against brought up
to date from the change log, on a large workforce.

Run with `python -m bench.population` (BENCH_DATABASE: an existing database URL to copy
nothing from and use as it is; otherwise a SQLite database of BENCH_PEOPLE people, 200,000
by default, is built with the project's CLI in a temporary directory). After the matrix and
the pool's and dashboards' indicators are built, it submits self-assessments through the
service (1, then 10, then 100 people), and times the first candidate pool and skills
dashboard request after each, in-process through the Flask test client, against the same
pages warm and against a rebuild. Writes bench/results/population.json.
"""

import json
import os
import statistics
import tempfile
from pathlib import Path

from sqlmodel import select

from bench import server
from bench.common import client_as, machine, timed, write
from ddat import create_app, db
from ddat.caches import population as cache
from ddat.models import Person, Scheme, User
from ddat.services import profiles
from ddat.services.framework import current_framework

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
ROUNDS = 5
RESULTS = Path(__file__).parent / "results" / "population.json"
SKILLS = ("data-analysis-and-synthesis", "applying-user-centred-insights", "communicating-data")


def submit(app, people: list[int], round_number: int) -> None:
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        for n, person_id in enumerate(people):
            person = session.get(Person, person_id)
            answers = {skill: (round_number + n + i) % 4 + 1 for i, skill in enumerate(SKILLS)}
            profiles.save_answers(session, person, framework, answers)
            profiles.submit_assessment(session, person)


def pages(app) -> dict[str, tuple]:
    with app.app_context():
        session = db.session()
        scheme = session.exec(select(Scheme.id).order_by(Scheme.id)).first()
        hr = session.exec(select(User.id).where(User.email == server.HR)).one()
        leader = session.exec(select(User.id).where(User.email == server.LEADER)).one()
    hr, leader = client_as(app, hr), client_as(app, leader)
    return {"candidate_pool": (hr, f"/schemes/{scheme}/candidates"), "dashboard_skills": (leader, "/dashboards/skills")}


def get(client, path: str) -> float:
    def one():
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code)

    return timed(one) * 1000


def measure(url: str) -> dict:
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    targets = pages(app)
    with app.app_context():
        ids = (
            db.session()
            .exec(select(Person.id).where(Person.current_assessment_id.is_not(None), Person.user_id.is_(None)))
            .all()[:500]
        )
    cold = {name: get(*page) for name, page in targets.items()}
    warm = {name: statistics.median(get(*page) for _ in range(ROUNDS)) for name, page in targets.items()}
    after = {}
    offset = 0
    for changed in (1, 10, 100):
        timings = {name: [] for name in targets}
        for round_number in range(ROUNDS if changed < 100 else 2):
            submit(app, ids[offset : offset + changed], round_number)
            offset = (offset + changed) % (len(ids) - 100)
            for name, page in targets.items():  # the pool first: it brings the matrix up to date
                timings[name].append(get(*page))
        after[f"{changed}_changed"] = {name: round(statistics.median(t), 1) for name, t in timings.items()}
    cache.clear_cache()
    rebuild = {name: get(*page) for name, page in list(targets.items())[:1]}
    return {
        "first_request_ms": {k: round(v, 1) for k, v in cold.items()},
        "warm_median_ms": {k: round(v, 1) for k, v in warm.items()},
        "first_request_after_changes_median_ms": after,
        "after_a_rebuild_ms": {k: round(v, 1) for k, v in rebuild.items()},
    }


def main() -> dict:
    url = os.environ.get("BENCH_DATABASE")
    with tempfile.TemporaryDirectory() as tmp:
        seed_seconds = None
        if not url:
            database = Path(tmp) / "population.db"
            seed_seconds = server.build_database(server.app_env(database), PEOPLE)
            url = f"sqlite:///{database}"
        figures = measure(url)
    return write(RESULTS, {"machine": machine(), "people": PEOPLE, "seed_seconds": seed_seconds, **figures})


if __name__ == "__main__":
    print(json.dumps(main()))
