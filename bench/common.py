"""What every web benchmark shares: a seeded app on a throwaway SQLite file, a timer, and a
signed-in test client."""

import json
import platform
import statistics
import time
from pathlib import Path

from ddat import create_app, db, demo
from ddat.migrate import upgrade_to_head
from ddat.models import User
from ddat.services.framework import load_release


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def machine() -> str:
    return f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip()


def seeded_app(directory: str, people: int):
    """An app on a new database holding `people` synthetic people; returns it and the seconds seeding took."""
    url = f"sqlite:///{Path(directory) / 'bench.db'}"
    upgrade_to_head(url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        load_release(db.session())
        seconds = timed(lambda: demo.seed(db.session(), people=people, seed=2026))
    return app, seconds


def client_as(app, user_id: int, password: str = "pathways-demo-2026"):
    """A test client signed in as a demo account through the sign-in form, as a browser is
    (sessions live in the database, so a cookie cannot simply be made up)."""
    with app.app_context():
        email = db.session().get(User, user_id).email
    client = app.test_client()
    answer = client.post("/sign-in", data={"email": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}, not 302")
    return client


def medians(timings: dict[str, list[float]], digits: int = 1) -> dict:
    """Median milliseconds per page, and each as a multiple of /healthz timed in the same run."""
    ms = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    return {
        "median_ms": {name: round(value, digits) for name, value in ms.items()},
        "ratio_to_healthz": {name: round(value / ms["healthz"], 1) for name, value in ms.items()},
    }


def write(path: Path, result: dict) -> dict:
    path.write_text(json.dumps(result, indent=2) + "\n")
    return result
