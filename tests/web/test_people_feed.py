"""The people feed: an HR system keeping people's records through POST /api/v1/people, HR's
CSV upload or `import-people`. Batches are all-or-nothing with a problem per row, the same
batch twice changes nothing, the HR record is read-only for the person, and leavers lose access."""

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import func, select

from ddat import current, db
from ddat.models import AuditEvent, ChangeCounter, Department, LineManagement, Person, SchemeMember, User
from ddat.services import api_clients, line_managers
from ddat.services.profiles import draft_assessment
from tests.client import signed_in_as
from tests.factories import make_scheme, person_of
from tests.support import outbox

POLICY = "policy.officer@example.gov.uk"
OPS = "ops.officer@example.gov.uk"


def token_for(app, scopes=("people:write",)) -> str:
    with app.app_context():
        session = db.session()
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        return api_clients.create(session, admin, "HR system", list(scopes), None,
                                  datetime.now(UTC) + timedelta(days=9))[1]  # fmt: skip


def departments(app) -> list[Department]:
    with app.app_context():
        return list(db.session().exec(select(Department).order_by(Department.id)).all())


def feed(app, people: list[dict], token: str | None = None):
    token = token or token_for(app)
    return app.test_client().post(
        "/api/v1/people", json={"people": people}, headers={"Authorization": f"Bearer {token}"}
    )


def record(person: Person, department: Department, **changes) -> dict:
    row = {"staff_number": person.staff_number, "name": person.display_name, "grade": person.grade,
           "department": department.abbreviation, "profession": person.profession}  # fmt: skip
    return {**row, **changes}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(model).where(*where)).one()


def ratings_counter(app) -> int:
    with app.app_context():
        row = db.session().get(ChangeCounter, "ratings")
        return row.value if row else 0


def newcomer(number: int, department: Department, **changes) -> dict:
    return {"staff_number": f"HR{number:06d}", "email": f"person.{number}@example.gov.uk", "name": f"Person {number}",
            "grade": "HEO", "department": department.name, "profession": "operational_delivery", **changes}  # fmt: skip


def test_new_people_are_added_and_the_same_batch_twice_changes_nothing(seeded):
    department = departments(seeded)[0]
    with seeded.app_context():
        priya = person_of(seeded, POLICY)
    batch = [newcomer(1, department, line_manager=priya.staff_number), newcomer(2, department, left=False)]
    token = token_for(seeded)
    first = feed(seeded, batch, token)
    assert first.status_code == 200 and first.get_json() == {"created": 2, "updated": 0, "unchanged": 0, "left": 0}
    events, counter = count(seeded, AuditEvent), ratings_counter(seeded)
    again = feed(seeded, batch, token)
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 2, "left": 0}
    assert count(seeded, AuditEvent) == events + 1, "only the call itself is recorded"
    assert ratings_counter(seeded) == counter, "nothing changed, so no cache is thrown away"
    with seeded.app_context():
        session = db.session()
        first_person = session.exec(select(Person).where(Person.staff_number == "HR000001")).one()
        assert (first_person.display_name, first_person.hr_email, first_person.grade) == (
            "Person 1",
            "person.1@example.gov.uk",
            "HEO",
        )
        assert line_managers.manager_of(session, first_person).id == priya.id


def test_a_batch_with_one_bad_row_changes_nothing_and_lists_every_problem(seeded):
    department = departments(seeded)[0]
    with seeded.app_context():
        priya = person_of(seeded, POLICY)
    batch = [
        newcomer(1, department),
        record(priya, department, grade="G99"),
        {**newcomer(3, department), "department": "Ministry of Nowhere", "line_manager": "NOBODY"},
        newcomer(1, department),
    ]
    response = feed(seeded, batch)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    problems = {(e["pointer"], e["detail"]) for e in response.get_json()["errors"]}
    assert ("/people/1/grade", "Grade must be one of AA, AO, EO, HEO, SEO, G7, G6, SCS1, SCS2, SCS3, PS") in problems
    assert any(p == "/people/2/department" for p, _ in problems)
    assert ("/people/2/line_manager", "Line manager’s staff number NOBODY is not known") in problems
    assert ("/people/3/staff_number", "Staff number HR000001 is in the batch more than once") in problems
    assert count(seeded, Person, Person.staff_number == "HR000001") == 0, "the good row was not added either"
    with seeded.app_context():
        assert person_of(seeded, POLICY).grade == priya.grade


