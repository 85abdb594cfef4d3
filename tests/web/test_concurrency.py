"""Places hold when many people act at the same moment: races against a live gunicorn server
with four workers, on SQLite and on PostgreSQL. Every request in a race is released by one
barrier, each from its own signed-in browser, and the database is read afterwards."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
import requests
from flask import Flask
from sqlalchemy import func
from sqlmodel import select

from bench.server import app_env, csrf_token, gunicorn, sign_in
from ddat import db
from ddat.models import AuditEvent, Department, LearningSession, Person, Registration, Scheme, SchemeMember, User
from ddat.services import learning, schemes
from ddat.services import scheme_members as members
from ddat.services.accounts import hash_password
from ddat.services.framework import current_framework
from pathways import Profile
from tests.support import empty_postgres, seeded_database

ROUNDS = 3
PEOPLE = 20
PASSWORD = "pathways-demo-2026"
HR = "hr@example.gov.uk"
TARGET = "associate-data-analyst"
names = count(1)


@dataclass
class Live:
    base: str
    app: Flask
    people: list[requests.Session] = field(default_factory=list)  # signed in, one per person
    person_ids: list[int] = field(default_factory=list)
    hr: requests.Session | None = None

    def new_item(self, sessions: int, capacity: int) -> tuple[int, str, list[int]]:
        """A learning item for everyone with upcoming sessions, made as HR's forms make them."""
        with self.app.app_context():
            hr = db.session().exec(select(User).where(User.email == HR)).one()
            n = next(names)
            answers = {"name": f"Race {n}", "provider": "Test", "description": "", "audience": []}
            item = learning.save_item(
                db.session(), None, {**answers, "format": "online", "duration_hours": 2, "skills": []}, hr
            )
            ids = []
            for day in range(sessions):
                starts = datetime.now(UTC) + timedelta(days=10 + day)
                session = LearningSession(
                    item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=2), location="Teams"
                )
                learning.save_session(db.session(), session, {"capacity": capacity, "online": True}, hr)
                ids.append(session.id)
            return item.id, item.slug, ids

    def new_scheme(self, capacity: int) -> tuple[int, list[int]]:
        """An open scheme everyone in the race has applied to."""
        with self.app.app_context():
            database = db.session()
            today = date.today()
            hr = database.exec(select(User).where(User.email == HR)).one()
            scheme = schemes.save_scheme(
                database,
                Scheme(),
                {
                    "name": f"Race scheme {next(names)}",
                    "description": "",
                    "professions": [],
                    "grade_from": None,
                    "grade_to": None,
                    "min_fit": 0,
                    "capacity": capacity,
                    "opens_on": today,
                    "closes_on": today + timedelta(days=30),
                    "starts_on": today + timedelta(days=60),
                    "ends_on": today + timedelta(days=400),
                    "status": "open",
                    "targets": [TARGET],
                    "departments": [],
                },
                hr,
            )
            fw = current_framework(database)
            applied = [
                members.apply(database, fw, scheme, database.get(Person, pid), Profile(), "I would like to join")
                for pid in self.person_ids
            ]
            return scheme.id, [m.id for m in applied]

    def statuses(self, model, **where) -> dict[str, int]:
        with self.app.app_context():
            query = select(model.status, func.count()).group_by(model.status)
            for column, value in where.items():
                query = query.where(getattr(model, column) == value)
            return dict(db.session().exec(query).all())


