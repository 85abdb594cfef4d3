"""Leader dashboards: skills, capability gaps, the scheme pipeline and learning uptake.

Every number goes through disclosure control (`pathways.disclosure`) for everyone who sees a
dashboard, on the page and in its CSV. Skills and gaps are counted from the cached people ×
skills matrix (built once per ratings change, shared with the candidate pool); the pipeline
and learning are counted in SQL with GROUP BY. For each filter in use, the same table without
that filter is worked out too, and any cell that differs from it by a small number is hidden,
so two bookmarked views cannot be subtracted to find a few people.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import case, extract, func
from sqlmodel import Session, select

from pathways import Framework
from pathways.aggregates import READINESS_BANDS, count_by_group, family_skills, gaps, holders, readiness_bands
from pathways.disclosure import (
    TOTAL,
    Cell,
    Hidden,
    differences,
    is_small,
    protected_with_total,
    rounded_row,
    suppress_with_total,
)
from pathways.scoring import scoring_model

from ..caches.learning import first_completion, progress
from ..caches.population import Population, confirmed_codes, counter, current_population, everyone, headcounts
from ..csv_files import csv_text
from ..models import Department, Invitation, LearningItem, LearningSession, Person, Registration, Scheme, SchemeMember
from ..vocabulary import GRADE_NAMES, PROFESSION_NAMES
from .dashboard_filters import Filters, in_range, mask, people_in, person_conditions
from .disclosure_labels import NOT_APPLICABLE, csv_value, is_hidden
from .uptake import MONTHS, STAGES, stage_per_item_and_person

GROUPINGS = {"department": "Department", "profession": "Profession", "grade": "Grade"}
MAX_MONTHS = 60
TOP_GAPS = 5


@dataclass
class Table:
    caption: str
    group_heading: str
    headings: list[str]
    rows: list[tuple[str, list[Cell]]]
    total: list[Cell | str] | None = None  # a cell may be NOT_APPLICABLE
    links: list[str | None] = field(default_factory=list)  # drill-down per column, if any
    total_name: str = "All"

    def total_bars(self) -> list[tuple[str, Cell | str]]:
        """The total row as (heading, count) bars for a chart."""
        return list(zip(self.headings, self.total or [], strict=False))

    def first_column_bars(self) -> list[tuple[str, Cell]]:
        """Each row's first count as (row name, count) bars for a chart."""
        return [(name, counts[0]) for name, counts in self.rows]

    @property
    def nothing_shown(self) -> bool:
        return all(all(is_hidden(v) for v in row) for _, row in self.rows)

    def csv_rows(self) -> list[list[str]]:
        """The same rows and labels as the page: a hidden cell is never a number, and a table
        whose every row is hidden gives only its total, as the page does."""
        shown = [] if self.nothing_shown else self.rows
        rows = [[self.caption, name, *map(csv_value, counts)] for name, counts in shown]
        if self.total:  # a table with no rows (no months yet) has no total to give
            rows.append([self.caption, self.total_name, *map(csv_value, self.total)])
        return rows


def tables_csv(tables: list[Table]) -> str:
    """Each table under its own heading row, with the same headings as on the page: the tables
    of one page have different columns, so one heading row for them all could only number them."""
    rows = []
    for table in tables:
        rows.append(["Table", table.group_heading, *table.headings])
        rows += table.csv_rows()
    header, *rows = rows or [["Table", "Group"]]
    return csv_text(header, rows)


def protect(
    count: Callable[[Filters], dict[str, list[int]]], filters: Filters, mode: str, zeros_hidden: bool = False
) -> tuple[dict[str, list[Cell]], list[Cell]]:
    """The rows `count` gives for these filters with disclosure control (`protect_exact`), and
    a total row, every hidden cell saying why and every shown number rounded to the nearest 5."""
    raw, hidden, total_hidden = _differenced(count, filters)
    shown, total = protected_with_total(
        raw, mode=mode, hidden=hidden, total_hidden=total_hidden, zeros_hidden=zeros_hidden
    )
    return {key: rounded_row(row) for key, row in shown.items()}, rounded_row(total)


