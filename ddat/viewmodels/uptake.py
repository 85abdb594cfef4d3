"""Uptake of one learning item: the funnel, who it reaches, and coverage of its audience.

Everything is counted in SQL with GROUP BY. HR and admins see exact counts and, for
coverage, the people not yet reached; leaders see only counts that pass disclosure control
(`pathways.disclosure`): no number of them can single anyone out.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from sqlalchemy import and_, distinct, extract, func, literal, true, union_all
from sqlmodel import Session, select

from pathways.disclosure import (
    Cell,
    Hidden,
    labelled,
    protected_with_total,
    rounded,
    rounded_row,
    safe_average,
    safe_cell,
    safe_share,
)

from ..caches.learning import registration_stage
from ..caches.population import headcounts
from ..csv_files import csv_text
from ..models import Department, Invitation, LearningItem, LearningSession, Person, Registration, User
from ..permissions import SEE_EXACT_COUNTS, department_scope
from ..services.schemes import people_in_scope
from ..vocabulary import audience_name, grade_name
from .disclosure_labels import csv_value, is_hidden

STAGES = ("Invited", "Registered", "Attended", "Completed")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class Coverage:
    audience: str  # who the item is for, in words
    completed: Cell
    size: Cell
    departments_not_covered: Cell | None  # None: not shown at all
    by_department: list[tuple[str, list[Cell]]]  # (department, [people in audience, completed])


@dataclass
class UptakeView:
    exact: bool  # False: leaders' view, every count disclosure-controlled
    overall: list[Cell]
    by_department: list[tuple[str, list[Cell]]]
    by_grade: list[tuple[str, list[Cell]]]
    monthly: list[tuple[str, Cell]]
    coverage: Coverage
    feedback_count: Cell
    feedback_average: float | Fraction | Hidden | None  # None: no feedback yet
    not_completed: list[dict] = field(default_factory=list)  # HR and admins only


def stage_per_person(item: LearningItem, invited_when=None, session_when=None):
    """Each person's furthest stage with the item: 1 invited .. 4 completed. Registering counts
    as having been invited, whether or not an invitation was sent. The optional conditions
    keep only invitations, and registrations for sessions, within a date range."""
    return stage_per_item_and_person([item.id], invited_when, session_when)


def stage_per_item_and_person(item_ids: list[int], invited_when=None, session_when=None):
    """`stage_per_person` for several items in one subquery, with an item_id column."""
    invited = select(
        Invitation.item_id.label("item_id"), Invitation.person_id.label("person_id"), literal(1).label("stage")
    ).where(Invitation.item_id.in_(item_ids), true() if invited_when is None else invited_when)
    reached = select(
        Registration.item_id.label("item_id"),
        Registration.person_id.label("person_id"),
        registration_stage().label("stage"),
    ).where(Registration.item_id.in_(item_ids))
    if session_when is not None:
        reached = reached.join(LearningSession, LearningSession.id == Registration.session_id).where(session_when)
    both = union_all(invited, reached).subquery()
    return (
        select(both.c.item_id, both.c.person_id, func.max(both.c.stage).label("stage"))
        .group_by(both.c.item_id, both.c.person_id)
        .subquery("stages")
    )


def _funnels(db: Session, item: LearningItem, condition) -> tuple[dict[int, list[int]], dict[str, list[int]]]:
    """Funnels by department and by grade, from one GROUP BY over (department, grade, stage)."""
    stages = stage_per_person(item)
    rows = db.exec(
        select(Person.department_id, Person.grade, stages.c.stage, func.count())
        .join(stages, stages.c.person_id == Person.id)
        .where(condition)
        .group_by(Person.department_id, Person.grade, stages.c.stage)
    ).all()
    by_department: dict[int, list[int]] = {}
    by_grade: dict[str, list[int]] = {}
    for department, grade, stage, count in rows:
        for funnel in (
            by_department.setdefault(department, [0] * len(STAGES)),
            by_grade.setdefault(grade, [0] * len(STAGES)),
        ):
            for reached in range(stage):  # cumulative: completing means every earlier stage too
                funnel[reached] += count
    return by_department, by_grade


def _monthly(db: Session, item: LearningItem, condition) -> list[tuple[str, int]]:
    """Completions in each month from the item's first completion by anyone to this month,
    empty months included."""
    year = extract("year", Registration.completed_at)
    month = extract("month", Registration.completed_at)
    done = (Registration.item_id == item.id, Registration.status == "completed")
    counts = {
        (int(y), int(m)): n
        for y, m, n in db.exec(
            select(year, month, func.count())
            .join(Person, Person.id == Registration.person_id)
            .where(*done, condition)
            .group_by(year, month)
        ).all()
    }
    first = db.exec(select(func.min(Registration.completed_at)).where(*done)).one()
    if first is None:
        return []
    today = datetime.now(UTC)
    months, y, m = [], first.year, first.month
    while (y, m) <= (today.year, today.month):
        months.append((f"{MONTHS[m - 1]} {y}", counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def _coverage_counts(db: Session, item: LearningItem, user: User | None) -> dict[int, list[int]]:
    """[people in the audience, of whom completed] by department, in `user`'s scope (everyone
    when None): the audience from the cached headcounts, the completions in one GROUP BY."""
    scope = department_scope(user) if user else None
    audience = set(item.audience) if item.audience else None
    counts: dict[int, list[int]] = {}
    for (department, _, grade), n in headcounts(db).items():
        if (scope is None or department == scope) and (audience is None or grade in audience):
            counts.setdefault(department, [0, 0])[0] += n
    done = (
        select(Person.department_id, func.count(distinct(Registration.person_id)))
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.item_id == item.id, Registration.status == "completed")
        .where(people_in_scope(user) if user else true(), audience_condition(item))
    )
    for department, completed in db.exec(done.group_by(Person.department_id)).all():
        counts.setdefault(department, [0, 0])[1] = completed
    return counts


def audience_words(item: LearningItem) -> str:
    return audience_name(item.audience) if item.audience else "everyone"


def audience_condition(item: LearningItem):
    """The people an item is for (everyone if it has no audience)."""
    return Person.grade.in_(item.audience) if item.audience else true()


def uptake(db: Session, item: LearningItem, user: User, grade_order: list[str]) -> UptakeView:
    """HR and admins: exact counts of everyone in their scope. Leaders: counts of the people
    the item is for only (so the funnel and the coverage figure cannot be subtracted to count
    the few others), all through disclosure control."""
    exact = user.can(SEE_EXACT_COUNTS)
    condition = people_in_scope(user) if exact else and_(people_in_scope(user), audience_condition(item))
    names = dict(db.exec(select(Department.id, Department.name)).all())
    funnels_by_department, by_grade = _funnels(db, item, condition)
    by_department = {names.get(k, "Unknown"): v for k, v in funnels_by_department.items()}
    overall = [sum(f[i] for f in by_department.values()) for i in range(len(STAGES))]
    monthly = _monthly(db, item, condition)
    coverage = {names.get(k, "Unknown"): v for k, v in _coverage_counts(db, item, user).items()}
    size = sum(v[0] for v in coverage.values())
    done = sum(v[1] for v in coverage.values())
    not_covered = sum(1 for v in coverage.values() if v[1] < v[0])
    feedback_count, feedback_total = db.exec(
        select(func.count(Registration.feedback_score), func.sum(Registration.feedback_score))
        .join(Person, Person.id == Registration.person_id)
        .where(Registration.item_id == item.id, condition)
    ).one()
    grade_rank = {g: i for i, g in enumerate(grade_order)}
    grades = sorted(by_grade, key=lambda g: grade_rank.get(g, len(grade_rank)))
    if exact:
        view = UptakeView(
            exact=True,
            overall=overall,
            by_department=sorted(by_department.items()),
            by_grade=[(grade_name(g), by_grade[g]) for g in grades],
            monthly=list(monthly),
            coverage=Coverage(audience_words(item), done, size, not_covered, sorted(coverage.items())),
            feedback_count=feedback_count,
            feedback_average=round(feedback_total / feedback_count, 1) if feedback_count else None,
        )
        view.not_completed = not_completed(db, item, user)
        return view
    # Every grade the item is for, registered or not: which rows appear must say nothing.
    every_grade = list(item.audience) or list(grade_order)
    return _leaders_view(
        item, names, by_department, by_grade, every_grade, monthly, coverage, feedback_count, int(feedback_total or 0)
    )


def _leaders_view(item, names, by_department, by_grade, grades, monthly, coverage, feedback_count, feedback_total):
    """What a leader sees: every department and grade listed (so which rows appear says
    nothing), every month since the first completion, disclosure control, numbers rounded to
    the nearest 5."""
    every_department = sorted(names.values())
    by_department = {name: by_department.get(name, [0] * len(STAGES)) for name in every_department}
    by_grade = {grade: by_grade.get(grade, [0] * len(STAGES)) for grade in grades}
    coverage = {name: coverage.get(name, [0, 0]) for name in every_department}
    safe_departments, overall_by_department = protected_with_total(by_department)
    safe_grades, overall_by_grade = protected_with_total(by_grade)
    safe_months, months_total = protected_with_total(
        {month: [n] for month, n in monthly}, mode="independent", zeros_hidden=True
    )
    safe_coverage, (shown_size, shown_done) = protected_with_total(coverage)
    overall = [sum(row[i] for row in by_department.values()) for i in range(len(STAGES))]
    # Hidden where either breakdown must hide it, as both add up to it.
    either = [
        None if is_hidden(a) or is_hidden(b) else a
        for a, b in zip(overall_by_department, overall_by_grade, strict=True)
    ]
    shown_overall = labelled(overall, either)
    if months_total and (is_hidden(months_total[0]) or is_hidden(shown_overall[-1])):
        # The months add up to the completions: where either is hidden, both are.
        if not is_hidden(shown_overall[-1]):
            shown_overall[-1] = Hidden.PROTECTED
        safe_months = {month: [Hidden.PROTECTED] for month in safe_months}
    not_covered = sum(1 for v in coverage.values() if v[1] < v[0])
    return UptakeView(
        exact=False,
        overall=rounded_row(shown_overall),
        by_department=[(name, rounded_row(row)) for name, row in sorted(safe_departments.items())],
        by_grade=[(grade_name(g), rounded_row(safe_grades[g])) for g in grades],
        monthly=[(month, rounded(safe_months[month][0])) for month, _ in monthly],
        coverage=Coverage(
            audience_words(item),
            rounded(shown_done),
            rounded(shown_size),
            None if is_hidden(shown_size) else rounded(safe_cell(not_covered)),
            [(name, rounded_row(row)) for name, row in sorted(safe_coverage.items())],
        ),
        feedback_count=rounded(safe_cell(feedback_count)),
        feedback_average=safe_average(feedback_total, feedback_count) if feedback_count else None,
    )


def coverage_for_leaders(db: Session, slug: str) -> dict | None:
    """Organisation-wide coverage of one item's audience, as counts a leader may see."""
    item = db.exec(select(LearningItem).where(LearningItem.slug == slug)).first()
    if item is None:
        return None
    counts = _coverage_counts(db, item, None)
    raw = [sum(v[0] for v in counts.values()), sum(v[1] for v in counts.values())]
    done, size = safe_share(raw[1], raw[0])
    size, done = labelled(raw, [size, done])
    return {"item": item, "completed": rounded(done), "size": rounded(size), "audience": audience_words(item)}


