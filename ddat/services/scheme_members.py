"""People in a scheme: applications, nominations, HR's decisions, progress and outcomes."""

from datetime import date

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pathways import Framework, Profile, Rating, match
from pathways.scoring import shown_fit

from ..locks import lock
from ..models import Assessment, Department, MemberNote, Milestone, Person, Scheme, SchemeMember, User
from ..notifications.messages import DECISION_SENTENCES, fill
from ..notifications.outbox import tell
from ..paging import Page
from . import audit, consent
from .eligibility import Eligibility
from .profiles import engine_profile, now, ratings_of
from .schemes import best_target, people_in_scope

# Where HR may move a member next. Declined, placed and withdrawn are final.
NEXT_STATUSES = {
    "invited": ("declined", "withdrawn"),
    "applied": ("shortlisted", "enrolled", "declined", "withdrawn"),
    "shortlisted": ("enrolled", "declined", "withdrawn"),
    "enrolled": ("completed", "placed", "withdrawn"),
    "completed": ("placed",),
    "declined": (),
    "placed": (),
    "withdrawn": (),
}
NEEDS_REASON = ("declined", "withdrawn")
HOLDS_A_PLACE = ("enrolled", "completed", "placed")
# A person may leave a scheme themselves until they have finished it.
PERSON_MAY_WITHDRAW = ("invited", "applied", "shortlisted", "enrolled")
WITHDREW_THEMSELVES = "At their own request"  # as HR read it; the person reads "You withdrew"
MEMBERS_PER_PAGE = 25


def places_taken(db: Session, scheme: Scheme) -> int:
    return db.exec(
        select(func.count())
        .select_from(SchemeMember)
        .where(SchemeMember.scheme_id == scheme.id, SchemeMember.status.in_(HOLDS_A_PLACE))
    ).one()


def counts_by_scheme(db: Session, user: User | None, schemes: list[Scheme]) -> dict[int, dict[str, int]]:
    """How many members each scheme has at each status: people in the user's scope, or
    everyone (user None), as places are taken by anyone's."""
    counts: dict[int, dict[str, int]] = {s.id: {} for s in schemes}
    query = (
        select(SchemeMember.scheme_id, SchemeMember.status, func.count())
        .join(Person, Person.id == SchemeMember.person_id)
        .where(SchemeMember.scheme_id.in_(list(counts)))
        .group_by(SchemeMember.scheme_id, SchemeMember.status)
    )
    rows = db.exec(query if user is None else query.where(people_in_scope(user))).all()
    for scheme_id, status, count in rows:
        counts[scheme_id][status] = count
    return counts


def member_for(db: Session, user: User, scheme: Scheme, member_id: int) -> SchemeMember | None:
    """A member of this scheme whom this HR user may see; None (shown as 404) otherwise."""
    return db.exec(
        select(SchemeMember)
        .join(Person, Person.id == SchemeMember.person_id)
        .where(SchemeMember.id == member_id, SchemeMember.scheme_id == scheme.id, people_in_scope(user))
    ).first()


def person_of(db: Session, member: SchemeMember) -> Person:
    return db.get(Person, member.person_id)


def department_of(db: Session, person: Person) -> Department | None:
    return db.get(Department, person.department_id)


def membership(db: Session, scheme: Scheme, person: Person) -> SchemeMember | None:
    return db.exec(
        select(SchemeMember).where(SchemeMember.scheme_id == scheme.id, SchemeMember.person_id == person.id)
    ).first()


def apply(db: Session, framework: Framework, scheme: Scheme, person: Person, profile: Profile, statement: str):
    """A person's own application; an invitation becomes an application."""
    member = membership(db, scheme, person) or SchemeMember(scheme_id=scheme.id, person_id=person.id, source="applied")
    member.status = "applied"
    member.statement = statement
    member.target_level = best_target(framework, scheme, profile)[0]
    member.applied_at = member.updated_at = now()
    db.add(member)
    tell(db, person, "application_received", {"scheme": scheme.name, "closes_on": f"{scheme.closes_on:%-d %B %Y}"},
         "/schemes/my-applications")  # fmt: skip
    try:
        db.commit()
    except IntegrityError:  # the same application sent twice at once (a double click): the first stands
        db.rollback()
        return membership(db, scheme, person)
    return member


