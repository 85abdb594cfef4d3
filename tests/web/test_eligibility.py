"""A scheme's eligibility asked three ways (SQL, of one person, of the cached population)
gives the same people, on every scheme of a small grid of grade ranges, professions and
departments."""

import itertools
from types import SimpleNamespace

import numpy as np
from sqlmodel import select

from ddat import db
from ddat.caches.population import everyone
from ddat.models import Department, Person
from ddat.services.eligibility import Eligibility
from ddat.services.framework import current_framework

PROFESSIONS = ("policy", "operational_delivery", "ddat")


def test_sql_admits_and_mask_agree_on_everyone(app):
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        departments = [Department(name=f"Department {n}", abbreviation=f"D{n}") for n in range(3)]
        session.add_all(departments)
        session.flush()
        department_ids = [d.id for d in departments]
        grades = list(framework.grade_codes[2:6])
        for grade, profession, department in itertools.product(grades, PROFESSIONS, department_ids[:2]):
            session.add(Person(display_name="P", department_id=department, profession=profession, grade=grade))
        session.commit()
        people = session.exec(select(Person).order_by(Person.id)).all()
        population = everyone(session)
        assert population.person_ids.tolist() == [p.id for p in people]

        bounds = [None, *framework.grade_codes[1:7]]
        profession_choices = [[], ["policy"], ["policy", "ddat"], ["statistics"]]
        department_choices = [[], department_ids[:1], department_ids[1:], department_ids[2:]]
        checked = 0
        for low, high, professions, chosen in itertools.product(bounds, bounds, profession_choices, department_choices):
            scheme = SimpleNamespace(grade_from=low, grade_to=high, professions=professions, department_ids=chosen)
            rules = Eligibility.of(framework, scheme)
            by_sql = set(session.exec(select(Person.id).where(rules.sql())).all())
            by_person = {p.id for p in people if rules.admits(p)}
            by_mask = set(population.person_ids[rules.mask(population)].tolist())
            assert by_sql == by_person == by_mask, scheme
            checked += bool(by_sql)
        assert checked > 100  # most schemes admit someone, so the agreement says something


def test_an_empty_population_admits_no_one(app):
    with app.app_context():
        session = db.session()
        framework = current_framework(session)
        scheme = SimpleNamespace(grade_from=None, grade_to=None, professions=[], department_ids=[])
        mask = Eligibility.of(framework, scheme).mask(everyone(session))
        assert mask.dtype == np.bool_ and len(mask) == 0
