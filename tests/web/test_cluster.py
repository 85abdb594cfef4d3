"""Two app servers on one PostgreSQL database and one Redis, as `make run-cluster` runs them.

A browser's cookie works on both (cookies ignore ports), so each person here uses one browser
against server A and server B in turn, as a load balancer would send them. What someone does
on one server is what the other serves at the very next request: rate-limit counts (Redis),
sessions (rows in the database) and the per-process caches (checked against change counters in
the database, `ddat/caches/population.py`), each warmed on both servers before the change.
Each server has one worker, so a page served once has certainly warmed that server's caches.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests
from bs4 import BeautifulSoup
from sqlmodel import select

from bench.server import app_env, csrf_token, gunicorn, sign_in
from ddat import db
from ddat.forms.profile import field_name
from ddat.models import Person, User
from ddat.services import learning
from ddat.services.framework import current_framework
from ddat.services.profiles import question_pages
from tests.factories import HR, OPS, POLICY, add_session, make_scheme, person_of
from tests.support import empty_postgres, seeded_database

PASSWORD = "pathways-demo-2026"
LEADER = "leader@example.gov.uk"
ADMIN = "admin@example.gov.uk"
LEARNING = "Working across app servers"
TIMEOUT = 30


@dataclass
class Cluster:
    a: str
    b: str
    scheme_id: int
    learning_slug: str
    learning_session_id: int
    skill_pages: list[list[str]]  # the skills each self-assessment page asks about
    people: dict[str, Person]  # by email
    browsers: dict[str, requests.Session]  # signed in (on server A), by email

    def pool_fit(self, base: str, email: str) -> int | None:
        """The person's fit in HR's candidate pool on this server; None when they are not in it."""
        person = self.people[email]
        page = self.browsers[HR].get(
            f"{base}/schemes/{self.scheme_id}/candidates", params={"q": person.staff_number}, timeout=TIMEOUT
        )
        assert page.status_code == 200
        for row in BeautifulSoup(page.text, "html.parser").select("tbody tr"):
            cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
            if person.display_name in cells[2]:
                return int(re.match(r"(\d+)%", cells[4]).group(1))
        return None

    def post(self, email: str, url: str, form: dict, form_url: str | None = None) -> requests.Response:
        """Fill in a form as the person's browser would: its page first, for the CSRF token."""
        browser = self.browsers[email]
        token = csrf_token(browser.get(form_url or url, timeout=TIMEOUT).text)
        return browser.post(url, data={**form, "csrf_token": token}, allow_redirects=False, timeout=TIMEOUT)


def _learning_with_a_session(app) -> tuple[str, int]:
    """Learning for everyone that nobody has booked yet, with one session in ten days' time."""
    with app.app_context():
        hr = db.session().exec(select(User).where(User.email == HR)).one()
        answers = {"name": LEARNING, "provider": "Test", "description": "", "audience": [], "skills": []}
        slug = learning.save_item(db.session(), None, {**answers, "format": "online", "duration_hours": 2}, hr).slug
    return slug, add_session(app, slug, days=10)


@pytest.fixture(scope="module")
def cluster(postgres_url, redis_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    url = empty_postgres(postgres_url)
    app = seeded_database(url)
    scheme_id = make_scheme(app, name="Across servers", capacity=5)
    slug, session_id = _learning_with_a_session(app)
    with app.app_context():
        pages = [[q.skill for q in page] for page in question_pages(current_framework(db.session()))]
    # One environment for both: they must share the SECRET_KEY that signs the cookie.
    env = {**app_env(url), "RATELIMIT_STORAGE_URI": redis_url, "MAILBOX_DIR": str(folder / "mailbox")}
    with ExitStack() as servers:
        a, b = (servers.enter_context(gunicorn(env, folder / f"{name}.log", workers=1)) for name in "ab")
        emails = [HR, POLICY, OPS]
        with ThreadPoolExecutor(len(emails)) as pool:  # signing in is slow on purpose (password hashing)
            browsers = dict(zip(emails, pool.map(lambda email: sign_in(a, email, PASSWORD), emails), strict=True))
        yield Cluster(a, b, scheme_id, slug, session_id, pages, {e: person_of(app, e) for e in (POLICY, OPS)}, browsers)
    app.extensions["db_engine"].dispose()


def _try_to_sign_in(base: str, email: str, password: str) -> requests.Response:
    browser = requests.Session()
    token = csrf_token(browser.get(f"{base}/sign-in", timeout=TIMEOUT).text)
    form = {"email": email, "password": password, "csrf_token": token}
    return browser.post(f"{base}/sign-in", data=form, allow_redirects=False, timeout=TIMEOUT)


def test_failed_sign_ins_on_both_servers_add_up_to_one_lock(cluster):
    # Three failures on A and two on B: neither server has seen five, together they have.
    for base in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a):
        assert _try_to_sign_in(base, ADMIN, "not the password at all").status_code == 200
    for base in (cluster.b, cluster.a):
        locked = _try_to_sign_in(base, ADMIN, PASSWORD)
        assert locked.status_code == 429 and "Too many attempts" in locked.text


