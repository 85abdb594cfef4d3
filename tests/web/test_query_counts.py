"""No page's number of SQL statements grows with the data: each main page is requested on a
small and a larger workforce (more people, scheme members and course registrations) and must
run the same statements, so nothing is fetched one row at a time."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from ddat import db, demo
from ddat.models import LearningItem, LearningSession, Person, Registration, SchemeMember
from tests.client import signed_in_as
from tests.factories import make_scheme
from tests.support import fresh_app

SIZES = {"small": (15, 4), "larger": (90, 30)}  # people, scheme members and course registrations
MASTERCLASS = "working-with-data-and-visualisation"
PAGES = {
    "anonymous": [
        "/framework",
        "/framework/roles/data-analyst",
        "/framework/roles/data-analyst/senior-data-analyst",
        "/framework/skills",
        "/framework/search?q=data",
        "/masterclasses",
        f"/masterclasses/{MASTERCLASS}",
    ],
    "policy.officer@example.gov.uk": [
        "/profile",
        "/profile/matches",
        "/profile/matches/senior-data-analyst",
        "/profile/pathway?to=senior-data-analyst",
        "/profile/data",
        "/masterclasses/mine",
        "/schemes/my-applications",
    ],
    "hr@example.gov.uk": [
        "/schemes",
        "/schemes/{scheme}",
        "/schemes/{scheme}/candidates",
        "/schemes/{scheme}/members",
        "/schemes/{scheme}/dashboard",
        f"/masterclasses/{MASTERCLASS}/uptake",
        f"/masterclasses/{MASTERCLASS}/sessions/{{session}}",
    ],
    "leader@example.gov.uk": [
        "/dashboards/skills",
        "/dashboards/gaps",
        "/dashboards/pipeline",
        "/dashboards/learning",
        f"/masterclasses/{MASTERCLASS}/uptake",
    ],
    "admin@example.gov.uk": ["/admin/audit"],
}


def workforce(tmp_path_factory, people: int, extra: int):
    app = fresh_app(tmp_path_factory.mktemp("queries") / "q.db", WTF_CSRF_ENABLED=False)
    with app.app_context():
        demo.seed(db.session(), people=people, seed=3)
    scheme = make_scheme(app, capacity=100)
    with app.app_context():
        session = db.session()
        item = session.exec(select(LearningItem).where(LearningItem.slug == MASTERCLASS)).one()
        taken = select(Registration.person_id).where(Registration.item_id == item.id)  # by the demo's past session
        ids = session.exec(select(Person.id).where(Person.id.not_in(taken)).order_by(Person.id).limit(extra)).all()
        starts = datetime.now(UTC) - timedelta(days=3)
        course = LearningSession(item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=3),
                                 location="Newport", capacity=100)  # fmt: skip
        session.add(course)
        session.flush()
        for n, person_id in enumerate(ids):
            session.add(SchemeMember(scheme_id=scheme, person_id=person_id, status="applied", source="applied"))
            done = {"status": "completed", "completed_at": starts} if n % 2 else {"status": "attended"}
            session.add(Registration(session_id=course.id, item_id=item.id, person_id=person_id, source="self",
                                     registered_at=starts - timedelta(days=20), **done))  # fmt: skip
        session.commit()
        return app, {"scheme": scheme, "session": course.id}


@pytest.fixture(scope="module")
def workforces(tmp_path_factory):
    return {name: workforce(tmp_path_factory, *size) for name, size in SIZES.items()}


@contextmanager
def statements_run(app):
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_):
        seen.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def statements_for(app, ids, who: str, page: str) -> int:
    client = app.test_client()
    if who != "anonymous":
        signed_in_as(client, who)
    url = page.format(**ids)
    assert client.get(url).status_code == 200, url  # warms the per-process caches
    with statements_run(app) as seen:
        assert client.get(url).status_code == 200, url
    return len(seen)


@pytest.mark.parametrize(("who", "page"), [(who, page) for who, pages in PAGES.items() for page in pages])
def test_statements_per_page_do_not_grow_with_the_data(workforces, who, page):
    counts = {name: statements_for(app, ids, who, page) for name, (app, ids) in workforces.items()}
    assert counts["small"] == counts["larger"], counts
    assert counts["larger"] <= 40, f"{page} runs {counts['larger']} statements"


# Tables that grow with the workforce: no page may read one of them whole. (Scheme members
# are read whole only by the pipeline's scheme-wide totals, which count every member.)
PER_PERSON_TABLES = ("person", "skill_rating", "assessment", "learning_registration", "learning_invitation")
FULL_SCAN = re.compile(rf"^SCAN ({'|'.join(PER_PERSON_TABLES)})\b")  # an index read whole is still all of it


def full_scans(app, ids, who: str, page: str) -> list[str]:
    client = app.test_client()
    if who != "anonymous":
        signed_in_as(client, who)
    url = page.format(**ids)
    assert client.get(url).status_code == 200, url  # the caches built, as on every later request
    seen: list[tuple[str, object]] = []

    def record(_connection, _cursor, statement, parameters, *_):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", record)
    scans = []
    with engine.connect() as connection:
        for statement, parameters in seen:
            for *_, detail in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all():
                if FULL_SCAN.match(detail):
                    scans.append(f"{detail}: {statement[:200]}")
    return scans


@pytest.mark.parametrize(("who", "page"), [(who, page) for who, pages in PAGES.items() for page in pages])
def test_no_page_reads_a_whole_per_person_table(workforces, who, page):
    """Every query path a page takes once its caches are warm is served by an index."""
    app, ids = workforces["larger"]
    assert full_scans(app, ids, who, page) == []
