import io
from datetime import date

import pytest
from sqlmodel import func, select

from ddat import db
from ddat.models import MemberNote, Person, Scheme, SchemeMember, User
from ddat.permissions import department_scope
from tests.factories import TARGET, make_scheme, sharing_people
from tests.support import app_on_each_database


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    # Imports lean on each database's own locking, uniqueness and transactions: run on both.
    return app_on_each_database(request, tmp_path)


def private_person(app) -> Person:
    with app.app_context():
        return db.session().exec(select(Person).where(Person.shares_with_hr.is_(False))).first()


def members_and_notes(app) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        return (
            session.exec(select(func.count()).select_from(SchemeMember)).one(),
            session.exec(select(func.count()).select_from(MemberNote)).one(),
        )


def run_import(app, scheme_id: int, content: bytes):
    from ddat.imports.scheme_import import import_members
    from ddat.models import Scheme, User
    from ddat.services.framework import current_framework

    with app.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
        return import_members(
            session, current_framework(session), session.get(Scheme, scheme_id), hr, content, department_scope(hr)
        )


def test_a_good_file_imports_and_importing_it_again_changes_nothing(seeded):
    scheme_id = make_scheme(seeded, capacity=5)
    a, b, c = sharing_people(seeded, 3)
    content = (
        "Staff number,Email,Status,Notes\r\n"
        f'{a.staff_number},,applied,"Keen, and ready"\r\n'
        f',policy.officer@example.gov.uk,enrolled,"Said ""yes"" at once"\r\n'
        f"{c.staff_number},,shortlisted,\r\n"
        "\r\n"
    ).encode()
    first = run_import(seeded, scheme_id, content)
    assert first.ok and (first.added, first.changed, first.unchanged) == (3, 0, 0)
    assert members_and_notes(seeded) == (3, 2)
    again = run_import(seeded, scheme_id, content)
    assert again.ok and (again.added, again.changed, again.unchanged) == (0, 0, 3)
    assert members_and_notes(seeded) == (3, 2)
    with seeded.app_context():
        notes = set(db.session().exec(select(MemberNote.text)).all())
        enrolled = db.session().exec(select(SchemeMember).where(SchemeMember.status == "enrolled")).one()
    assert notes == {"Keen, and ready", 'Said "yes" at once'}
    assert enrolled.enrolled_at is not None and enrolled.fit_at_enrolment is not None


def test_a_byte_order_mark_and_header_spelling_are_accepted(seeded):
    scheme_id = make_scheme(seeded)
    (a,) = sharing_people(seeded, 1)
    result = run_import(seeded, scheme_id, f"\ufeffSTAFF NUMBER,status\n{a.staff_number},applied\n".encode())
    assert result.ok and result.added == 1


def test_every_bad_row_is_reported_and_nothing_is_imported(seeded):
    scheme_id = make_scheme(seeded, capacity=5)
    a, b = sharing_people(seeded, 2)
    private = private_person(seeded)
    rows = [
        "staff_number,email,status,notes",
        f"{a.staff_number},,applied,",  # row 2: fine on its own
        "NOPE123,,applied,",  # 3: unknown staff number
        ",nobody@example.gov.uk,applied,",  # 4: unknown email
        f"{b.staff_number},,promoted,",  # 5: unknown status
        ",,applied,",  # 6: no one named
        f"{a.staff_number},,enrolled,",  # 7: duplicate of row 2
        f"{private.staff_number},,applied,",  # 8: does not share with HR, reported as not found
        f"{b.staff_number},ops.officer@example.gov.uk,applied,",  # 9: two different people
        f"{b.staff_number},,applied,{'x' * 2001}",  # 10: note too long
    ]
    result = run_import(seeded, scheme_id, "\n".join(rows).encode())
    problems = {(e.row, e.column, e.problem) for e in result.errors}
    assert (3, "staff_number", "No one with this staff number was found") in problems
    assert (4, "email", "No one with this email address was found") in problems
    assert any(
        row == 5 and problem.startswith("Status must be one of: invited, applied") for row, _, problem in problems
    )
    assert (6, "email", "Enter a staff email address or staff number") in problems
    assert (7, "staff_number", "Same person as row 2") in problems
    # The report must not tell HR who has agreed to share: the same words as for no one at all.
    assert [(column, problem) for row, column, problem in problems if row == 8] == [
        ("staff_number", "No one with this staff number was found")
    ]
    assert (9, "email", "The email address and staff number are for different people") in problems
    assert (10, "notes", "Notes must be 2,000 characters or fewer") in problems
    assert 2 not in {e.row for e in result.errors}
    assert members_and_notes(seeded) == (0, 0)


