"""HTTP load while people write: `python -m bench.load --with-writes` (see bench/load.py).

The database (SQLite, or a throwaway PostgreSQL server with fsync on) is built once with the
project's CLI; writer accounts and a learning system's API token are added before the server
starts. One gunicorn (2 sync workers), or with `--servers 2` two of them on their own ports
sharing the PostgreSQL database and a throwaway Redis for rate limits. Then one pass over the
pages per write rate: every page warmed on every server, the writer process (bench/writer.py)
started at that rate, and each page loaded by wrk for BENCH_SECONDS (one wrk per server, the
20 connections and 2 threads shared out between them, their figures combined by bench/wrk.py).
Rate 0 is the read-only baseline. After the servers stop, every acknowledged write is looked
for in the database (bench/writes.py). Writes bench/results/load_writes_<configuration>.json
and prints the same JSON.
"""

import json
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlmodel import create_engine

from bench import load, server, writes, wrk
from bench.common import machine, write
from tests.postgres import postgres_server
from tests.redis_server import throwaway_redis

NAMES = ("healthz", "framework_level", "framework_search", "profile_matches", "profile_pathway", "candidate_pool",
         "dashboard_skills", "dashboard_gaps", "dashboard_learning")  # fmt: skip
PAGES = {name: load.PAGES[name] for name in NAMES}
# The pages the targets under writes apply to; healthz and the framework pages are the ceiling.
TARGETED = ("profile_matches", "profile_pathway", "candidate_pool", "dashboard_skills", "dashboard_gaps",
            "dashboard_learning")  # fmt: skip
ACCOUNTS = 8  # each account has one write in flight at most, so twice the writer's bound
MAX_IN_FLIGHT = 4
ATTENDANCE_EVERY = 5  # one write in five reports a completed course, the rest are assessments
RESULTS = Path(__file__).parent / "results"
LISTS = ("acknowledged_ratings", "acknowledged_completions")  # checked, not kept in the results


def durable(pg) -> None:
    """tests/postgres.py starts PostgreSQL with fsync off, quick for tests; a write benchmark
    needs commits that reach the disk, as in production. The same server, restarted without -F."""
    pg.stop()
    start = [str(pg.bin_dir / "pg_ctl"), "-D", str(pg.root / "data"), "-l", str(pg.root / "log"), "-w", "start"]
    start += ["-o", f"-h 127.0.0.1 -p {pg.port} -k {pg.root}"]
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*as_postgres, *start], check=True, capture_output=True)


@contextmanager
def database(kind: str, directory: Path):
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'load.db'}", "SQLite"
        return
    with postgres_server() as pg:
        if pg is None:
            raise SystemExit("PostgreSQL is not installed: run `make system-deps` first")
        durable(pg)
        engine = create_engine(pg.url)
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
            fsync = connection.execute(text("SHOW fsync")).scalar()
        engine.dispose()
        yield pg.url, f"PostgreSQL {version} (fsync {fsync})"


@contextmanager
def rate_limit_store(servers: int):
    if servers == 1:
        yield None
        return
    with throwaway_redis() as url:
        if url is None:
            raise SystemExit("redis-server is not installed: two servers share rate limits through Redis")
        yield url


@contextmanager
def writer(plan: dict, directory: Path, rate: float):
    """The writer process at `rate` while the block runs; its report once it has stopped."""
    plan_path, out = directory / f"writer_{rate}.json", directory / f"written_{rate}.json"
    plan_path.write_text(json.dumps(plan | {"rate": rate}))
    command = [sys.executable, "-m", "bench.writer", str(plan_path), str(out)]
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    process = subprocess.Popen(command, cwd=server.ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)  # fmt: skip
    report: dict = {}
    try:
        if process.stdout.readline().strip() != "writing":
            raise RuntimeError(f"the writer did not start (exit {process.wait()})")
        yield report
    finally:
        process.stdin.close()
        if process.wait(timeout=300):
            raise RuntimeError(f"the writer exited with {process.returncode}")
        report.update(json.loads(out.read_text()))


def cookie_jar(browser) -> list[tuple]:
    return [(cookie.name, cookie.value, cookie.domain, cookie.path) for cookie in browser.cookies]


def warm_all(bases: list[str], urls: dict, cookies: dict) -> dict:
    """Every page on every server (each has its own workers and caches) before a pass."""
    return {name: round(max(load.warm(base + urls[name], cookies[name]) for base in bases) * 1000, 1) for name in PAGES}


def one_pass(bases: list[str], urls: dict, cookies: dict) -> dict:
    measured = {}
    for name in PAGES:
        measured[name] = wrk.load([base + urls[name] for base in bases], cookies[name], load.CONNECTIONS,
                                  load.THREADS, load.SECONDS)  # fmt: skip
        for base in bases:
            load.settle(base)
    return measured


def completions_per_pass(rate: float) -> int:
    """More than a pass can report: each page's load and settling, twice over, plus a margin."""
    seconds = len(PAGES) * (load.SECONDS + 10)
    return int(2 * rate * seconds / ATTENDANCE_EVERY) + 20


