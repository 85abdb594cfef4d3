"""The learning dashboard on an existing large database: warm requests, and the first request
after a change to an invitation (which rebuilds what the dashboard caches).

    cp /tmp/b200k/load.db /tmp/copy.db   # it writes: never point it at a database you keep
    DATABASE_URL=sqlite:////tmp/copy.db .venv/bin/flask --app app init-db
    BENCH_DATABASE_URL=sqlite:////tmp/copy.db .venv/bin/python -m bench.learning_summary

`python -m bench.learning_summary add-uptake` first adds bench/learning.py's uptake of one
course (a year of sessions, a tenth of everyone registered, a fifth invited).

In-process through the Flask test client, signed in as the demo leader, rounds interleaved with
/healthz as the ratio's base. Prints one JSON object.
"""

import json
import os
import random
import statistics
import sys
from datetime import timedelta

from sqlmodel import Session, select

from bench.common import machine, medians, timed
from bench.learning import ITEM
from bench.learning import add_uptake as add_course_uptake
from ddat import create_app, db
from ddat.models import Invitation, LearningItem, Person, User
from ddat.services import user_sessions

URL = os.environ["BENCH_DATABASE_URL"]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
CHANGES = int(os.environ.get("BENCH_CHANGES", "5"))
PAGES = {
    "learning": "/dashboards/learning",
    "learning_filtered": "/dashboards/learning?profession=policy&band=HEO-SEO",
    "learning_dated": "/dashboards/learning?since=2026-01&until=2026-12",
}


def signed_in(app, email: str):
    with app.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.email == email)).one()
        token = user_sessions.start(session, user, timedelta(hours=8))
    client = app.test_client()
    with client.session_transaction() as browser_session:
        browser_session["_user_id"] = token
        browser_session["_fresh"] = True
    return client


def invite_and_withdraw(app, step: int) -> None:
    """A change in another session, as another server would make it: an invitation added, or
    the one added before taken away."""
    with app.app_context(), Session(db.engine()) as other:
        item = other.exec(select(LearningItem).order_by(LearningItem.id)).first()
        person_id = other.exec(select(Person.id).where(Person.user_id.is_(None)).order_by(Person.id.desc())).first()
        found = other.exec(select(Invitation).where(Invitation.item_id == item.id, Invitation.person_id == person_id))
        invitation = found.first()
        if invitation is None:
            other.add(Invitation(item_id=item.id, person_id=person_id))
        else:
            other.delete(invitation)
        other.commit()


def main() -> dict:
    app = create_app("test", SQLALCHEMY_DATABASE_URI=URL, WTF_CSRF_ENABLED=False)
    leader = signed_in(app, "leader@example.gov.uk")
    for url in PAGES.values():
        response = leader.get(url)
        assert response.status_code == 200 and b"Learning uptake" in response.data, url
    timings = {"healthz": [], **{name: [] for name in PAGES}}
    for _ in range(ROUNDS):
        timings["healthz"].append(timed(lambda: leader.get("/healthz")))
        for name, url in PAGES.items():
            timings[name].append(timed(lambda url=url: leader.get(url)))
    after_change = []
    for step in range(CHANGES):
        invite_and_withdraw(app, step)
        after_change.append(timed(lambda: leader.get(PAGES["learning"])))
    result = {
        "machine": machine(),
        "rounds": ROUNDS,
        **medians(timings),
        "first_after_a_change_ms": round(statistics.median(after_change) * 1000, 1),
    }
    return result


def add_uptake() -> None:
    app = create_app("test", SQLALCHEMY_DATABASE_URI=URL)
    with app.app_context():
        session = db.session()
        item = session.exec(select(LearningItem).where(LearningItem.slug == ITEM)).one()
        add_course_uptake(session, item, random.Random(7))


if __name__ == "__main__":
    if sys.argv[1:] == ["add-uptake"]:
        add_uptake()
    else:
        print(json.dumps(main()))
