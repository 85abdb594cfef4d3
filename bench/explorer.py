"""Explorer page latency, in-process, as a ratio of the bare /healthz request.

Run with `make bench`. Writes bench/results/explorer.json and prints the same JSON.
"""

import json
import tempfile
import time
from pathlib import Path

from bench.common import machine, medians, write
from ddat import create_app, db
from ddat.migrate import upgrade_to_head
from ddat.services.framework import load_release

PAGES = {
    "healthz": "/healthz",
    "framework": "/framework",
    "role": "/framework/roles/data-analyst",
    "role_level": "/framework/roles/data-analyst/senior-data-analyst",
    "skills": "/framework/skills",
    "skill": "/framework/skills/user-focus",
    "search": "/framework/search?q=data+anal",
    "compare": "/framework/compare?from=data-analyst&to=performance-analyst",
}
ROUNDS = 60
RESULTS = Path(__file__).parent / "results" / "explorer.json"


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade_to_head(url)
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            load_release(db.session())
        client = app.test_client()
        timings: dict[str, list[float]] = {name: [] for name in PAGES}
        for url_path in PAGES.values():  # warm caches, as a running server would be
            assert client.get(url_path).status_code == 200, url_path
        for _ in range(ROUNDS):  # interleave pages so machine noise hits them alike
            for name, url_path in PAGES.items():
                start = time.perf_counter()
                client.get(url_path)
                timings[name].append(time.perf_counter() - start)
    result = {
        "machine": machine(),
        "rounds": ROUNDS,
        **medians(timings, digits=2),
    }
    return write(RESULTS, result)


if __name__ == "__main__":
    print(json.dumps(main()))