def _add_people(database) -> list[tuple[int, str]]:
    department = database.exec(select(Department).order_by(Department.id)).first()
    password_hash = hash_password(PASSWORD)
    people = []
    for n in range(PEOPLE):
        email = f"racer.{n}@example.gov.uk"
        user = User(email=email, password_hash=password_hash, role="civil_servant")
        database.add(user)
        database.flush()
        person = Person(
            user_id=user.id,
            display_name=f"Racer {n}",
            staff_number=f"RACE{n:04d}",
            department_id=department.id,
            profession="policy",
            grade="EO",
            shares_with_hr=True,
        )
        database.add(person)
        database.flush()
        people.append((person.id, email))
    database.commit()
    return people


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'race.db'}"
    else:
        url = empty_postgres(request.getfixturevalue("postgres_url"))
    app = seeded_database(url)
    with app.app_context():
        people = _add_people(db.session())
    with gunicorn(app_env(url), folder / "gunicorn.log", workers=4) as base:
        live = Live(base, app, person_ids=[pid for pid, _ in people])
        with ThreadPoolExecutor(4) as pool:  # signing in is slow on purpose (password hashing)
            *live.people, live.hr = pool.map(
                lambda email: sign_in(base, email, PASSWORD), [e for _, e in people] + [HR]
            )
        yield live
    app.extensions["db_engine"].dispose()


def _browser_like(browser: requests.Session) -> requests.Session:
    """Another browser signed in as the same person (a second tab, a double click)."""
    twin = requests.Session()
    twin.cookies.update(browser.cookies)
    return twin


def _race(jobs: list[tuple[requests.Session, str, dict]], form_page: str | None = None) -> list[requests.Response]:
    """Fill in every form first (on its own page, or `form_page`), then send them all at once."""
    ready = []
    for browser, url, form in jobs:
        page = browser.get(form_page or url, timeout=60)
        assert page.status_code == 200, f"{form_page or url} answered {page.status_code}"
        ready.append((browser, url, {**form, "csrf_token": csrf_token(page.text)}))
    barrier = threading.Barrier(len(ready))

    def send(job):
        browser, url, form = job
        barrier.wait()
        return browser.post(url, data=form, allow_redirects=False, timeout=120)

    with ThreadPoolExecutor(len(ready)) as pool:
        answers = list(pool.map(send, ready))
    assert [a.status_code for a in answers if a.status_code >= 500] == []
    return answers


def test_twenty_people_booking_ten_places_at_once_fill_exactly_ten(live):
    for _ in range(ROUNDS):
        _, slug, (session_id,) = live.new_item(sessions=1, capacity=10)
        url = f"{live.base}/masterclasses/{slug}/sessions/{session_id}/book"
        answers = _race([(browser, url, {}) for browser in live.people])
        assert [a.status_code for a in answers] == [302] * PEOPLE  # each given a place or a place in the queue
        assert live.statuses(Registration, session_id=session_id) == {"registered": 10, "waiting": 10}


def test_twenty_enrol_decisions_on_a_two_place_scheme_enrol_exactly_two(live):
    for _ in range(ROUNDS):
        scheme_id, member_ids = live.new_scheme(capacity=2)
        jobs = [
            (_browser_like(live.hr), f"{live.base}/schemes/{scheme_id}/members/{member_id}", decision)
            for member_id in member_ids
            for decision in [{"action": "decision", "status": "enrolled", "reason": "", "placed_level": ""}]
        ]
        answers = _race(jobs)
        assert live.statuses(SchemeMember, scheme_id=scheme_id) == {"enrolled": 2, "applied": PEOPLE - 2}
        assert sorted(a.status_code for a in answers) == [200] * (PEOPLE - 2) + [302] * 2
        refused = [a.text for a in answers if a.status_code == 200]
        assert all("The scheme is full: all 2 places are taken" in text for text in refused)


def test_one_bulk_shortlist_sent_from_twenty_tabs_at_once_shortlists_each_applicant_once(live):
    scheme_id, member_ids = live.new_scheme(capacity=2)
    url = f"{live.base}/schemes/{scheme_id}/candidates/selected"
    form = {"action": "shortlist", "person": [str(pid) for pid in live.person_ids]}
    answers = _race([(_browser_like(live.hr), url, form) for _ in range(PEOPLE)], url.removesuffix("/selected"))
    assert [a.status_code for a in answers] == [302] * PEOPLE
    assert live.statuses(SchemeMember, scheme_id=scheme_id) == {"shortlisted": PEOPLE}
    with live.app.app_context():
        moves = (
            db.session()
            .exec(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "scheme.member_shortlisted", AuditEvent.object_id.in_(map(str, member_ids)))
            )
            .one()
        )
    assert moves == PEOPLE  # each applicant moved once, whichever tab got there first