def not_completed(db: Session, item: LearningItem, user: User) -> list[dict]:
    """The people the item is for who have not completed it: for HR and admins only."""
    completed = select(Registration.person_id).where(
        Registration.item_id == item.id, Registration.status == "completed"
    )
    query = (
        select(Person.display_name, Person.staff_number, Person.grade, Department.name)
        .join(Department, Department.id == Person.department_id)
        .where(people_in_scope(user), Person.id.not_in(completed))
        .order_by(Department.name, Person.display_name)
    )
    if item.audience:
        query = query.where(Person.grade.in_(item.audience))
    else:
        return []  # an item for everyone: the list would be the whole workforce
    return [{"name": n, "staff_number": s, "grade": g, "department": d} for n, s, g, d in db.exec(query).all()]


def uptake_csv(view: UptakeView) -> str:
    rows = [["All", "All", *map(csv_value, view.overall)]]
    rows += [["Department", name, *map(csv_value, counts)] for name, counts in view.by_department]
    rows += [["Grade", grade, *map(csv_value, counts)] for grade, counts in view.by_grade]
    return csv_text(["Breakdown", "Group", *STAGES], rows)


def not_completed_csv(people: list[dict]) -> str:
    return csv_text(
        ["Name", "Staff number", "Grade", "Department", "Grade code"],
        [
            [p["name"], p["staff_number"] or "", grade_name(p["grade"]), p["department"], p["grade"] or ""]
            for p in people
        ],
    )


def scope_label(db: Session, user: User) -> str | None:
    scope = department_scope(user)
    return db.get(Department, scope).name if scope is not None and user.can(SEE_EXACT_COUNTS) else None
