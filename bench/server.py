"""What the HTTP benchmarks share: a database built with the project's own CLI, a gunicorn
server on a free loopback port, and signing in over HTTP as a browser would."""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import requests

from bench.common import timed

ROOT = Path(__file__).resolve().parent.parent
# The venv's own scripts, so the benchmark runs what `make install` installed.
BIN = Path(sys.executable).parent
PASSWORD = "pathways-demo-2026"
CIVIL_SERVANT = "policy.officer@example.gov.uk"
HR = "hr@example.gov.uk"
LEADER = "leader@example.gov.uk"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def app_env(database: Path | str) -> dict[str, str]:
    """The server's environment; `database` is a SQLite file or any database URL."""
    return {
        **os.environ,
        "DATABASE_URL": database if isinstance(database, str) else f"sqlite:///{database}",
        "DDAT_CONFIG": "local",
        "SECRET_KEY": secrets.token_hex(32),
        # The benchmark talks to the server directly; no proxy may sit in between.
        "NO_PROXY": "127.0.0.1",
    }


def flask(env: dict[str, str], *args: str) -> None:
    command = [str(BIN / "flask"), "--app", "app", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def build_database(env: dict[str, str], people: int) -> float:
    """Schema, framework and demo data, as a user sets them up; returns the seconds seeding took."""
    flask(env, "init-db")
    flask(env, "load-framework")
    return timed(lambda: flask(env, "seed-demo", "--people", str(people), "--seed", "2026"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 2, start_seconds: float = 120):
    """A running server's base URL; the server is stopped on the way out, whatever happened."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--no-control-socket"]
    command += ["--bind", f"127.0.0.1:{port}", "bench.wsgi:app"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(server, base, log, start_seconds)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_healthy(server: subprocess.Popen, base: str, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/healthz", timeout=10).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still importing the app
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def csrf_token(html: str) -> str:
    found = CSRF.search(html)
    if not found:
        raise RuntimeError("no csrf_token on the page")
    return found.group(1)


def sign_in(base: str, email: str, password: str = PASSWORD) -> requests.Session:
    browser = requests.Session()
    token = csrf_token(browser.get(f"{base}/sign-in", timeout=30).text)
    answer = browser.post(
        f"{base}/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}, not 302")
    return browser


def cookie_header(browser: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def hr_scheme(base: str, hr: requests.Session) -> int:
    """An open scheme HR can see: the first listed, or a new one made through the HR form."""
    listed = re.findall(r'href="/schemes/(\d+)"', hr.get(f"{base}/schemes", timeout=30).text)
    if listed:
        return int(listed[0])
    token = csrf_token(hr.get(f"{base}/schemes/new", timeout=30).text)
    today = date.today()
    form = {
        "csrf_token": token,
        "name": "Benchmark data analyst scheme",
        "description": "",
        "target_1": "associate-data-analyst",
        "target_2": "",
        "target_3": "",
        "professions": ["policy", "operational_delivery", "other"],
        "grade_from": "AO",
        "grade_to": "G7",
        "min_fit": "0",
        "capacity": "500",
        "status": "open",
    }
    for field, day in (("opens_on", 0), ("closes_on", 30), ("starts_on", 60), ("ends_on", 400)):
        when = today + timedelta(days=day)
        form[field] = [str(when.day), str(when.month), str(when.year)]  # the day, month and year boxes
    answer = hr.post(f"{base}/schemes/new", data=form, allow_redirects=False, timeout=60)
    made = re.search(r"/schemes/(\d+)", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not made:
        problems = re.findall(r'govuk-error-message">(.*?)</', answer.text, re.S)
        raise RuntimeError(f"creating a scheme through /schemes/new answered {answer.status_code}: {problems}")
    return int(made.group(1))
