"""HR correcting a completion recorded by mistake: the record becomes what happened (they
attended but did not complete, or did not attend) and the course evidence it gave comes off
the person's profile, as a disputed completion's does. Attended and did-not-attend records
are changed in the session's table (`session_people.record_attendance`); a completion is
corrected one person at a time, on its own page, because it changes their profile."""

from datetime import UTC, datetime

from sqlmodel import Session

from pathways import Framework

from ..locks import lock
from ..models import LearningItem, LearningSession, Registration, User
from . import audit, course_evidence
from .learning import RegistrationRefused
from .learning_records import credited

CORRECTIONS = ("attended", "no_show")  # what a completion can be corrected to
NOT_A_COMPLETION = "This record is not a completion: change it in the table on the session page"
# A disputed completion is the person's word against the record: only settling it changes it.
DISPUTED = "This completion was disputed: it is changed only by settling the dispute"


def why_not_corrected(registration: Registration) -> str | None:
    if registration.status != "completed":
        return NOT_A_COMPLETION
    if registration.disputed_at is not None:
        return DISPUTED
    return None


def correct_completion(
    db: Session, framework: Framework, registration: Registration, status: str, user: User
) -> list[tuple[str, int]]:
    """Replace a completion with what happened, in one transaction, and return the skills
    (slug, level) it had credited, which are now off the person's profile unless other
    learning they completed still evidences them."""
    if status not in CORRECTIONS:
        raise ValueError(f"a completion cannot be corrected to {status!r}")
    lock(db, LearningSession, registration.session_id)  # two HR users correcting it take turns
    db.refresh(registration)
    refusal = why_not_corrected(registration)
    if refusal:
        db.rollback()
        raise RegistrationRefused(refusal)
    skills = credited(registration, db.get(LearningItem, registration.item_id))
    registration.status = status
    registration.completed_at = None
    registration.completed_by_user_id = None
    registration.credited_skills = None
    registration.updated_at = datetime.now(UTC)
    db.add(registration)
    db.flush()  # it no longer counts, so the withdrawal does not credit its skills back
    course_evidence.withdraw(db, framework, skills, registration.person_id)
    audit.record(db, "learning.attendance_corrected", actor=user, subject=registration)
    db.commit()
    return [(skill, level) for skill, level in skills]
