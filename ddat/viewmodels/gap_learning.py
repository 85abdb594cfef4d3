"""The learning in the catalogue that develops each skill a pathway step asks for.

An item records the level it takes each of its skills to (what completing it evidences), so
it closes a gap only when that level reaches the level needed; one that stops short is still
shown, as part of the way. Items that go no higher than the person already holds would teach
them nothing new and are left out, with a sentence saying so. A course's own length is shown
as it is: it is never taken off the pathway's estimate of hours, which is the service's
estimate for the skill however it is learnt.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import LearningItem
from ..vocabulary import level_name


@dataclass(frozen=True)
class ItemForSkill:
    slug: str
    name: str
    hours: float
    level: int  # the level this item takes the skill to
    audience: tuple[str, ...]  # grade codes; empty means everyone


@dataclass(frozen=True)
class GapLearning:
    slug: str
    name: str
    hours: float
    reaches: str  # the level's name
    closes_gap: bool
    for_grades: tuple[str, ...]  # set only when the person's grade is not in the audience


def catalogue_by_skill(db: Session) -> dict[str, list[ItemForSkill]]:
    items = db.exec(select(LearningItem).order_by(LearningItem.name)).all()
    by_skill: dict[str, list[ItemForSkill]] = {}
    for item in items:
        for skill, level in item.skills:
            by_skill.setdefault(skill, []).append(
                ItemForSkill(item.slug, item.name, item.duration_hours, int(level), tuple(item.audience))
            )
    return by_skill


def learning_for_gap(
    by_skill: dict[str, list[ItemForSkill]], skill: str, held: int, required: int, grade: str | None
) -> dict:
    """The items that take this skill beyond `held`: those that reach `required` first, then
    those open to the person's grade, then the shorter. `none_text` says why the list is empty."""
    offered = by_skill.get(skill, [])
    useful = [i for i in offered if i.level > held]
    useful.sort(key=lambda i: (i.level < required, not _open_to(i, grade), i.hours, i.name))
    items = [
        GapLearning(
            i.slug,
            i.name,
            i.hours,
            level_name(i.level),
            i.level >= required,
            () if _open_to(i, grade) else i.audience,
        )
        for i in useful
    ]
    none_text = None
    if not offered:
        none_text = "No learning in the catalogue for this skill yet"
    elif not useful:
        none_text = f"No learning in the catalogue takes this skill beyond {level_name(held).lower()} yet"
    return {"found": items, "none_text": none_text}


def _open_to(item: ItemForSkill, grade: str | None) -> bool:
    return not item.audience or grade in item.audience


def with_learning(page: dict, by_skill: dict[str, list[ItemForSkill]], grade: str | None) -> dict:
    """The pathway page with each gap's catalogue learning added (`gap["learning"]`)."""
    for route in page["routes"]:
        for step in route["steps"]:
            for gap in step["gaps"]:
                gap["learning"] = learning_for_gap(
                    by_skill, gap["skill"].slug, gap["held_level"], gap["required_level"], grade
                )
    return page


def learning_csv_text(learning: dict) -> str:
    """One cell of the pathway download: the items by name, or why there are none."""
    if learning["none_text"]:
        return learning["none_text"]
    return "; ".join(
        f"{i.name} ({i.hours:g} hours, to {i.reaches.lower()}{'' if i.closes_gap else ', part of the way'})"
        for i in learning["found"]
    )
