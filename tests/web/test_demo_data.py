"""The demo data has the shapes a real department's data would, so the service can be judged by it."""

from collections import Counter

import pytest
from sqlmodel import select

from ddat import db, demo
from ddat.demo.learning import working_day
from ddat.models import LearningSession, Person, Scheme, SchemeMember
from ddat.services.framework import current_framework
from ddat.services.learning import to_uk
from ddat.services.profiles import answers_of
from pathways import Profile, match
from pathways.matching import transferable_data
from pathways.scoring import READY_NOW, READY_WITH_DEVELOPMENT


@pytest.fixture(scope="module")
def department(tmp_path_factory):
    from tests.support import fresh_app

    app = fresh_app(tmp_path_factory.mktemp("demo") / "demo.db")
    with app.app_context():
        demo.seed(db.session(), people=3000, seed=7)
    return app


def _people_with_ratings(app, profession):
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        people = session.exec(select(Person).where(Person.profession == profession, Person.user_id.is_(None))).all()
        return framework, [(p, answers_of(session, p.current_assessment_id)) for p in people]


def test_policy_people_are_often_ready_with_development_for_an_entry_route(department):
    framework, people = _people_with_ratings(department, "policy")
    routes = [r for r in transferable_data(framework).entry_routes if r.background in ("policy", "both")]
    bands = Counter()
    for person, ratings in people:
        eligible = [r.level for r in routes if person.grade in r.grades]
        if not eligible:
            continue
        profile = Profile.of(ratings, grade=person.grade, profession="policy")
        bands[max((match(framework, profile, level) for level in eligible), key=lambda m: m.fit).readiness] += 1
    assessed = sum(bands.values())
    assert assessed >= 50
    # Not everyone, and not no one: about a quarter, as the heads of profession would expect.
    assert 0.1 <= bands[READY_WITH_DEVELOPMENT] / assessed <= 0.6, bands
    assert bands[READY_NOW] / assessed < 0.1, "entry routes are a stretch for most people"


def test_people_hold_a_dozen_or_so_skills_not_a_random_five(department):
    _, people = _people_with_ratings(department, "operational_delivery")
    counts = sorted(len([level for level in ratings.values() if level]) for _, ratings in people)
    assert 8 <= counts[len(counts) // 2] <= 30, counts[len(counts) // 2]


def test_every_scheme_has_members_at_its_stages_and_the_best_fits_get_the_places(department):
    with department.app_context():
        session = db.session()
        for scheme in session.exec(select(Scheme)).all():
            members = session.exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme.id)).all()
            assert len(members) >= 12, scheme.name
            statuses = Counter(m.status for m in members)
            assert len(statuses) >= 3, (scheme.name, statuses)
            placed = [m.fit_at_enrolment for m in members if m.status in ("enrolled", "placed")]
            assert not placed or min(placed) > 0, "nobody holds a place with no fit at all"


def test_sessions_fall_on_working_days_in_working_hours(department):
    with department.app_context():
        sessions = db.session().exec(select(LearningSession)).all()
    assert sessions
    for learning_session in sessions:
        starts, ends = to_uk(learning_session.starts_at), to_uk(learning_session.ends_at)
        assert starts.weekday() < 5 and ends.weekday() < 5
        assert (starts.month, starts.day) not in {(12, 25), (12, 26), (12, 31), (1, 1)}
        assert 9 <= starts.hour and ends.hour <= 17, (starts, ends)


def test_a_working_day_skips_weekends_and_the_christmas_break():
    from datetime import date

    assert working_day(date(2026, 12, 5)) == date(2026, 12, 7)  # Saturday to Monday
    assert working_day(date(2026, 12, 31)) == date(2027, 1, 4)  # New Year's Eve to the Monday after
    assert working_day(date(2026, 12, 2)) == date(2026, 12, 2)


def test_hr_have_a_session_whose_attendance_is_still_to_record(department):
    from ddat.models import User
    from ddat.viewmodels.hr_todo import sessions_to_record

    with department.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        to_record, in_all = sessions_to_record(session, hr)
    assert in_all == 1 and to_record[0].count == 8
    assert to_record[0].learning_session.starts_at.weekday() < 5