NOT_IN_POOL = "That person is no longer in the candidate pool, so they were not invited"


def nominate(
    db: Session, framework: Framework, scheme: Scheme, person: Person, actor: User
) -> tuple[SchemeMember | None, str | None]:
    """HR's invitation, for someone in the candidate pool: they share their profile with HR,
    meet the scheme's rules and fit at least its minimum. Anyone else gets the same refusal,
    whichever rule they fail and without their name, as the pool shows nothing about them
    either. An existing member is returned as they are."""
    member = membership(db, scheme, person)
    if member:
        return member, None
    profile = engine_profile(db, person)
    if (
        not consent.hr_may_act(person, member)
        or not Eligibility.of(framework, scheme).admits(person)
        or profile is None
        or best_target(framework, scheme, profile)[1] < scheme.min_fit
    ):
        return None, NOT_IN_POOL
    member = SchemeMember(scheme_id=scheme.id, person_id=person.id, status="invited", source="nominated")
    member.target_level = best_target(framework, scheme, profile)[0]
    db.add(member)
    try:
        db.flush()
    except IntegrityError:  # invited by someone else a moment ago: theirs stands
        db.rollback()
        return membership(db, scheme, person), None
    audit.record(db, "scheme.member_invited", actor=actor, subject=member)
    db.commit()
    return member, None


def act_on_many(
    db: Session, framework: Framework, scheme: Scheme, actor: User, person_ids: list[int], action: str
) -> tuple[int, list[str]]:
    """Invite (people not in the scheme yet) or shortlist (people who applied) several people
    picked from the pool: how many were, and how many were not and why, counted rather than
    named, as refusals never name someone the pool no longer shows."""
    people = db.exec(select(Person).where(Person.id.in_(person_ids), people_in_scope(actor))).all()
    done, refused = 0, {}
    for person in people:
        member = membership(db, scheme, person)
        if action == "invite":
            why = "already in the scheme" if member else nominate(db, framework, scheme, person, actor)[1]
        elif member is None or member.status != "applied":
            why = "not an applicant waiting for a decision"
        elif not consent.hr_may_act(person, member):
            why = "no longer sharing their profile with HR"  # counted, not named
        else:
            why = move(db, framework, scheme, member, "shortlisted", actor=actor)
        done += why is None
        if why:
            refused[why] = refused.get(why, 0) + 1
    refused["no longer in the candidate pool"] = refused.pop(NOT_IN_POOL, 0) + len(set(person_ids)) - len(people)
    return done, [f"{_people(n)} not {_DONE[action]}: {why}" for why, n in refused.items() if n]


_DONE = {"invite": "invited", "shortlist": "shortlisted"}


def _people(n: int) -> str:
    return "1 person was" if n == 1 else f"{n} people were"


def withdraw_own(db: Session, scheme: Scheme, member: SchemeMember, reason: str | None, actor: User) -> bool:
    """The person's own withdrawal; False if HR moved them on meanwhile to where they cannot."""
    lock(db, Scheme, scheme.id)  # an enrolled person leaving frees a place: take turns with HR's decisions
    db.refresh(member)
    if member.status not in PERSON_MAY_WITHDRAW:
        db.rollback()
        return False
    member.status = "withdrawn"
    member.reason = f"{WITHDREW_THEMSELVES}. {reason}" if reason else WITHDREW_THEMSELVES
    member.updated_at = now()
    db.add(member)
    audit.record(db, "scheme.member_withdrew", actor=actor, subject=member)
    db.commit()
    return True


