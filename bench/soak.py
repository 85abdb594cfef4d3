"""Reliability soak: signed-in people reading and writing at once, then a check that no write was lost.

Run with `python -m bench.soak`. BENCH_SOAK_PEOPLE sets the workforce size (20,000 by
default) and SOAK_SECONDS how long it runs (600 by default). The database is built with the
project's CLI and served by gunicorn with 2 workers, as in bench/load.py. Eight simulated
users, each with their own signed-in session, run until the deadline: five civil servants
read framework, matches and masterclass pages and switch HR sharing on /profile/data on and
off; two HR users read the candidate pool and members and add notes to a member each; a
leader reads the dashboards; two more civil servants change a skill rating of their
self-assessment and submit it through the real pages (bench/writer.py's steps), about once a
second between them, so the cached skills matrix keeps changing under the other readers. Every
write the app acknowledged is recorded, and once the server has stopped the database must hold
each one: a person's sharing choice is the last one acknowledged, every acknowledged note is
there, and each assessor has one submitted version per acknowledged submission holding the
level last acknowledged for each skill (bench/writes.py). Any 5xx fails the soak. Writes
bench/results/soak.json and prints the same JSON.
"""

import json
import os
import random
import re
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

from bench import server, writes
from bench.common import machine, write
from bench.load_writes import cookie_jar
from bench.writer import Writer

