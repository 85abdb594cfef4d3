"""Dashboard filters: read from the query string (so a view can be bookmarked and shared),
applied to the cached skills matrix as a mask and to SQL queries as conditions."""

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import ColumnElement, and_, true

from pathways import Framework
from pathways.matching import transferable_data

from ..caches.population import Population
from ..models import Person
from ..vocabulary import PROFESSION_NAMES

# Filters that narrow who is counted; removing any one of them gives a wider view a leader can
# also see, which disclosure control compares against.
# "evidence" narrows which ratings count rather than who: its wider view (every rating) is one
# a leader can also see, so it is compared against in the same way.
POPULATION_FILTERS = ("department", "profession", "band", "evidence")
EVIDENCE_CHOICES = [("confirmed", "Only skills confirmed by a line manager")]
MONTHS_BACK = 36


@dataclass(frozen=True)
class Filters:
    department: int | None = None
    profession: str | None = None
    band: str | None = None
    evidence: str | None = None  # "confirmed": count only skills a line manager currently confirms
    since: date | None = None  # first day of a month
    until: date | None = None  # first day of a month, counted whole

    def dated(self) -> bool:
        """Whether a date range is chosen (the learning dashboard counts such views exactly)."""
        return self.since is not None or self.until is not None

    def active(self) -> list[str]:
        return [name for name in POPULATION_FILTERS if getattr(self, name) is not None]

    def without(self, name: str) -> "Filters":
        return replace(self, **{name: None})

    def args(self) -> dict[str, str]:
        """The query string for these filters."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                values[f.name] = value.strftime("%Y-%m") if isinstance(value, date) else str(value)
        return values


def grade_bands(framework: Framework) -> dict[str, tuple[str, ...]]:
    return transferable_data(framework).grade_bands


def _month(raw: str | None) -> date | None:
    if not raw or len(raw) != 7 or raw[4] != "-" or not (raw[:4] + raw[5:]).isascii():
        return None
    year, month = raw[:4], raw[5:]
    plain = year.isascii() and month.isascii() and year.isdigit() and month.isdigit()
    if not (plain and 1 <= int(month) <= 12 and 2000 <= int(year) <= 2100):
        return None
    return date(int(year), int(month), 1)


def parse(args, framework: Framework, department_ids: set[int]) -> Filters:
    """Filters from a query string; anything unknown or malformed is simply not applied."""
    department = args.get("department", "")
    department_id = int(department) if department.isascii() and department.isdigit() and len(department) < 9 else None
    profession = args.get("profession")
    band = args.get("band")
    since, until = _month(args.get("since")), _month(args.get("until"))
    if since and until and until < since:
        since, until = until, since
    return Filters(
        department=department_id if department_id in department_ids else None,
        profession=profession if profession in PROFESSION_NAMES else None,
        band=band if band in grade_bands(framework) else None,
        evidence="confirmed" if args.get("evidence") == "confirmed" else None,
        since=since,
        until=until,
    )


def mask(population: Population, filters: Filters, framework: Framework) -> np.ndarray:
    """Which rows of the skills matrix the filters keep."""
    keep = np.ones(len(population.person_ids), dtype=bool)
    if filters.department is not None:
        keep &= population.department_ids == filters.department
    if filters.profession is not None:
        keep &= np.isin(population.professions, population.codes_of(population.profession_names, [filters.profession]))
    if filters.band is not None:
        wanted = population.codes_of(population.grade_names, grade_bands(framework)[filters.band])
        keep &= np.isin(population.grades, wanted)
    return keep


def person_conditions(filters: Filters, framework: Framework) -> ColumnElement[bool]:
    """The same filters as a condition on Person, for SQL counts."""
    conditions = [true()]
    if filters.department is not None:
        conditions.append(Person.department_id == filters.department)
    if filters.profession is not None:
        conditions.append(Person.profession == filters.profession)
    if filters.band is not None:
        conditions.append(Person.grade.in_(grade_bands(framework)[filters.band]))
    return and_(*conditions)


def people_in(counts: dict[tuple[int, str, str], int], filters: Filters, framework: Framework, grades=None) -> int:
    """How many people `person_conditions` would count (and, if given, only these grades),
    from the cached headcounts instead of a scan of everyone."""
    band = set(grade_bands(framework)[filters.band]) if filters.band is not None else None
    grades = set(grades) if grades is not None else None
    return sum(
        n
        for (department, profession, grade), n in counts.items()
        if (filters.department is None or department == filters.department)
        and (filters.profession is None or profession == filters.profession)
        and (band is None or grade in band)
        and (grades is None or grade in grades)
    )


def month_choices(today: date) -> list[tuple[str, str]]:
    """The last few years' months, newest first, for the date range selects."""
    choices = []
    year, month = today.year, today.month
    for _ in range(MONTHS_BACK):
        choices.append((f"{year:04d}-{month:02d}", date(year, month, 1).strftime("%B %Y")))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


def in_range(column, filters: Filters, timestamp: bool) -> ColumnElement[bool]:
    """A date (or, if `timestamp`, a UTC timestamp) column within the filters' months, whole
    months at both ends."""

    def bound(day: date):
        return datetime(day.year, day.month, day.day, tzinfo=UTC) if timestamp else day

    conditions = [column.is_not(None)]
    if filters.since is not None:
        conditions.append(column >= bound(filters.since))
    if filters.until is not None:
        end = date(filters.until.year + filters.until.month // 12, filters.until.month % 12 + 1, 1)
        conditions.append(column < bound(end))
    return and_(*conditions)
