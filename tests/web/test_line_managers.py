"""Line managers: the relationship's rules (self, loops, grade and department, refusing, HR
recording one, changing manager), and who may see a report's profile, and for how long."""

from sqlmodel import select

from ddat import db
from ddat.models import AuditEvent, ConfirmationRequest, LineManagement, Person
from ddat.services import confirmations, line_managers
from tests.factories import person_of
from tests.line_management import (
    HR,
    MANAGER,
    OPS,
    PERM_SEC,
    POLICY,
    as_user,
    ask,
    text_of,
    waiting_link,
)
from tests.support import outbox


def test_nobody_can_name_themselves_as_their_line_manager(team):
    response = as_user(team, POLICY).post("/profile/line-manager", data={"email": POLICY.upper()})
    assert response.status_code == 200
    assert "You cannot be your own line manager" in text_of(response)


def test_a_manager_cannot_accept_managing_their_own_manager(team):
    # The line manager (managing the policy officer) names the policy officer as their own manager.
    manager = as_user(team, MANAGER)
    response = manager.post("/profile/line-manager", data={"email": POLICY})
    message = text_of(response)
    assert "Someone you line-manage, directly or through your team, cannot be your line manager" in message
    assert "Priya" not in message, "the refusal does not say whose address it is"
    with team.app_context():
        me = person_of(team, MANAGER)
        waiting = (
            db.session()
            .exec(select(LineManagement).where(LineManagement.report_id == me.id, LineManagement.ended_at.is_(None)))
            .first()
        )
    assert waiting is None, "naming someone below you in your own chain is refused at once"


def test_a_loop_made_through_two_requests_waiting_is_refused_when_the_second_is_accepted(team):
    policy, ops = as_user(team, POLICY), as_user(team, OPS)
    # Each names the other while neither request is accepted: both are allowed to wait.
    policy.post("/profile/line-manager", data={"email": OPS})
    ops.post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        ops_manages_policy = (
            db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == OPS)).one()
        )
        policy_manages_ops = (
            db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
        )
    assert policy.post(f"/team/requests/{policy_manages_ops}", data={"answer": "yes"}).status_code == 302
    response = ops.post(f"/team/requests/{ops_manages_policy}", data={"answer": "yes"})
    assert response.status_code == 200
    assert "Priya Policy is above you in the line management chain" in text_of(response)
    with team.app_context():
        assert db.session().get(LineManagement, ops_manages_policy).accepted_at is None


def test_refusing_a_request_leaves_the_person_without_a_manager(team):
    as_user(team, OPS).post("/profile/line-manager/remove")
    as_user(team, OPS).post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        link_id = db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
    assert ("line_manager_named", POLICY) in [(m.template, m.to_address) for m in outbox(team)]
    assert as_user(team, POLICY).post(f"/team/requests/{link_id}", data={"answer": "no"}).status_code == 302
    with team.app_context():
        found = db.session().get(LineManagement, link_id)
        assert (found.end_reason, found.accepted_at) == ("refused", None)
    assert "Tell us who your line manager is" in text_of(as_user(team, OPS).get("/profile/line-manager"))


def test_a_second_account_below_your_grade_cannot_accept_being_your_manager(team):
    # Owen (EO) asked to line-manage Priya (G7): a link people make themselves needs a manager at
    # the report's grade or above, so nobody confirms their own skills through a junior account.
    as_user(team, POLICY).post("/profile/line-manager", data={"email": OPS})
    response = as_user(team, OPS).post(f"/team/requests/{waiting_link(team, OPS)}", data={"answer": "yes"})
    assert response.status_code == 200
    assert "Your profile says your grade is below Priya Policy’s" in text_of(response)
    with team.app_context():
        assert db.session().get(LineManagement, waiting_link(team, OPS)).accepted_at is None


def test_a_manager_in_another_department_cannot_accept_but_hr_can_record_it(team):
    as_user(team, POLICY).post("/profile/line-manager/remove")
    as_user(team, POLICY).post("/profile/line-manager", data={"email": MANAGER})
    with team.app_context():
        session = db.session()
        lena, priya = person_of(team, MANAGER), person_of(team, POLICY)
        other = session.exec(select(Person.department_id).where(Person.department_id != priya.department_id)).first()
        lena.department_id = other
        session.add(lena)
        session.commit()
    response = as_user(team, MANAGER).post(f"/team/requests/{waiting_link(team, MANAGER)}", data={"answer": "yes"})
    assert "Your profile says you work in a different department from Priya Policy" in text_of(response)
    hr = as_user(team, "admin@example.gov.uk")  # central: sees both departments
    check = text_of(hr.post("/people/line-managers", data={"report": priya.staff_number, "manager": lena.staff_number}))
    assert "Lena Marsh works in a different department from Priya Policy" in check
    assert "Line manager now No line manager" in check
    recorded = hr.post(
        "/people/line-managers", data={"report": priya.staff_number, "manager": lena.staff_number, "checked": "yes"}
    )
    assert recorded.status_code == 302
    with team.app_context():
        assert line_managers.manager_of(db.session(), person_of(team, POLICY)).id == lena.id