def protect_exact(
    count: Callable[[Filters], dict[str, list[int]]], filters: Filters, mode: str, zeros_hidden: bool = False
) -> tuple[dict[str, list[int | None]], list[int | None]]:
    """Disclosure control before rounding, hidden cells None."""
    raw, hidden, total_hidden = _differenced(count, filters)
    return suppress_with_total(raw, mode=mode, hidden=hidden, total_hidden=total_hidden, zeros_hidden=zeros_hidden)


def _differenced(count: Callable[[Filters], dict[str, list[int]]], filters: Filters):
    """The exact rows, and the cells and totals that differ by a small number from the same
    view with any one filter removed, which must be hidden too. `count` must give the same rows
    whatever the filters (every group, even an empty one), so which rows appear says nothing."""
    raw = count(filters)
    hidden, total_hidden = set(), set()
    for name in filters.active():
        wider = count(filters.without(name))
        hidden |= differences(raw, wider)
        total_hidden |= {column for _, column in differences({TOTAL: _sums(raw)}, {TOTAL: _sums(wider)})}
    return raw, hidden, total_hidden


def _sums(rows: dict[str, list[int]]) -> list[int]:
    return [sum(column) for column in zip(*rows.values(), strict=True)] if rows else []


# --- skills and gaps: from the cached matrix --------------------------------------------------


def _groups(db: Session, population: Population, by: str, framework: Framework) -> tuple[np.ndarray, list[str]]:
    """A group number per row of the matrix, and the groups' names."""
    if by in ("profession", "grade"):
        # Every profession or grade there is, present or not, in the usual order.
        every = list(PROFESSION_NAMES) if by == "profession" else list(framework.grade_codes)
        present = population.profession_names if by == "profession" else population.grade_names
        codes = population.professions if by == "profession" else population.grades
        extra = [name for name in present if name not in every]  # kept, never silently dropped
        order = every + extra
        position = np.array([order.index(name) for name in present] or [0], dtype=np.int64)
        names = PROFESSION_NAMES if by == "profession" else GRADE_NAMES
        labels = [names.get(name, name) for name in order]
        return position[codes], labels
    departments = dict(db.exec(select(Department.id, Department.name)).all())
    ids = sorted(departments, key=departments.get)
    position = np.zeros(max(ids, default=0) + 1, dtype=np.int64)
    position[ids] = np.arange(len(ids))
    return position[population.department_ids], [departments[i] for i in ids]


def _counter(population, framework, groups, names, indicators) -> Callable[[Filters], dict[str, list[int]]]:
    """Counts by group of each indicator: an array, or a function of the filters giving one
    (when the evidence filter changes what the indicators are worked out from)."""

    def count(filters: Filters) -> dict[str, list[int]]:
        chosen = indicators(filters) if callable(indicators) else indicators
        counts = count_by_group(groups, len(names), mask(population, filters, framework), chosen)
        return {names[g]: counts[g].tolist() for g in range(len(names))}

    return count


def filtered_size(population: Population, filters: Filters, framework: Framework) -> int:
    return int(mask(population, filters, framework).sum())


def _codes(population: Population, filters: Filters) -> np.ndarray:
    """The skills matrix the filters count: every rating, or only confirmed ones."""
    return confirmed_codes(population) if filters.evidence == "confirmed" else population.codes


def confirmations_table(db: Session, framework: Framework, filters: Filters, by: str) -> Table:
    """How many people have a skill confirmed by their line manager in the last 2 years."""
    population = current_population(db, framework)
    confirmed = population.derived(
        ("has a confirmation",), lambda p: (confirmed_codes(p) > 0).any(axis=1)[np.newaxis, :]
    )
    groups, names = _groups(db, population, by, framework)
    shown, total = protect(_counter(population, framework, groups, names, confirmed), filters, mode="base")
    return Table(
        "People with a skill confirmed by their line manager in the last 2 years",
        GROUPINGS[by],
        ["People", "With a current confirmation"],
        list(shown.items()),
        total,
    )