def move(
    db: Session,
    framework: Framework,
    scheme: Scheme,
    member: SchemeMember,
    status: str,
    reason: str | None = None,
    placed_level: str | None = None,
    placed_on: date | None = None,
    *,
    actor: User,
) -> str | None:
    """Move a member on; returns a GOV.UK error message when the move is not allowed."""
    scheme = lock(db, Scheme, scheme.id)  # decisions on one scheme take turns: the last place goes once
    db.refresh(member)  # another decision on this member may have been made meanwhile
    person = db.get(Person, member.person_id)
    problems = move_problems(framework, member.status, status, reason, placed_level, placed_on)
    problem = None
    if not consent.hr_may_act(person, member) and status not in consent.HR_MAY_ALWAYS:
        problem = consent.refusal(person)
    elif problems:
        problem = problems[0][1]
    elif status == "enrolled" and places_taken(db, scheme) >= scheme.capacity:
        problem = "The scheme is full: " + (
            "its one place is taken" if scheme.capacity == 1 else f"all {scheme.capacity} places are taken"
        )
    if problem:
        db.rollback()  # let the next decision have the lock now, not after this page is drawn
        return problem
    stamp(db, framework, member, status)
    member.reason = reason if status in NEEDS_REASON else member.reason
    if status == "placed":
        place(member, person, placed_level, placed_on)
    db.add(member)
    audit.record(db, f"scheme.member_{status}", actor=actor, subject=member)
    tell_decision(db, framework, scheme, member, person)
    db.commit()
    return None


def tell_decision(db: Session, framework: Framework, scheme: Scheme, member: SchemeMember, person: Person) -> None:
    """The person hears HR's decision, with the reason when it is a "no", in the same
    transaction as the decision."""
    if member.status not in DECISION_SENTENCES:
        return
    headline, sentence = DECISION_SENTENCES[member.status]
    placed = framework.role_levels.get(member.placed_level) if member.placed_level else None
    details = {
        "scheme": scheme.name,
        "starts_on": f"{scheme.starts_on:%-d %B %Y}",
        "placed_in": placed.name if placed else "",
    }
    sentence = fill(sentence, details)
    if member.status in NEEDS_REASON and member.reason:  # in the same placeholder, so no empty paragraph otherwise
        sentence += f"\n\nThe reason given: {member.reason}"
    tell(db, person, "scheme_decision", {"scheme": scheme.name, "decision": headline, "decision_sentence": sentence},
         "/schemes/my-applications")  # fmt: skip


def move_problems(
    framework: Framework,
    current: str | None,
    status: str,
    reason: str | None,
    placed_level: str | None,
    placed_on: date | None,
) -> list[tuple[str, str]]:
    """What stops a member moving from `current` (None: not in the scheme yet) to `status`, as
    (field, message) pairs. HR's decisions and imports both use it, so neither can make a
    move the other could not."""
    problems = []
    if current is not None and status not in NEXT_STATUSES[current]:
        problems.append(("status", f"A member who is {current} cannot be moved to {status}"))  # the CSV words
    if status in NEEDS_REASON and not reason:
        problems.append(("reason", "Enter a reason"))
    if status == "placed" and placed_level not in framework.role_levels:
        problems.append(("placed_level", "Enter the role level they were placed in"))
    if status == "placed" and placed_on is None:
        problems.append(("placed_on", "Enter the date they were placed"))
    return problems


def place(member: SchemeMember, person: Person, level: str, on: date) -> None:
    """Record a placement, with where the person came from: a real move into a DDaT role."""
    member.placed_level, member.placed_on = level, on
    member.placed_from_profession, member.placed_from_grade = person.profession, person.grade


