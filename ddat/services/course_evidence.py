"""Completed learning as `course` evidence on people's profiles, for one person or thousands.

Each person whose ratings change gets a new submitted assessment holding them (so history
shows when learning changed their profile), and the same evidence goes into any draft they
have open, so their next submission keeps it. Everything is read and written in bulk.

A completion the person disputes stops counting until HR confirms it: its skills go back to
the person's own latest rating (or go, if they never rated them), and whatever other
learning they completed is credited again.
"""

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from pathways import Framework
from pathways.learning import COURSE, changed_skills, with_course_evidence

from ..caches import population
from ..models import Assessment, LearningItem, Person, Registration, SkillRating, User
from . import audit

CHUNK = 500


def _ratings_by_assessment(db: Session, assessment_ids: list[int]) -> dict[int, dict[str, tuple[int, str]]]:
    found: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    for i in range(0, len(assessment_ids), CHUNK):
        rows = db.exec(
            select(SkillRating.assessment_id, SkillRating.skill, SkillRating.level, SkillRating.evidence).where(
                SkillRating.assessment_id.in_(assessment_ids[i : i + CHUNK])
            )
        )
        for assessment_id, skill, level, evidence in rows:
            found[assessment_id][skill] = (level, evidence)
    return found


def counts_as_evidence():
    """Completions that count: not disputed, or disputed and confirmed by HR."""
    return Registration.disputed_at.is_(None) | (Registration.dispute_outcome == "confirmed")


def credit(
    db: Session,
    framework: Framework,
    item: LearningItem,
    person_ids: list[int],
    actor: User | None = None,
    skills: list | None = None,
) -> int:
    """Add the item's skills (or `skills`, what a completion was credited with before the item
    changed) as course evidence for these people; returns how many changed.
    Each skill is credited at the level the item states, never higher."""
    pairs = item.skills if skills is None else skills
    evidenced = [(skill, level) for skill, level in pairs if skill in framework.skills]
    if not evidenced or not person_ids:
        return 0
    db.flush()
    current = {
        pid: aid
        for i in range(0, len(person_ids), CHUNK)
        for pid, aid in db.exec(
            select(Person.id, Person.current_assessment_id).where(Person.id.in_(person_ids[i : i + CHUNK]))
        )
    }
    held = _ratings_by_assessment(db, [aid for aid in current.values() if aid])
    changes = []
    for pid, aid in current.items():
        before = held.get(aid, {}) if aid else {}
        after = with_course_evidence(before, evidenced)
        if changed_skills(before, after):
            changes.append((pid, after))
    if changes:
        _new_versions(db, framework, changes)
    _into_drafts(db, framework, list(current), evidenced)
    audit.record(db, "learning.evidence_credited", actor=actor, subject=item)
    db.flush()
    return len(changes)


def withdraw(db: Session, framework: Framework, credited: list, person_id: int) -> None:
    """Take a completion's credited skills off the person's profile (it is disputed: the
    caller has marked it so it no longer counts)."""
    skills = {skill for skill, _ in credited}
    db.flush()
    person = db.get(Person, person_id)
    own = _own_ratings(db, person_id, skills)
    still = _still_evidenced(db, framework, person_id, skills)
    aid = person.current_assessment_id
    if aid:
        before = _ratings_by_assessment(db, [aid]).get(aid, {})
        after = _without(before, skills, own, still)
        if after != before:
            _new_versions(db, framework, [(person_id, after)])
    drafts = db.exec(select(Assessment).where(Assessment.person_id == person_id, Assessment.submitted_at.is_(None)))
    for draft in drafts:
        rows = {r.skill: r for r in db.exec(select(SkillRating).where(SkillRating.assessment_id == draft.id))}
        before = {skill: (r.level, r.evidence) for skill, r in rows.items()}
        after = _without(before, skills, own, still)
        for skill, row in rows.items():
            if skill not in after:
                db.delete(row)
            elif after[skill] != before[skill]:
                row.level, row.evidence = after[skill]
                db.add(row)
    db.flush()


def _without(ratings: dict, skills: set[str], own: dict, still: list[tuple[str, int]]) -> dict:
    result = dict(ratings)
    reverted = {skill for skill in skills if skill in result and result[skill][1] == COURSE}
    for skill in reverted:
        if skill in own:
            result[skill] = own[skill]
        else:
            del result[skill]
    return with_course_evidence(result, [(skill, level) for skill, level in still if skill in reverted])


def _own_ratings(db: Session, person_id: int, skills: set[str]) -> dict[str, tuple[int, str]]:
    """The person's latest submitted rating of each skill that did not come from learning."""
    rows = db.exec(
        select(SkillRating.skill, SkillRating.level, SkillRating.evidence)
        .join(Assessment, Assessment.id == SkillRating.assessment_id)
        .where(
            SkillRating.person_id == person_id,
            SkillRating.skill.in_(skills),
            SkillRating.evidence != COURSE,
            Assessment.submitted_at.is_not(None),
        )
        .order_by(Assessment.submitted_at, Assessment.id)
    )
    return {skill: (level, evidence) for skill, level, evidence in rows}  # the latest wins