PEOPLE = int(os.environ.get("BENCH_SOAK_PEOPLE", "20000"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CIVIL_SERVANTS = 5
HR_USERS = 2
ASSESSORS = 2
ASSESSOR_PAUSE = 2.0  # seconds between one assessor's submissions
WRITE_SHARE = 0.25
TIMEOUT = 60
MASTERCLASS = "data-masterclass-for-permanent-secretaries"
SAVED_CHOICE = "Your choice has been saved."
NOTE_ADDED = "Note added."
RESULTS = Path(__file__).parent / "results" / "soak.json"

CIVIL_SERVANT_READS = {
    "framework": "/framework",
    "framework_level": "/framework/roles/data-analyst/senior-data-analyst",
    "framework_search": "/framework/search?q=data",
    "matches": "/profile/matches",
    "pathway": "/profile/pathway?to=senior-data-analyst",
    "masterclasses": "/masterclasses",
    "masterclass": f"/masterclasses/{MASTERCLASS}",
    "my_learning": "/masterclasses/mine",
}
HR_READS = {
    "candidate_pool": "/schemes/{scheme}/candidates",
    "members": "/schemes/{scheme}/members",
    "member": "/schemes/{scheme}/members/{member}",
    "scheme_dashboard": "/schemes/{scheme}/dashboard",
}
LEADER_READS = {name: f"/dashboards/{name}" for name in ("skills", "gaps", "pipeline", "learning")}


class Tally:
    """What every simulated user saw, shared between their threads."""

    def __init__(self, base: str, deadline: float):
        self.base, self.deadline = base, deadline
        self.lock = threading.Lock()
        self.kinds: Counter = Counter()
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.consent: dict[int, bool] = {}  # person id: the last acknowledged choice
        self.notes: dict[int, list[str]] = {}  # member id: every acknowledged note
        self.acknowledged = 0
        self.unacknowledged: list[str] = []

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def send(self, kind: str, browser: requests.Session, method: str, path: str, **kwargs):
        try:
            answer = browser.request(method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.kinds[kind] += 1
                self.statuses["no answer"] += 1
                self.failures.append(f"{method} {path}: {type(error).__name__}")
            return None
        with self.lock:
            self.kinds[kind] += 1
            self.statuses[str(answer.status_code)] += 1
            if answer.status_code >= 500:
                self.failures.append(f"{method} {path}: {answer.status_code}")
        return answer

    def run(self, act, *args) -> None:
        """One user's thread: a user that stops early is a failure, not a quieter soak."""
        try:
            act(self, *args)
        except Exception as error:
            with self.lock:
                self.failures.append(f"{act.__name__} stopped: {error!r}")

    def sharing_saved(self, person_id: int, shares: bool) -> None:
        with self.lock:
            self.acknowledged += 1
            self.consent[person_id] = shares

    def note_saved(self, member_id: int, text: str) -> None:
        with self.lock:
            self.acknowledged += 1
            self.notes.setdefault(member_id, []).append(text)

    def refused(self, what: str, answer) -> None:
        with self.lock:
            self.unacknowledged.append(f"{what}: {answer.status_code if answer is not None else 'no answer'}")


def add_accounts(database: Path) -> list[tuple[str, int]]:
    """Civil servant accounts for synthetic people, made before the server starts (registering
    over HTTP is rate limited per address). Each gets a person of their own, so the last write
    to each person's sharing choice comes from one user only."""
    made = writes.add_accounts(f"sqlite:///{database}", CIVIL_SERVANTS, "soak")
    return [(account["email"], account["person_id"]) for account in made]


def saved(tally: Tally, browser: requests.Session, answer, page: str, banner: str) -> bool:
    """A form acknowledges a write by redirecting back to its page, which shows `banner` once."""
    if answer is None or answer.status_code != 302 or answer.headers.get("Location") != page:
        return False
    shown = tally.send("after_write", browser, "GET", page)
    return shown is not None and shown.status_code == 200 and banner in shown.text


def civil_servant(tally: Tally, browser: requests.Session, person_id: int, rng: random.Random) -> None:
    while tally.running():
        if rng.random() >= WRITE_SHARE:
            kind, path = rng.choice(list(CIVIL_SERVANT_READS.items()))
            tally.send(kind, browser, "GET", path)
            continue
        page = tally.send("my_data", browser, "GET", "/profile/data")
        if page is None or page.status_code != 200:
            continue
        choice = rng.choice(["yes", "no"])
        form = {"csrf_token": server.csrf_token(page.text), "shares_with_hr": choice}
        answer = tally.send("write_sharing", browser, "POST", "/profile/data", data=form)
        if saved(tally, browser, answer, "/profile/data", SAVED_CHOICE):
            tally.sharing_saved(person_id, choice == "yes")
        else:
            tally.refused(f"sharing for person {person_id}", answer)


def hr(tally: Tally, browser: requests.Session, scheme: int, member: int, name: str, rng: random.Random) -> None:
    written = 0
    member_page = f"/schemes/{scheme}/members/{member}"
    while tally.running():
        if rng.random() >= WRITE_SHARE:
            kind, path = rng.choice(list(HR_READS.items()))
            tally.send(kind, browser, "GET", path.format(scheme=scheme, member=member))
            continue
        page = tally.send("member", browser, "GET", member_page)
        if page is None or page.status_code != 200:
            continue
        written += 1
        text = f"Soak note {name}-{written}"
        form = {"csrf_token": server.csrf_token(page.text), "action": "note", "text": text}
        answer = tally.send("write_note", browser, "POST", member_page, data=form)
        if saved(tally, browser, answer, member_page, NOTE_ADDED):
            tally.note_saved(member, text)
        else:
            tally.refused(f"note {text!r} on member {member}", answer)


def assessor(tally: Tally, writer: Writer, rng: random.Random) -> None:
    """Submits one changed rating at a time, as bench.load --with-writes does."""
    account, browser = writer.accounts.get()
    while tally.running():
        writer.assessment(tally.base, account, browser, rng)
        time.sleep(ASSESSOR_PAUSE * rng.uniform(0.5, 1.5))


def assessors(base: str, accounts: list[dict]) -> Writer:
    """One writer holding the assessors' signed-in sessions; each assessor thread takes one."""
    signed_in = [account | {"cookies": cookie_jar(server.sign_in(base, account["email"]))} for account in accounts]
    return Writer({"bases": [base], "accounts": signed_in, "completions": []})


def leader(tally: Tally, browser: requests.Session, rng: random.Random) -> None:
    while tally.running():
        kind, path = rng.choice(list(LEADER_READS.items()))
        tally.send(f"dashboard_{kind}", browser, "GET", path)


def invite(base: str, browser: requests.Session, scheme: int, taken: set[int]) -> int:
    """A scheme member for one HR user to write notes on: a candidate nobody else is using."""
    pool = browser.get(f"{base}/schemes/{scheme}/candidates", timeout=TIMEOUT).text
    people = [int(p) for p in re.findall(rf"/schemes/{scheme}/candidates/(\d+)/invite", pool)]
    person = next(p for p in people if p not in taken)
    taken.add(person)
    answer = browser.post(
        f"{base}/schemes/{scheme}/candidates/{person}/invite",
        data={"csrf_token": server.csrf_token(pool)},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    made = re.search(r"/members/(\d+)", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not made:
        raise RuntimeError(f"inviting person {person} answered {answer.status_code}")
    return int(made.group(1))


def verify(database: Path, tally: Tally) -> tuple[dict, list[str]]:
    """Read the database the server wrote, after it has stopped."""
    lost = []
    with sqlite3.connect(database) as db:
        for person_id, shares in tally.consent.items():
            stored = bool(db.execute("SELECT shares_with_hr FROM person WHERE id = ?", (person_id,)).fetchone()[0])
            if stored != shares:
                lost.append(f"person {person_id}: sharing is {stored}, last acknowledged {shares}")
        sharing_lost = len(lost)
        found = 0
        for member_id, texts in tally.notes.items():
            stored = {row[0] for row in db.execute("SELECT text FROM member_note WHERE member_id = ?", (member_id,))}
            found += sum(text in stored for text in texts)
            lost += [f"member {member_id}: note {text!r} missing" for text in texts if text not in stored]
    return {"sharing_final_states": len(tally.consent) - sharing_lost, "notes_found": found}, lost


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "soak.db"
        env = server.app_env(database)
        seed_seconds = server.build_database(env, PEOPLE)
        accounts = add_accounts(database)
        assessor_accounts = writes.add_accounts(env["DATABASE_URL"], ASSESSORS)
        with server.gunicorn(env, Path(tmp) / "gunicorn.log") as base:
            rng = random.Random(2026)
            hr_browsers = [server.sign_in(base, server.HR) for _ in range(HR_USERS)]
            scheme = server.hr_scheme(base, hr_browsers[0])
            taken = {person_id for _, person_id in accounts}
            members = [invite(base, browser, scheme, taken) for browser in hr_browsers]
            users = [
                (civil_servant, (server.sign_in(base, email), person_id, random.Random(rng.random())))
                for email, person_id in accounts
            ]
            users += [
                (hr, (browser, scheme, member, f"hr{n}", random.Random(rng.random())))
                for n, (browser, member) in enumerate(zip(hr_browsers, members, strict=True), 1)
            ]
            users.append((leader, (server.sign_in(base, server.LEADER), random.Random(rng.random()))))
            writer = assessors(base, assessor_accounts)
            users += [(assessor, (writer, random.Random(rng.random()))) for _ in assessor_accounts]
            started = time.monotonic()
            tally = Tally(base, started + SECONDS)
            threads = [threading.Thread(target=tally.run, args=(act, *args)) for act, args in users]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            duration = time.monotonic() - started
        verified, lost = verify(database, tally)
        written = {"acknowledged_ratings": writer.ratings, "acknowledged_completions": []}
        assessed = writes.verify(env["DATABASE_URL"], assessor_accounts, [written])
    tally.failures += writer.errors
    tally.unacknowledged += writer.unacknowledged
    tally.acknowledged += len(writer.ratings)
    verified["assessments_acknowledged"] = assessed["assessments_acknowledged"]
    verified["assessment_ratings_checked"] = assessed["ratings_checked"]
    lost += assessed["lost"]
    server_errors = sum(n for status, n in tally.statuses.items() if status.startswith("5"))
    return write(
        RESULTS,
        {
            "machine": machine(),
            "people": PEOPLE,
            "seed_seconds": round(seed_seconds, 1),
            "seconds": round(duration, 1),
            "users": {
                "civil_servants": len(accounts),
                "hr": HR_USERS,
                "leaders": 1,
                "assessors": len(assessor_accounts),
            },  # fmt: skip
            "requests": sum(tally.kinds.values()),
            "requests_by_kind": dict(sorted(tally.kinds.items())),
            "status_counts": dict(sorted(tally.statuses.items())),
            "server_errors_5xx": server_errors,
            "failures": tally.failures[:20],
            "writes_acknowledged": tally.acknowledged,
            "writes_not_acknowledged": tally.unacknowledged[:20],
            "writes_verified": verified,
            "lost_writes": lost,
            "ok": not tally.failures and not tally.unacknowledged and not lost and tally.acknowledged > 0,
        },
    )


if __name__ == "__main__":
    print(json.dumps(main()))
