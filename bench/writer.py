"""A bounded writer, run as its own process beside wrk: `python -m bench.writer PLAN OUT`.

PLAN (JSON, written by bench/load_writes.py) names the servers, the rate, the signed-in civil
servant accounts (their session cookies), an API client's token and the completions it may
report. Writes start on a schedule, write i at i / rate seconds, never closer together than
1 / rate, and only while fewer than `max_in_flight` are unanswered: a writer that falls behind
stays behind (how far is recorded) rather than catching up in a burst. Every
`attendance_every`-th write reports a completed course through POST /api/v1/learning/completions;
the others change one skill rating of one account's self-assessment and submit it through the
real pages, as a browser would: the question page, its form posted back with one answer
changed, "check your answers" and its confirm button, and the confirmation page. A submission
is acknowledged by the redirect to /profile/submitted; a completion by a 200 that counts it as
recorded. The writer stops when its standard input closes, lets the writes in flight finish,
and writes OUT (JSON): every acknowledged write, every answer's status and the pacing.
"""

import json
import queue
import random
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import requests

TIMEOUT = 60
SUBMITTED = "/profile/submitted"
PAGE_OF = re.compile(r"page \d+ of (\d+)")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class QuestionPage(HTMLParser):
    """The answers a question page shows: the radio chosen in each question (None when none
    is) and the text in each example box."""

    def __init__(self, html: str):
        super().__init__()
        self.radios: dict[str, str | None] = {}
        self.examples: dict[str, str] = {}
        self._box: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "radio" and attrs.get("name", "").startswith("skill_"):
            chosen = attrs["value"] if "checked" in attrs else None
            self.radios[attrs["name"]] = self.radios.get(attrs["name"]) or chosen
        elif tag == "textarea" and attrs.get("name", "").startswith("example_"):
            self._box = attrs["name"]
            self.examples[self._box] = ""

    def handle_data(self, data):
        if self._box:
            self.examples[self._box] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._box = None


def skill_of(field: str) -> str:
    return field.removeprefix("skill_").replace("_", "-")  # field_name in ddat/forms/profile.py


