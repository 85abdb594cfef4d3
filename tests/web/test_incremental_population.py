"""The cached people × skills matrix, kept up to date row by row from the change log, equals
one rebuilt from scratch after any sequence of changes, indicators included, and a server
rebuilds it only when it cannot tell whose rows changed."""

import gc
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from ddat import db
from ddat.caches import changes
from ddat.caches import population as cache
from ddat.models import Department, LearningItem, Person, SkillRating
from ddat.services import course_evidence, my_data, profiles
from ddat.services.framework import current_framework
from ddat.viewmodels import candidate_pool, dashboards
from ddat.viewmodels.dashboard_filters import Filters

TARGETS = ("senior-data-analyst", "associate-data-analyst")
SKILLS = (
    "data-preparation-and-linkage",
    "user-focus",
    "data-visualisation",
    "programming-and-build-software-engineering",
)
GRADES = ("AO", "EO", "HEO", "SEO", "G7")
PROFESSIONS = ("policy", "operational_delivery", "ddat", "a-new-profession")


def indicators(session: Session, framework) -> dict:
    """Every per-person indicator the pool and the dashboards keep with the matrix, worked out
    by the pages' own code."""
    for evidence in (None, "confirmed"):
        f = Filters(evidence=evidence)
        dashboards.skills_table(session, framework, f, "department", None)
        for target in TARGETS:
            dashboards.gaps_tables(session, framework, f, "grade", target)
    dashboards.confirmations_table(session, framework, Filters(), "profession")
    population = cache.current_population(session, framework)
    for target in TARGETS:
        candidate_pool.fits_for(population, framework, target)
        candidate_pool.confirmed_fits_for(population, framework, target)
        candidate_pool.specialist_fits_for(population, framework, target)
    return {key: derived.value for key, derived in population._derived.items()}


def names_of(population) -> tuple[list[str], list[str]]:
    """Each row's profession and grade by name: their small codes may differ after an update."""
    professions = [population.profession_names[i] for i in population.professions]
    return professions, [population.grade_names[i] for i in population.grades]


def assert_same(kept, rebuilt) -> None:
    assert np.array_equal(kept.person_ids, rebuilt.person_ids)
    assert np.array_equal(kept.codes, rebuilt.codes)
    assert np.array_equal(kept.department_ids, rebuilt.department_ids)
    assert names_of(kept) == names_of(rebuilt)


def assert_indicators_equal(kept: dict, rebuilt: dict) -> None:
    assert kept.keys() == rebuilt.keys()
    for key, value in kept.items():
        expected = rebuilt[key]
        if value is None or expected is None:
            assert value is expected, key
            continue
        for got, want in zip(value if isinstance(value, tuple) else (value,),
                             expected if isinstance(expected, tuple) else (expected,), strict=True):  # fmt: skip
            assert np.array_equal(np.asarray(got), np.asarray(want)), key


def rebuilt(session: Session, framework):
    """As a server starting now would build them."""
    cache.clear_cache()
    return cache.current_population(session, framework), cache.everyone(session)


class Changes:
    """Changes people make through the services, drawn by Hypothesis."""

    def __init__(self, session: Session, framework):
        self.session, self.framework = session, framework
        self.departments = [d.id for d in session.exec(select(Department))]

    def person(self, pick: int) -> Person | None:
        people = self.session.exec(select(Person).where(Person.user_id.is_(None)).order_by(Person.id)).all()
        return people[pick % len(people)] if people else None

    def apply(self, change: tuple) -> None:
        kind, pick, value = change
        person = self.person(pick)
        if person is None:
            return
        if kind == "assess":
            answers = {SKILLS[i % len(SKILLS)]: (value + i) % 5 for i in range(1 + value % 3)}
            profiles.save_answers(self.session, person, self.framework, answers)
            profiles.submit_assessment(self.session, person)
        elif kind == "grade":
            person.grade = GRADES[value % len(GRADES)]
        elif kind == "profession":
            person.profession = PROFESSIONS[value % len(PROFESSIONS)]
        elif kind == "department":
            person.department_id = self.departments[value % len(self.departments)]
        elif kind == "leave":
            person.left_at = datetime.now(UTC) if person.left_at is None else None
        elif kind == "no assessment":
            person.current_assessment_id = None
        elif kind == "delete":
            my_data.delete_person(self.session, person)
            self.session.commit()
            return
        elif kind == "join":
            self.session.add(Person(display_name=f"Joiner {pick}", department_id=self.departments[0],
                                    profession="policy", grade=GRADES[value % len(GRADES)]))  # fmt: skip
        elif kind == "course":
            item = next(i for i in self.session.exec(select(LearningItem).order_by(LearningItem.id)) if i.skills)
            course_evidence.credit(self.session, self.framework, item, [person.id])
        elif kind == "confirm":
            rating = self.session.exec(
                select(SkillRating).where(SkillRating.assessment_id == person.current_assessment_id)
            ).first()
            if rating is not None:
                rating.evidence = "validated" if rating.evidence != "validated" else "self"
                rating.confirmed_at = datetime.now(UTC)
                self.session.add(rating)
        self.session.add(person)
        self.session.commit()


KINDS = ("assess", "grade", "profession", "department", "leave", "no assessment", "delete", "join", "course",
         "confirm")  # fmt: skip