def test_capacity_is_enforced_across_the_file(seeded):
    scheme_id = make_scheme(seeded, capacity=1)
    a, b = sharing_people(seeded, 2)
    result = run_import(
        seeded, scheme_id, f"staff_number,status\n{a.staff_number},enrolled\n{b.staff_number},enrolled\n".encode()
    )
    assert [e.problem for e in result.errors] == ["The file would fill 2 places but the scheme has 1"]
    assert members_and_notes(seeded) == (0, 0)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "The file is empty"),
        ("staff_number,status\nCS1,applied\n".encode("utf-16"), "The file must be a CSV file saved as UTF-8"),
        (b"name,grade\nA,B\n", "The first row must name the columns: email or staff number, status, notes"),
    ],
)
def test_unreadable_files_are_refused(seeded, content, problem):
    result = run_import(seeded, make_scheme(seeded), content)
    assert [e.problem for e in result.errors] == [problem]


def test_upload_page_shows_the_error_report_then_a_confirmation(seeded, client, sign_in, submit):
    scheme_id = make_scheme(seeded)
    (a,) = sharing_people(seeded, 1)
    sign_in("hr@example.gov.uk")
    url = f"/schemes/{scheme_id}/import"
    bad = submit(url, {"file": (io.BytesIO(b"staff_number,status\nNOPE,applied\n"), "members.csv")})
    html = bad.get_data(as_text=True)
    assert "Problems in the file" in html and "No one with this staff number was found" in html
    assert "The file has 1 problem: nothing was imported" in html
    assert "Select a CSV file" in submit(url, {}).get_data(as_text=True)
    wrong = submit(url, {"file": (io.BytesIO(b"x"), "members.xlsx")}).get_data(as_text=True)
    assert "The selected file must be a CSV" in wrong
    good = submit(url, {"file": (io.BytesIO(f"staff_number,status\n{a.staff_number},applied\n".encode()), "m.csv")})
    assert "Members imported" in good.get_data(as_text=True) and "1 added" in good.get_data(as_text=True)


def test_import_command(seeded, tmp_path):
    scheme_id = make_scheme(seeded, name="Apprentices 2027")
    (a,) = sharing_people(seeded, 1)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(f"staff_number,status\n{a.staff_number},applied\n")
    bad.write_text("staff_number,status\nNOPE,applied\n")
    runner = seeded.test_cli_runner()
    result = runner.invoke(args=["import-scheme-members", "Apprentices 2027", str(good)])
    assert result.exit_code == 0 and "1 added" in result.output
    result = runner.invoke(args=["import-scheme-members", str(scheme_id), str(good)])
    assert "0 added, 0 changed, 1 unchanged" in result.output
    result = runner.invoke(args=["import-scheme-members", str(scheme_id), str(bad)])
    assert result.exit_code == 1 and "Row 2, staff_number: No one with this staff number was found" in result.output
    result = runner.invoke(args=["import-scheme-members", "No such scheme", str(good)])
    assert result.exit_code == 1 and "No scheme with the id or name" in result.output


def add_member(app, scheme_id: int, person: Person, status: str, **fields) -> None:
    with app.app_context():
        db.session().add(
            SchemeMember(scheme_id=scheme_id, person_id=person.id, status=status, source="imported", **fields)
        )
        db.session().commit()


def status_of(app, scheme_id: int, person: Person) -> SchemeMember:
    with app.app_context():
        query = select(SchemeMember).where(SchemeMember.scheme_id == scheme_id, SchemeMember.person_id == person.id)
        return db.session().exec(query).one()


