"""A person's own profile and self-assessment. Every function works on the signed-in user's
own records: nothing here takes another person's id from a request."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pathways import Framework, Profile, Rating, suggest_ratings
from pathways.matching import transferable_data

from ..locks import lock
from ..models import (
    Assessment,
    ConfirmationRequest,
    Department,
    Person,
    SkillRating,
    User,
)
from ..vocabulary import NO_CHANCE
from . import audit

QUESTIONS_PER_PAGE = 5


def now() -> datetime:
    return datetime.now(UTC)


def person_for(db: Session, user: User) -> Person | None:
    return db.exec(select(Person).where(Person.user_id == user.id)).first()


def departments(db: Session) -> list[Department]:
    return list(db.exec(select(Department).order_by(Department.name)).all())


def hr_record(db: Session, person: Person) -> dict:
    """What the HR system says of the person, in words, for the pages that show it."""
    department = db.get(Department, person.department_id)
    return {"profession": person.profession, "grade": person.grade, "department": department.name if department else "",
            "updated": person.hr_record_at}  # fmt: skip


def claim_hr_record(db: Session, user: User) -> None:
    """An account with no profile takes the record the HR system made for its email address."""
    if person_for(db, user) is not None or user.role != "civil_servant":  # HR, leaders, admins: never
        return
    waiting = db.exec(select(Person).where(Person.hr_email == user.email.lower(), Person.user_id.is_(None))).first()
    if waiting is not None:
        waiting.user_id = user.id
        db.add(waiting)
        db.commit()


def save_about_you(db: Session, user: User, name: str, answers: dict) -> Person:
    person = person_for(db, user) or Person(
        user_id=user.id, display_name=name, department_id=0, profession="", grade=""
    )
    person.profession = answers["profession"]
    person.grade = answers["grade"]
    person.department_id = int(answers["department"])
    person.current_role = answers.get("current_role") or None
    person.current_level = answers.get("current_level") or None
    person.updated_at = now()
    db.add(person)
    db.commit()
    return person


def set_sharing(db: Session, user: User, person: Person, shares: bool) -> None:
    """Record whether HR may see this person's profile: audited, and at once in every candidate pool."""
    if shares != person.shares_with_hr:
        action = "consent.shared_with_hr" if shares else "consent.withdrawn"
        audit.record(db, action, actor=user, subject=person)
        person.hr_consent_withdrawn_at = None if shares else now()  # HR sees nothing newer (services/consent.py)
    person.shares_with_hr = shares
    db.add(person)
    db.commit()


def set_manager_sharing(db: Session, user: User, person: Person, shares: bool) -> None:
    """Whether the person's line manager may see their profile without being asked to confirm
    it: a choice apart from HR's, audited, and in force at once."""
    if shares != person.shares_with_manager:
        action = "consent.shared_with_manager" if shares else "consent.manager_sharing_withdrawn"
        audit.record(db, action, actor=user, subject=person)
    person.shares_with_manager = shares
    db.add(person)
    db.commit()


def set_target(db: Session, person: Person, target: str) -> None:
    """The role or role level the person is aiming for, shown on their pathway."""
    person.target_level = target
    db.add(person)
    db.commit()


def save_experience(db: Session, person: Person, shown: list[str]) -> bool:
    """Record the experience the person has shown; whether it changed."""
    experience = "\n".join(sorted(set(shown)))
    if experience == person.experience:
        return False
    person.experience = experience
    person.updated_at = now()
    db.add(person)
    db.commit()
    return True


def experience_of(person: Person) -> list[tuple[str, str, str]]:
    return [tuple(line.split("/", 2)) for line in person.experience.splitlines() if line.count("/") == 2]


# What each kind of capability is, in words: "Strategy (pillar)" told people nothing.
KIND_EXPLAINED = {
    "pillar": "one of the 3 pillars of the Policy Profession Standards",
    "job_family": "a job family in the Operational Delivery Profession skills framework",
    "core_skill": "a core skill in the Operational Delivery Profession skills framework",
    "scs_capability": "a Senior Civil Service capability in the Operational Delivery Profession skills framework",
}


def experience_choices(framework: Framework, profession: str | None) -> list[tuple[str, str]]:
    """Success Profiles behaviours for everyone, plus the person's own profession's capabilities."""
    own = {"policy": "policy", "operational_delivery": "operational_delivery"}.get(profession or "")
    choices = []
    for source in transferable_data(framework).sources:
        framework_name, kind, _ = source.source
        if framework_name == "success_profiles" or framework_name == own:
            explained = KIND_EXPLAINED.get(kind, kind.replace("_", " "))
            label = source.name if framework_name == "success_profiles" else f"{source.name}: {explained}"
            choices.append(("/".join(source.source), label))
    return choices


# --- assessments -----------------------------------------------------------------------


def open_draft(db: Session, person: Person) -> Assessment | None:
    return db.exec(
        select(Assessment).where(Assessment.person_id == person.id, Assessment.submitted_at.is_(None))
    ).first()


