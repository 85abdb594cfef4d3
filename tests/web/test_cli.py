import json

from sqlmodel import func, select

from ddat import db
from ddat.demo import DEMO_ACCOUNTS, DEPARTMENTS
from ddat.models import FrameworkRelease, Person, SkillRating, User
from pathways.framework import FRAMEWORK_FILE
from tests.cli import run


def count(app, model) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model)).one()


def test_loading_the_same_framework_again_changes_nothing(app):
    result = run(app, "load-framework")
    assert result.exit_code == 0
    assert "already the current version" in result.output
    assert count(app, FrameworkRelease) == 1


def test_loading_a_newer_export_reports_changes_and_keeps_ratings(app, tmp_path):
    run(app, "seed-demo", "--people", "5", "--seed", "3")
    ratings_before = count(app, SkillRating)
    document = json.loads(FRAMEWORK_FILE.read_bytes())
    document["skills"][0]["summary"] = "A reworded summary."
    removed = document["roles"][0]["levels"][0]["skills"].pop()
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(document))

    result = run(app, "load-framework", str(newer))

    assert result.exit_code == 0, result.output
    assert "Skills: 0 added, 0 removed, 1 changed" in result.output
    assert f"changed: {document['skills'][0]['slug']}" in result.output
    assert f"changed: {document['roles'][0]['levels'][0]['slug']}" in result.output
    assert removed["skill"]  # the level lost a skill requirement, so it is reported as changed
    assert count(app, FrameworkRelease) == 2
    assert count(app, SkillRating) == ratings_before


def test_a_malformed_export_is_refused_with_file_path_and_problem(app, tmp_path):
    document = json.loads(FRAMEWORK_FILE.read_bytes())
    document["roles"][2]["levels"][0]["skills"][0]["level"] = "guru"
    bad = tmp_path / "bad-export.json"
    bad.write_text(json.dumps(document))

    result = run(app, "load-framework", str(bad))

    assert result.exit_code != 0
    assert "bad-export.json: $.roles[2].levels[0].skills[0].level: 'guru' is not one of" in result.output
    assert count(app, FrameworkRelease) == 1


def test_seed_demo_creates_demo_accounts_and_people(app):
    result = run(app, "seed-demo", "--people", "40", "--seed", "7")
    assert result.exit_code == 0, result.output
    with app.app_context():
        emails = set(db.session().exec(select(User.email)).all())
    assert emails == {email for email, *_ in DEMO_ACCOUNTS}
    # Plus the four civil servant demo accounts (one the line manager), and a permanent
    # secretary for each of the 17 departments the permanent secretary demo account is not in.
    assert count(app, Person) == 40 + 4 + 17
    assert count(app, SkillRating) > 40
    with app.app_context():
        leaders = db.session().exec(select(Person.department_id).where(Person.grade == "PS")).all()
    assert len(set(leaders)) == len(DEPARTMENTS)


def test_seed_demo_if_empty_does_not_duplicate(app):
    run(app, "seed-demo", "--people", "10")
    result = run(app, "seed-demo", "--people", "10", "--if-empty")
    assert "nothing added" in result.output
    assert count(app, Person) == 10 + 4 + 17


def snapshot(app):
    with app.app_context():
        people = db.session().exec(select(Person.display_name, Person.profession, Person.grade)).all()
        ratings = db.session().exec(select(SkillRating.person_id, SkillRating.skill, SkillRating.level)).all()
    return people, ratings


def test_seed_demo_is_deterministic_for_a_seed(make_app):
    first, same_seed, other_seed = make_app("first"), make_app("same"), make_app("other")
    run(first, "seed-demo", "--people", "30", "--seed", "11")
    run(same_seed, "seed-demo", "--people", "30", "--seed", "11")
    run(other_seed, "seed-demo", "--people", "30", "--seed", "12")
    assert snapshot(first) == snapshot(same_seed)
    assert snapshot(first) != snapshot(other_seed)


def test_init_db_is_safe_to_run_twice(app):
    assert run(app, "init-db").exit_code == 0
    assert run(app, "init-db").exit_code == 0
    assert count(app, FrameworkRelease) == 1


