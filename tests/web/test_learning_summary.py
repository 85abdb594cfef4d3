"""The learning summary (`learning_progress`) stays equal to a count from scratch of the
invitations and registrations through everything that changes them, the learning dashboard's
figures from it equal the exact counts, and a change made anywhere is on the next page."""

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, event, text
from sqlmodel import Session, select

from ddat import db, demo
from ddat.caches.learning import CHUNK, progress
from ddat.imports.attendance_import import import_attendance
from ddat.migrate import alembic_config
from ddat.models import Department, Invitation, LearningItem, LearningSession, Person, Registration, User
from ddat.services import (
    learning,
    learning_completions,
    learning_corrections,
    learning_outcomes,
    learning_records,
    my_data,
    people_feed,
)
from ddat.services.framework import current_framework
from ddat.services.leavers import RETENTION_DAYS, delete_leavers
from ddat.viewmodels.dashboard_filters import Filters
from ddat.viewmodels.dashboards import learning_counters, learning_tables
from tests.client import signed_in_as
from tests.factories import HR, OPS, POLICY, VISUALISATION, add_session, invite, person_of
from tests.support import app_on_each_database, empty_postgres, fresh_app

LEADER = "leader@example.gov.uk"
FOR_EVERYONE = "agile-delivery-essentials"  # an item for every grade
EVERY_MONTH = Filters(since=date(2000, 1, 1), until=date(2100, 12, 1))  # a date range: the exact counts
FILTERS = [Filters(), Filters(profession="policy"), Filters(band="SCS"), Filters(department=2, band="AA-EO")]


# What each (item, person) has reached, counted from scratch, as the rule says: invited 1,
# a place held and not cancelled 2, attended 3, completed 4, the furthest of them; and the
# month completed.
def _month(dialect: str) -> str:
    if dialect == "sqlite":
        return "CAST(strftime('%Y', completed_at) AS INTEGER) * 100 + CAST(strftime('%m', completed_at) AS INTEGER)"
    return "CAST(EXTRACT(YEAR FROM completed_at) * 100 + EXTRACT(MONTH FROM completed_at) AS INTEGER)"


def from_scratch(connection) -> set[tuple]:
    month = _month(connection.dialect.name)
    rows = connection.execute(
        text(
            "SELECT item_id, person_id, MAX(stage), MAX(month) FROM ("
            "  SELECT item_id, person_id, 1 AS stage, CAST(NULL AS INTEGER) AS month FROM learning_invitation"
            "  UNION ALL"
            "  SELECT item_id, person_id,"
            "    CASE WHEN status = 'completed' THEN 4 WHEN status = 'attended' THEN 3"
            "         WHEN registered_at IS NOT NULL AND status <> 'cancelled' THEN 2 ELSE 1 END,"
            f"   CASE WHEN status = 'completed' AND completed_at IS NOT NULL THEN {month} END"
            "  FROM learning_registration"
            ") AS reached GROUP BY item_id, person_id"
        )
    ).all()
    return {tuple(row) for row in rows}


def summary(connection) -> set[tuple]:
    rows = connection.execute(text("SELECT item_id, person_id, stage, completed_month FROM learning_progress"))
    return {tuple(row) for row in rows}


def assert_summary_is_exact(app) -> None:
    with app.app_context(), db.engine().connect() as connection:
        expected, kept = from_scratch(connection), summary(connection)
    assert kept == expected, {"missing": expected - kept, "extra": kept - expected}


def assert_dashboard_is_exact(app) -> None:
    """The figures without a date range (from the summary) equal the exact counts of a date
    range holding every date, which read the invitations and registrations themselves."""
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        with db.engine().connect() as connection:
            months = sorted({f"{m // 100}-{m % 100:02d}" for *_, m in from_scratch(connection) if m}) or ["2026-01"]
        funnels, completions = learning_counters(session, framework, months)
        for filters in FILTERS:
            dated = replace(filters, since=EVERY_MONTH.since, until=EVERY_MONTH.until)
            assert funnels(filters) == funnels(dated), filters
            assert completions(filters) == completions(dated), filters
        shown, exact = (
            learning_tables(session, framework, Filters())[0],
            learning_tables(session, framework, EVERY_MONTH)[0],
        )
        assert (shown.rows, shown.total) == (exact.rows, exact.total)
        session.commit()


