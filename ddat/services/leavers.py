"""What happens to people the HR system says have left, once the retention period is over:
everything held about them is deleted, as if they had deleted their account themselves
(docs/privacy.md). Until then it is kept, unseen, in case they come back or the record was wrong."""

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from ..models import Person, User
from . import audit
from .my_data import delete_everything, delete_person

RETENTION_DAYS = 90
BATCH = 200  # a run of the sender deletes this many at most; the next run goes on


def delete_leavers(db: Session, when: datetime) -> int:
    before = when - timedelta(days=RETENTION_DAYS)
    # An account that runs the service (HR, leaders, admins) is never deleted for its record's sake.
    due = db.exec(
        select(Person)
        .outerjoin(User, User.id == Person.user_id)
        .where(
            Person.left_at.is_not(None), Person.left_at < before, or_(User.id.is_(None), User.role == "civil_servant")
        )
        .limit(BATCH)
    ).all()
    for person in due:
        user = db.get(User, person.user_id) if person.user_id else None
        if user is not None:
            delete_everything(db, user)  # commits, and records the deletion without saying whose
        else:
            delete_person(db, person)
            audit.record(db, "people_feed.deleted", actor=audit.SENDER, subject=("person", None))
            db.commit()
    return len(due)
