"""HTTP load on a real server: gunicorn with 2 workers, driven by wrk, page by page.

Run with `python -m bench.load` (needs Debian's `wrk` at /usr/bin/wrk). BENCH_PEOPLE sets the
workforce size (200,000 by default) and BENCH_SECONDS how long each page is loaded (15 by
default). The database is built with the project's own CLI in a temporary directory, the
server signs people in over HTTP, and wrk (a separate process, 20 connections on 2 threads)
sends each page with the signed-in session's cookie. Writes bench/results/load.json, with
each page's throughput as a share of /healthz's and the service's targets met or not, and
prints the same JSON.

`python -m bench.load --with-writes` loads the pages while a writer process submits
self-assessments and reports completed courses (bench/load_writes.py): `--database
sqlite|postgres`, `--servers 1|2` (2 only with PostgreSQL) and `--writes-per-second 0,1,10`
(0 is the read-only baseline; each rate is a pass over the pages on the same database).
"""

import argparse
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import server, wrk
from bench.common import machine, write

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = 20
THREADS = 2
WORKERS = 2
# Each worker builds its own cached skills matrix on its first pool or dashboard request:
# concurrent warm-up requests reach both workers before anything is timed.
WARM_REQUESTS = 4
RESULTS = Path(__file__).parent / "results" / "load.json"

# name: (path, who is signed in, which target applies)
PAGES = {
    "healthz": ("/healthz", None, "ceiling"),
    "framework_level": ("/framework/roles/data-analyst/senior-data-analyst", None, "framework"),
    "framework_search": ("/framework/search?q=data", None, "framework"),
    "profile_matches": ("/profile/matches", server.CIVIL_SERVANT, "profile"),
    "profile_pathway": ("/profile/pathway?to=senior-data-analyst", server.CIVIL_SERVANT, "profile"),
    "candidate_pool": ("/schemes/{scheme}/candidates", server.HR, "pool"),
    "dashboard_skills": ("/dashboards/skills", server.LEADER, "dashboard"),
    "dashboard_gaps": ("/dashboards/gaps", server.LEADER, "dashboard"),
    "dashboard_pipeline": ("/dashboards/pipeline", server.LEADER, "dashboard"),
    "dashboard_learning": ("/dashboards/learning", server.LEADER, "dashboard"),
}


def warm(url: str, cookie: str) -> float:
    """Slowest of the concurrent first requests (the cold matrix build shows up here)."""
    headers = {"Cookie": cookie} if cookie else {}

    def one(_):
        answer = requests.get(url, headers=headers, timeout=300, allow_redirects=False)
        if answer.status_code != 200:
            raise RuntimeError(f"{url} answered {answer.status_code} before loading it")
        return answer.elapsed.total_seconds()

    with ThreadPoolExecutor(WARM_REQUESTS) as pool:
        return max(pool.map(one, range(WARM_REQUESTS)))


def settle(base: str) -> None:
    """Wait out what wrk left queued: sync workers still answer requests whose connection wrk
    has closed, and that backlog would otherwise be timed as part of the next page."""
    warm(f"{base}/healthz", "")


def load(url: str, cookie: str) -> dict:
    return wrk.load([url], cookie, CONNECTIONS, THREADS, SECONDS)


def run_pages(base: str) -> tuple[dict, dict]:
    browsers = {email: server.sign_in(base, email) for email in {who for _, who, _ in PAGES.values() if who}}
    scheme = server.hr_scheme(base, browsers[server.HR])
    cookies = {name: server.cookie_header(browsers[who]) if who else "" for name, (_, who, _) in PAGES.items()}
    urls = {name: base + path.format(scheme=scheme) for name, (path, _, _) in PAGES.items()}
    first = {name: round(warm(urls[name], cookies[name]) * 1000, 1) for name in PAGES}
    measured = {}
    for name in PAGES:
        measured[name] = load(urls[name], cookies[name])
        settle(base)
    return measured, first