def test_one_person_booking_four_sessions_of_one_item_at_once_gets_one_place(live):
    for n in range(ROUNDS):
        item_id, slug, session_ids = live.new_item(sessions=4, capacity=10)
        me = live.people[n]
        jobs = [
            (_browser_like(me), f"{live.base}/masterclasses/{slug}/sessions/{session_id}/book", {})
            for session_id in session_ids
        ]
        answers = _race(jobs)
        held = live.statuses(Registration, item_id=item_id, person_id=live.person_ids[n])
        assert held == {"registered": 1}
        assert sorted(a.status_code for a in answers) == [200, 200, 200, 302]
        refused = [a.text for a in answers if a.status_code == 200]
        assert all("Already registered for a session" in text for text in refused)


def test_a_session_cancelled_while_nineteen_people_book_it_leaves_no_place_and_tells_everyone_booked(live):
    from ddat.models import OutboxMessage

    for _ in range(ROUNDS):
        _, slug, (session_id,) = live.new_item(sessions=1, capacity=10)
        url = f"{live.base}/masterclasses/{slug}/sessions/{session_id}"
        bookings = [(browser, f"{url}/book", {}) for browser in live.people[: PEOPLE - 1]]
        answers = _race([*bookings, (_browser_like(live.hr), f"{url}/cancel", {"reason": "Room flooded"})])
        assert answers[-1].status_code == 302
        held = live.statuses(Registration, session_id=session_id)
        assert set(held) <= {"cancelled"}  # no place or waiting-list place survives the cancellation
        booked_first = sum(1 for a in answers[:-1] if a.status_code == 302)
        assert held.get("cancelled", 0) == booked_first
        assert all("This session has been cancelled" in a.text for a in answers[:-1] if a.status_code == 200)
        with live.app.app_context():
            told = db.session().exec(
                select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.template.in_(("session_cancelled", "waiting_session_cancelled")),
                    OutboxMessage.personalisation["learning"].as_string() == f"Race {slug.split('-')[-1]}",
                )
            ).one()  # fmt: skip
        assert told == booked_first  # everyone whose booking landed first was told


def test_twenty_reset_requests_at_once_send_one_account_no_more_than_three_emails(live):
    from ddat.models import OutboxMessage
    from ddat.services.password_resets import LINKS_PER_HOUR

    email = "reset.race@example.gov.uk"
    with live.app.app_context():
        database = db.session()
        database.add(User(email=email, password_hash=hash_password(PASSWORD), role="civil_servant"))
        database.commit()
    url = f"{live.base}/forgot-password"
    answers = _race([(requests.Session(), url, {"email": email}) for _ in range(PEOPLE)])
    assert [a.status_code for a in answers] == [200] * PEOPLE  # everyone told "Check your email"
    with live.app.app_context():
        sent = db.session().exec(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "password_reset",
                                                                  OutboxMessage.to_address == email)
        ).one()  # fmt: skip
    assert sent == LINKS_PER_HOUR  # the limit holds however many ask at the same moment


def test_a_session_signed_out_on_one_worker_is_ended_on_every_worker(live):
    browser = sign_in(live.base, HR, PASSWORD)
    copy = _browser_like(browser)
    # Every worker has served the session (20 requests over 4 workers) before it ends.
    assert {copy.get(f"{live.base}/schemes", allow_redirects=False, timeout=60).status_code for _ in range(20)} == {200}
    token = csrf_token(browser.get(f"{live.base}/sign-out", timeout=60).text)
    assert browser.post(f"{live.base}/sign-out", data={"csrf_token": token}, timeout=60).status_code == 200
    answers = [copy.get(f"{live.base}/schemes", allow_redirects=False, timeout=60) for _ in range(20)]
    assert {a.status_code for a in answers} == {302}
    assert all("/sign-in" in a.headers["Location"] for a in answers)