def test_a_cookie_from_one_server_works_on_the_other_until_signed_out_on_either(cluster):
    leader = sign_in(cluster.a, LEADER, PASSWORD)
    copy = requests.Session()  # the same cookie in another browser, or stolen
    copy.cookies.update(leader.cookies)
    assert copy.get(f"{cluster.b}/account", allow_redirects=False, timeout=TIMEOUT).status_code == 200
    token = csrf_token(leader.get(f"{cluster.a}/sign-out", timeout=TIMEOUT).text)
    signed_out = leader.post(f"{cluster.a}/sign-out", data={"csrf_token": token}, timeout=TIMEOUT)
    assert signed_out.status_code == 200 and "You have signed out" in signed_out.text
    ended = copy.get(f"{cluster.b}/account", allow_redirects=False, timeout=TIMEOUT)
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/sign-in")


def test_sharing_switched_off_and_on_on_one_server_changes_hrs_pool_on_the_other_at_once(cluster):
    fit = cluster.pool_fit(cluster.a, OPS)
    assert fit is not None and cluster.pool_fit(cluster.b, OPS) == fit  # both servers' caches warm

    assert cluster.post(OPS, f"{cluster.a}/profile/data", {"shares_with_hr": "no"}).status_code == 302
    assert cluster.pool_fit(cluster.b, OPS) is None
    assert cluster.pool_fit(cluster.a, OPS) is None

    assert cluster.post(OPS, f"{cluster.b}/profile/data", {"shares_with_hr": "yes"}).status_code == 302
    assert cluster.pool_fit(cluster.a, OPS) == fit
    assert cluster.pool_fit(cluster.b, OPS) == fit


def test_a_self_assessment_submitted_on_one_server_changes_hrs_pool_on_the_other_at_once(cluster):
    before = cluster.pool_fit(cluster.a, POLICY)
    assert before is not None and cluster.pool_fit(cluster.b, POLICY) == before  # both warm

    for number, skills in enumerate(cluster.skill_pages, start=1):  # expert in every transferable skill
        answers = {field_name(skill): "4" for skill in skills}
        assert cluster.post(POLICY, f"{cluster.a}/profile/skills/{number}", answers).status_code == 302
    assert cluster.pool_fit(cluster.b, POLICY) == before, "a draft is not in the pool"
    submitted = cluster.post(POLICY, f"{cluster.a}/profile/check", {})
    assert submitted.status_code == 302 and submitted.headers["Location"].endswith("/profile/submitted")

    after = cluster.pool_fit(cluster.b, POLICY)
    assert after > before
    assert cluster.pool_fit(cluster.a, POLICY) == after


def test_a_place_booked_on_one_server_shows_in_the_learning_pages_of_the_other(cluster):
    session_page = f"{cluster.b}/masterclasses/{cluster.learning_slug}/sessions/{cluster.learning_session_id}"
    priya, hr = cluster.browsers[POLICY], cluster.browsers[HR]
    name = cluster.people[POLICY].display_name
    mine = priya.get(f"{cluster.b}/masterclasses/mine", timeout=TIMEOUT)
    assert mine.status_code == 200 and LEARNING not in mine.text
    assert name not in hr.get(session_page, timeout=TIMEOUT).text

    book = f"{cluster.a}/masterclasses/{cluster.learning_slug}/sessions/{cluster.learning_session_id}/book"
    assert cluster.post(POLICY, book, {}).status_code == 302

    assert LEARNING in priya.get(f"{cluster.b}/masterclasses/mine", timeout=TIMEOUT).text
    people = BeautifulSoup(hr.get(session_page, timeout=TIMEOUT).text, "html.parser").select("main tbody tr")
    assert any(name in row.get_text(" ", strip=True) for row in people)