change_lists = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(0, 10_000), st.integers(0, 100)), min_size=1, max_size=6
)


@pytest.fixture
def full_builds(monkeypatch):
    """How many times the whole matrix is read from the database."""
    built = []
    original = cache._build

    def counted(session, framework, only=None):
        if only is None:
            built.append(1)
        return original(session, framework, only=only)

    monkeypatch.setattr(cache, "_build", counted)
    return built


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequences=st.lists(change_lists, min_size=1, max_size=3))
def test_the_matrix_kept_row_by_row_equals_one_rebuilt_after_any_changes(seeded, full_builds, sequences):
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        making = Changes(session, framework)
        rebuilt(session, framework)
        for sequence in sequences:
            # Indicators worked out before the changes are spliced, not thrown away.
            indicators(session, framework)
            cache.headcounts(session)
            builds = len(full_builds)
            for change in sequence:
                making.apply(change)
            kept, kept_everyone = cache.current_population(session, framework), cache.everyone(session)
            assert len(full_builds) == builds, "brought up to date without reading everyone's ratings"
            kept_indicators, kept_headcounts = indicators(session, framework), cache.headcounts(session)
            session.commit()
            fresh, fresh_everyone = rebuilt(session, framework)
            assert_same(kept, fresh)
            assert_same(kept_everyone, fresh_everyone)
            assert_indicators_equal(kept_indicators, indicators(session, framework))
            assert kept_headcounts == cache.headcounts(session)


def test_a_change_made_through_another_connection_is_seen_at_the_next_read(seeded, full_builds):
    """As with two app servers: the other's change reaches this one's cache through the log."""
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        before = cache.current_population(session, framework)
        session.commit()
        with Session(session.get_bind()) as other_server:
            person = other_server.exec(select(Person).where(Person.current_assessment_id.is_not(None))).first()
            profiles.save_answers(other_server, person, framework, {"data-preparation-and-linkage": 4, "user-focus": 4})
            profiles.submit_assessment(other_server, person)
            changed = person.id
        after = cache.current_population(session, framework)
        assert after is not before and len(full_builds) == 1
        row = after.rows_of(np.array([changed]))[0]
        assert not np.array_equal(after.codes[row], before.codes[before.rows_of(np.array([changed]))[0]])
        assert_same(after, rebuilt(session, framework)[0])


def test_a_change_that_cannot_say_whose_rows_it_touched_rebuilds(seeded, full_builds):
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        cache.current_population(session, framework)
        changes.bump(session)  # no people: anyone's rows may have changed
        session.commit()
        cache.current_population(session, framework)
        assert len(full_builds) == 2


def test_a_server_further_behind_than_the_log_reaches_rebuilds(seeded, full_builds, monkeypatch):
    monkeypatch.setattr(changes, "LOG_KEPT", 3)
    monkeypatch.setattr(changes, "PRUNE_EVERY", 1)
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        cache.current_population(session, framework)
        person = session.exec(select(Person).where(Person.current_assessment_id.is_not(None))).first()
        for grade in ("EO", "HEO", "SEO", "G7", "G6"):
            person.grade = grade
            session.add(person)
            session.commit()
        assert len(full_builds) == 1
        assert_same(cache.current_population(session, framework), rebuilt(session, framework)[0])
        assert len(full_builds) == 3  # the one that fell behind, and the one rebuilt to compare


@pytest.fixture(params=["sqlite", "postgresql"])
def on_each_database(request, tmp_path):
    from ddat import demo
    from tests.support import app_on_each_database

    app = app_on_each_database(request, tmp_path)
    with app.app_context():
        demo.seed(db.session(), people=30, seed=3)
    return app


def test_the_ratings_of_more_people_than_one_statement_takes_are_read_in_parts(on_each_database):
    # PostgreSQL takes at most 65,535 parameters in a statement: seeding the demo's schemes at
    # 200,000 people asked for 68,000 people's ratings at once, and failed there.
    with on_each_database.app_context():
        session = db.session()
        framework = current_framework(session)
        everyone = cache.current_population(session, framework)
        absent = np.arange(10**7, 10**7 + 70_000, dtype=np.int64)  # no one has these ids
        asked = np.concatenate([everyone.person_ids, absent])
        codes = cache.current_codes(session, framework, asked, only_these=True)
        assert np.array_equal(codes[: len(everyone.person_ids)], everyone.codes)
        assert not codes[len(everyone.person_ids) :].any() and everyone.codes.any()


def test_reading_everyones_ratings_pauses_the_garbage_collector_and_always_turns_it_back_on(seeded, monkeypatch):
    # A million fetched rows are a million tracked tuples: collections while they are alive
    # free nothing and took about 40% of a build at 200,000 people.
    seen = []
    real = cache.codes_from_rows

    def making_the_matrix(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(cache, "codes_from_rows", making_the_matrix)
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        cache.current_population(session, framework)
        assert seen == [False] and gc.isenabled()

        def failing(*_args):
            raise RuntimeError("the database went away")

        monkeypatch.setattr(cache, "codes_from_rows", failing)
        cache.clear_cache()
        with pytest.raises(RuntimeError):
            cache.current_population(session, framework)
        assert gc.isenabled()
