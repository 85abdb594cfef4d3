"""Dashboards of the organisation's digital and data capability: aggregates only, with
disclosure control, for leaders, HR and admins. Filters live in the query string."""

from datetime import date

from flask import Blueprint, render_template, request

from pathways.aggregates import family_skills
from pathways.matching import transferable_data

from .. import current, db
from ..downloads import attachment
from ..permissions import SEE_AGGREGATES, requires
from ..services.schemes import department_names
from ..viewmodels import dashboards as svc
from ..viewmodels.dashboard_filters import EVIDENCE_CHOICES, grade_bands, month_choices, parse
from ..viewmodels.family_view import MAX_SHOWN, family_view
from ..viewmodels.heatmap import groups_by_columns
from ..viewmodels.uptake import coverage_for_leaders
from ..vocabulary import PROFESSION_NAMES, audience_name

bp = Blueprint("dashboards", __name__, url_prefix="/dashboards")
MAX_TARGETS = 3
PERMANENT_SECRETARY_MASTERCLASS = "data-masterclass-for-permanent-secretaries"


def _setup():
    db_session = db.session()
    framework = current.framework()
    departments = department_names(db_session)
    filters = parse(request.args, framework, set(departments))
    options = {
        "departments": sorted(departments.items(), key=lambda kv: kv[1]),
        "professions": list(PROFESSION_NAMES.items()),
        "bands": [(band, audience_name(grades)) for band, grades in grade_bands(framework).items()],
        "months": month_choices(date.today()),
        "evidence": EVIDENCE_CHOICES,
    }
    return db_session, framework, filters, options


def _by() -> str:
    by = request.args.get("by", "department")
    return by if by in svc.GROUPINGS else "department"


def _page(template: str, tables: list, name: str, **context):
    if request.args.get("format") == "csv":
        return attachment(svc.tables_csv(tables), f"{name}.csv")
    return render_template(template, tables=tables, **context)


@bp.get("")
@requires(SEE_AGGREGATES)
def index():
    db_session, framework, filters, options = _setup()
    return render_template("dashboards/index.html", filters=filters, options=options)


@bp.get("/skills")
@requires(SEE_AGGREGATES)
def skills():
    db_session, framework, filters, options = _setup()
    families = family_skills(framework)
    family = request.args.get("family")
    family = family if family in families else None
    by = _by()
    size = svc.filtered_size(svc.current_population(db_session, framework), filters, framework)
    tables = [] if svc.too_few(size) else [svc.skills_table(db_session, framework, filters, by, family)]
    if tables and not family:
        tables.append(svc.confirmations_table(db_session, framework, filters, by))
    # A family's skills read a skill to a row, beside the groups the leader chooses to compare;
    # the download keeps every group.
    view = family_view(tables[0], request.args.getlist("show")) if family and tables else None
    return _page(
        "dashboards/skills.html",
        tables,
        "skills",
        filters=filters,
        options=options,
        by=by,
        family=next((f for f in framework.families if f.slug == family), None),
        too_few=svc.too_few(size),
        view=view,
        group_map=groups_by_columns(tables[0]) if tables and not family else None,
        by_name=svc.GROUPINGS[by],
        max_shown=MAX_SHOWN,
    )


@bp.get("/gaps")
@requires(SEE_AGGREGATES)
def capability_gaps():
    db_session, framework, filters, options = _setup()
    chosen = [t for t in request.args.getlist("target") if t in framework.role_levels][:MAX_TARGETS]
    targets = (
        chosen
        or [r.level for r in transferable_data(framework).entry_routes if r.level in framework.role_levels][
            :MAX_TARGETS
        ]
    )
    by = _by()
    size = svc.filtered_size(svc.current_population(db_session, framework), filters, framework)
    tables = []
    if not svc.too_few(size):
        for target in targets:
            tables.extend(svc.gaps_tables(db_session, framework, filters, by, target))
    levels = sorted(((lv.slug, lv.name) for lv in framework.role_levels.values()), key=lambda pair: pair[1])
    return _page(
        "dashboards/gaps.html",
        tables,
        "capability-gaps",
        filters=filters,
        options=options,
        by=by,
        targets=targets,
        levels=levels,
        too_few=svc.too_few(size),
    )


@bp.get("/pipeline")
@requires(SEE_AGGREGATES)
def pipeline():
    db_session, framework, filters, options = _setup()
    size = svc.people_matching(db_session, framework, filters)
    tables = [] if svc.too_few(size) else list(svc.pipeline_tables(db_session, framework, filters))
    return _page(
        "dashboards/pipeline.html", tables, "pipeline", filters=filters, options=options, too_few=svc.too_few(size)
    )


@bp.get("/learning")
@requires(SEE_AGGREGATES)
def learning():
    db_session, framework, filters, options = _setup()
    size = svc.people_matching(db_session, framework, filters)
    tables = [] if svc.too_few(size) else list(svc.learning_tables(db_session, framework, filters))
    # An organisation-wide figure: with filters it could be set against the filtered tables.
    coverage = None if filters.args() else coverage_for_leaders(db_session, PERMANENT_SECRETARY_MASTERCLASS)
    return _page(
        "dashboards/learning.html",
        tables,
        "learning",
        filters=filters,
        options=options,
        too_few=svc.too_few(size),
        coverage=coverage,
    )