def draft_assessment(db: Session, person: Person, framework: Framework) -> Assessment:
    """The person's draft, or a new one that starts from their current answers."""
    draft = open_draft(db, person)
    if draft:
        return draft
    draft = Assessment(person_id=person.id, framework_version=framework.version)
    db.add(draft)
    try:
        db.flush()
    except IntegrityError:
        # The same page sent twice at once: the other request's draft is the one (the
        # database allows one open draft per person).
        db.rollback()
        return open_draft(db, person)
    if person.current_assessment_id:
        for rating in ratings_of(db, person.current_assessment_id):
            db.add(
                # The example and any confirmation go with the rating into the new version.
                copied(rating, assessment_id=draft.id, framework_version=framework.version)
            )
    db.commit()
    return draft


def copied(rating: SkillRating, **changes) -> SkillRating:
    """A new rating row like `rating` (its example and any confirmation too), with `changes`."""
    return SkillRating(**(rating.model_dump(exclude={"id"}) | changes))


def working_answers(db: Session, person: Person) -> dict[str, int]:
    """The answers a person is working on (their draft, else their last submission), read only:
    looking at a question page must not start a new draft."""
    draft = open_draft(db, person)
    working = draft.id if draft else person.current_assessment_id
    return answers_of(db, working) if working else {}


def working_examples(db: Session, person: Person) -> dict[str, str]:
    """The examples the person has written, on the answers they are working on."""
    draft = open_draft(db, person)
    working = draft.id if draft else person.current_assessment_id
    return {r.skill: r.example for r in ratings_of(db, working) if r.example} if working else {}


def ratings_of(db: Session, assessment_id: int) -> list[SkillRating]:
    return list(db.exec(select(SkillRating).where(SkillRating.assessment_id == assessment_id)).all())


def answers_of(db: Session, assessment_id: int) -> dict[str, int]:
    return {r.skill: r.level for r in ratings_of(db, assessment_id)}


def no_chance_of(db: Session, assessment_id: int | None) -> set[str]:
    """Skills answered "not had the chance to show this" in an assessment."""
    if assessment_id is None:
        return set()
    return {r.skill for r in ratings_of(db, assessment_id) if r.level == 0 and r.evidence == NO_CHANCE}


def working_no_chance(db: Session, person: Person) -> set[str]:
    draft = open_draft(db, person)
    return no_chance_of(db, draft.id if draft else person.current_assessment_id)


def save_interests(db: Session, person: Person, families: list[str]) -> None:
    person.work_interests = sorted(set(families))
    person.updated_at = now()
    db.add(person)
    db.commit()


def save_answers(
    db: Session,
    person: Person,
    framework: Framework,
    answers: dict[str, int],
    record_not_yet: bool = True,
    no_chance: set[str] = frozenset(),
    examples: dict[str, str] | None = None,
) -> None:
    """Record a page of answers (and, if given, the person's example for each) on the draft.

    Level 0 is "not yet". For the transferable questions it is kept as an answer (so the
    question counts as answered); for optional skills it just removes any rating. Skills in
    `no_chance` are level 0 with NO_CHANCE evidence: answered, held at no level, and not a
    "not yet".
    """
    unknown = sorted(set(answers) - set(framework.skills))
    if unknown:  # the forms only offer the framework's skills: anything else is a caller's mistake
        raise ValueError(f"not skills of framework {framework.version}: {', '.join(unknown)}")
    examples = {skill: text.strip() for skill, text in (examples or {}).items()}
    if _same_as_submitted(db, person, answers, record_not_yet, no_chance, examples):
        return  # saving a page unchanged must not start a draft (and reopen "check your answers")
    draft = draft_assessment(db, person, framework)
    # The same page sent twice at once: the second waits and then updates what the first wrote
    # (the database allows one rating per skill in an assessment).
    lock(db, Assessment, draft.id)
    existing = {r.skill: r for r in ratings_of(db, draft.id)}
    for skill, level in answers.items():
        rating = existing.get(skill)
        if level == 0 and not record_not_yet:
            if rating:
                db.delete(rating)
            continue
        if rating is None:
            rating = SkillRating(person_id=person.id, assessment_id=draft.id, skill=skill, level=level)
        elif rating.level != level or (rating.evidence == NO_CHANCE) != (skill in no_chance):
            # A changed answer is the person's own, whatever backed (or confirmed) the old one.
            rating.evidence, rating.self_level = "self", None
            rating.confirmed_by_person_id, rating.confirmed_at = None, None
        if skill in examples:
            rating.example = examples[skill]
        if skill in no_chance:
            rating.evidence = NO_CHANCE
        rating.level = level
        rating.framework_version = framework.version
        rating.rated_at = now()
        db.add(rating)
    person.updated_at = now()
    db.add(person)
    db.commit()