def skills_table(db: Session, framework: Framework, filters: Filters, by: str, family: str | None) -> Table:
    population = current_population(db, framework)
    model = scoring_model(framework)
    needed = family_skills(framework)
    if family:
        columns = [(framework.skills[s].name, [s]) for s in needed[family]]
        links = [None] * len(columns)
    else:
        families = [f for f in framework.families if f.slug in needed]
        columns = [(f.name, needed[f.slug]) for f in families]
        links = [f.slug for f in families]
    skill_groups = tuple(tuple(skills) for _, skills in columns)

    def indicators(f: Filters) -> np.ndarray:
        return population.derived(
            ("holders", skill_groups, f.evidence), lambda p: holders(model, _codes(p, f), skill_groups)
        )

    groups, names = _groups(db, population, by, framework)
    shown, total = protect(_counter(population, framework, groups, names, indicators), filters, mode="base")
    caption = "People holding each skill at working level or above" if family else (
        "People holding at least one of a family's skills at working level or above"
    )  # fmt: skip
    return Table(
        caption, GROUPINGS[by], ["People", *[n for n, _ in columns]], list(shown.items()), total, [None, *links]
    )


def gaps_tables(db: Session, framework: Framework, filters: Filters, by: str, target: str) -> tuple[Table, Table]:
    """Readiness for one role level by group, and the role level's commonest gaps."""
    population = current_population(db, framework)
    model = scoring_model(framework)
    groups, names = _groups(db, population, by, framework)

    def bands(f: Filters) -> np.ndarray:
        return population.derived(
            ("readiness", target, f.evidence), lambda p: readiness_bands(model, _codes(p, f), target)
        )

    shown, total = protect(_counter(population, framework, groups, names, bands), filters, mode="partition")
    readiness = Table(
        f"Readiness for {framework.role_levels[target].name.lower()}",
        GROUPINGS[by],
        ["People", *[b.capitalize() for b in READINESS_BANDS]],
        list(shown.items()),
        total,
    )

    def gaps_of(f: Filters):
        return population.derived(("gaps", target, f.evidence), lambda p: gaps(model, _codes(p, f), target))

    skills, _ = gaps_of(filters)
    everyone = np.zeros(len(population.codes), dtype=np.int64)
    below = _counter(population, framework, everyone, ["Everyone"], lambda f: gaps_of(f)[1])
    gap_shown, gap_total = protect(below, filters, mode="base")
    counts = gap_total[1:] if gap_total else []
    order = sorted(range(len(skills)), key=lambda i: 0 if is_hidden(counts[i]) else -counts[i])[:TOP_GAPS]
    common = Table(
        f"Commonest gaps for {framework.role_levels[target].name.lower()}",
        "Skill",
        ["People below the level needed"],
        [(framework.skills[skills[i]].name, [counts[i]]) for i in order],
    )
    return readiness, common


# --- pipeline and learning: in SQL ------------------------------------------------------------


def _months(first, filters: Filters, today: date) -> list[str]:
    """Every month a by-month table lists, whatever the counts: the date range, or from the
    first month anyone (unfiltered) has a figure to this one. Empty months are listed too, so
    which months appear says nothing about a filtered group."""
    start = filters.since or (date(first.year, first.month, 1) if first else None)
    end = filters.until or date(today.year, today.month, 1)
    if start is None or start > end:
        return []
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < MAX_MONTHS:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_month(rows, months: list[str]) -> dict[str, list[int]]:
    counts = {f"{int(y)}-{int(m):02d}": n for y, m, n in rows}
    return {key: [counts.get(key, 0)] for key in months}