def test_a_batch_cannot_make_a_line_management_loop(seeded):
    department = departments(seeded)[0]
    with seeded.app_context():
        priya, lena = person_of(seeded, POLICY), person_of(seeded, "line.manager@example.gov.uk")
    # Lena manages Priya already; the batch would make Priya manage Lena.
    response = feed(seeded, [record(lena, department, line_manager=priya.staff_number)])
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/people/0/line_manager"
    assert feed(seeded, [record(priya, department, line_manager=priya.staff_number)]).status_code == 422


def test_the_hr_record_is_read_only_for_the_person(seeded):
    with seeded.app_context():
        priya = person_of(seeded, POLICY)
        department = db.session().get(Department, priya.department_id)
    assert feed(seeded, [record(priya, department, grade="G6")]).get_json()["updated"] == 1
    browser = signed_in_as(seeded.test_client(), POLICY)
    seeded.config["WTF_CSRF_ENABLED"] = False
    page = browser.get("/profile/about").get_data(as_text=True)
    assert "From your HR record" in page and "contact your HR team" in page
    assert 'name="grade"' not in page
    other = next(d for d in departments(seeded) if d.id != department.id)
    browser.post("/profile/about", data={"profession": "ddat", "grade": "AA", "department": str(other.id),
                                              "current_role": "Policy lead", "current_level": ""})  # fmt: skip
    with seeded.app_context():
        after = person_of(seeded, POLICY)
        assert (after.grade, after.profession, after.department_id) == ("G6", priya.profession, department.id)
        assert after.current_role == "Policy lead", "what the HR system does not keep, the person still can"
    with seeded.test_request_context():  # a draft open, so Check your answers shows
        draft_assessment(db.session(), person_of(seeded, POLICY), current.framework())
    check = browser.get("/profile/check").get_data(as_text=True)
    assert "Grade 6 (from your HR record)" in check
    assert 'Change<span class="govuk-visually-hidden"> grade' not in check
    assert 'Change<span class="govuk-visually-hidden"> job title' in check, "what is theirs can still be changed"


def test_a_leaver_is_signed_out_cannot_sign_in_and_drops_out_of_line_management(seeded):
    with seeded.app_context():
        owen = person_of(seeded, OPS)
        department = db.session().get(Department, owen.department_id)
    browser = signed_in_as(seeded.test_client(), OPS)
    assert browser.get("/profile").status_code == 200
    response = feed(seeded, [{"staff_number": owen.staff_number, "left": True}])
    assert response.get_json() == {"created": 0, "updated": 0, "unchanged": 0, "left": 1}
    assert "/sign-in" in browser.get("/profile").headers["Location"], "their session ended at once"
    refused = seeded.test_client().post("/sign-in", data={"email": OPS, "password": "pathways-demo-2026"})
    assert refused.status_code != 302
    with seeded.app_context():
        session = db.session()
        assert line_managers.manager_of(session, session.get(Person, owen.id)) is None
        assert session.get(Person, owen.id).left_at is not None
    lena = signed_in_as(seeded.test_client(), "line.manager@example.gov.uk")
    assert "Owen Operations" not in lena.get("/team").get_data(as_text=True)
    # Told again, nothing more happens; back with a full record, they can sign in again.
    assert feed(seeded, [{"staff_number": owen.staff_number, "left": True}]).get_json()["unchanged"] == 1
    assert feed(seeded, [record(owen, department)]).get_json()["updated"] == 1
    assert signed_in_as(seeded.test_client(), OPS).get("/profile").status_code == 200


def test_someone_who_registers_gets_the_record_hr_made_for_their_address(seeded):
    department = departments(seeded)[0]
    feed(seeded, [newcomer(7, department, email="nia.new@example.gov.uk", grade="SEO")])
    with seeded.app_context():
        session = db.session()
        hr_record = session.exec(select(Person).where(Person.staff_number == "HR000007")).one()
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        session.add(User(email="nia.new@example.gov.uk", password_hash=admin.password_hash,
                         email_confirmed_at=datetime.now(UTC), display_name="Nia New"))  # fmt: skip
        session.commit()
    signed_in_as(seeded.test_client(), "nia.new@example.gov.uk").get("/profile")
    with seeded.app_context():
        assert person_of(seeded, "nia.new@example.gov.uk").id == hr_record.id