def _same_as_submitted(db: Session, person: Person, answers: dict, record_not_yet, no_chance, examples) -> bool:
    """Whether these answers are already the person's submitted ones, with no draft open."""
    if not person.current_assessment_id or open_draft(db, person):
        return False
    submitted = {r.skill: r for r in ratings_of(db, person.current_assessment_id)}
    for skill, level in answers.items():
        rating = submitted.get(skill)
        if level == 0 and not record_not_yet:
            if rating is not None:
                return False
        elif rating is None or rating.level != level or (rating.evidence == NO_CHANCE) != (skill in no_chance):
            return False
        elif skill in examples and rating.example != examples[skill]:
            return False
    return True


def submit_assessment(db: Session, person: Person) -> Assessment | None:
    draft = open_draft(db, person)
    if draft is None:
        return None
    draft.submitted_at = now()
    person.current_assessment_id = draft.id
    person.updated_at = draft.submitted_at
    db.add_all([draft, person])
    # A request to the line manager still open is about the person's latest answers.
    db.exec(
        update(ConfirmationRequest)
        .where(ConfirmationRequest.person_id == person.id, ConfirmationRequest.completed_at.is_(None),
               ConfirmationRequest.withdrawn_at.is_(None))
        .values(assessment_id=draft.id)
    )  # fmt: skip
    db.commit()
    return draft


def assessment_history(db: Session, person: Person) -> list[Assessment]:
    return list(
        db.exec(
            select(Assessment)
            .where(Assessment.person_id == person.id, Assessment.submitted_at.is_not(None))
            .order_by(Assessment.submitted_at.desc())
        ).all()
    )


def engine_profile(db: Session, person: Person) -> Profile | None:
    """The person's submitted assessment as the engine's input, or None before they submit one."""
    if not person.current_assessment_id:
        return None
    ratings = tuple(
        Rating(r.skill, r.level, r.evidence) for r in ratings_of(db, person.current_assessment_id) if r.level > 0
    )
    return Profile(ratings, person.grade, person.profession)


# --- the questions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    skill: str
    name: str
    question: str
    examples: tuple[str, ...]
    note: str | None


def transferable_questions(framework: Framework) -> list[Question]:
    return [
        Question(s.slug, s.name, s.question, s.evidence_examples, s.context_note)
        for s in transferable_data(framework).skills.values()
    ]


def question_pages(framework: Framework) -> list[list[Question]]:
    questions = transferable_questions(framework)
    return [questions[i : i + QUESTIONS_PER_PAGE] for i in range(0, len(questions), QUESTIONS_PER_PAGE)]


def suggestions_for(framework: Framework, person: Person) -> dict[str, int]:
    """Crosswalk suggestions strong enough to pre-select, by skill."""
    return {
        s.skill: s.level for s in suggest_ratings(framework, person.grade, experience_of(person)) if s.level is not None
    }


def family_asking_about(framework: Framework, skill: str) -> str | None:
    """The first role family whose optional skills page asks about this skill."""
    return next(
        (f.slug for f in framework.families if any(s.slug == skill for s in other_skills(framework, f.slug))), None
    )


def other_skills(framework: Framework, family: str) -> list:
    """Skills a role family needs that the transferable questions do not already ask about."""
    asked = set(transferable_data(framework).skills)
    needed = {
        req.skill
        for role in framework.roles.values()
        if role.family == family
        for level in role.levels
        for req in level.requirements
    }
    return sorted((framework.skills[s] for s in needed - asked), key=lambda s: s.name)


# --- the task list ---------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    name: str
    href: str
    status: str  # "Completed", "In progress", "Not yet started" or "Cannot start yet"
    hint: str | None = None


def task_statuses(db: Session, person: Person | None, framework: Framework, urls: dict[str, str]) -> list[Task]:
    if person is None:
        return [
            Task("About you", urls["about"], "Not yet started"),
            Task("Your transferable skills", "", "Cannot start yet"),
            Task("Other DDaT skills (optional)", "", "Cannot start yet"),
            Task("Check your answers", "", "Cannot start yet"),
        ]
    draft = open_draft(db, person)
    answered = working_answers(db, person)
    asked = {q.skill for q in transferable_questions(framework)}
    seen = set(answered) & asked
    if (person.current_assessment_id and not draft) or seen == asked:
        skills_status = "Completed"
    elif draft and (seen or person.experience):
        skills_status = "In progress"
    else:
        skills_status = "Not yet started"
    other = len(set(answered) - asked)
    check_status = "Completed" if person.current_assessment_id and not draft else (
        "Not yet started" if draft else "Cannot start yet"
    )  # fmt: skip
    return [
        Task("About you", urls["about"], "Completed"),
        Task("Your transferable skills", urls["skills"], skills_status),
        Task(
            "Other DDaT skills (optional)",
            urls["other"],
            f"{other} added" if other else "Optional",
            "Add skills you have from digital, data or technology work",
        ),
        Task("Check your answers", urls["check"] if draft else "", check_status),
    ]
