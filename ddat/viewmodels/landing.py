"""Where a person lands after signing in: the page their job in the service starts from."""

from flask import url_for
from sqlmodel import Session

from ..permissions import ADMINISTER, RUN_SCHEMES, SEE_AGGREGATES
from ..services.profiles import person_for
from .my_learning import my_invitations


def landing_url(db: Session, user) -> str:
    """HR their schemes and to-do; leaders the dashboards; admins the audit log. A civil
    servant invited to learning (a permanent secretary to the data masterclass) sees the
    invitation first, then their matches once they have assessed their skills, else their
    task list."""
    if user.can(ADMINISTER):
        return url_for("admin.audit_log")
    if user.can(RUN_SCHEMES):
        return url_for("schemes.index")
    if user.can(SEE_AGGREGATES):
        return url_for("dashboards.index")
    person = person_for(db, user)
    if person is None:
        return url_for("profile.index")
    invitations = my_invitations(db, person)
    if len(invitations) == 1:
        return url_for("masterclasses.item", slug=invitations[0].slug)
    if invitations:
        return url_for("masterclasses.my_learning")
    if person.current_assessment_id:
        return url_for("profile.matches")
    return url_for("profile.index")