def run(kind: str, servers: int, rates: list[float]) -> dict:
    passes = {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        directory = Path(tmp)
        url, described = stack.enter_context(database(kind, directory))
        shared_limits = stack.enter_context(rate_limit_store(servers))
        env = server.app_env(url) | ({"RATELIMIT_STORAGE_URI": shared_limits} if shared_limits else {})
        seed_seconds = server.build_database(env, load.PEOPLE)
        accounts = writes.add_accounts(url, ACCOUNTS)
        token = writes.api_token(url)
        unreported = writes.unreported_completions(
            url, sum(completions_per_pass(r) for r in rates if r), {a["person_id"] for a in accounts}
        )
        with ExitStack() as running:
            bases = [
                running.enter_context(server.gunicorn(env, directory / f"gunicorn{n}.log", workers=load.WORKERS))
                for n in range(servers)
            ]
            readers = {who for _, who, _ in PAGES.values() if who}
            browsers = {email: server.sign_in(bases[0], email) for email in readers}
            scheme = server.hr_scheme(bases[0], browsers[server.HR])
            cookies = {name: server.cookie_header(browsers[who]) if who else "" for name, (_, who, _) in PAGES.items()}
            urls = {name: path.format(scheme=scheme) for name, (path, _, _) in PAGES.items()}
            signed_in = [
                account | {"cookies": cookie_jar(server.sign_in(bases[n % servers], account["email"]))}
                for n, account in enumerate(accounts)
            ]
            plan = {"bases": bases, "accounts": signed_in, "token": token, "completed_on": writes.today(),
                    "max_in_flight": MAX_IN_FLIGHT, "attendance_every": ATTENDANCE_EVERY}  # fmt: skip
            for rate in rates:
                first = warm_all(bases, urls, cookies)
                if rate:
                    share = unreported[: completions_per_pass(rate)]
                    unreported = unreported[len(share) :]
                    with writer(plan | {"completions": share, "seed": int(rate * 1000)}, directory, rate) as report:
                        measured = one_pass(bases, urls, cookies)
                else:
                    measured, report = one_pass(bases, urls, cookies), None
                passes[rate] = {"warm_up_slowest_ms": first, "measured": measured, "writer": report}
        verified = writes.verify(url, accounts, [p["writer"] for p in passes.values() if p["writer"]])
    return results(kind, servers, described, seed_seconds, passes, verified)


def results(kind: str, servers: int, described: str, seed_seconds: float, passes: dict, verified: dict) -> dict:
    shown = {}
    for rate, one in passes.items():
        report = one["writer"]
        summary = {k: v for k, v in report.items() if k not in LISTS} if report else None
        shown[label(rate)] = {
            "pages": figures(one["measured"]),
            "warm_up_slowest_ms": one["warm_up_slowest_ms"],
            "writer": summary,
        }
    checks = targets(shown, verified)
    configuration = "sqlite" if kind == "sqlite" else f"postgres{'_2servers' if servers == 2 else ''}"
    return write(
        RESULTS / f"load_writes_{configuration}.json",
        {
            "machine": machine(),
            "people": load.PEOPLE,
            "seed_seconds": round(seed_seconds, 1),
            "server": f"{servers} × gunicorn, {load.WORKERS} sync workers each, {described}"
            + (", rate limits shared in Redis" if servers == 2 else ""),
            "app": "bench/wsgi.py: the app with the per-person pathway limit lifted",
            "connections": load.CONNECTIONS,
            "threads": load.THREADS,
            "seconds": load.SECONDS,
            "writer": {"accounts": ACCOUNTS, "max_in_flight": MAX_IN_FLIGHT, "attendance_every": ATTENDANCE_EVERY},
            "writes_per_second": [label(rate) for rate in passes],
            "passes": shown,
            "verification": verified,
            "targets": checks,
            "all_targets_met": all(check["met"] is True for check in checks.values()),
        },
    )


def label(rate: float) -> str:
    return f"{rate:g}"


def figures(measured: dict) -> dict:
    return load.page_figures(measured)  # the same pages, by the same names, as the read-only benchmark


def targets(passes: dict, verified: dict) -> dict:
    light = [rate for rate in passes if 0 < float(rate) <= 1]
    baseline = passes.get("0")
    wrote = any(one["writer"] for one in passes.values())

    def under_light(rule: str, check, needs_baseline: bool) -> dict:
        if not light or (needs_baseline and baseline is None):
            return {"rule": rule, "measured": None, "met": None, "why": "not measured: no pass at that rate"}
        measured = {rate: {name: check(passes[rate]["pages"][name], name) for name in TARGETED} for rate in light}
        met = all(ok for by_page in measured.values() for _, ok in by_page.values())
        return {"rule": rule, "measured": measured, "met": met}

    def p99(page, _):
        return page["p99_ms"], page["p99_ms"] <= 1000

    def p95(page, name):
        before = baseline["pages"][name]["p95_ms"]
        return (round(page["p95_ms"] / before, 2) if before else None), 0 < before and page["p95_ms"] <= 1.5 * before

    page_errors = {rate: sum(f["errors"] for f in one["pages"].values()) for rate, one in passes.items()}
    writer_errors = {
        rate: {"errors": one["writer"]["errors"], "not_acknowledged": one["writer"]["unacknowledged_count"]}
        for rate, one in passes.items()
        if one["writer"]
    }
    learning = baseline["pages"]["dashboard_learning"]["p50_ms"] if baseline else None
    return {
        "light_writes_p99": under_light("at up to 1 write/s, each listed page's p99 <= 1000 ms: [ms, met]", p99, False),
        "light_writes_p95": under_light(
            "at up to 1 write/s, each listed page's p95 <= 1.5 x its read-only p95: [ratio, met]", p95, True
        ),
        "learning_dashboard_median": {
            "rule": "read-only, the learning dashboard's p50 <= 200 ms",
            "measured": learning,
            "met": learning <= 200 if learning is not None else None,
        },
        "no_errors": {
            "rule": "0 errors on every page at every rate; every write answered 2xx/3xx and acknowledged",
            "measured": {"pages": page_errors, "writer": writer_errors},
            "met": not any(page_errors.values()) and not any(n for w in writer_errors.values() for n in w.values()),
        },
        "no_lost_writes": {
            "rule": "every acknowledged write is in the database after the servers stop",
            "measured": verified["lost_writes"],
            "met": verified["lost_writes"] == 0 if wrote else None,
        },
    }
