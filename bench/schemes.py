"""Cohort scheme figures on a large workforce: the candidate pool page and a 10,000-row import.

Run with `make bench` (BENCH_PEOPLE sets the workforce size, 200,000 by default). Writes
bench/results/schemes.json and prints the same JSON. Timings are in-process through the
Flask test client, with /healthz timed alongside as the ratio's base.
"""

import json
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlmodel import select

from bench.common import client_as, machine, medians, seeded_app, timed, write
from ddat import db
from ddat.imports.scheme_import import import_members
from ddat.models import Person, Scheme, User
from ddat.permissions import department_scope
from ddat.services.framework import current_framework

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "200000"))
IMPORT_ROWS = 10_000
ROUNDS = 7
RESULTS = Path(__file__).parent / "results" / "schemes.json"


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app, seed_seconds = seeded_app(tmp, PEOPLE)
        with app.app_context():
            session = db.session()
            today = date.today()
            scheme = Scheme(
                name="Benchmark scheme",
                target_levels=["associate-data-analyst"],
                professions=["policy", "operational_delivery", "other"],
                grade_from="AO",
                grade_to="G7",
                capacity=IMPORT_ROWS,
                opens_on=today,
                closes_on=today + timedelta(days=30),
                starts_on=today + timedelta(days=60),
                ends_on=today + timedelta(days=400),
                status="open",
            )
            session.add(scheme)
            session.commit()
            scheme_id = scheme.id
            numbers = session.exec(
                select(Person.staff_number).where(Person.shares_with_hr).order_by(Person.id).limit(IMPORT_ROWS)
            ).all()
            csv_file = ("staff_number,status,notes\n" + "".join(f"{n},applied,Imported\n" for n in numbers)).encode()
            hr = session.exec(select(User).where(User.email == "hr@example.gov.uk")).one()
            hr_id = hr.id
            framework = current_framework(session)
            import_seconds = timed(
                lambda: import_members(session, framework, scheme, hr, csv_file, department_scope(hr))
            )
            reimport_seconds = timed(
                lambda: import_members(session, framework, scheme, hr, csv_file, department_scope(hr))
            )

        client = client_as(app, hr_id)
        pool = f"/schemes/{scheme_id}/candidates"
        assert client.get("/healthz").status_code == 200
        cold = timed(lambda: client.get(pool))  # builds the cached skills matrix
        timings = {"healthz": [], "candidate_pool": [], "candidate_pool_page_40": [], "scheme_dashboard": []}
        for _ in range(ROUNDS):
            timings["healthz"].append(timed(lambda: client.get("/healthz")))
            timings["candidate_pool"].append(timed(lambda: client.get(pool)))
            timings["candidate_pool_page_40"].append(timed(lambda: client.get(pool + "?page=40")))
            timings["scheme_dashboard"].append(timed(lambda: client.get(f"/schemes/{scheme_id}/dashboard")))
        assert client.get(pool).status_code == 200
    result = {
        "machine": machine(),
        "people": PEOPLE,
        "rounds": ROUNDS,
        "seed_seconds": round(seed_seconds, 1),
        "import_rows": len(numbers),
        "import_seconds": round(import_seconds, 2),
        "reimport_seconds": round(reimport_seconds, 2),
        "candidate_pool_first_request_ms": round(cold * 1000, 1),
        **medians(timings),
    }
    return write(RESULTS, result)


if __name__ == "__main__":
    print(json.dumps(main()))