def stamp(db: Session, framework: Framework, member: SchemeMember, status: str) -> None:
    """Set a status and the dates the funnel counts, recording readiness at enrolment."""
    member.status = status
    member.updated_at = now()
    if status in ("applied", "shortlisted") and not member.applied_at:
        member.applied_at = member.updated_at
    if status in HOLDS_A_PLACE and not member.enrolled_at:
        member.enrolled_at = member.updated_at
        person = db.get(Person, member.person_id)
        profile = engine_profile(db, person)
        if profile and member.target_level:
            member.fit_at_enrolment = round(match(framework, profile, member.target_level).fit)
    if status in ("completed", "placed") and not member.completed_at:  # a placement ends the scheme too
        member.completed_at = member.updated_at


def members_page(db: Session, scheme: Scheme, user: User, status: str | None, page: int) -> dict:
    query = (
        select(SchemeMember, Person, Department)
        .join(Person, Person.id == SchemeMember.person_id)
        .join(Department, Department.id == Person.department_id)
        .where(SchemeMember.scheme_id == scheme.id, people_in_scope(user))
    )
    if status:
        query = query.where(SchemeMember.status == status)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    shown = Page.of(page, total, MEMBERS_PER_PAGE)
    rows = db.exec(
        query.order_by(SchemeMember.updated_at.desc(), SchemeMember.id).offset(shown.offset).limit(MEMBERS_PER_PAGE)
    ).all()
    return {"members": rows, "total": total, "page": shown.number, "pages": shown.pages}


def all_members(db: Session, scheme: Scheme, user: User):
    return db.exec(
        select(SchemeMember, Person, Department)
        .join(Person, Person.id == SchemeMember.person_id)
        .join(Department, Department.id == Person.department_id)
        .where(SchemeMember.scheme_id == scheme.id, people_in_scope(user))
        .order_by(SchemeMember.id)
    ).all()


def readiness_over_time(db: Session, framework: Framework, member: SchemeMember) -> list[dict]:
    """Fit to the member's target at each assessment they have submitted that HR may see."""
    if not member.target_level or member.target_level not in framework.role_levels:
        return []
    person = db.get(Person, member.person_id)
    assessments = db.exec(
        select(Assessment)
        .where(
            Assessment.person_id == member.person_id,
            Assessment.submitted_at.is_not(None),
            consent.assessments_hr_may_see(person, member),
        )
        .order_by(Assessment.submitted_at)
    ).all()
    points = []
    for assessment in assessments:
        ratings = tuple(Rating(r.skill, r.level, r.evidence) for r in ratings_of(db, assessment.id) if r.level > 0)
        result = match(framework, Profile(ratings), member.target_level)
        points.append({"date": assessment.submitted_at, "fit": shown_fit(result.fit), "readiness": result.readiness})
    return points


def notes_of(db: Session, member: SchemeMember) -> list[MemberNote]:
    return list(db.exec(select(MemberNote).where(MemberNote.member_id == member.id).order_by(MemberNote.id)).all())


def milestones_of(db: Session, member: SchemeMember) -> list[Milestone]:
    return list(
        db.exec(select(Milestone).where(Milestone.member_id == member.id).order_by(Milestone.achieved_on)).all()
    )


def add_note(db: Session, member: SchemeMember, author: User, text: str) -> None:
    db.add(MemberNote(member_id=member.id, author_user_id=author.id, text=text))
    audit.record(db, "scheme.note_added", actor=author, subject=member)
    db.commit()


def add_milestone(db: Session, member: SchemeMember, actor: User, name: str, achieved_on: date) -> None:
    db.add(Milestone(member_id=member.id, name=name, achieved_on=achieved_on))
    audit.record(db, "scheme.milestone_added", actor=actor, subject=member)
    db.commit()


def my_applications(db: Session, person: Person) -> list[tuple[SchemeMember, Scheme]]:
    return list(
        db.exec(
            select(SchemeMember, Scheme)
            .join(Scheme, Scheme.id == SchemeMember.scheme_id)
            .where(SchemeMember.person_id == person.id)
            .order_by(SchemeMember.updated_at.desc())
        ).all()
    )