def page_figures(measured: dict) -> dict:
    ceiling = measured["healthz"]["rps"]
    return {
        name: {
            "path": PAGES[name][0],
            "requests": m["requests"],
            "rps": round(m["rps"], 1),
            "p50_ms": round(m["p50_ms"], 1),
            "p95_ms": round(m["p95_ms"], 1),
            "p99_ms": round(m["p99_ms"], 1),
            "errors": m["errors"],
            "error_kinds": {kind: m[kind] for kind in wrk.ERROR_KINDS},
            "ratio_to_healthz": round(m["rps"] / ceiling, 3) if ceiling else None,
        }
        for name, m in measured.items()
    }


def target(rule: str, figures: dict, kinds: set[str], figure: str, passes) -> dict:
    measured = {name: f[figure] for name, f in figures.items() if PAGES[name][2] in kinds}
    return {"rule": rule, "measured": measured, "met": all(passes(value) for value in measured.values())}


def targets(figures: dict) -> dict:
    every = {kind for _, _, kind in PAGES.values()}
    return {
        "framework_and_profile_p95": target(
            "p95 <= 150 ms", figures, {"framework", "profile"}, "p95_ms", lambda ms: ms <= 150
        ),
        "dashboards_median": target("p50 <= 300 ms", figures, {"dashboard"}, "p50_ms", lambda ms: ms <= 300),
        "candidate_pool_median": target("p50 <= 1000 ms", figures, {"pool"}, "p50_ms", lambda ms: ms <= 1000),
        "no_errors": target("0 errors on every page", figures, every, "errors", lambda n: n == 0),
        "framework_throughput": target(
            ">= 40% of /healthz requests/s", figures, {"framework"}, "ratio_to_healthz", lambda r: r >= 0.4
        ),
    }


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = server.app_env(Path(tmp) / "load.db")
        seed_seconds = server.build_database(env, PEOPLE)
        with server.gunicorn(env, Path(tmp) / "gunicorn.log", workers=WORKERS) as base:
            measured, first = run_pages(base)
    figures = page_figures(measured)
    checks = targets(figures)
    return write(
        RESULTS,
        {
            "machine": machine(),
            "people": PEOPLE,
            "seed_seconds": round(seed_seconds, 1),
            "server": f"gunicorn, {WORKERS} sync workers, SQLite",
            "connections": CONNECTIONS,
            "threads": THREADS,
            "seconds": SECONDS,
            "warm_up_slowest_ms": first,
            "pages": figures,
            "targets": checks,
            "all_targets_met": all(check["met"] for check in checks.values()),
        },
    )


def rates(text: str) -> list[float]:
    values = [float(value) for value in text.split(",") if value.strip()]
    if not values or any(value < 0 for value in values):
        raise argparse.ArgumentTypeError("give write rates of 0 or more, separated by commas: 0,1,10")
    return values


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--with-writes", action="store_true", help="load the pages while a writer process writes")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--servers", type=int, choices=(1, 2), default=1, help="2 needs --database postgres")
    parser.add_argument(
        "--writes-per-second", type=rates, action="append", metavar="R[,R...]",
        help="write rates, one pass over the pages each (repeatable; default 0,1,10; 0 is read-only)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.servers == 2 and args.database != "postgres":
        parser.error("--servers 2 needs --database postgres: two servers cannot share one SQLite file")
    if not args.with_writes and (args.database != "sqlite" or args.servers != 1 or args.writes_per_second):
        parser.error("--database, --servers and --writes-per-second go with --with-writes")
    args.writes_per_second = list(dict.fromkeys(sum(args.writes_per_second or [[0.0, 1.0, 10.0]], [])))
    return args


if __name__ == "__main__":
    args = arguments()
    if not wrk.WRK.exists():
        raise SystemExit(f"{wrk.WRK} not found: install Debian's wrk first (make bench-deps)")
    if args.with_writes:
        from bench import load_writes  # it imports this module's settings

        print(json.dumps(load_writes.run(args.database, args.servers, args.writes_per_second)))
    else:
        print(json.dumps(main()))
