"""Everything held about a person: for them to download, or to delete."""

from sqlmodel import Session, delete, select

from pathways import Framework

from ..caches import learning as learning_summary
from ..csv_files import csv_text
from ..db import forget_deleted_rows
from ..models import (
    Assessment,
    ConfirmationRequest,
    Department,
    EmailConfirmation,
    Invitation,
    LineManagement,
    MemberNote,
    Milestone,
    OutboxMessage,
    PasswordReset,
    Person,
    Registration,
    SchemeMember,
    SkillConfirmation,
    SkillRating,
    User,
    UserIdentity,
)
from ..notifications.messages import MESSAGES
from ..viewmodels.my_learning import my_invitations, my_registrations
from ..vocabulary import LEVEL_NAMES
from . import audit, line_managers
from .learning_outcomes import give_up_places
from .profiles import assessment_history, open_draft, person_for, ratings_of
from .scheme_members import my_applications
from .user_sessions import end_every_session


def _iso(when) -> str | None:
    return when.isoformat() if when else None


def export(db: Session, user: User, framework: Framework) -> dict:
    """Everything held about the person, with skills and levels named as the pages name them
    next to the codes a program would use."""
    person = person_for(db, user)
    data = {"account": {"email": user.email, "name": user.display_name, "role": user.role,
                        "created_at": user.created_at.isoformat()}}  # fmt: skip
    data["messages"] = _messages(db, user)
    if person is None:
        return data | {"profile": None, "assessments": [], "learning": [], "learning_invitations": [], "schemes": []}
    department = db.get(Department, person.department_id)
    data["profile"] = _profile(person, department)
    data["assessments"] = [
        {
            "id": a.id,
            "framework_version": a.framework_version,
            "started_at": a.started_at.isoformat(),
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "current": a.id == person.current_assessment_id,
            "ratings": [
                {
                    "skill": r.skill,
                    "skill_name": framework.skills[r.skill].name if r.skill in framework.skills else r.skill,
                    "level": r.level,
                    "level_name": LEVEL_NAMES.get(r.level, str(r.level)),
                    "evidence": r.evidence,
                    "rated_at": r.rated_at.isoformat(),
                    "example": r.example,
                    "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
                    "your_level_before_your_manager_changed_it": r.self_level,
                }
                for r in ratings_of(db, a.id)
            ],
        }
        for a in _all_assessments(db, person)
    ]
    manager = line_managers.manager_of(db, person)
    data["line_manager"] = manager.display_name if manager else None
    data["shares_with_line_manager"] = person.shares_with_manager
    data["confirmations"] = [
        {"skill": c.skill, "your_level": c.self_level, "decision": c.decision, "confirmed_level": c.confirmed_level,
         "reason": c.reason, "decided_at": c.decided_at.isoformat()}
        for c in db.exec(select(SkillConfirmation).where(SkillConfirmation.person_id == person.id)
                         .order_by(SkillConfirmation.id)).all()
    ]  # fmt: skip
    data["confirmation_requests"] = [
        {"requested_at": r.requested_at.isoformat(), "answered_at": _iso(r.completed_at),
         "withdrawn_at": _iso(r.withdrawn_at), "your_reply": r.response or None, "replied_at": _iso(r.responded_at)}
        for r in db.exec(select(ConfirmationRequest).where(ConfirmationRequest.person_id == person.id)
                         .order_by(ConfirmationRequest.id)).all()
    ]  # fmt: skip
    data["learning"] = [
        {
            "learning": mine.item.name,
            "session_starts_at": mine.session.starts_at.isoformat(),
            "status": mine.registration.status,
            "completed_at": mine.registration.completed_at.isoformat() if mine.registration.completed_at else None,
            "feedback_score": mine.registration.feedback_score,
            "feedback_comment": mine.registration.feedback_comment,
            "disputed_at": mine.registration.disputed_at.isoformat() if mine.registration.disputed_at else None,
            "dispute_reason": mine.registration.dispute_reason,
        }
        for mine in my_registrations(db, person)
    ]
    data["learning_invitations"] = [item.name for item in my_invitations(db, person)]
    data["schemes"] = [
        {
            "scheme": scheme.name,
            "status": member.status,
            "how_you_joined": member.source,
            "your_statement": member.statement,
            "target": member.target_level,
            "reason": member.reason,
            "applied_at": member.applied_at.isoformat() if member.applied_at else None,
            "enrolled_at": member.enrolled_at.isoformat() if member.enrolled_at else None,
            "completed_at": member.completed_at.isoformat() if member.completed_at else None,
            "placed_in": member.placed_level,
            "placed_on": member.placed_on.isoformat() if member.placed_on else None,
        }
        for member, scheme in my_applications(db, person)
    ]
    return data


