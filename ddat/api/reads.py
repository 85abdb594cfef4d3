"""Reading the service's data: a person's own data (signed in), a scheme's members
(`schemes:read`) and dashboard figures (`aggregates:read`), each as the web pages would show it
to the same person: a departmental client is departmental HR, and figures pass the same
disclosure control as leaders'."""

import base64
from dataclasses import dataclass

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint, abort
from sqlmodel import select

from .. import current, db
from ..models import Department, Person, SchemeMember
from ..permissions import signed_in_api
from ..services import my_data, schemes
from ..services.schemes import department_names, people_in_scope
from ..viewmodels import dashboards
from ..viewmodels.dashboard_filters import Filters, grade_bands
from ..viewmodels.disclosure_labels import is_hidden, label
from .clients import requires_scope
from .schemas import CursorQuerySchema, FiguresQuerySchema, FiguresSchema, MembersPageSchema, OwnDataSchema

bp = Blueprint("api_reads", __name__, url_prefix="/api/v1", description="Reading people's and schemes' data")


@dataclass(frozen=True)
class ClientAsHr:
    """An API client seen as HR of its department (or central HR): for the same scope rules."""

    department_id: int | None
    role: str = "hr"


def _as_hr() -> ClientAsHr:
    return ClientAsHr(g.api_client.department_id)


@bp.route("/me")
@signed_in_api
@bp.response(200, OwnDataSchema)
def me():
    """Everything held about the signed-in person: the same as their data download.

    Uses the browser's session (sign in first), not an API client's token."""
    return {"data": my_data.export(db.session(), current_user, current.framework())}


def _cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        after = int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        after = -1
    if not 0 <= after < 2**63:  # ids are database integers
        abort(
            422,
            message="The cursor is not one this API gave",
            errors=[{"pointer": "/cursor", "detail": "Not a cursor"}],
        )
    return after


def _next(last_id: int) -> str:
    return base64.urlsafe_b64encode(str(last_id).encode()).decode().rstrip("=")


@bp.route("/schemes/<int:scheme_id>/members")
@requires_scope("schemes:read", event="api.scheme_members_read")
@bp.doc(security=[{"client": []}])
@bp.arguments(CursorQuerySchema, location="query", as_kwargs=True)
@bp.response(200, MembersPageSchema)
def scheme_members(scheme_id: int, cursor: str | None = None, limit: int = 100):
    """A cohort scheme's members, oldest first, a page at a time (pass `next_cursor` back as
    `cursor`). Needs the `schemes:read` scope; a departmental client sees only its department's
    schemes and people."""
    session, hr = db.session(), _as_hr()
    scheme = schemes.scheme_for(session, hr, scheme_id)
    if scheme is None:
        abort(404, message=f"No scheme {scheme_id} is yours to read")
    rows = session.exec(
        select(SchemeMember, Person, Department)
        .join(Person, Person.id == SchemeMember.person_id)
        .join(Department, Department.id == Person.department_id)
        .where(SchemeMember.scheme_id == scheme.id, people_in_scope(hr), SchemeMember.id > _cursor(cursor))
        .order_by(SchemeMember.id)
        .limit(limit + 1)
    ).all()
    page = [{"id": m.id, "staff_number": p.staff_number, "name": p.display_name, "department": d.name,
             "grade": p.grade, "profession": p.profession, "status": m.status, "source": m.source,
             "target_level": m.target_level, "fit_at_enrolment": m.fit_at_enrolment, "applied_at": m.applied_at,
             "enrolled_at": m.enrolled_at, "completed_at": m.completed_at, "placed_level": m.placed_level,
             "placed_on": m.placed_on} for m, p, d in rows[:limit]]  # fmt: skip
    return {
        "scheme": scheme.name,
        "items": page,
        "next_cursor": _next(rows[limit - 1][0].id) if len(rows) > limit else None,
    }


def _cell(value) -> dict:
    if is_hidden(value):
        return {"count": None, "hidden": value.value, "label": label(value)}
    return {"count": value, "hidden": None, "label": label(value)}


@bp.route("/aggregates/skills")
@requires_scope("aggregates:read", event="api.figures_read")
@bp.doc(security=[{"client": []}])
@bp.arguments(FiguresQuerySchema, location="query", as_kwargs=True)
@bp.response(200, FiguresSchema)
def skills_figures(by: str = "department", department: int | None = None, profession: str | None = None,
                   band: str | None = None, evidence: str | None = None):  # fmt: skip
    """People holding each role family's skills at working level or above, by department,
    profession or grade: the leaders' skills dashboard, under the same disclosure control (small
    numbers hidden, the rest rounded to the nearest 5).

    Needs the `aggregates:read` scope. A filter value the service does not know is a problem
    (422), never silently dropped; the answer says which filters it applied. A departmental
    client gets its own department's figures only, and asking for another department is refused."""
    session, framework = db.session(), current.framework()
    names = department_names(session)
    own = g.api_client.department_id
    if own is not None and department not in (None, own):
        abort(403, message="This client sees only its own department's figures")
    problems = []
    if department is not None and department not in names:
        problems.append({"pointer": "/department", "detail": f"No department has the id {department}"})
    bands = grade_bands(framework)
    if band is not None and band not in bands:
        problems.append({"pointer": "/band", "detail": f"Band must be one of {', '.join(bands)}"})
    if problems:
        abort(422, message="The filters have problems", errors=problems)
    department = own if own is not None else department
    filters = Filters(department=department, profession=profession, band=band, evidence=evidence)
    applied = {"by": by, "department": names.get(department), "profession": profession, "band": band,
               "evidence": evidence}  # fmt: skip
    population = dashboards.current_population(session, framework)
    if dashboards.too_few(dashboards.filtered_size(population, filters, framework)):
        return {"filters": applied, "too_few": True, "groups": "", "columns": [], "rows": [], "total": []}
    table = dashboards.skills_table(session, framework, filters, by, None)
    return {
        "filters": applied,
        "too_few": False,
        "groups": table.group_heading,
        "columns": table.headings,
        "rows": [{"group": name, "cells": [_cell(v) for v in counts]} for name, counts in table.rows],
        "total": [_cell(v) for v in table.total or []],
    }
