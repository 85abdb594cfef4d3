"""Building and finding test data: schemes, learning sessions, invitations, the demo people
tests act as, and the form fields a person would fill in. Tests call these directly; none
of them goes through the pages."""

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from ddat import db
from ddat.models import Invitation, LearningItem, LearningSession, Person, Registration, Scheme, User
from ddat.services.profiles import engine_profile

# Demo accounts (ddat/demo/__init__.py)
PERM_SEC = "perm.sec@example.gov.uk"
POLICY = "policy.officer@example.gov.uk"
OPS = "ops.officer@example.gov.uk"
HR = "hr@example.gov.uk"

# Shipped learning and role levels
MASTERCLASS = "data-masterclass-for-permanent-secretaries"
VISUALISATION = "working-with-data-and-visualisation"
TARGET = "associate-performance-analyst"

TODAY = date.today()


def make_scheme(app, **overrides) -> int:
    fields = {
        "name": "Policy to Data Analysis 2027",
        "target_levels": [TARGET, "associate-data-analyst"],
        "professions": ["policy", "operational_delivery", "other", "ddat"],
        "grade_from": "AA",
        "grade_to": "PS",
        "min_fit": 0,
        "capacity": 1,
        "opens_on": TODAY - timedelta(days=1),
        "closes_on": TODAY + timedelta(days=30),
        "starts_on": TODAY + timedelta(days=60),
        "ends_on": TODAY + timedelta(days=400),
        "status": "open",
    } | overrides
    with app.app_context():
        scheme = Scheme(**fields)
        db.session().add(scheme)
        db.session().commit()
        return scheme.id


def scheme_form(**overrides) -> dict:
    """The fields of the scheme form, filled in as HR would."""
    return {
        "name": "Operations to Service Management",
        "description": "A year of on-the-job learning.",
        "target_1": TARGET,
        "target_2": "",
        "target_3": "",
        "professions": ["operational_delivery"],
        "grade_from": "AO",
        "grade_to": "HEO",
        "min_fit": "10",
        "capacity": "12",
        "opens_on": ["1", "2", "2027"],
        "closes_on": ["28", "2", "2027"],
        "starts_on": ["1", "4", "2027"],
        "ends_on": ["31", "3", "2028"],
        "status": "draft",
    } | overrides


def item_form(**overrides) -> dict:
    """The fields of the learning form, filled in as HR would."""
    return {
        "name": "Service design in practice",
        "provider": "Department learning team",
        "description": "Mapping a whole service.",
        "audience": ["HEO", "SEO"],
        "format": "online",
        "duration_hours": "1.5",
        "skill_1": "user-focus",
        "level_1": "1",
    } | overrides


def add_session(app, slug: str, days: float, capacity: int = 10) -> int:
    with app.app_context():
        item = db.session().exec(select(LearningItem).where(LearningItem.slug == slug)).one()
        starts = datetime.now(UTC) + timedelta(days=days)
        session = LearningSession(
            item_id=item.id, starts_at=starts, ends_at=starts + timedelta(hours=2), location="Room 1", capacity=capacity
        )
        db.session().add(session)
        db.session().commit()
        return session.id


def invite(app, session_id: int, *emails: str, people=()) -> None:
    """HR inviting people to the session's learning before it, so their attendance can be recorded."""
    chosen = [*(person_of(app, email) for email in emails), *people]
    with app.app_context():
        session = db.session().get(LearningSession, session_id)
        before = session.starts_at - timedelta(days=7)
        db.session().add_all(Invitation(item_id=session.item_id, person_id=p.id, invited_at=before) for p in chosen)
        db.session().commit()


def person_of(app, email: str) -> Person:
    with app.app_context():
        return db.session().exec(select(Person).join(User, User.id == Person.user_id).where(User.email == email)).one()


def person_named(app, name: str) -> Person:
    with app.app_context():
        return db.session().exec(select(Person).where(Person.display_name == name)).one()


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session().exec(select(User.id).where(User.email == email)).one()


def registration_of(app, session_id: int, email: str) -> Registration | None:
    person = person_of(app, email)
    with app.app_context():
        return (
            db.session()
            .exec(
                select(Registration).where(Registration.session_id == session_id, Registration.person_id == person.id)
            )
            .first()
        )


def rating(app, email: str, skill: str):
    """The level and evidence of the person's rating of a skill, as the engine sees it (or None)."""
    with app.app_context():
        held = engine_profile(db.session(), person_of(app, email)).rating(skill)
        return (held.level, held.evidence) if held else None


def sharing_people(app, count: int) -> list[Person]:
    with app.app_context():
        query = select(Person).where(Person.shares_with_hr, Person.user_id.is_(None)).order_by(Person.id)
        people = db.session().exec(query).all()
        assert len(people) >= count
        return people[:count]
