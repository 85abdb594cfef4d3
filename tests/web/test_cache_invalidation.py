"""Which writes mark the cached matrix (`ratings`) and the list of who shares with HR
(`consent`) stale: every ORM change `population.WATCHED` covers, in the same transaction,
the bulk writes that bump by hand, and nothing else."""

import pytest
from sqlmodel import select

from ddat import db
from ddat.caches.population import CONSENT, RATINGS
from ddat.models import Assessment, ChangeCounter, LearningItem, Person, SkillRating, User
from ddat.services import course_evidence, profiles
from ddat.services.framework import current_framework

POLICY = "policy.officer@example.gov.uk"


def values(session) -> dict[str, int]:
    """The counters as stored, read afresh (not the once-per-transaction value)."""
    rows = session.connection().execute(select(ChangeCounter.name, ChangeCounter.value)).all()
    return {RATINGS: 0, CONSENT: 0} | dict(rows)


def bumped(session, change) -> set[str]:
    """The counters that `change(session)` followed by a flush bumped."""
    before = values(session)
    change(session)
    session.flush()
    after = values(session)
    return {name for name in after if after[name] != before[name]}


def someone(session, shares: bool = True) -> Person:
    return session.exec(
        select(Person).where(Person.shares_with_hr == shares, Person.user_id.is_(None)).order_by(Person.id)
    ).first()


def policy_officer(session) -> Person:
    return session.exec(select(Person).join(User, User.id == Person.user_id).where(User.email == POLICY)).one()


def new_person(session, **columns) -> Person:
    department = someone(session).department_id
    person = Person(display_name="New Person", department_id=department, profession="policy", grade="HEO", **columns)
    session.add(person)
    return person


def set_column(column: str):
    def change(session):
        person = someone(session)
        if column == "current_assessment_id":
            person.current_assessment_id = None
        elif column == "department_id":
            person.department_id = next(
                p.department_id for p in session.exec(select(Person)) if p.department_id != person.department_id
            )
        else:
            setattr(person, column, "ddat" if column == "profession" else "G7")
        session.add(person)

    return change


def test_the_demo_data_marks_both_caches(seeded):
    with seeded.app_context():
        assert values(db.session())[RATINGS] > 0 and values(db.session())[CONSENT] > 0


@pytest.mark.parametrize("column", ["department_id", "profession", "grade", "current_assessment_id"])
def test_changing_who_someone_is_or_their_current_assessment_marks_the_matrix_only(seeded, column):
    with seeded.app_context():
        assert bumped(db.session(), set_column(column)) == {RATINGS}


def test_changing_whether_someone_shares_with_hr_marks_the_sharing_list_only(seeded):
    def stop_sharing(session):
        person = someone(session)
        person.shares_with_hr = False
        session.add(person)

    with seeded.app_context():
        assert bumped(db.session(), stop_sharing) == {CONSENT}


@pytest.mark.parametrize(("shares", "expected"), [(False, {RATINGS}), (True, {RATINGS, CONSENT})])
def test_adding_a_person_marks_the_matrix_and_if_they_share_the_sharing_list(seeded, shares, expected):
    with seeded.app_context():
        assert bumped(db.session(), lambda session: new_person(session, shares_with_hr=shares)) == expected


def test_removing_a_person_marks_the_matrix(seeded):
    with seeded.app_context():
        session = db.session()
        person = new_person(session, shares_with_hr=True)
        session.commit()
        assert bumped(session, lambda s: s.delete(person)) == {RATINGS}


@pytest.mark.parametrize(
    "change",
    [
        lambda person: setattr(person, "display_name", "Someone Else"),
        lambda person: setattr(person, "experience", "success_profiles/behaviour/leadership"),
        lambda person: setattr(person, "current_role", "Analyst"),
        lambda person: setattr(person, "grade", person.grade),  # set, but to the same value
    ],
    ids=["name", "experience", "current role", "same grade"],
)
def test_other_changes_to_a_person_mark_nothing(seeded, change):
    def apply(session):
        person = someone(session)
        change(person)
        session.add(person)

    with seeded.app_context():
        assert bumped(db.session(), apply) == set()


def test_answers_on_a_draft_mark_nothing_until_it_is_submitted(seeded):
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        person = policy_officer(session)
        before = values(session)
        profiles.save_answers(session, person, framework, {"data-preparation-and-linkage": 3})
        profiles.save_answers(session, person, framework, {"data-preparation-and-linkage": 2})
        assert values(session) == before
        profiles.submit_assessment(session, person)
        assert values(session) == before | {RATINGS: before[RATINGS] + 1}


def test_a_rating_changed_on_a_submitted_assessment_marks_the_matrix(seeded):
    def change(session):
        person = someone(session)
        rating = session.exec(
            select(SkillRating).where(SkillRating.assessment_id == person.current_assessment_id)
        ).first()
        rating.level = 4 if rating.level != 4 else 3
        session.add(rating)

    with seeded.app_context():
        assert bumped(db.session(), change) == {RATINGS}


def test_a_rating_changed_on_a_draft_marks_nothing(seeded):
    def change(session):
        person = someone(session)
        draft = Assessment(person_id=person.id, framework_version="draft")
        session.add(draft)
        session.flush()
        session.add(
            SkillRating(
                person_id=person.id,
                assessment_id=draft.id,
                skill="data-preparation-and-linkage",
                level=2,
                framework_version="draft",
            )
        )

    with seeded.app_context():
        assert bumped(db.session(), change) == set()


def test_services_mark_what_they_change(seeded):
    with seeded.app_context():
        session = db.session()
        user = session.exec(select(User).where(User.email == POLICY)).one()
        person = policy_officer(session)
        before = values(session)
        profiles.set_sharing(session, user, person, not person.shares_with_hr)
        assert values(session) == before | {CONSENT: before[CONSENT] + 1}
        profiles.set_sharing(session, user, person, person.shares_with_hr)  # no change: nothing marked
        assert values(session) == before | {CONSENT: before[CONSENT] + 1}
        answers = {
            "profession": "ddat",
            "grade": person.grade,
            "department": str(person.department_id),
        }
        profiles.save_about_you(session, user, person.display_name, answers)
        assert values(session)[RATINGS] == before[RATINGS] + 1


def test_the_bulk_course_evidence_write_marks_the_matrix_once(seeded):
    """Completions are credited with bulk statements the flush event never sees: they bump by hand."""
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        item = next(i for i in session.exec(select(LearningItem)) if i.skills)
        people = [new_person(session), new_person(session)]
        session.flush()
        before = values(session)
        assert course_evidence.credit(session, framework, item, [p.id for p in people]) == 2
        assert values(session) == before | {RATINGS: before[RATINGS] + 1}
        session.commit()
        assert values(session) == before | {RATINGS: before[RATINGS] + 1}


def test_a_rollback_takes_the_bump_back(seeded):
    with seeded.app_context():
        session = db.session()
        session.commit()
        before = values(session)
        assert bumped(session, set_column("grade")) == {RATINGS}
        session.rollback()
        assert values(session) == before


def test_reading_pages_marks_nothing(seeded, client, sign_in):
    with seeded.app_context():
        before = values(db.session())
    sign_in(POLICY)
    for url in ("/profile", "/profile/matches", "/profile/pathway?to=senior-data-analyst", "/profile/data"):
        assert client.get(url).status_code == 200
    sign_in("hr@example.gov.uk")
    assert client.get("/schemes").status_code == 200
    sign_in("leader@example.gov.uk")
    for url in ("/dashboards/skills", "/dashboards/gaps"):
        assert client.get(url).status_code == 200
    with seeded.app_context():
        assert values(db.session()) == before