def user(session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def registration(session, session_id: int, person_id: int) -> Registration:
    found = select(Registration).where(Registration.session_id == session_id, Registration.person_id == person_id)
    return session.exec(found).one()


def rows_of(app, person_id: int) -> int:
    with app.app_context(), db.engine().connect() as connection:
        query = text("SELECT count(*) FROM learning_progress WHERE person_id = :p")
        return connection.execute(query, {"p": person_id}).scalar_one()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    # The summary's statements (row values, casts, months) differ by database: run on both.
    return app_on_each_database(request, tmp_path)


def test_the_summary_follows_a_realistic_run_of_learning(seeded):
    app = seeded
    assert_summary_is_exact(app)  # the demo's learning, some of it written in bulk
    upcoming = add_session(app, VISUALISATION, days=20, capacity=2)
    doomed = add_session(app, VISUALISATION, days=40, capacity=5)
    past = add_session(app, VISUALISATION, days=-3, capacity=20)
    with app.app_context():
        session = db.session()
        framework, hr = current_framework(session), user(session, HR)
        people = session.exec(select(Person).where(Person.user_id.is_(None)).order_by(Person.id)).all()[:8]
        item = session.exec(select(LearningItem).where(LearningItem.slug == VISUALISATION)).one()
        # Invitations, places, a waiting list, a cancellation and the promotion it brings.
        learning.invite(session, item, people[:4], hr)
        for person in people[:3]:
            learning.register(session, session.get(LearningSession, upcoming), person, source="hr", actor=hr)
        assert registration(session, upcoming, people[2].id).status == "waiting"
        learning.cancel(session, registration(session, upcoming, people[0].id))
        assert registration(session, upcoming, people[2].id).status == "registered"
        learning.register(session, session.get(LearningSession, doomed), people[4], source="hr", actor=hr)
        learning.cancel_session(session, session.get(LearningSession, doomed), "Trainer ill", hr)
    assert_summary_is_exact(app)
    invite(app, past, people=people[4:8])  # before the past session, so attendance can be recorded
    with app.app_context():
        session = db.session()
        framework, hr = current_framework(session), user(session, HR)
        ran = session.get(LearningSession, past)
        for person, outcome in zip(people[4:7], ("attended", "completed", "no_show"), strict=True):
            session.add(Registration(session_id=past, item_id=ran.item_id, person_id=person.id, status="registered",
                                     source="hr", registered_at=ran.starts_at - timedelta(days=5)))  # fmt: skip
            session.commit()
            learning_outcomes.set_outcome(session, framework, registration(session, past, person.id), outcome, hr)
            session.commit()
        assert_summary_is_exact(app)
        # A completion disputed and withdrawn, another corrected, and a change rolled back.
        done = registration(session, past, people[5].id)
        record = learning_records.completion_of(session, framework, people[5], done.id)
        learning_records.dispute(session, framework, record, "I was not there", user(session, OPS))
        learning_records.resolve(session, framework, registration(session, past, people[5].id), "no_show", hr)
        attended = registration(session, past, people[4].id)
        learning_outcomes.set_outcome(session, framework, attended, "completed", hr)
        session.commit()
        learning_corrections.correct_completion(session, framework, registration(session, past, people[4].id),
                                                "attended", hr)  # fmt: skip
        changed = registration(session, past, people[6].id)
        changed.status = "completed"
        session.add(changed)
        session.flush()
        session.rollback()
    assert_summary_is_exact(app)
    # An attendance import, and completions a learning system reports.
    content = f"staff_number,status\n{people[7].staff_number},completed\n{people[6].staff_number},attended\n"
    with app.app_context():
        session = db.session()
        framework, hr = current_framework(session), user(session, HR)
        imported = import_attendance(session, framework, session.get(LearningSession, past), hr, content.encode(), None)
        assert imported.ok, imported.errors
        reported = learning_completions.report(
            session, framework,
            [learning_completions.Completion(people[1].staff_number, VISUALISATION, date.today() - timedelta(days=2)),
             learning_completions.Completion(person_of(app, OPS).staff_number, FOR_EVERYONE, date.today())],
            hr, None,
        )  # fmt: skip
        assert reported.ok, reported.errors
    assert_summary_is_exact(app)
    assert_dashboard_is_exact(app)
    # A leaver (their places to come go to whoever waits), later deleted; and an account deleted.
    leaver = people[3]
    with app.app_context():
        session = db.session()
        framework, hr = current_framework(session), user(session, HR)
        learning.register(session, session.get(LearningSession, upcoming), people[5], source="hr", actor=hr)
        learning.register(session, session.get(LearningSession, upcoming), leaver, source="hr", actor=hr)
        result = people_feed.apply(session, framework, [people_feed.FeedRow(leaver.staff_number, left=True)], hr)
        assert result.ok and result.left == 1
        assert_summary_is_exact(app)
        assert rows_of(app, leaver.id) == 1
        assert delete_leavers(session, datetime.now(UTC) + timedelta(days=RETENTION_DAYS + 1)) == 1
        policy = person_of(app, POLICY)
        learning.register(session, session.get(LearningSession, upcoming), policy, source="hr", actor=hr)
        my_data.delete_everything(session, user(session, POLICY))
    assert rows_of(app, leaver.id) == 0 and rows_of(app, policy.id) == 0
    assert_summary_is_exact(app)
    assert_dashboard_is_exact(app)


def test_the_dashboard_reads_the_summary_of_people_with_large_ids(app):
    # Each row is read packed into one integer: on PostgreSQL that overflowed 32 bits from
    # person 1,024 on, and the learning dashboard answered 500 for any real workforce.
    big = 2**31 - 1
    with app.app_context():
        session = db.session()
        department = Department(name="Large Ids Office", abbreviation="LIO")
        item = LearningItem(slug="large-ids", name="Large ids", provider="Test", format="online", duration_hours=1)
        session.add_all([department, item])
        session.flush()
        session.add(Person(id=big, display_name="Last Person", department_id=department.id, profession="policy",
                           grade="G7"))  # fmt: skip
        session.flush()
        session.add(Invitation(item_id=item.id, person_id=big))
        session.commit()
        kept = progress(session)
        assert (big, 1) in set(zip(kept.person_ids.tolist(), kept.stages.tolist(), strict=True))
    assert_summary_is_exact(app)


def test_the_migration_fills_the_summary_in_from_what_is_there(database_url):
    config = alembic_config(database_url)
    command.upgrade(config, "0021-1")
    engine = create_engine(database_url)
    at = datetime(2026, 3, 14, 10, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO department (id, name, abbreviation) VALUES (1, 'Cabinet Office', 'CO')"))
        for person_id in (1, 2, 3, 4, 5):
            connection.execute(
                text(
                    "INSERT INTO person (id, display_name, department_id, profession, grade, shares_with_hr, "
                    "experience, updated_at) VALUES (:id, 'Someone', 1, 'policy', 'EO', false, '', :at)"
                ),
                {"id": person_id, "at": at},
            )
        connection.execute(
            text(
                "INSERT INTO learning_item (id, slug, name, provider, description, audience, format, duration_hours, "
                "skills, created_at, updated_at) VALUES (1, 'x', 'X', 'P', '', '[]', 'online', 1, '[]', :at, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO learning_session (id, item_id, starts_at, ends_at, online, location, capacity, "
                "created_at) VALUES (1, 1, :at, :at, true, 'Online', 10, :at)"
            ),
            {"at": at},
        )
        for person_id in (1, 2, 5):
            connection.execute(
                text("INSERT INTO learning_invitation (item_id, person_id, invited_at) VALUES (1, :p, :at)"),
                {"p": person_id, "at": at},
            )
        for person_id, status, registered, completed in (
            (2, "registered", at, None),
            (3, "completed", at, at),
            (4, "attended", None, None),
            (5, "cancelled", at, None),  # held a place, then cancelled it: invited only
        ):
            connection.execute(
                text(
                    "INSERT INTO learning_registration (session_id, item_id, person_id, status, source, "
                    "registered_at, completed_at, updated_at) VALUES (1, 1, :p, :s, 'hr', :r, :c, :at)"
                ),
                {"p": person_id, "s": status, "r": registered, "c": completed, "at": at},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        kept = summary(connection)
        assert kept == from_scratch(connection)
    assert kept == {(1, 1, 1, None), (1, 2, 2, None), (1, 3, 4, 202603), (1, 4, 3, None), (1, 5, 1, None)}
    command.downgrade(config, "0021-1")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'summary.db'}"
    return empty_postgres(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module")
def workforce(tmp_path_factory):
    """Enough people that the dashboard shows its counts, and sessions to book and record."""
    app = fresh_app(tmp_path_factory.mktemp("summary") / "s.db", WTF_CSRF_ENABLED=False)
    with app.app_context():
        demo.seed(db.session(), people=300, seed=5)
    return app


def invited_in_csv(client, item_name: str):
    content = client.get("/dashboards/learning?format=csv").get_data(as_text=True)
    for row in csv.reader(io.StringIO(content)):
        if row[0].startswith("Learning uptake") and row[1] == item_name:
            return row[3]  # Table, group, people it is for, invited, ...
    raise AssertionError(f"no row for {item_name}")


def test_a_change_made_by_another_server_is_on_the_next_page_and_a_warm_page_reads_no_summary(workforce):
    leader = signed_in_as(workforce.test_client(), LEADER)
    with workforce.app_context():
        item = db.session().exec(select(LearningItem).where(LearningItem.slug == FOR_EVERYONE)).one()
        name, item_id = item.name, item.id
    before = invited_in_csv(leader, name)
    statements: list[str] = []
    engine = workforce.extensions["db_engine"]
    listener = lambda _c, _cur, statement, *_: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert leader.get("/dashboards/learning").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # (The organisation-wide coverage of one masterclass still counts its few completions.)
    read = [s for s in statements if "learning_progress" in s or "learning_invitation" in s]
    assert read == [], "a warm dashboard reads neither the summary nor the invitations"
    # Another server (its own engine and session) invites everyone not invited yet: more people
    # than the summary recomputes in one statement.
    other_engine = create_engine(str(engine.url))
    with Session(other_engine) as other:
        invited = select(Invitation.person_id).where(Invitation.item_id == item_id)
        fresh = other.exec(select(Person.id).where(Person.id.not_in(invited), Person.left_at.is_(None))).all()
        assert len(fresh) > CHUNK
        other.add_all(Invitation(item_id=item_id, person_id=p) for p in fresh)
        other.commit()
    other_engine.dispose()
    after = invited_in_csv(leader, name)
    assert after != before and int(after) > CHUNK, (before, after)  # before: a few, perhaps hidden
    assert_summary_is_exact(workforce)
    assert_dashboard_is_exact(workforce)


def test_a_transaction_of_many_flushes_recomputes_the_summary_once_when_it_commits(workforce):
    with workforce.app_context():
        session = db.session()
        framework, hr = current_framework(session), user(session, HR)
        item = session.exec(select(LearningItem).where(LearningItem.slug == VISUALISATION)).one()
        taken = select(Registration.person_id).where(Registration.item_id == item.id)
        numbers = session.exec(
            select(Person.staff_number).where(Person.id.not_in(taken), Person.left_at.is_(None)).limit(20)
        ).all()
        done = [learning_completions.Completion(n, item.slug, date.today()) for n in numbers]
        statements: list[str] = []
        engine = db.engine()
        listener = lambda _c, _cur, statement, *_: statements.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert learning_completions.report(session, framework, done, hr, None).recorded == 20
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    # Each completion flushed on its own; the summary's rows recomputed together: one delete
    # and one insert.
    assert len([s for s in statements if "learning_progress" in s]) == 2
    assert_summary_is_exact(workforce)


# --- any sequence of changes ------------------------------------------------------------------

OPERATIONS = ("invite", "book", "cancel", "record", "dispute", "resolve", "correct", "cancel_session",
              "new_session", "import", "report", "leave", "delete", "rollback", "uninvite")  # fmt: skip


@pytest.fixture(scope="module")
def learning_world(tmp_path_factory):
    """A few people, three items with two past sessions and two small ones to come each, and
    half the people invited well before (so their attendance can be imported)."""
    app = fresh_app(tmp_path_factory.mktemp("summary-property") / "p.db")
    with app.app_context():
        session = db.session()
        demo.seed(session, people=40, seed=8)
        now = datetime.now(UTC)
        people = session.exec(select(Person.id).order_by(Person.id)).all()
        for item in session.exec(select(LearningItem).order_by(LearningItem.id).limit(3)).all():
            for days, capacity in ((-5, 30), (-40, 30), (15, 2), (30, 3)):
                starts = now + timedelta(days=days)
                session.add(LearningSession(item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=2),
                                            location="Room 1", capacity=capacity))  # fmt: skip
            invited = set(session.exec(select(Invitation.person_id).where(Invitation.item_id == item.id)).all())
            session.add_all(Invitation(item_id=item.id, person_id=p, invited_at=now - timedelta(days=60))
                            for p in people[::2] if p not in invited)  # fmt: skip
        session.commit()
    return app


def _pick(rows, n: int):
    rows = list(rows)
    return rows[n % len(rows)] if rows else None


def _apply(session, operation: str, a: int, b: int) -> None:
    """One change, chosen by `a` and `b` among those that can be made now; a refusal (a full
    session, a place already held, a disputed record) changes nothing."""
    framework, hr, now = current_framework(session), user(session, HR), datetime.now(UTC)
    people = session.exec(
        select(Person).where(Person.left_at.is_(None), Person.grade != "PS").order_by(Person.id)
    ).all()
    person = _pick(people, b)
    sessions = session.exec(select(LearningSession).order_by(LearningSession.id)).all()
    past = [s for s in sessions if s.starts_at.replace(tzinfo=UTC) < now]
    upcoming = [s for s in sessions if s.starts_at.replace(tzinfo=UTC) > now and s.cancelled_at is None]
    registrations = session.exec(select(Registration).order_by(Registration.id)).all()
    live = _pick([r for r in registrations if r.status in ("registered", "waiting")], a)
    completed = _pick([r for r in registrations if r.status == "completed" and r.disputed_at is None], a)
    disputed = _pick([r for r in registrations if r.disputed_at and not r.dispute_outcome], a)
    items = session.exec(select(LearningItem).order_by(LearningItem.id)).all()
    try:
        if operation == "invite" and upcoming:
            item = session.get(LearningItem, _pick(upcoming, a).item_id)
            learning.invite(session, item, [person, _pick(people, b // 7 + 1)], hr)
        elif operation == "book" and upcoming:
            learning.register(session, _pick(upcoming, a), person, source="hr", actor=hr)
        elif operation == "cancel" and live:
            learning.cancel(session, live)
        elif operation == "record" and past:
            ran = _pick(past, a)
            found = select(Registration).where(Registration.session_id == ran.id, Registration.person_id == person.id)
            held = session.exec(found).first() or Registration(
                session_id=ran.id, item_id=ran.item_id, person_id=person.id, status="", source="imported"
            )
            session.add(held)
            session.flush()
            status = ("attended", "completed", "no_show", "cancelled")[b % 4]
            learning_outcomes.set_outcome(session, framework, held, status, hr)
            session.commit()
        elif operation == "dispute" and completed:
            record = learning_records.completion_of(session, framework, session.get(Person, completed.person_id),
                                                    completed.id)  # fmt: skip
            learning_records.dispute(session, framework, record, "Not me", hr)
        elif operation == "resolve" and disputed:
            learning_records.resolve(session, framework, disputed, ("confirmed", "no_show", "attended")[b % 3], hr)
        elif operation == "correct" and completed:
            learning_corrections.correct_completion(session, framework, completed, ("attended", "no_show")[b % 2], hr)
        elif operation == "cancel_session" and upcoming:
            learning.cancel_session(session, _pick(upcoming, a), "No trainer", hr)
        elif operation == "new_session":
            starts = now + timedelta(days=10 + a % 30)
            session.add(LearningSession(item_id=_pick(items[:3], a).id, starts_at=starts, location="Room 2",
                                        ends_at=starts + timedelta(hours=1), capacity=1 + b % 3))  # fmt: skip
            session.commit()
        elif operation == "import" and past:
            statuses = ("attended", "completed", "no show")
            content = f"staff_number,status\n{person.staff_number},{statuses[a % 3]}\n"
            import_attendance(session, framework, _pick(past, b), hr, content.encode(), None)
        elif operation == "report":
            done = [learning_completions.Completion(person.staff_number, _pick(items, a).slug,
                                                    date.today() - timedelta(days=a % 40))]  # fmt: skip
            learning_completions.report(session, framework, done, hr, None)
        elif operation == "leave" and person.user_id is None:
            people_feed.apply(session, framework, [people_feed.FeedRow(person.staff_number, left=True)], hr)
            if b % 3 == 0:
                delete_leavers(session, now + timedelta(days=RETENTION_DAYS + 1))
        elif operation == "delete" and person.user_id is None:
            my_data.delete_person(session, person)
            session.commit()
        elif operation == "rollback":
            # Written (and the summary with it), then undone: the summary is undone with it.
            item_id = _pick(items, a).id
            if not session.exec(select(Invitation).where(Invitation.item_id == item_id,
                                                          Invitation.person_id == person.id)).first():  # fmt: skip
                session.add(Invitation(item_id=item_id, person_id=person.id))
                session.flush()
            session.rollback()
        elif operation == "uninvite":
            # No service takes an invitation back; the flush event must see a row deleted all the same.
            invitation = _pick(session.exec(select(Invitation).order_by(Invitation.id)).all(), a)
            if invitation is not None:
                session.delete(invitation)
                session.commit()
    except (learning.RegistrationRefused, learning.SessionCannotChange):
        session.rollback()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 999), st.integers(0, 999)), max_size=8))
def test_any_sequence_of_changes_keeps_the_summary_exact(learning_world, steps):
    for operation, a, b in steps:
        with learning_world.app_context():
            _apply(db.session(), operation, a, b)
        assert_summary_is_exact(learning_world)
    assert_dashboard_is_exact(learning_world)