def test_a_batch_of_ten_thousand_people_in_one_call(seeded):
    department = departments(seeded)[0]
    batch = [newcomer(n, department) for n in range(10_000)]
    token = token_for(seeded)
    assert feed(seeded, batch, token).get_json()["created"] == 10_000
    assert count(seeded, Person, Person.staff_number.like("HR%")) == 10_000
    assert feed(seeded, batch, token).get_json()["unchanged"] == 10_000
    too_many = feed(seeded, [*batch, newcomer(10_001, department)], token)
    assert too_many.status_code == 422 and too_many.get_json()["errors"][0]["pointer"] == "/people"


def test_hr_upload_the_same_records_as_a_csv_file(seeded):
    department = departments(seeded)[0]
    hr = signed_in_as(seeded.test_client(), "hr@example.gov.uk")
    seeded.config["WTF_CSRF_ENABLED"] = False
    good = ("staff_number,email,name,grade,department,profession,line_manager,left\n"
            f"HR000001,a.one@example.gov.uk,A One,EO,{department.abbreviation},policy,,\n").encode()  # fmt: skip
    sent = hr.post("/people/import", data={"file": (__import__("io").BytesIO(good), "people.csv")},
                   content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 200 and "People’s records imported" in sent.get_data(as_text=True)
    bad = good.replace(b"EO", b"XX") + b"\nHR000002,b@example.gov.uk,B Two,EO,Nowhere,policy,,\n"
    refused = hr.post("/people/import", data={"file": (__import__("io").BytesIO(bad), "people.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", refused))
    assert "nothing was imported" in text
    assert re.search(r" 2 grade Grade must be one of", text) and re.search(r" 4 department Department", text)


def test_the_command_line_import(seeded, tmp_path):
    department = departments(seeded)[0]
    path = tmp_path / "people.csv"
    path.write_text("staff_number,email,name,grade,department,profession\n"
                    f"HR000009,c.nine@example.gov.uk,C Nine,G7,{department.name},ddat\n")  # fmt: skip
    result = seeded.test_cli_runner().invoke(args=["import-people", str(path)])
    assert result.exit_code == 0 and "1 added" in result.output
    assert count(seeded, Person, Person.staff_number == "HR000009") == 1
    assert count(seeded, LineManagement, LineManagement.source == "feed") == 0


def test_leavers_are_deleted_once_the_retention_period_is_over(seeded):
    from ddat.services.leavers import RETENTION_DAYS, delete_leavers

    with seeded.app_context():
        owen = person_of(seeded, OPS)
    feed(seeded, [{"staff_number": owen.staff_number, "left": True}])
    with seeded.app_context():
        session = db.session()
        left_at = session.get(Person, owen.id).left_at
        assert delete_leavers(session, left_at + timedelta(days=RETENTION_DAYS - 1)) == 0
        assert session.get(Person, owen.id) is not None
        assert delete_leavers(session, left_at + timedelta(days=RETENTION_DAYS + 1)) == 1
        assert session.get(Person, owen.id) is None
        assert session.exec(select(User).where(User.email == OPS)).first() is None


def test_a_row_that_does_not_mention_the_line_manager_keeps_them(seeded):
    with seeded.app_context():
        priya = person_of(seeded, POLICY)
        department = db.session().get(Department, priya.department_id)
        lena = line_managers.manager_of(db.session(), priya)
    assert feed(seeded, [record(priya, department, grade="G6")]).get_json()["updated"] == 1
    with seeded.app_context():
        assert line_managers.manager_of(db.session(), person_of(seeded, POLICY)).id == lena.id
    # Saying "none" (null) does end it, and her sharing with Lena goes with it.
    assert feed(seeded, [record(priya, department, grade="G6", line_manager=None)]).get_json()["updated"] == 1
    with seeded.app_context():
        assert line_managers.manager_of(db.session(), person_of(seeded, POLICY)) is None


def test_a_known_person_can_be_updated_with_only_what_changed(seeded):
    with seeded.app_context():
        owen = person_of(seeded, OPS)
    response = feed(seeded, [{"staff_number": owen.staff_number, "grade": "HEO"}])
    assert response.get_json()["updated"] == 1
    with seeded.app_context():
        after = person_of(seeded, OPS)
        assert (after.grade, after.department_id, after.profession) == ("HEO", owen.department_id, owen.profession)
    new = feed(seeded, [{"staff_number": "HR777777", "name": "No Details", "email": "no.details@example.gov.uk"}])
    assert {e["detail"] for e in new.get_json()["errors"]} == {
        "Enter the person’s grade", "Enter the person’s department", "Enter the person’s profession"}  # fmt: skip


def test_a_line_manager_from_the_hr_record_is_not_the_persons_to_change(seeded):
    with seeded.app_context():
        priya, lena = person_of(seeded, POLICY), person_of(seeded, "line.manager@example.gov.uk")
    feed(seeded, [{"staff_number": priya.staff_number, "line_manager": "", "grade": priya.grade}])
    feed(seeded, [{"staff_number": priya.staff_number, "line_manager": lena.staff_number}])
    browser = signed_in_as(seeded.test_client(), POLICY)
    seeded.config["WTF_CSRF_ENABLED"] = False
    page = browser.get("/profile/line-manager").get_data(as_text=True)
    assert "Your HR record" in page and "comes from your HR record" in page and "Remove Lena Marsh" not in page
    browser.post("/profile/line-manager/remove", data={})
    browser.post("/profile/line-manager", data={"email": "perm.sec@example.gov.uk"})
    with seeded.app_context():
        session = db.session()
        assert line_managers.manager_of(session, person_of(seeded, POLICY)).id == lena.id
        assert line_managers.waiting_link(session, person_of(seeded, POLICY)) is None


def test_someone_who_left_is_sent_no_password_reset(seeded):
    with seeded.app_context():
        owen = person_of(seeded, OPS)
    feed(seeded, [{"staff_number": owen.staff_number, "left": True}])
    seeded.config["WTF_CSRF_ENABLED"] = False
    before = len(outbox(seeded))
    seeded.test_client().post("/forgot-password", data={"email": OPS})
    assert len(outbox(seeded)) == before
    seeded.test_client().post("/forgot-password", data={"email": POLICY})
    assert len(outbox(seeded)) == before + 1, "someone still here is sent one"


def test_someone_who_left_gives_up_their_scheme_place(seeded):
    scheme = make_scheme(seeded, capacity=3)
    with seeded.app_context():
        session = db.session()
        owen = person_of(seeded, OPS)
        session.add(SchemeMember(scheme_id=scheme, person_id=owen.id, status="enrolled", source="applied"))
        session.commit()
    feed(seeded, [{"staff_number": owen.staff_number, "left": True}])
    with seeded.app_context():
        member = db.session().exec(select(SchemeMember).where(SchemeMember.person_id == owen.id)).one()
        assert (member.status, member.reason) == ("withdrawn", "Left: from their HR record")


def test_the_record_of_an_account_that_runs_the_service_is_not_the_feeds(seeded):
    with seeded.app_context():
        session = db.session()
        lena = person_of(seeded, "line.manager@example.gov.uk")
        account = session.get(User, lena.user_id)
        account.role = "admin"  # promoted, keeping the record they had
        session.add(account)
        session.commit()
    refused = feed(seeded, [{"staff_number": lena.staff_number, "left": True}])
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["pointer"] == "/people/0/staff_number"


def test_a_departmental_client_cannot_give_an_account_without_a_record_a_department(seeded):
    department = departments(seeded)[0]
    with seeded.app_context():
        session = db.session()
        admin = session.exec(select(User).where(User.email == "admin@example.gov.uk")).one()
        session.add(User(email="no.record@example.gov.uk", password_hash=admin.password_hash,
                         email_confirmed_at=datetime.now(UTC)))  # fmt: skip
        session.commit()
        ours = api_clients.create(session, admin, "Departmental HR", ["people:write"], department.id,
                                  datetime.now(UTC) + timedelta(days=9))[1]  # fmt: skip
    row = newcomer(5, department, email="no.record@example.gov.uk")
    assert feed(seeded, [row], ours).status_code == 422
    assert feed(seeded, [row]).status_code == 200, "a central client may"


def test_the_hr_records_manager_replaces_one_the_person_is_waiting_for(seeded):
    with seeded.app_context():
        priya, lena = person_of(seeded, POLICY), person_of(seeded, "line.manager@example.gov.uk")
    seeded.config["WTF_CSRF_ENABLED"] = False
    signed_in_as(seeded.test_client(), POLICY).post("/profile/line-manager", data={"email": "perm.sec@example.gov.uk"})
    feed(seeded, [{"staff_number": priya.staff_number, "line_manager": lena.staff_number}])
    with seeded.app_context():
        session = db.session()
        assert line_managers.waiting_link(session, person_of(seeded, POLICY)) is None
        assert line_managers.manager_of(session, person_of(seeded, POLICY)).id == lena.id
        assert line_managers.from_hr_record(line_managers.current_link(session, person_of(seeded, POLICY)))