class Writer:
    def __init__(self, plan: dict):
        self.plan = plan
        self.bases = plan["bases"]
        self.rng = random.Random(plan.get("seed", 2026))
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.unacknowledged: list[str] = []
        self.ratings: list[list] = []  # [person id, skill, level] in the order acknowledged
        self.completions: list[list] = []  # [staff number, item]
        self.latency: dict[str, list[float]] = {"assessment": [], "completion": []}
        self.pages = 0  # question pages, read off the first one fetched
        self.accounts: queue.Queue = queue.Queue()
        for account in plan["accounts"]:
            browser = requests.Session()
            for name, value, domain, path in account["cookies"]:  # as the server set them, so it can replace them
                browser.cookies.set(name, value, domain=domain, path=path)
            self.accounts.put((account, browser))
        self.unreported = iter(plan["completions"])
        self.in_flight = 0
        self.most_in_flight = 0

    def send(self, browser, method: str, url: str, **kwargs):
        try:
            answer = browser.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            with self.lock:
                self.statuses["no answer"] += 1
                self.errors.append(f"{method} {url}: {type(error).__name__}")
            return None
        with self.lock:
            self.statuses[str(answer.status_code)] += 1
            if answer.status_code >= 400:
                self.errors.append(f"{method} {url}: {answer.status_code}")
        return answer

    def refused(self, what: str, answer) -> None:
        with self.lock:
            self.unacknowledged.append(f"{what}: {answer.status_code if answer is not None else 'no answer'}")

    def assessment(self, base: str, account: dict, browser, rng: random.Random) -> None:
        page = rng.randint(1, self.pages) if self.pages else 1
        url = f"{base}/profile/skills/{page}"
        shown = self.send(browser, "GET", url)
        if shown is None or shown.status_code != 200:
            return self.refused(f"question page {page} for person {account['person_id']}", shown)
        self.pages = self.pages or int(PAGE_OF.search(shown.text).group(1))
        answers = QuestionPage(shown.text)
        field = rng.choice(sorted(answers.radios))
        held = answers.radios[field]
        level = rng.choice([n for n in range(5) if str(n) != held])
        # The rest of the page as shown; a question with no answer yet is sent as "not yet".
        form = {name: chosen or "0" for name, chosen in answers.radios.items()} | {field: str(level)}
        form |= {name: unescape(text).strip() for name, text in answers.examples.items()}
        form["csrf_token"] = CSRF.search(shown.text).group(1)
        saved = self.send(browser, "POST", url, data=form)
        if saved is None or saved.status_code != 302:
            return self.refused(f"page {page} for person {account['person_id']}", saved)
        check = self.send(browser, "GET", f"{base}/profile/check")
        if check is None or check.status_code != 200:
            return self.refused(f"check your answers for person {account['person_id']}", check)
        confirmed = self.send(browser, "POST", f"{base}/profile/check", data={"csrf_token": CSRF.search(check.text)[1]})
        if confirmed is None or confirmed.status_code != 302 or confirmed.headers.get("Location") != SUBMITTED:
            return self.refused(f"submitting for person {account['person_id']}", confirmed)
        with self.lock:
            self.ratings.append([account["person_id"], skill_of(field), level])
        self.send(browser, "GET", base + SUBMITTED)  # the confirmation a browser shows next

    def completion(self, base: str, reported: dict) -> None:
        body = {"completions": [{**reported, "completed_on": self.plan["completed_on"]}]}
        headers = {"Authorization": f"Bearer {self.plan['token']}"}
        answer = self.send(requests, "POST", f"{base}/api/v1/learning/completions", json=body, headers=headers)
        if answer is None or answer.status_code != 200 or answer.json().get("recorded") != 1:
            return self.refused(f"completion of {reported['item']} by {reported['staff_number']}", answer)
        with self.lock:
            self.completions.append([reported["staff_number"], reported["item"]])

    def one(self, number: int, kind: str, base: str, rng: random.Random) -> None:
        started = time.monotonic()
        try:
            if kind == "completion":
                self.completion(base, next(self.unreported))
            else:
                account, browser = self.accounts.get()
                try:
                    self.assessment(base, account, browser, rng)
                finally:
                    self.accounts.put((account, browser))
        except Exception as error:  # a writer thread that fails is a failure, not a quieter run
            with self.lock:
                self.errors.append(f"write {number} ({kind}) stopped: {error!r}")
        finally:
            with self.lock:
                self.latency[kind].append(time.monotonic() - started)
                self.in_flight -= 1

    def run(self, stop: threading.Event) -> dict:
        rate, every = self.plan["rate"], self.plan["attendance_every"]
        interval, slots = 1 / rate, threading.Semaphore(self.plan["max_in_flight"])
        behind, number, last_start = [], 0, None
        started = time.monotonic()
        with ThreadPoolExecutor(self.plan["max_in_flight"]) as pool:
            while True:
                due = started + number * interval
                start_at = due if last_start is None else max(due, last_start + interval)
                if stop.wait(max(0.0, start_at - time.monotonic())):
                    break
                while not slots.acquire(timeout=0.1):  # at most max_in_flight unanswered
                    if stop.is_set():
                        break
                if stop.is_set():
                    break
                last_start = time.monotonic()
                behind.append(last_start - due)
                kind = "completion" if number % every == every - 1 else "assessment"
                with self.lock:
                    self.in_flight += 1
                    self.most_in_flight = max(self.most_in_flight, self.in_flight)
                seed = self.rng.random()
                future = pool.submit(self.one, number, kind, self.bases[number % len(self.bases)], random.Random(seed))
                future.add_done_callback(lambda _: slots.release())
                number += 1
            scheduled_seconds = time.monotonic() - started
        return self.report(number, scheduled_seconds, behind)

    def report(self, started: int, seconds: float, behind: list[float]) -> dict:
        acknowledged = len(self.ratings) + len(self.completions)
        return {
            "rate": self.plan["rate"],
            "seconds": round(seconds, 2),
            "writes_started": started,
            "achieved_per_s": round(started / seconds, 2) if seconds else 0.0,
            "acknowledged_per_s": round(acknowledged / seconds, 2) if seconds else 0.0,
            "behind_s": {
                "most": round(max(behind, default=0.0), 3),
                "at_end": round(behind[-1] if behind else 0.0, 3),
                "writes_over_100_ms_late": sum(b > 0.1 for b in behind),
            },
            "most_in_flight": self.most_in_flight,
            "write_ms": {kind: milliseconds(times) for kind, times in self.latency.items()},
            "acknowledged": {"assessments": len(self.ratings), "completions": len(self.completions)},
            "status_counts": dict(sorted(self.statuses.items())),
            "errors": len(self.errors),
            "first_errors": self.errors[:20],
            "server_errors_5xx": sum(n for status, n in self.statuses.items() if status.startswith("5")),
            "unacknowledged": self.unacknowledged[:20],
            "unacknowledged_count": len(self.unacknowledged),
            "acknowledged_ratings": self.ratings,
            "acknowledged_completions": self.completions,
        }


def milliseconds(times: list[float]) -> dict:
    ordered = sorted(times)
    if not ordered:
        return {"count": 0}
    at = lambda share: round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)  # noqa: E731
    return {"count": len(ordered), "p50": at(0.5), "p95": at(0.95), "max": round(ordered[-1] * 1000, 1)}


def main(plan_path: str, out_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    stop = threading.Event()

    def until_stdin_closes():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=until_stdin_closes, daemon=True).start()
    writer = Writer(plan)
    print("writing", flush=True)
    Path(out_path).write_text(json.dumps(writer.run(stop)))


if __name__ == "__main__":
    main(*sys.argv[1:])
