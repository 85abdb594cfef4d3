"""Who a cohort scheme is open to, apart from fit (which needs the engine) and consent: its
grades, professions and departments. One rule, asked three ways: as a SQL condition, of one
person, and of the whole cached population at once."""

from dataclasses import dataclass

import numpy as np
from sqlalchemy import ColumnElement, and_

from pathways import Framework

from ..caches.population import Population
from ..models import Person, Scheme


def grades_between(framework: Framework, low: str | None, high: str | None) -> list[str]:
    order = list(framework.grade_codes)
    start = order.index(low) if low in order else 0
    end = order.index(high) if high in order else len(order) - 1
    return order[start : end + 1]


@dataclass(frozen=True)
class Eligibility:
    grades: tuple[str, ...]
    professions: tuple[str, ...]  # none: every profession
    department_ids: tuple[int, ...]  # none: every department

    @classmethod
    def of(cls, framework: Framework, scheme: Scheme) -> "Eligibility":
        return cls(
            tuple(grades_between(framework, scheme.grade_from, scheme.grade_to)),
            tuple(scheme.professions or ()),
            tuple(scheme.department_ids or ()),
        )

    def sql(self) -> ColumnElement[bool]:
        conditions = [Person.grade.in_(self.grades)]
        if self.professions:
            conditions.append(Person.profession.in_(self.professions))
        if self.department_ids:
            conditions.append(Person.department_id.in_(self.department_ids))
        return and_(*conditions)

    def admits(self, person: Person) -> bool:
        return (
            person.grade in self.grades
            and (not self.professions or person.profession in self.professions)
            and (not self.department_ids or person.department_id in self.department_ids)
        )

    def mask(self, population: Population) -> np.ndarray:
        """One boolean per row of `population`, from the attributes cached with it: a SQL scan
        of the whole workforce on every request was most of the candidate pool's time."""
        keep = np.isin(population.grades, Population.codes_of(population.grade_names, self.grades))
        if self.professions:
            keep &= np.isin(population.professions, Population.codes_of(population.profession_names, self.professions))
        if self.department_ids:
            keep &= np.isin(population.department_ids, self.department_ids)
        return keep
