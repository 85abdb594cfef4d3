"""Attendance imports: all rows or none, a row-by-row report, idempotent, BOM-tolerant, and
completion becoming skills evidence."""

import io

import pytest
from sqlmodel import func, select

from ddat import db
from ddat.models import Assessment, Person, Registration, SkillRating
from ddat.services.framework import current_framework
from ddat.services.profiles import save_answers
from tests.cli import run
from tests.client import CSRF_PATTERN
from tests.factories import OPS, POLICY, VISUALISATION, add_session, invite, person_of, registration_of
from tests.support import app_on_each_database
from tests.web.steps import run_import


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    # Imports lean on each database's own locking, uniqueness and transactions: run on both.
    return app_on_each_database(request, tmp_path)


def registrations(app, session_id: int) -> dict[int, str]:
    with app.app_context():
        rows = db.session().exec(select(Registration).where(Registration.session_id == session_id)).all()
        return {r.person_id: r.status for r in rows}


def course_ratings(app) -> int:
    with app.app_context():
        return (
            db.session()
            .exec(select(func.count()).select_from(SkillRating).where(SkillRating.evidence == "course"))
            .one()
        )


def test_a_good_file_imports_and_importing_it_again_changes_nothing(seeded):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    policy, ops = person_of(seeded, POLICY), person_of(seeded, OPS)
    invite(seeded, session_id, POLICY, OPS)
    content = (
        "\ufeffEmail,Staff number,Status\r\n"  # Excel's byte order mark
        f"{POLICY},,Completed\r\n"
        f",{ops.staff_number},no show\r\n"
        "\r\n"
    ).encode()
    before = course_ratings(seeded)
    first = run_import(seeded, session_id, content)
    assert first.ok and (first.added, first.changed, first.unchanged) == (2, 0, 0)
    assert registrations(seeded, session_id) == {policy.id: "completed", ops.id: "no_show"}
    added = course_ratings(seeded) - before
    assert added > 0  # completion added course evidence
    again = run_import(seeded, session_id, content)
    assert again.ok and (again.added, again.changed, again.unchanged) == (0, 0, 2)
    assert course_ratings(seeded) - before == added


def test_any_bad_row_means_nothing_is_imported_and_every_problem_is_listed(seeded):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    policy = person_of(seeded, POLICY)
    invite(seeded, session_id, POLICY, OPS)
    content = (
        "staff_number,email,status\n"
        f"{policy.staff_number},,attended\n"
        "CS9999999,,attended\n"
        ",nobody@example.gov.uk,completed\n"
        f"{policy.staff_number},,completed\n"
        f"{policy.staff_number},{OPS},attended\n"
        f",{OPS},maybe\n"
        ",,attended\n"
    ).encode()
    result = run_import(seeded, session_id, content)
    problems = {(e.row, e.column, e.problem) for e in result.errors}
    assert problems == {
        (3, "staff_number", "No one with this staff number was found"),
        (4, "email", "No one with this email address was found"),
        (5, "staff_number", "Same person as row 2"),
        (6, "email", "The email address and staff number are for different people"),
        (7, "status", "Status must be one of: attended, no show, completed"),
        (8, "email", "Enter a staff email address or staff number"),
    }
    assert registrations(seeded, session_id) == {}


def test_files_that_cannot_be_read_are_refused_whole(seeded):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    for content, problem in [
        (b"", "The file is empty"),
        ("email,status\nx,\u00e9".encode("latin-1"), "The file must be a CSV file saved as UTF-8"),
        (b"name,grade\nAna,HEO\n", "The first row must name the columns: email or staff number, status"),
        (b"email,status\nx\x00y,attended\n", "The file must be a CSV file saved as UTF-8 text"),
    ]:
        result = run_import(seeded, session_id, content)
        assert [e.problem for e in result.errors] == [problem]


def test_attendance_waits_for_the_session_and_completion_cannot_be_undone(seeded):
    future = add_session(seeded, VISUALISATION, days=3)
    result = run_import(seeded, future, f"email,status\n{POLICY},attended\n".encode())
    assert [e.problem for e in result.errors] == ["Attendance can only be recorded once the session has started"]
    past = add_session(seeded, VISUALISATION, days=-1)
    invite(seeded, past, POLICY)
    assert run_import(seeded, past, f"email,status\n{POLICY},completed\n".encode()).ok
    undo = run_import(seeded, past, f"email,status\n{POLICY},attended\n".encode())
    assert [e.problem for e in undo.errors] == ["Already completed: a completion cannot be undone"]
    assert registration_of(seeded, past, POLICY).status == "completed"


