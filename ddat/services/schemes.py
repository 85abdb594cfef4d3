"""Cohort schemes: who may see which, what a scheme asks of people, and who is eligible.

Who sees which scheme follows HR's department scope (`ddat.permissions.department_scope`):
central HR and admins see every scheme and every person, departmental HR their own.
"""

from datetime import date

from sqlalchemy import ColumnElement, true
from sqlmodel import Session, select

from pathways import Framework, Profile, match
from pathways.scoring import shown_fit

from ..models import Department, Person, Scheme, SchemeMember, User
from ..permissions import department_scope, runs
from . import audit
from .eligibility import Eligibility
from .profiles import now

ORDER = ("draft", "open", "running", "closed")


def visible_schemes(db: Session, user: User) -> list[Scheme]:
    query = select(Scheme).order_by(Scheme.starts_on.desc(), Scheme.id.desc())
    scope = department_scope(user)
    if scope is not None:
        query = query.where(Scheme.owner_department_id == scope)
    return list(db.exec(query).all())


def scheme_for(db: Session, user: User, scheme_id: int) -> Scheme | None:
    """The scheme if this user may run it; None (shown as 404) otherwise."""
    scheme = db.get(Scheme, scheme_id)
    if scheme is None or not runs(user, scheme.owner_department_id):
        return None
    return scheme


def find_scheme(db: Session, id_or_name: str) -> Scheme | None:
    if id_or_name.isascii() and id_or_name.isdigit() and len(id_or_name) < 10:
        return db.get(Scheme, int(id_or_name))
    return db.exec(select(Scheme).where(Scheme.name == id_or_name)).first()


def people_in_scope(user: User) -> ColumnElement[bool]:
    scope = department_scope(user)
    return true() if scope is None else Person.department_id == scope


def person_in_scope(db: Session, user: User, person_id: int) -> Person | None:
    """The person if they are in this user's department scope; None (shown as 404) otherwise."""
    return db.exec(select(Person).where(Person.id == person_id, people_in_scope(user))).first()


def save_scheme(db: Session, scheme: Scheme, answers: dict, actor: User) -> Scheme:
    action = "scheme.updated" if scheme.id else "scheme.created"
    for name in (
        "name",
        "description",
        "professions",
        "grade_from",
        "grade_to",
        "min_fit",
        "capacity",
        "opens_on",
        "closes_on",
        "starts_on",
        "ends_on",
        "status",
    ):
        setattr(scheme, name, answers[name])
    scheme.target_levels = [t for t in answers["targets"] if t]
    scheme.department_ids = [int(d) for d in answers["departments"]]
    scheme.updated_at = now()
    db.add(scheme)
    db.flush()
    audit.record(db, action, actor=actor, subject=scheme)
    db.commit()
    return scheme


def best_target(framework: Framework, scheme: Scheme, profile: Profile) -> tuple[str, int]:
    """The scheme target this profile fits best, and the fit."""
    fits = [(shown_fit(match(framework, profile, level).fit), level) for level in scheme.target_levels]
    fit, level = max(fits, key=lambda pair: (pair[0], -scheme.target_levels.index(pair[1])))
    return level, fit


def open_for_applications(scheme: Scheme, today: date | None = None) -> bool:
    today = today or date.today()
    return scheme.status == "open" and scheme.opens_on <= today <= scheme.closes_on


def _day(d: date) -> str:
    return f"{d:%-d %B %Y}"


def not_open_warning(scheme: Scheme, today: date | None = None) -> str | None:
    """What HR should know before inviting people to a scheme that is not taking applications
    (an invited person can apply only while it is): None when it is."""
    today = today or date.today()
    if open_for_applications(scheme, today):
        return None
    if scheme.status == "draft":
        return "This scheme is a draft. People you invite cannot apply until you open it for applications."
    if scheme.status == "open" and today < scheme.opens_on:
        return f"Applications open on {_day(scheme.opens_on)}. People you invite can apply from then."
    if scheme.status == "open":
        return f"Applications closed on {_day(scheme.closes_on)}. People you invite cannot apply."
    return f"This scheme is {scheme.status}, so it is not taking applications. People you invite cannot apply."


def not_open_for_person(scheme: Scheme, today: date | None = None) -> str:
    """Why someone invited to a scheme cannot apply to it today, in their words."""
    today = today or date.today()
    if scheme.status == "draft":
        return "The HR team running it have not opened it for applications yet. Come back once they have."
    if scheme.status == "open" and today < scheme.opens_on:
        return f"Applications open on {_day(scheme.opens_on)}. Come back then to apply."
    if scheme.status == "open" and today > scheme.closes_on:
        return f"Applications closed on {_day(scheme.closes_on)}."
    if not open_for_applications(scheme, today):
        return "Applications have closed."
    return (
        "Your profile does not meet this scheme’s rules at the moment. "
        "Ask the HR team running it if you think it should."
    )


def eligible_open_schemes(db: Session, framework: Framework, person: Person, profile: Profile | None) -> list[dict]:
    """Open schemes this person could apply to, with their best fit; ones they are in are marked."""
    if profile is None:
        return []
    schemes = db.exec(select(Scheme).where(Scheme.status == "open")).all()
    mine = {
        m.scheme_id: m.status for m in db.exec(select(SchemeMember).where(SchemeMember.person_id == person.id)).all()
    }
    views = []
    for scheme in schemes:
        if not open_for_applications(scheme) or not Eligibility.of(framework, scheme).admits(person):
            continue
        level, fit = best_target(framework, scheme, profile)
        if fit >= scheme.min_fit:
            views.append(
                {"scheme": scheme, "level": framework.role_levels[level], "fit": fit, "status": mine.get(scheme.id)}
            )
    return views


def department_names(db: Session) -> dict[int, str]:
    return {d.id: d.name for d in db.exec(select(Department)).all()}