def test_an_import_moves_members_only_as_hr_could(seeded):
    scheme_id = make_scheme(seeded, capacity=5)
    a, b, c, d = sharing_people(seeded, 4)
    add_member(seeded, scheme_id, a, "declined", reason="Chose another scheme")
    add_member(seeded, scheme_id, b, "placed")
    add_member(seeded, scheme_id, c, "enrolled")
    rows = [
        "staff_number,status,reason,placed_level,placed_on",
        f"{a.staff_number},placed,,{TARGET},2027-05-31",
        f"{b.staff_number},invited,,,",
        f"{c.staff_number},placed,,,31/02/2027",
        f"{d.staff_number},declined,,,",
    ]
    result = run_import(seeded, scheme_id, "\n".join(rows).encode())
    assert {(e.row, e.column, e.problem) for e in result.errors} == {
        (2, "status", "A member who is declined cannot be moved to placed"),
        (3, "status", "A member who is placed cannot be moved to invited"),
        (4, "placed_level", "Enter the role level they were placed in"),
        (4, "placed_on", "Date placed must be a real date, like 2027-05-31"),
        (5, "reason", "Enter a reason"),
    }
    assert [status_of(seeded, scheme_id, p).status for p in (a, b, c)] == ["declined", "placed", "enrolled"]
    assert members_and_notes(seeded) == (3, 0)

    content = f"staff_number,status,placed_level,placed_on\n{c.staff_number},placed,{TARGET},31/05/2027\n"
    assert run_import(seeded, scheme_id, content.encode()).ok
    placed = status_of(seeded, scheme_id, c)
    assert (placed.status, placed.placed_level, placed.placed_on) == ("placed", TARGET, date(2027, 5, 31))

    # The same file again changes nothing; another placement for a placed member is a problem, not ignored.
    assert run_import(seeded, scheme_id, content.encode()).unchanged == 1
    moved = f"staff_number,status,placed_level,placed_on\n{c.staff_number},placed,{TARGET},30/06/2027\n"
    result = run_import(seeded, scheme_id, moved.encode())
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, "placed_level")]
    assert "an import cannot change a placement" in result.errors[0].problem
    assert status_of(seeded, scheme_id, c).placed_on == date(2027, 5, 31)


def test_an_import_cannot_change_a_member_who_stopped_sharing_unless_they_applied(seeded):
    from ddat.services import scheme_members
    from ddat.services.framework import current_framework
    from ddat.services.profiles import engine_profile, set_sharing

    scheme_id = make_scheme(seeded, capacity=5)
    assert run_import(seeded, scheme_id, b"email,status\npolicy.officer@example.gov.uk,applied\n").ok
    with seeded.app_context():
        session = db.session()
        scheme = session.get(Scheme, scheme_id)
        for email in ("policy.officer@example.gov.uk", "ops.officer@example.gov.uk"):
            user = session.exec(select(User).where(User.email == email)).one()
            person = session.exec(select(Person).where(Person.user_id == user.id)).one()
            if email.startswith("ops."):
                profile = engine_profile(session, person)
                scheme_members.apply(session, current_framework(session), scheme, person, profile, "I run services.")
            set_sharing(session, user, person, False)
    result = run_import(seeded, scheme_id, b"email,status\npolicy.officer@example.gov.uk,shortlisted\n")
    assert [(e.row, e.column, e.problem) for e in result.errors] == [
        (2, "email", "No one with this email address was found")
    ]
    result = run_import(seeded, scheme_id, b"email,status\nops.officer@example.gov.uk,shortlisted\n")
    assert result.ok and result.changed == 1
    with seeded.app_context():
        statuses = dict(db.session().exec(select(SchemeMember.source, SchemeMember.status)).all())
    assert statuses == {"imported": "applied", "applied": "shortlisted"}


def test_an_import_cannot_add_someone_the_schemes_rules_leave_out(seeded, client, sign_in, submit):
    import io

    from tests.factories import POLICY, make_scheme, person_of

    scheme_id = make_scheme(seeded, grade_from="AA", grade_to="EO")  # the policy officer is a Grade 7
    priya = person_of(seeded, POLICY)
    sign_in("hr@example.gov.uk")
    upload = io.BytesIO(f"staff_number,status\n{priya.staff_number},applied\n".encode())
    page = submit(f"/schemes/{scheme_id}/import", {"file": (upload, "m.csv")}).get_data(as_text=True)
    assert "No one with this staff number was found" in page  # as for someone who does not exist
    assert "Members imported" not in page