def _still_evidenced(db: Session, framework: Framework, person_id: int, skills: set[str]) -> list[tuple[str, int]]:
    """What the person's other completions that still count evidence of these skills."""
    rows = db.exec(
        select(Registration.credited_skills, LearningItem.skills)
        .join(Registration, Registration.item_id == LearningItem.id)
        .where(Registration.person_id == person_id, Registration.status == "completed", counts_as_evidence())
    )
    return [
        (skill, level)
        for credited, current in rows
        for evidenced in [current if credited is None else credited]
        for skill, level in evidenced
        if skill in skills and skill in framework.skills
    ]


def _new_versions(db: Session, framework: Framework, changes: list[tuple[int, dict]]) -> None:
    now = datetime.now(UTC)
    rows = [
        {"person_id": pid, "framework_version": framework.version, "started_at": now, "submitted_at": now}
        for pid, _ in changes
    ]
    kept = _details(db, [pid for pid, _ in changes])
    ids = db.execute(insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True), rows).scalars().all()
    ratings = [
        {
            "person_id": pid,
            "assessment_id": aid,
            "skill": skill,
            "level": level,
            "evidence": evidence,
            "framework_version": framework.version,
            "rated_at": now,
            **_carried(kept.get((pid, skill)), level, evidence),
        }
        for (pid, after), aid in zip(changes, ids, strict=True)
        for skill, (level, evidence) in after.items()
    ]
    if ratings:  # none when a disputed course was all someone had: an empty list would insert a blank row
        db.execute(insert(SkillRating), ratings)
    people = Person.__table__
    db.connection().execute(
        people.update().where(people.c.id == bindparam("pid")).values(current_assessment_id=bindparam("aid")),
        [{"pid": pid, "aid": aid} for (pid, _), aid in zip(changes, ids, strict=True)],
    )
    # Bulk statements, which the ORM's flush events never see (population.WATCHED): the
    # matrix is marked stale here, once for the whole batch.
    population.bump(db, people=[pid for pid, _ in changes])
    db.expire_all()  # Person objects in the session must see their new current assessment


def _details(db: Session, person_ids: list[int]) -> dict[tuple[int, str], tuple]:
    """Each current rating's example and confirmation, by (person, skill), where it has either."""
    found = {}
    for i in range(0, len(person_ids), CHUNK):
        rows = db.exec(
            select(SkillRating.person_id, SkillRating.skill, SkillRating.level, SkillRating.evidence,
                   SkillRating.example, SkillRating.confirmed_by_person_id, SkillRating.confirmed_at,
                   SkillRating.self_level)
            .join(Person, Person.current_assessment_id == SkillRating.assessment_id)
            .where(Person.id.in_(person_ids[i : i + CHUNK]))
            .where((SkillRating.example != "") | SkillRating.confirmed_at.is_not(None))
        )  # fmt: skip
        for pid, skill, *details in rows:
            found[(pid, skill)] = tuple(details)
    return found


def _carried(details: tuple | None, level: int, evidence: str) -> dict:
    """What a new version keeps of a rating: its example always; its confirmation only while the
    rating is still the one confirmed (learning may have raised it since)."""
    if details is None:
        return {"example": "", "confirmed_by_person_id": None, "confirmed_at": None, "self_level": None}
    held, was, example, confirmed_by, confirmed_at, self_level = details
    if (held, was) != (level, evidence):
        confirmed_by = confirmed_at = self_level = None
    return {"example": example, "confirmed_by_person_id": confirmed_by, "confirmed_at": confirmed_at,
            "self_level": self_level}  # fmt: skip


def _into_drafts(db: Session, framework: Framework, person_ids: list[int], evidenced) -> None:
    drafts = [
        draft
        for i in range(0, len(person_ids), CHUNK)
        for draft in db.exec(
            select(Assessment).where(
                Assessment.person_id.in_(person_ids[i : i + CHUNK]), Assessment.submitted_at.is_(None)
            )
        )
    ]
    if not drafts:
        return
    rows = {
        (r.assessment_id, r.skill): r
        for i in range(0, len(drafts), CHUNK)
        for r in db.exec(
            select(SkillRating).where(SkillRating.assessment_id.in_([d.id for d in drafts[i : i + CHUNK]]))
        )
    }
    for draft in drafts:
        before = {skill: (r.level, r.evidence) for (aid, skill), r in rows.items() if aid == draft.id}
        after = with_course_evidence(before, evidenced)
        for skill in changed_skills(before, after):
            rating = rows.get((draft.id, skill)) or SkillRating(
                person_id=draft.person_id,
                assessment_id=draft.id,
                skill=skill,
                level=0,
                framework_version=framework.version,
            )
            rating.level, rating.evidence = after[skill]
            db.add(rating)
