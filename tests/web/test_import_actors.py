"""Imports are told who they act for and whose people they may name: run from the command
line they act for no account, as "cli", over every department."""

from sqlmodel import select

from ddat import db
from ddat.imports.attendance_import import import_attendance
from ddat.imports.scheme_import import import_members
from ddat.models import AuditEvent, LearningSession, MemberNote, Person, Registration, Scheme, User
from ddat.services.audit import COMMAND_LINE
from ddat.services.framework import current_framework
from tests.cli import run
from tests.factories import OPS, VISUALISATION, add_session, invite, make_scheme, person_of, sharing_people


def events(app, *actions: str) -> list[tuple[int | None, str | None]]:
    with app.app_context():
        rows = db.session().exec(select(AuditEvent).where(AuditEvent.action.in_(actions))).all()
        return [(e.actor_user_id, e.actor_role) for e in rows]


def test_the_command_line_scheme_import_is_recorded_against_no_account(seeded, tmp_path):
    scheme_id = make_scheme(seeded, capacity=5)
    (person,) = sharing_people(seeded, 1)
    good = tmp_path / "good.csv"
    good.write_text(f"staff_number,status,notes\n{person.staff_number},applied,Came to the open day\n")
    assert run(seeded, "import-scheme-members", str(scheme_id), str(good)).exit_code == 0
    recorded = events(seeded, "scheme.members_imported", "scheme.member_imported")
    assert recorded == [(None, "cli"), (None, "cli")]
    with seeded.app_context():
        assert [n.author_user_id for n in db.session().exec(select(MemberNote)).all()] == [None]


def test_the_command_line_attendance_import_is_recorded_against_no_account(seeded, tmp_path):
    session_id = add_session(seeded, VISUALISATION, days=-1)
    invite(seeded, session_id, OPS)
    good = tmp_path / "good.csv"
    good.write_text(f"email,status\n{OPS},completed\n", encoding="utf-8")
    assert run(seeded, "import-attendance", str(session_id), str(good)).exit_code == 0
    assert set(events(seeded, "learning.attendance_imported", "learning.completed")) == {(None, "cli")}
    with seeded.app_context():
        registration = db.session().exec(select(Registration).where(Registration.session_id == session_id)).one()
        assert registration.status == "completed" and registration.completed_by_user_id is None


def test_a_departmental_scope_finds_only_that_departments_people(seeded):
    scheme_id = make_scheme(seeded, capacity=5)
    (person,) = sharing_people(seeded, 1)
    content = f"staff_number,status\n{person.staff_number},applied\n".encode()
    with seeded.app_context():
        session = db.session()
        framework = current_framework(session)
        other = next(
            p.department_id for p in session.exec(select(Person)).all() if p.department_id != person.department_id
        )
        scheme = session.get(Scheme, scheme_id)
        result = import_members(session, framework, scheme, COMMAND_LINE, content, scope=other)
        assert [e.problem for e in result.errors] == ["No one with this staff number was found"]
        session.rollback()
        result = import_members(session, framework, scheme, COMMAND_LINE, content, scope=person.department_id)
        assert result.ok and result.added == 1


def test_an_import_in_hrs_own_department_scope_names_only_its_people(seeded):
    """HR in one department, importing within their own scope, name only their own department's people."""
    session_id = add_session(seeded, VISUALISATION, days=-1)
    ops = person_of(seeded, OPS)
    invite(seeded, session_id, OPS)
    with seeded.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        other = next(
            p.department_id for p in session.exec(select(Person)).all() if p.department_id != ops.department_id
        )
        hr.department_id = other
        session.add(hr)
        session.commit()
        content = f"email,status\n{OPS},completed\n".encode()
        learning_session = session.get(LearningSession, session_id)
        result = import_attendance(session, current_framework(session), learning_session, hr, content, hr.department_id)
        assert [e.problem for e in result.errors] == ["No one with this email address was found"]
        session.rollback()
        result = import_attendance(session, current_framework(session), learning_session, hr, content, scope=None)
        assert result.ok