def test_a_request_made_through_an_ended_link_never_opens_the_profile_to_the_next_manager(team):
    # As if the person asked at the very moment they removed their manager.
    request_id = ask(team)
    with team.app_context():
        session = db.session()
        ended = session.get(LineManagement, session.get(ConfirmationRequest, request_id).link_id)
        ended.ended_at = confirmations.now()
        session.add(ended)
        session.commit()
        priya = person_of(team, POLICY)
        assert session.get(ConfirmationRequest, request_id).withdrawn_at is None
    as_user(team, POLICY).post("/profile/line-manager", data={"email": MANAGER})
    as_user(team, MANAGER).post(f"/team/requests/{waiting_link(team, MANAGER)}", data={"answer": "yes"})
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{priya.id}").status_code == 404
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 404
    asked_again = ask(team)
    assert asked_again != request_id
    assert manager.get(f"/team/confirmations/{asked_again}").status_code == 200
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).withdrawn_at is not None


def test_someone_not_asked_cannot_answer_a_request(team):
    as_user(team, OPS).post("/profile/line-manager", data={"email": POLICY})
    with team.app_context():
        link_id = db.session().exec(select(LineManagement.id).where(LineManagement.manager_email == POLICY)).one()
    for email in (MANAGER, HR, "admin@example.gov.uk"):
        assert as_user(team, email).post(f"/team/requests/{link_id}", data={"answer": "yes"}).status_code == 404


def test_changing_manager_ends_the_old_managers_access_at_once(team):
    request_id = ask(team)
    with team.app_context():
        policy_id = person_of(team, POLICY).id
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 200
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    as_user(team, POLICY).post("/profile/line-manager", data={"email": PERM_SEC})
    # Lena stays the line manager until the one named accepts: a mistyped address loses nothing.
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    assert "Lena Marsh stays your line manager until they accept" in text_of(
        as_user(team, POLICY).get("/profile/line-manager")
    )
    as_user(team, PERM_SEC).post(f"/team/requests/{waiting_link(team, PERM_SEC)}", data={"answer": "yes"})
    assert manager.get(f"/team/confirmations/{request_id}").status_code == 404
    assert manager.get(f"/team/people/{policy_id}").status_code == 404
    assert "Priya Policy" not in text_of(manager.get("/team"))
    with team.app_context():
        assert db.session().get(ConfirmationRequest, request_id).withdrawn_at is not None


def test_hr_set_a_line_manager_only_for_their_own_people(team):
    with team.app_context():
        ops, manager = person_of(team, OPS), person_of(team, MANAGER)
    hr = as_user(team, HR)
    as_user(team, OPS).post("/profile/line-manager/remove")
    check = text_of(
        hr.post("/people/line-managers", data={"report": ops.staff_number, "manager": manager.staff_number})
    )
    assert "Make Lena Marsh Owen Operations’s line manager?" in check and "Line manager now No line manager" in check
    response = hr.post(
        "/people/line-managers", data={"report": ops.staff_number, "manager": manager.staff_number, "checked": "yes"}
    )
    assert response.status_code == 302
    with team.app_context():
        link = (
            db.session()
            .exec(select(LineManagement).where(LineManagement.report_id == ops.id, LineManagement.ended_at.is_(None)))
            .one()
        )
        assert (link.manager_id, link.source, link.accepted_at is not None) == (manager.id, "hr", True)
    same = hr.post(
        "/people/line-managers", data={"report": ops.staff_number, "manager": ops.staff_number, "checked": "yes"}
    )
    assert "Nobody can be their own line manager" in text_of(same)
    assert as_user(team, POLICY).get("/people/line-managers").status_code == 403


def test_a_manager_sees_a_report_only_once_asked_or_shared(team):
    with team.app_context():
        policy_id, ops_id = person_of(team, POLICY).id, person_of(team, OPS).id
        stranger = db.session().exec(select(Person.id).where(Person.user_id.is_(None))).first()
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{policy_id}").status_code == 404  # never shared, never asked
    assert manager.get(f"/team/people/{ops_id}").status_code == 200  # shares with their manager
    assert manager.get(f"/team/people/{stranger}").status_code == 404  # not a report at all
    page = text_of(manager.get("/team"))
    assert "Not shared with you" in page
    ask(team)
    assert manager.get(f"/team/people/{policy_id}").status_code == 200
    as_user(team, POLICY).post("/profile/confirmation/withdraw")
    assert manager.get(f"/team/people/{policy_id}").status_code == 404


