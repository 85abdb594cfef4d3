"""What the person and their line manager see of confirmations: read only.

A manager sees a report only while the link between them is current, and only if the report
shares their profile with them or has a request open with them (`visible`)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from pathways import Framework, match

from ..models import ConfirmationRequest, Person, SkillRating
from ..services import confirmations, line_managers
from ..services.profiles import engine_profile, open_draft, ratings_of
from ..vocabulary import LEVEL_NAMES, level_name

DECISION_WORDS = {"confirmed": "Confirmed", "adjusted": "Changed", "cannot_judge": "Could not judge"}
DUE_SOON_DAYS = 90


def skill_name(framework: Framework, skill: str) -> str:
    return framework.skills[skill].name if skill in framework.skills else skill


def _date(when: datetime | None) -> str:
    return f"{when:%-d %B %Y}" if when else ""


def rating_status(rating: SkillRating, when: datetime | None = None) -> str:
    """How a rating stands, in words: confirmed until a date, due again, or the person's own."""
    if rating.evidence == confirmations.VALIDATED and rating.confirmed_at:
        return f"Confirmed until {_date(confirmations.expires_at(rating.confirmed_at))}"
    if rating.confirmed_at:
        return "Confirmation due"
    if rating.evidence == "course":
        return "From completed learning"
    return "Self-assessed"


@dataclass(frozen=True)
class Standing:
    """Where a person's confirmation stands: 'waiting' (a request is open), 'due', 'due soon',
    'current' (with until when) or 'never'."""

    state: str
    until: datetime | None = None

    @property
    def to_manager(self) -> str:
        """The same, as the line manager reads it."""
        return "Waiting for you to confirm" if self.state == "waiting" else self.words

    @property
    def words(self) -> str:
        return {
            "waiting": "Waiting for their line manager",
            "due": "Due",
            "due soon": f"Due by {_date(self.until)}",
            "current": f"Confirmed until {_date(self.until)}",
            "never": "Never confirmed",
        }[self.state]


def standing(db: Session, person: Person, when: datetime | None = None) -> Standing:
    when = when or datetime.now(UTC)
    if confirmations.open_request(db, person):
        return Standing("waiting")
    dates = [r.confirmed_at for r in ratings_of(db, person.current_assessment_id) if r.confirmed_at] if (
        person.current_assessment_id
    ) else []  # fmt: skip
    if not dates:
        return Standing("never")
    until = confirmations.expires_at(min(dates))
    if until <= when:
        return Standing("due")
    return Standing("due soon" if (until - when).days <= DUE_SOON_DAYS else "current", until)


def my_confirmation(db: Session, person: Person, framework: Framework) -> dict:
    accepted = line_managers.current_link(db, person)
    manager_link = accepted or line_managers.waiting_link(db, person)
    manager = line_managers.manager_of(db, person)
    asked = confirmations.open_request(db, person)
    if asked is not None and (accepted is None or asked.link_id != accepted.id):
        asked = None  # made through a link that has since ended: asking again replaces it
    answered = confirmations.latest_answered(db, person)
    current = ratings_of(db, person.current_assessment_id) if person.current_assessment_id else []
    return {
        "link": manager_link,
        "manager": manager,
        "assessed": any(r.level > 0 for r in current),
        "draft": open_draft(db, person) is not None,
        "asked": asked,
        "answered": answered,
        "answers": answer_rows(db, framework, answered) if answered else [],
        "ratings": [
            {
                "skill": skill_name(framework, r.skill),
                "level": level_name(r.level),
                "status": rating_status(r),
                "self_level": LEVEL_NAMES.get(r.self_level) if r.self_level else None,
            }
            for r in sorted(current, key=lambda r: skill_name(framework, r.skill))
            if r.level > 0
        ],  # fmt: skip
        "standing": standing(db, person),
        "manager_name": _manager_name(db, answered),
        # A reply goes to the manager who answered only while they are still the line manager.
        "reply_reaches": bool(answered and manager and _answered_by(db, answered) == manager.id),
    }


def _answered_by(db: Session, answered: ConfirmationRequest) -> int | None:
    answers = confirmations.answers_to(db, answered)
    return answers[0].decided_by_id if answers else None


def answered_by_name(db: Session, answered: ConfirmationRequest) -> str:
    return _manager_name(db, answered)


def _manager_name(db: Session, answered: ConfirmationRequest | None) -> str:
    who_id = _answered_by(db, answered) if answered else None
    who = db.get(Person, who_id) if who_id else None
    return who.display_name if who else "Your former line manager"


