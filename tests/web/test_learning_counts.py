"""The learning dashboard's exact counts, worked out from rows read by id and the cached
attributes of everyone, equal a plain SQL join of every registration to its person."""

from datetime import date

import pytest
from sqlalchemy import and_, extract, func, or_
from sqlmodel import select

from ddat import db, demo
from ddat.models import Invitation, LearningItem, LearningSession, Person, Registration
from ddat.services.framework import current_framework
from ddat.viewmodels.dashboard_filters import Filters, in_range, person_conditions
from ddat.viewmodels.dashboards import learning_counters
from ddat.viewmodels.uptake import STAGES, audience_condition, stage_per_person
from tests.support import fresh_app

FILTERS = [
    Filters(),
    Filters(profession="policy"),
    Filters(band="SCS"),
    Filters(department=2, band="AA-EO"),
    Filters(since=date(2026, 1, 1), until=date(2026, 12, 1)),
]


@pytest.fixture(scope="module")
def workforce(tmp_path_factory):
    app = fresh_app(tmp_path_factory.mktemp("learning") / "l.db")
    with app.app_context():
        session = db.session()
        demo.seed(session, people=4000, seed=9)
        # People outside an item's audience who took it anyway: they count nowhere.
        for item in session.exec(select(LearningItem).where(LearningItem.audience != "[]")).all():
            course = session.exec(select(LearningSession).where(LearningSession.item_id == item.id)).first()
            outsiders = session.exec(select(Person.id).where(Person.grade.not_in(item.audience)).limit(6)).all()
            for person_id in outsiders:
                done = {"status": "completed", "completed_at": course.ends_at}
                session.add(
                    Registration(session_id=course.id, item_id=item.id, person_id=person_id, source="hr", **done)
                )
        session.commit()
    return app


def joined_funnel(session, framework, item, f: Filters) -> list[int]:
    people = session.exec(
        select(func.count()).select_from(Person).where(person_conditions(f, framework), audience_condition(item))
    ).one()
    stages = stage_per_person(
        item,
        in_range(Invitation.invited_at, f, timestamp=True),
        in_range(LearningSession.starts_at, f, timestamp=True),
    )
    rows = session.exec(
        select(stages.c.stage, func.count())
        .join(Person, Person.id == stages.c.person_id)
        .where(person_conditions(f, framework), audience_condition(item))
        .group_by(stages.c.stage)
    ).all()
    funnel = [people] + [0] * len(STAGES)
    for stage, count in rows:
        for reached in range(1, stage + 1):
            funnel[reached] += count
    return funnel


def joined_months(session, framework, items, f: Filters) -> dict[str, int]:
    year, month = extract("year", Registration.completed_at), extract("month", Registration.completed_at)
    for_audience = or_(*(and_(Registration.item_id == i.id, audience_condition(i)) for i in items))
    rows = session.exec(
        select(year, month, func.count())
        .join(Person, Person.id == Registration.person_id)
        .join(LearningSession, LearningSession.id == Registration.session_id)
        .where(Registration.status == "completed", for_audience, person_conditions(f, framework))
        .where(in_range(LearningSession.starts_at, f, timestamp=True))
        .group_by(year, month)
    ).all()
    return {f"{int(y)}-{int(m):02d}": n for y, m, n in rows}


@pytest.mark.parametrize("filters", FILTERS)
def test_learning_counts_equal_a_join_of_every_registration(workforce, filters):
    with workforce.app_context():
        session = db.session()
        framework = current_framework(session)
        items = session.exec(select(LearningItem).order_by(LearningItem.name)).all()
        expected_months = joined_months(session, framework, items, filters)
        months = sorted(expected_months) or ["2026-01"]
        funnels, completions = learning_counters(session, framework, months)
        assert funnels(filters) == {i.name: joined_funnel(session, framework, i, filters) for i in items}
        assert completions(filters) == {m: [expected_months.get(m, 0)] for m in months}
        assert sum(f[-1] for f in funnels(Filters()).values()) > 20  # people really completed things
