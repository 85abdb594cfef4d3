"""The service while its database is away, on a live gunicorn server with 2 workers.

HR keeps adding notes to a scheme member through the member page while the database is
locked, moved away or stopped, and put right again. Every answer must be a page the service
meant to give: the page asked for, or the GOV.UK "service is busy" page with status 503 (and
/healthz saying the database is unavailable) - never a 500, the web server's bare error page or
a stack trace. Once the database is back the service recovers by itself, and every note it
acknowledged is in the database.
"""

import os
import re
import signal
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from bench import server
from bench.soak import invite
from ddat import create_app, db, demo
from ddat.migrate import upgrade_to_head
from ddat.permissions import public
from ddat.services.framework import load_release
from tests.postgres import postgres_server

PEOPLE = 10
BUSY = "Sorry, the service is busy"
OUTAGE_SECONDS = 3
TIMEOUT = 30


class Traffic:
    """One HR user adding a note at a time, with a look at /healthz between notes."""

    def __init__(self, base: str, hr: requests.Session, member_page: str):
        self.base, self.hr, self.member_page = base, hr, member_page
        self.acknowledged: list[str] = []  # every note the service said it saved
        self.problems: list[str] = []
        self.busy = 0  # 503 pages, each checked to be the GOV.UK one
        self.health_down = False  # what /healthz said last
        self.health_down_answers = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            token = server.csrf_token(self.hr.get(self.base + self.member_page, timeout=TIMEOUT).text)
            written = 0
            while not self._stop.is_set():
                page = self._check(self.hr.get(self.base + self.member_page, timeout=TIMEOUT))
                if page.status_code == 200:
                    token = server.csrf_token(page.text)
                written += 1
                note = f"Outage note {written}"
                form = {"csrf_token": token, "action": "note", "text": note}
                answer = self._check(
                    self.hr.post(self.base + self.member_page, data=form, allow_redirects=False, timeout=TIMEOUT)
                )
                # Saved: back to the member page (a 302 to anywhere else, such as sign-in, is not).
                if answer.status_code == 302 and urlsplit(answer.headers["Location"]).path == self.member_page:
                    self.acknowledged.append(note)
                self._health()
        except Exception as error:  # a client that stops early would make a quiet, passing test
            self.problems.append(f"the client stopped: {error!r}")

    def _check(self, answer: requests.Response) -> requests.Response:
        said = f"{answer.request.method} {answer.request.path_url} answered {answer.status_code}"
        if answer.status_code == 503:
            self.busy += 1
            if BUSY not in answer.text or "govuk-template" not in answer.text:
                self.problems.append(f"{said} without the GOV.UK busy page")
        elif answer.status_code not in (200, 302):
            self.problems.append(said)
        if "Traceback" in answer.text or "Internal Server Error" in answer.text:
            self.problems.append(f"{said} with a server error page")
        return answer

    def _health(self) -> None:
        answer = requests.get(self.base + "/healthz", timeout=TIMEOUT)
        body = answer.json()
        if answer.status_code == 503 and body["database"] == "unavailable":
            self.health_down = True
            self.health_down_answers += 1
        elif answer.status_code == 200 and body["database"] == "ok":
            self.health_down = False
        else:
            self.problems.append(f"/healthz answered {answer.status_code}: {body}")

    def wait_for(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline or not self._thread.is_alive() or self.problems:
                pytest.fail(f"{what} within {seconds} s; problems: {self.problems[:5]}")
            time.sleep(0.1)


def hr_member(base: str) -> tuple[requests.Session, str]:
    hr = server.sign_in(base, server.HR)
    scheme = server.hr_scheme(base, hr)
    return hr, f"/schemes/{scheme}/members/{invite(base, hr, scheme, set())}"


def through_an_outage(base: str, log: Path, break_database, mend_database, unreachable: bool = True) -> Traffic:
    """Notes go on being added while the database is broken and mended; returns what was seen.
    An unreachable database also takes /healthz to 503 until it is back."""
    hr, member_page = hr_member(base)
    with Traffic(base, hr, member_page) as traffic:
        traffic.wait_for(lambda: len(traffic.acknowledged) >= 2, 30, "no notes were saved before the outage")
        break_database()
        traffic.wait_for(lambda: traffic.busy > 0 and (traffic.health_down or not unreachable), 30, "no 503 was seen")
        time.sleep(OUTAGE_SECONDS)
        saved_before = len(traffic.acknowledged)
        mend_database()
        traffic.wait_for(
            lambda: len(traffic.acknowledged) >= saved_before + 2 and not traffic.health_down,
            30,
            "the service did not recover by itself",
        )
    assert traffic.problems == [], log.read_text()[-6000:]
    assert (traffic.health_down_answers > 0) == unreachable
    return traffic


def kept_notes(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = {row[0] for row in connection.execute(text("SELECT text FROM member_note"))}
    engine.dispose()
    return found


def gunicorn_master(log: Path) -> int:
    return int(re.search(r"Listening at: \S+ \((\d+)\)", log.read_text()).group(1))


def build(database_url: str) -> None:
    """Schema, framework and demo accounts, made here rather than by three `flask` commands,
    each of which would load the app again."""
    upgrade_to_head(database_url)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        load_release(db.session())
        demo.seed(db.session(), people=PEOPLE, seed=2026)
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def built_sqlite(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("outages") / "built.db"
    build(f"sqlite:///{database}")
    return database


@pytest.fixture
def sqlite_service(built_sqlite, tmp_path):
    """A copy of the built database, served; yields (database file, base URL, gunicorn log)."""
    database, log = tmp_path / "live.db", tmp_path / "gunicorn.log"
    with sqlite3.connect(built_sqlite) as built, sqlite3.connect(database) as copy:
        built.backup(copy)
    built.close(), copy.close()
    # Writes give up on a lock after a second, so an outage longer than that is quick to make.
    env = {**server.app_env(database), "SQLITE_BUSY_SECONDS": "1"}
    with server.gunicorn(env, log) as base:
        yield database, base, log


def test_a_database_locked_for_longer_than_the_busy_timeout(sqlite_service):
    database, base, log = sqlite_service
    other_writer = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    traffic = through_an_outage(
        base,
        log,
        lambda: other_writer.execute("BEGIN IMMEDIATE"),  # holds the write lock until it ends
        lambda: other_writer.execute("ROLLBACK"),
        unreachable=False,  # reading goes on, so /healthz rightly stays 200
    )
    other_writer.close()
    assert set(traffic.acknowledged) <= kept_notes(f"sqlite:///{database}")
    assert "Traceback" not in log.read_text()


def test_a_database_file_moved_away_and_back(sqlite_service):
    database, base, log = sqlite_service
    away = database.with_name("moved-away.db")

    def move_away():
        database.rename(away)
        # Workers started while it is away (a deploy, a recycled worker) must not make a new one.
        os.kill(gunicorn_master(log), signal.SIGHUP)

    def move_back():
        assert not database.exists(), "a new database file was made in place of the missing one"
        away.rename(database)

    traffic = through_an_outage(base, log, move_away, move_back)
    assert set(traffic.acknowledged) <= kept_notes(f"sqlite:///{database}")
    assert "Traceback" not in log.read_text()


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as found:
        if found is None:
            if os.environ.get("CI"):
                pytest.fail("PostgreSQL is not installed; `make test` installs it")
            pytest.skip("PostgreSQL is not installed")
        yield found


def test_a_page_made_before_postgresql_stopped_is_still_sent(postgres):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=postgres.url)

    @public
    def answered_then_stopped():
        db.session().exec(text("SELECT 1"))  # the request's transaction is open
        postgres.stop()
        return "Your answer was saved"

    app.add_url_rule("/answered-then-stopped", view_func=answered_then_stopped)
    try:
        response = app.test_client().get("/answered-then-stopped")
    finally:
        postgres.start()
    assert response.status_code == 200 and response.get_data(as_text=True) == "Your answer was saved"
    app.extensions["db_engine"].dispose()


def test_postgresql_stopped_and_started_again_under_traffic(postgres, tmp_path):
    env = server.app_env(postgres.url)
    build(postgres.url)
    log = tmp_path / "gunicorn.log"
    with server.gunicorn(env, log) as base:
        traffic = through_an_outage(base, log, postgres.stop, postgres.start)
    assert set(traffic.acknowledged) <= kept_notes(postgres.url)
    assert "Traceback" not in log.read_text()