def pipeline_tables(db: Session, framework: Framework, filters: Filters) -> tuple[Table, Table]:
    """Scheme funnels and placements by month, of the scheme members who joined within the
    date range, so both tables count the same people and their totals agree. Every scheme and
    every month is listed."""
    schemes = dict(db.exec(select(Scheme.id, Scheme.name)).all())
    months = _months(db.exec(select(func.min(SchemeMember.placed_on))).one(), filters, date.today())

    def members(f: Filters):
        return person_conditions(f, framework), in_range(SchemeMember.created_at, f, timestamp=True)

    def funnels(f: Filters) -> dict[str, list[int]]:
        applied = SchemeMember.applied_at.is_not(None) | SchemeMember.enrolled_at.is_not(None)
        rows = db.exec(
            select(
                SchemeMember.scheme_id,
                func.sum(case((applied, 1), else_=0)),
                func.count(SchemeMember.enrolled_at),
                func.count(SchemeMember.completed_at),
                func.count(SchemeMember.placed_on),
            )
            .join(Person, Person.id == SchemeMember.person_id)
            .where(*members(f))
            .group_by(SchemeMember.scheme_id)
        ).all()
        counts = {sid: [int(a or 0), e, c, p] for sid, a, e, c, p in rows}
        return {name: counts.get(sid, [0, 0, 0, 0]) for sid, name in schemes.items()}

    def placements(f: Filters) -> dict[str, list[int]]:
        year, month = extract("year", SchemeMember.placed_on), extract("month", SchemeMember.placed_on)
        rows = db.exec(
            select(year, month, func.count())
            .join(Person, Person.id == SchemeMember.person_id)
            .where(SchemeMember.placed_on.is_not(None), *members(f))
            .group_by(year, month)
        ).all()
        return _by_month(rows, months)

    return _funnel_and_months(
        funnels, placements, filters, ("Scheme funnels", "Scheme", ["Applied", "Enrolled", "Completed", "Placed"]),
        ("Placements by month", "Placed"),
    )  # fmt: skip


def learning_tables(db: Session, framework: Framework, filters: Filters) -> tuple[Table, Table]:
    """Each item's funnel among the people it is for (how many that is comes first, so a row
    for a handful of people is hidden whole), and their completions by month, for invitations
    and sessions within the date range, so both tables count the same people."""
    months = _months(first_completion(db), filters, date.today())
    funnels, completions = learning_counters(db, framework, months)
    funnel, by_month = _funnel_and_months(
        funnels,
        completions,
        filters,
        ("Learning uptake among the people each item is for", "Learning", ["People it is for", *STAGES]),
        ("Completions by month", "Completed"),
    )
    if funnel.total:
        # Items are for different people, and one person can be in several audiences: their
        # audiences do not add up to a number of people. The stages add up to how many times
        # anyone reached them, one item at a time.
        funnel.total[0] = NOT_APPLICABLE
        funnel.total_name = "All items"
    return funnel, by_month