def test_seed_demo_adds_schemes_with_members_at_the_stages_their_status_allows(app):
    from ddat.demo.schemes import HOLDS_A_PLACE, OUTCOMES
    from ddat.models import Scheme, SchemeMember
    from ddat.services.eligibility import Eligibility
    from ddat.services.framework import current_framework
    from ddat.services.profiles import engine_profile
    from pathways import match

    assert run(app, "seed-demo", "--people", "3000", "--seed", "5").exit_code == 0
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        schemes = session.exec(select(Scheme)).all()
        assert {s.status for s in schemes} == {"open", "running", "closed"}
        for scheme in schemes:
            members = session.exec(select(SchemeMember).where(SchemeMember.scheme_id == scheme.id)).all()
            assert members, scheme.name
            assert {m.status for m in members} <= set(OUTCOMES[scheme.status])
            assert sum(m.status in HOLDS_A_PLACE for m in members) <= scheme.capacity
            for member in members:
                person = session.get(Person, member.person_id)
                assert person.shares_with_hr and Eligibility.of(framework, scheme).admits(person)
                assert (member.fit_at_enrolment is not None) == (member.status in HOLDS_A_PLACE)
                if member.fit_at_enrolment is not None:  # as enrolling someone in the service records it
                    profile = engine_profile(session, person)
                    assert member.fit_at_enrolment == round(match(framework, profile, member.target_level).fit)
                assert (member.placed_on is not None) == (member.status == "placed")


def test_seed_demo_adds_past_learning_that_shows_as_course_evidence(app):
    from ddat.demo.learning import MASTERCLASS
    from ddat.models import LearningItem, Registration

    assert run(app, "seed-demo", "--people", "3000", "--seed", "5").exit_code == 0
    with app.app_context():
        session = db.session()
        for item in session.exec(select(LearningItem).where(LearningItem.slug != MASTERCLASS)).all():
            taken = session.exec(select(Registration).where(Registration.item_id == item.id)).all()
            completed = [r.person_id for r in taken if r.status == "completed"]
            assert completed, item.name
            assert all(r.feedback_score is None for r in taken if r.status in ("no_show", "cancelled"))
            if item.audience:
                grades = set(session.exec(select(Person.grade).where(Person.id.in_([r.person_id for r in taken]))))
                assert grades <= set(item.audience)
            person = session.get(Person, completed[0])
            evidence = session.exec(
                select(SkillRating.evidence).where(SkillRating.assessment_id == person.current_assessment_id)
            ).all()
            assert "course" in evidence


def test_a_command_before_init_db_says_to_run_it_and_makes_no_empty_database(tmp_path):
    from ddat import create_app

    database = tmp_path / "not-yet.db"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    result = run(app, "seed-demo", "--people", "1")
    assert result.exit_code != 0 and "`flask init-db` creates it" in str(result.exception)
    assert not database.exists()
    assert run(app, "init-db").exit_code == 0 and database.exists()
    assert run(app, "load-framework").exit_code == 0


def test_recommendation_figures_are_the_ones_docs_publish(app, tmp_path, monkeypatch):
    """The model card in docs/matching.md is current for the shipped framework, and --write
    rewrites only its marked section."""
    from ddat import cli
    from pathways.model_card import END_MARK, START_MARK

    printed = run(app, "recommendation-figures")
    assert printed.exit_code == 0, printed.output
    published = cli.DOC_WITH_FIGURES.read_text()
    assert printed.output.strip() in published, "run `flask --app app recommendation-figures --write`"

    copy = tmp_path / "matching.md"
    copy.write_text(f"Before\n{START_MARK}\nold figures\n{END_MARK}\nAfter\n")
    monkeypatch.setattr(cli, "DOC_WITH_FIGURES", copy)
    assert run(app, "recommendation-figures", "--write").exit_code == 0
    rewritten = copy.read_text()
    assert rewritten.startswith(f"Before\n{START_MARK}\n") and rewritten.endswith(f"{END_MARK}\nAfter\n")
    assert "old figures" not in rewritten and "Viable fit" in rewritten