def test_completion_reaches_an_open_draft_too(seeded):
    """Someone part-way through changing their answers keeps the course evidence when they submit."""
    policy = person_of(seeded, POLICY)
    with seeded.app_context():
        session = db.session()
        # Priya holds this at practitioner: rating it working is a change, so a draft opens.
        save_answers(session, session.get(Person, policy.id), current_framework(session), {"analysis-and-insight": 2})
        draft = (
            db.session()
            .exec(select(Assessment).where(Assessment.person_id == policy.id, Assessment.submitted_at.is_(None)))
            .one()
        )
    past = add_session(seeded, VISUALISATION, days=-1)
    invite(seeded, past, POLICY)
    assert run_import(seeded, past, f"email,status\n{POLICY},completed\n".encode()).ok
    with seeded.app_context():
        in_draft = (
            db.session()
            .exec(
                select(SkillRating).where(
                    SkillRating.assessment_id == draft.id, SkillRating.skill == "communicating-data"
                )
            )
            .one()
        )
    assert (in_draft.level, in_draft.evidence) == (1, "course")


def test_the_web_upload_reports_problems_and_imports_good_files(seeded, client, sign_in):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    invite(seeded, session_id, POLICY)
    sign_in("hr@example.gov.uk")
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}/import"
    token = CSRF_PATTERN.search(client.get(url).get_data(as_text=True)).group(1)

    def upload(content: bytes, name="attendance.csv"):
        data = {"csrf_token": token, "file": (io.BytesIO(content), name)}
        return client.post(url, data=data, content_type="multipart/form-data").get_data(as_text=True)

    bad = upload(b"email,status\nnobody@example.gov.uk,attended\n")
    assert "The file has 1 problem: nothing was imported" in bad and "No one with this email address was found" in bad
    assert "The selected file must be a CSV" in upload(b"x", name="attendance.xlsx")
    good = upload(f"email,status\n{POLICY},attended\n".encode())
    assert "Attendance imported" in good and "1 added" in good


def test_the_import_command(seeded, tmp_path):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    invite(seeded, session_id, OPS, POLICY)
    good = tmp_path / "good.csv"
    good.write_text(f"email,status\n{OPS},attended\n", encoding="utf-8")
    result = run(seeded, "import-attendance", str(session_id), str(good))
    assert result.exit_code == 0 and "Imported: 1 added, 0 changed, 0 unchanged." in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(f"email,status\n{POLICY},maybe\n", encoding="utf-8")
    result = run(seeded, "import-attendance", str(session_id), str(bad))
    assert result.exit_code != 0 and "Row 2, status: Status must be one of" in result.output
    assert registration_of(seeded, session_id, POLICY) is None
    assert run(seeded, "import-attendance", "99999", str(good)).exit_code != 0
    with seeded.app_context():
        assert db.session().exec(select(func.count()).select_from(Person)).one() > 0


def test_many_completions_each_get_their_own_new_version(seeded):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    with seeded.app_context():
        people = db.session().exec(select(Person).where(Person.grade != "PS").order_by(Person.id).limit(4)).all()
        before = {p.id: p.current_assessment_id for p in people}
    invite(seeded, session_id, people=people)
    content = ("staff_number,status\n" + "".join(f"{p.staff_number},completed\n" for p in people)).encode()
    assert run_import(seeded, session_id, content).ok
    with seeded.app_context():
        for person in people:
            now = db.session().get(Person, person.id)
            assert now.current_assessment_id != before[person.id]
            evidence = (
                db.session()
                .exec(
                    select(SkillRating.level, SkillRating.evidence).where(
                        SkillRating.assessment_id == now.current_assessment_id,
                        SkillRating.skill == "data-visualisation",
                    )
                )
                .one()
            )
            assert evidence[0] >= 2 and (evidence[1] == "course" or evidence[0] > 2)