def test_a_page_of_answers_sent_ten_times_at_once_keeps_one_rating_per_skill(live):
    import re

    from ddat.models import Assessment, SkillRating

    me, person_id = live.people[5], live.person_ids[5]
    url = f"{live.base}/profile/skills/1"
    skills = sorted(set(re.findall(r'name="(skill_[a-z_]+)"', me.get(url, timeout=60).text)))
    assert skills
    answers = _race([(_browser_like(me), url, {name: "2" for name in skills}) for _ in range(10)])
    assert {a.status_code for a in answers} == {302}
    with live.app.app_context():
        session = db.session()
        drafts = session.exec(
            select(Assessment.id).where(Assessment.person_id == person_id, Assessment.submitted_at.is_(None))
        ).all()
        assert len(drafts) == 1
        rated = session.exec(select(SkillRating.skill).where(SkillRating.assessment_id == drafts[0])).all()
    assert sorted(rated) == sorted(name.removeprefix("skill_").replace("_", "-") for name in skills)


def test_one_new_account_registered_four_times_at_once_is_one_account_and_no_error(live):
    url = f"{live.base}/register"
    form = {"display_name": "Dee Double", "password": "orange-tractor-lighthouse"}
    for n in range(ROUNDS):
        email = f"dee.double.{n}@example.gov.uk"
        spellings = [email, email.title(), email.upper(), email]
        answers = _race([(requests.Session(), url, {**form, "email": spelling}) for spelling in spellings])
        codes = [a.status_code for a in answers]
        assert codes == [200] * 4, codes  # every one answered "Check your email", none an error
        assert all("Check your email" in a.text for a in answers)
        with live.app.app_context():
            assert len(db.session().exec(select(User).where(User.email == email)).all()) == 1


def test_twenty_namings_of_a_line_manager_at_once_leave_one_open_and_no_more_than_three_a_day(live):
    from ddat.models import LineManagement

    me, person_id = live.people[6], live.person_ids[6]
    url = f"{live.base}/profile/line-manager"
    managers = [f"racer.{n}@example.gov.uk" for n in range(PEOPLE) if n != 6][:20]
    answers = _race([(_browser_like(me), url, {"email": email}) for email in managers])
    assert sum(1 for a in answers if a.status_code == 302) == 3  # the rest are told to try tomorrow
    with live.app.app_context():
        session = db.session()
        open_links = session.exec(
            select(LineManagement).where(LineManagement.report_id == person_id, LineManagement.ended_at.is_(None))
        ).all()
        named = session.exec(select(LineManagement).where(LineManagement.report_id == person_id)).all()
    assert len(open_links) == 1
    assert len(named) == 3


def test_two_people_accepting_to_manage_each_other_at_once_make_no_loop(live):
    from ddat.models import LineManagement

    (a, a_id), (b, b_id) = (live.people[7], live.person_ids[7]), (live.people[8], live.person_ids[8])
    for browser, manager in ((a, "racer.8@example.gov.uk"), (b, "racer.7@example.gov.uk")):
        page = f"{live.base}/profile/line-manager"
        token = csrf_token(browser.get(page, timeout=60).text)
        assert browser.post(page, data={"email": manager, "csrf_token": token}, timeout=60).status_code == 200
    with live.app.app_context():
        session = db.session()
        b_manages_a = session.exec(select(LineManagement.id).where(LineManagement.report_id == a_id)).one()
        a_manages_b = session.exec(select(LineManagement.id).where(LineManagement.report_id == b_id)).one()
    jobs = [(_browser_like(b), f"{live.base}/team/requests/{b_manages_a}", {"answer": "yes"}) for _ in range(10)]
    jobs += [(_browser_like(a), f"{live.base}/team/requests/{a_manages_b}", {"answer": "yes"}) for _ in range(10)]
    _race(jobs)
    with live.app.app_context():
        accepted = (
            db.session()
            .exec(
                select(LineManagement).where(
                    LineManagement.report_id.in_([a_id, b_id]), LineManagement.accepted_at.is_not(None)
                )
            )
            .all()
        )
    assert len(accepted) == 1