def learning_counters(db: Session, framework: Framework, months: list[str]):
    """The exact counts behind the learning tables, for any filters: each item's funnel by
    name ([people it is for, invited, registered, attended, completed]) and completions by
    month, counted against the cached `everyone`.

    Without a date range (the default view) the rows come from the learning summary, cached
    per process under the `learning` counter (ddat/caches/learning.py), and the counts for
    each set of filters are kept with it, so a warm dashboard reads neither. With a date range
    a person's furthest stage depends on which of their invitations and sessions fall inside
    it, which no one summary row can say: those rows are worked out from the invitations and
    registrations each time, by id in SQL, as before."""
    items = list(db.exec(select(LearningItem).order_by(LearningItem.name)).all())

    def when(f: Filters):
        return in_range(Invitation.invited_at, f, timestamp=True), in_range(
            LearningSession.starts_at, f, timestamp=True
        )

    counts = headcounts(db)
    people = everyone(db)
    item_ids = [i.id for i in items]
    audiences = {i.id: people.codes_of(people.grade_names, i.audience) for i in items if i.audience}

    def counted(item_of: np.ndarray, person_of: np.ndarray, f: Filters) -> np.ndarray:
        """Which (item, person) rows count: the person passes the filters and the item is for them.
        People's attributes come from the cached `everyone`, not a join per row."""
        rows, keep = people.positions(person_of)
        if not keep.any():
            return keep
        keep &= mask(people, f, framework)[rows]
        for item_id, grades in audiences.items():
            keep &= (item_of != item_id) | np.isin(people.grades[rows], grades)
        return keep

    def columns(rows, width: int) -> list[np.ndarray]:
        return [np.array(c) for c in zip(*rows, strict=True)] if rows else [np.zeros(0, dtype=np.int64)] * width

    read: dict[tuple, list[np.ndarray]] = {}

    def rows_within(f: Filters, kind: str) -> list[np.ndarray]:
        """(item, person, stage) or (item, person, year × 100 + month of completion) rows for
        the date range, read once: the person filters are applied afterwards, so every wider
        view reuses them. Plain tuples from a Core query: the ORM's per-row work and datetime
        conversion were most of the page's time."""
        key = (kind, f.since, f.until)
        if key not in read and not f.dated():
            summary = progress(db)
            done = summary.months > 0
            read[key] = (
                [summary.item_ids, summary.person_ids, summary.stages]
                if kind == "stages"
                else [summary.item_ids[done], summary.person_ids[done], summary.months[done]]
            )
        if key not in read:
            if kind == "stages":
                stages = stage_per_item_and_person(item_ids, *when(f))
                query = select(stages.c.item_id, stages.c.person_id, stages.c.stage)
            else:
                year, month = extract("year", Registration.completed_at), extract("month", Registration.completed_at)
                query = (
                    select(Registration.item_id, Registration.person_id, year * 100 + month)
                    .join(LearningSession, LearningSession.id == Registration.session_id)
                    .where(Registration.status == "completed", Registration.item_id.in_(item_ids), when(f)[1])
                    .where(Registration.completed_at.is_not(None))
                )
            read[key] = columns(db.connection().execute(query).all(), 3)
        return read[key]

    # Everything the counts for one set of filters depend on, besides the summary they are kept with.
    inputs = (counter(db), framework.version, tuple((i.id, i.name, tuple(i.audience)) for i in items))

    def kept(kind: str, f: Filters, count: Callable[[Filters], dict]) -> dict:
        if f.dated():
            return count(f)
        found = progress(db).derived((kind, f, *inputs), lambda: count(f))
        return {key: list(row) for key, row in found.items()}  # the caller's to change

    def funnels(f: Filters) -> dict[str, list[int]]:
        return kept("funnels", f, _funnels)

    def completions(f: Filters) -> dict[str, list[int]]:
        by_month = kept("completions", f, _completions)
        return _by_month([(key // 100, key % 100, n) for key, (n,) in by_month.items()], months)

    def _funnels(f: Filters) -> dict[str, list[int]]:
        # Audiences from the cached headcounts, every item's stages counted at once.
        result = {i.id: [people_in(counts, f, framework, i.audience or None)] + [0] * len(STAGES) for i in items}
        item_of, person_of, stage_of = rows_within(f, "stages")
        keep = counted(item_of, person_of, f)
        reached_by = Counter(zip(item_of[keep].tolist(), stage_of[keep].tolist(), strict=True))
        for (item_id, stage), count in reached_by.items():
            for reached in range(1, stage + 1):
                result[item_id][reached] += count
        return {i.name: result[i.id] for i in items}

    def _completions(f: Filters) -> dict[int, list[int]]:
        item_of, person_of, month_of = rows_within(f, "completions")
        return {key: [n] for key, n in Counter(month_of[counted(item_of, person_of, f)].tolist()).items()}

    return funnels, completions


def _funnel_and_months(funnels, months, filters: Filters, funnel_labels, month_labels) -> tuple[Table, Table]:
    """A funnel table and a by-month table whose total is the funnel's last column. Where either
    table must hide that total, the months are hidden too: shown months would add up to it."""
    shown, total = protect(funnels, filters, mode="nested")
    caption, heading, headings = funnel_labels
    funnel = Table(caption, heading, headings, sorted(shown.items()), total)
    by_month, month_total = protect(months, filters, mode="independent", zeros_hidden=True)
    if total and month_total and (is_hidden(total[-1]) or is_hidden(month_total[0])):
        total[-1], month_total[0] = _hidden_too(total[-1]), _hidden_too(month_total[0])
        by_month = {key: [_hidden_too(v) for v in row] for key, row in by_month.items()}
    caption, column = month_labels
    month_table = Table(
        caption, "Month", [column], [(_month_name(k), v) for k, v in sorted(by_month.items())], month_total
    )
    return funnel, month_table


def _hidden_too(cell: Cell) -> Hidden:
    """A cell hidden because another one is: it keeps its own reason if it had one."""
    return cell if is_hidden(cell) else Hidden.PROTECTED


def _month_name(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def too_few(size: int) -> bool:
    """A filtered view of fewer than 5 people shows a message instead of numbers."""
    return size == 0 or is_small(size)


def people_matching(db: Session, framework: Framework, filters: Filters) -> int:
    return people_in(headcounts(db), filters, framework)
