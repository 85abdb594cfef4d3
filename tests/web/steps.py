"""Steps people take through the pages that more than one test takes: booking a place, HR
recording attendance, a completion disputed and settled. Each takes the `sign_in` and
`submit` fixtures' functions, so it acts on the test's own client."""

from sqlmodel import select

from ddat import db
from ddat.imports.attendance_import import import_attendance
from ddat.models import LearningSession, Registration, User
from ddat.permissions import department_scope
from ddat.services.framework import current_framework
from tests.client import signed_out
from tests.factories import HR, POLICY, VISUALISATION, add_session, person_of, registration_of


def book(submit, slug: str, session_id: int):
    return submit(f"/masterclasses/{slug}/sessions/{session_id}/book", {})


def hr_records(seeded, submit, session_id: int, email: str, status: str):
    registration = registration_of(seeded, session_id, email)
    url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    return submit(f"{url}/attendance", {f"status-{registration.id}": status}, form_url=url)


def completed_by_hr(app, client, sign_in, submit) -> int:
    """Policy officer attended a past session; HR record that they completed it."""
    session_id = add_session(app, VISUALISATION, days=-1)
    policy = person_of(app, POLICY)
    with app.app_context():
        item_id = db.session().get(LearningSession, session_id).item_id
        db.session().add(
            Registration(session_id=session_id, item_id=item_id, person_id=policy.id, status="attended", source="self")
        )
        db.session().commit()
    sign_in(HR)
    hr_records(app, submit, session_id, POLICY, "completed")
    signed_out(client)
    return session_id


def disputed_and_settled_as_no_show(app, client, sign_in, submit) -> tuple[int, Registration]:
    """Priya disputes a completion HR recorded, and HR agree she did not attend; HR stay signed in."""
    session_id = completed_by_hr(app, client, sign_in, submit)
    registration = registration_of(app, session_id, POLICY)
    sign_in(POLICY)
    submit(f"/masterclasses/registrations/{registration.id}/dispute", {"reason": "I did not go"})
    signed_out(client)
    sign_in(HR)
    session_url = f"/masterclasses/{VISUALISATION}/sessions/{session_id}"
    submit(f"{session_url}/disputes/{registration.id}", {"resolution": "no_show"}, form_url=session_url)
    return session_id, registration


def run_import(app, session_id: int, content: bytes):
    with app.app_context():
        session = db.session()
        hr = session.exec(select(User).where(User.email == HR)).one()
        result = import_attendance(
            session,
            current_framework(session),
            session.get(LearningSession, session_id),
            hr,
            content,
            department_scope(hr),
        )
        session.rollback()  # as the page does: a refused import leaves nothing behind
        return result


def book_as(client, sign_in, submit, email: str, slug: str, session_id: int):
    """A fresh browser session for the person, who books the session."""
    signed_out(client)
    sign_in(email)
    return book(submit, slug, session_id)