def test_stopping_sharing_with_the_manager_ends_their_view(team):
    with team.app_context():
        ops_id = person_of(team, OPS).id
    manager = as_user(team, MANAGER)
    assert manager.get(f"/team/people/{ops_id}").status_code == 200
    as_user(team, OPS).post("/profile/line-manager/sharing", data={"sharing-shares": "no"})
    assert manager.get(f"/team/people/{ops_id}").status_code == 404
    assert "Owen Operations" not in text_of(manager.get("/team/skills"))
    with team.app_context():
        actions = db.session().exec(select(AuditEvent.action)).all()
    assert "consent.manager_sharing_withdrawn" in actions


def test_sharing_with_a_line_manager_does_not_pass_to_the_next_one(team):
    # Owen shares with Lena; HR record Priya (not asked, not shared with) as his manager instead.
    with team.app_context():
        owen, priya = person_of(team, OPS), person_of(team, POLICY)
        assert owen.shares_with_manager
    as_user(team, POLICY).post("/profile/line-manager/remove")
    hr = as_user(team, HR)
    assert (
        hr.post(
            "/people/line-managers", data={"report": owen.staff_number, "manager": priya.staff_number, "checked": "yes"}
        ).status_code
        == 302
    )
    assert as_user(team, POLICY).get(f"/team/people/{owen.id}").status_code == 404
    assert as_user(team, MANAGER).get(f"/team/people/{owen.id}").status_code == 404
    with team.app_context():
        assert not person_of(team, OPS).shares_with_manager
        withdrawn = (
            db.session().exec(select(AuditEvent).where(AuditEvent.action == "consent.manager_sharing_withdrawn")).all()
        )
        assert [e.object_id for e in withdrawn] == [str(owen.id)]


def test_other_people_cannot_answer_a_request(team):
    request_id = ask(team)
    for email in (OPS, HR, "leader@example.gov.uk", "admin@example.gov.uk", POLICY):
        client = as_user(team, email)
        assert client.get(f"/team/confirmations/{request_id}").status_code == 404
        assert client.post(f"/team/confirmations/{request_id}", data={}).status_code == 404


def test_hr_recording_a_manager_tells_the_person(team):
    with team.app_context():
        ops, priya = person_of(team, OPS), person_of(team, POLICY)
    as_user(team, HR).post("/people/line-managers", data={"report": ops.staff_number, "manager": priya.staff_number,
                                                          "checked": "yes"})  # fmt: skip
    assert ("line_manager_recorded", OPS) in [(m.template, m.to_address) for m in outbox(team)]


def test_naming_a_manager_is_limited_to_three_a_day(team):
    client = as_user(team, OPS)
    for _ in range(3):
        assert client.post("/profile/line-manager", data={"email": POLICY}).status_code == 302
    refused = client.post("/profile/line-manager", data={"email": POLICY})
    assert "3 times today" in text_of(refused)


def test_deleting_a_managers_account_ends_their_links(team):
    with team.app_context():
        policy_id = person_of(team, POLICY).id
    as_user(team, MANAGER).post("/profile/data/delete", data={})
    page = text_of(as_user(team, POLICY).get("/profile/line-manager"))
    assert "Tell us who your line manager is" in page
    with team.app_context():
        assert (
            db.session()
            .exec(
                select(LineManagement).where(LineManagement.report_id == policy_id, LineManagement.ended_at.is_(None))
            )
            .first()
            is None
        )


def test_sharing_ends_when_the_manager_deletes_their_account(team):
    with team.app_context():
        assert person_of(team, OPS).shares_with_manager
    as_user(team, MANAGER).post("/profile/data/delete", data={})
    with team.app_context():
        owen, priya = person_of(team, OPS), person_of(team, POLICY)
        assert not owen.shares_with_manager, "the consent was for the manager who has gone"
    as_user(team, HR).post("/people/line-managers", data={"report": owen.staff_number, "manager": priya.staff_number,
                                                          "checked": "yes"})  # fmt: skip
    assert as_user(team, POLICY).get(f"/team/people/{owen.id}").status_code == 404


def test_hr_are_told_when_the_manager_is_already_recorded(team):
    with team.app_context():
        priya, lena = person_of(team, POLICY), person_of(team, MANAGER)
    page = as_user(team, HR).post("/people/line-managers", data={"report": priya.staff_number,
                                                                  "manager": lena.staff_number})  # fmt: skip
    assert "Lena Marsh is already Priya Policy’s line manager" in text_of(page)