def _messages(db: Session, user: User) -> list[dict]:
    """Messages sent to the account, in their words until those are cleared a week after delivery."""
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id)).all()
    messages = []
    for row in rows:
        subject, body = MESSAGES[row.template].render(row.personalisation) if not row.cleared_at else (None, None)
        if MESSAGES[row.template].secret:  # a sign-in or reset link: whoever holds a session must not get it
            body = "The words of this message hold a link that signs you in, so they are not in the download."
        messages.append(
            {
                "message": row.template,
                "to": row.to_address or None,
                "subject": subject,
                "body": body,
                "status": row.status,
                "written_at": row.created_at.isoformat(),
                "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            }
        )
    return messages


def _all_assessments(db: Session, person: Person) -> list[Assessment]:
    """Submitted assessments, newest first, after any draft still being worked on."""
    draft = open_draft(db, person)
    return ([draft] if draft else []) + assessment_history(db, person)


def _profile(person: Person, department: Department | None) -> dict:
    return {
        "name": person.display_name,
        "department": department.name if department else None,
        "profession": person.profession,
        "grade": person.grade,
        "current_role": person.current_role,
        "current_ddat_role_level": person.current_level,
        "experience_shown": person.experience.splitlines(),
        "work_that_interests_you": list(person.work_interests),
        "target": person.target_level,
        "shares_with_hr": person.shares_with_hr,
        "updated_at": person.updated_at.isoformat(),
    }


def export_csv(data: dict) -> str:
    return csv_text(
        ["Assessment", "Submitted", "Current", "Framework version", "Skill", "Level", "Evidence"]
        + ["Skill code", "Level number"],
        (
            [a["id"], a["submitted_at"], "yes" if a["current"] else "no", a["framework_version"]]
            + [r["skill_name"], r["level_name"], r["evidence"], r["skill"], r["level"]]
            for a in data["assessments"]
            for r in a["ratings"]
        ),
    )


def delete_everything(db: Session, user: User) -> None:
    """Hard-delete the person's profile, assessments, ratings and account."""
    person = person_for(db, user)
    if person:
        delete_person(db, person)
    _delete_account(db, user)


def delete_person(db: Session, person: Person) -> None:
    """Hard-delete a profile and everything held with it, in the caller's transaction."""
    give_up_places(db, person)
    person.current_assessment_id = None
    db.add(person)
    db.flush()
    memberships = select(SchemeMember.id).where(SchemeMember.person_id == person.id)
    db.exec(delete(MemberNote).where(MemberNote.member_id.in_(memberships)))
    db.exec(delete(Milestone).where(Milestone.member_id.in_(memberships)))
    db.exec(delete(SchemeMember).where(SchemeMember.person_id == person.id))
    db.exec(delete(Registration).where(Registration.person_id == person.id))
    db.exec(delete(Invitation).where(Invitation.person_id == person.id))
    learning_summary.refresh_people(db, [person.id])  # bulk statements: the flush event never sees them
    line_managers.forget(db, person)
    db.exec(delete(SkillConfirmation).where(SkillConfirmation.person_id == person.id))
    db.exec(delete(ConfirmationRequest).where(ConfirmationRequest.person_id == person.id))
    db.exec(delete(LineManagement).where(LineManagement.report_id == person.id))
    db.exec(delete(SkillRating).where(SkillRating.person_id == person.id))
    db.exec(delete(Assessment).where(Assessment.person_id == person.id))
    db.delete(person)
    db.flush()


def _delete_account(db: Session, user: User) -> None:
    db.exec(delete(UserIdentity).where(UserIdentity.user_id == user.id))
    db.exec(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.exec(delete(EmailConfirmation).where(EmailConfirmation.user_id == user.id))
    db.exec(delete(OutboxMessage).where(OutboxMessage.user_id == user.id))  # sent or not: no longer theirs to get
    end_every_session(db, user)
    role = user.role
    db.delete(user)
    # Who it was is exactly what must not be kept: only that an account was deleted.
    audit.record(db, "account.deleted", actor=audit.Actor(None, role), subject=("user_account", None))
    db.commit()
    forget_deleted_rows(db)
