"""HTTP load on a real server: gunicorn with 2 workers, driven by wrk, page by page.

Run with `python -m bench.load` (needs Debian's `wrk` at /usr/bin/wrk). BENCH_PEOPLE sets the
workforce size (200,000 by default) and BENCH_SECONDS how long each page is loaded (15 by
default). The database is built with the project's own CLI in a temporary directory, the
server signs people in over HTTP, and wrk (a separate process, 20 connections on 2 threads)
sends each page with the signed-in session's cookie. Writes bench/results/load.json, with
each page's throughput as a share of /healthz's and the service's targets met or not, and
prints the same JSON.
"""

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from bench import server
from bench.common import machine, write

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = 20
THREADS = 2
WORKERS = 2
# Each worker builds its own cached skills matrix on its first pool or dashboard request:
# concurrent warm-up requests reach both workers before anything is timed.
WARM_REQUESTS = 4
WRK = Path("/usr/bin/wrk")
REPORT = Path(__file__).parent / "wrk_report.lua"
RESULTS = Path(__file__).parent / "results" / "load.json"
ERROR_KINDS = ("connect_errors", "read_errors", "write_errors", "timeouts", "bad_status")

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
    command = [str(WRK), f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s", "-s", str(REPORT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    finished = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk printed no JSON summary for {url}:\n{finished.stdout}\n{finished.stderr}")
    return json.loads(lines[-1])


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
            "error_kinds": {kind: m[kind] for kind in ERROR_KINDS},
            "ratio_to_healthz": round(m["rps"] / ceiling, 3),
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
    if not WRK.exists():
        raise SystemExit(f"{WRK} not found: install Debian's wrk first (apt-get install -y wrk)")
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


if __name__ == "__main__":
    print(json.dumps(main()))