def answer_rows(db: Session, framework: Framework, asked: ConfirmationRequest) -> list[dict]:
    return [
        {
            "skill": skill_name(framework, a.skill),
            "yours": level_name(a.self_level),
            "decision": DECISION_WORDS[a.decision],
            "theirs": level_name(a.confirmed_level) if a.confirmed_level else "",
            "reason": a.reason,
        }
        for a in sorted(confirmations.answers_to(db, asked), key=lambda a: skill_name(framework, a.skill))
    ]


# --- the manager's side ---------------------------------------------------------------------


def visible(db: Session, manager: Person, report: Person) -> bool:
    """Whether this manager may see this person's profile now."""
    link = line_managers.current_link(db, report)
    if link is None or link.manager_id != manager.id:
        return False
    asked = confirmations.open_request(db, report)
    # A request made through an earlier link is never a way in for the next manager.
    return report.shares_with_manager or (asked is not None and asked.link_id == link.id)


def team(db: Session, manager: Person) -> list[dict]:
    """The manager's direct reports, each with what the manager may know of them."""
    rows = []
    for _, report in line_managers.reports_of(db, manager):
        seen = visible(db, manager, report)
        # The manager's own answers are theirs to see, shared or not: when they answered, the
        # reply, and when the confirmation they gave falls due.
        answered = confirmations.latest_answered(db, report)
        mine = answered if answered and _answered_by(db, answered) == manager.id else None
        rows.append({
            "person": report, "visible": seen, "answered": mine,
            "standing": standing(db, report) if seen or mine else None,
        })  # fmt: skip
    return rows


def visible_reports(db: Session, manager: Person) -> list[Person]:
    return [row["person"] for row in team(db, manager) if row["visible"]]


def report_profile(db: Session, framework: Framework, report: Person) -> list[dict]:
    """A report's current ratings with their examples and how each stands."""
    ratings = ratings_of(db, report.current_assessment_id) if report.current_assessment_id else []
    return [
        {"skill": skill_name(framework, r.skill), "level": level_name(r.level), "example": r.example,
         "status": rating_status(r)}
        for r in sorted(ratings, key=lambda r: skill_name(framework, r.skill))
        if r.level > 0
    ]  # fmt: skip


def request_rows(db: Session, framework: Framework, asked: ConfirmationRequest, manager: Person) -> list[dict]:
    """What the manager is asked about: each rated skill with the person's level and example, what
    the person themselves said where a manager changed it, and whether this manager's own
    confirmation of it is still current (`mine`)."""
    rows = []
    for r in sorted(confirmations.rated(db, asked.assessment_id), key=lambda r: skill_name(framework, r.skill)):
        current = r.evidence == confirmations.VALIDATED and confirmations.is_current(r.confirmed_at)
        rows.append({
            "slug": r.skill, "skill": skill_name(framework, r.skill),
            "level": r.level, "level_name": level_name(r.level),
            "self_level_name": level_name(r.self_level) if r.self_level and r.self_level != r.level else "",
            "example": r.example, "status": rating_status(r),
            "mine": current and r.confirmed_by_person_id == manager.id,
        })  # fmt: skip
    return rows


def skills_matrix(db: Session, framework: Framework, reports: list[Person]) -> dict:
    """Skills × people: each visible report's level of each skill any of them holds."""
    held: dict[int, dict[str, SkillRating]] = {
        p.id: {r.skill: r for r in ratings_of(db, p.current_assessment_id) if r.level > 0}
        for p in reports
        if p.current_assessment_id
    }
    skills = sorted({s for by_skill in held.values() for s in by_skill}, key=lambda s: skill_name(framework, s))
    return {
        "people": reports,
        "rows": [
            {
                "skill": skill_name(framework, skill),
                "cells": [_cell(held.get(p.id, {}).get(skill)) for p in reports],
            }
            for skill in skills
        ],
    }


def _cell(rating: SkillRating | None) -> dict | None:
    if rating is None:
        return None
    return {"level": level_name(rating.level), "confirmed": rating.evidence == confirmations.VALIDATED,
            "example": rating.example}  # fmt: skip


def team_gaps(db: Session, framework: Framework, reports: list[Person], level: str) -> list[dict]:
    """The skills most of the team are below `level`'s requirement in, commonest first."""
    below: Counter = Counter()
    assessed = 0
    for report in reports:
        profile = engine_profile(db, report)
        if profile is None:
            continue
        assessed += 1
        result = match(framework, profile, level)
        for gap in (*result.partial, *result.missing):
            below[gap.skill] += 1
    return [
        {"skill": skill_name(framework, skill), "people": n, "of": assessed}
        for skill, n in sorted(below.items(), key=lambda kv: (-kv[1], skill_name(framework, kv[0])))
    ]
