"""Listing, creating and editing schemes, and each scheme's overview and dashboard."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import current, db
from ...downloads import attachment
from ...forms.schemes import SchemeForm
from ...models import Scheme
from ...permissions import RUN_SCHEMES, department_scope, requires
from ...services.scheme_members import HOLDS_A_PLACE, counts_by_scheme, places_taken
from ...services.schemes import department_names, save_scheme, visible_schemes
from ...viewmodels import explorer, hr_todo
from ...viewmodels import scheme_dashboard as dash
from ...vocabulary import MEMBER_STATUS_NAMES, SCHEME_STATUS_NAMES
from . import bp
from .common import my_scheme


@bp.get("")
@requires(RUN_SCHEMES)
def index():
    db_session = db.session()
    schemes = visible_schemes(db_session, current_user)
    counts = counts_by_scheme(db_session, current_user, schemes)
    everyone = counts_by_scheme(db_session, None, schemes)
    to_record, sessions_in_all = hr_todo.sessions_to_record(db_session, current_user)
    return render_template(
        "schemes/index.html",
        schemes=schemes,
        status_names=SCHEME_STATUS_NAMES,
        waiting={s.id: sum(counts[s.id].get(st, 0) for st in hr_todo.WAITING_ON_HR) for s in schemes},
        taken={s.id: sum(everyone[s.id].get(st, 0) for st in HOLDS_A_PLACE) for s in schemes},
        applications=hr_todo.applications_waiting(db_session, current_user),
        to_record=to_record,
        sessions_in_all=sessions_in_all,
        member_status_names=MEMBER_STATUS_NAMES,
    )


def _scheme_form(scheme: Scheme | None) -> SchemeForm:
    framework = current.framework()
    return SchemeForm.for_scheme(
        scheme,
        levels=explorer.level_choices(framework),
        grades=framework.grade_codes,
        departments=department_names(db.session()),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(RUN_SCHEMES)
def new():
    form = _scheme_form(None)
    if form.validate_on_submit():
        scheme = Scheme(
            owner_department_id=department_scope(current_user),
            opens_on=date.today(),
            closes_on=date.today(),
            starts_on=date.today(),
            ends_on=date.today(),
        )
        scheme = save_scheme(db.session(), scheme, form.answers(department_scope(current_user)), current_user)
        flash("Scheme created.", "success")
        return redirect(url_for("schemes.overview", scheme_id=scheme.id))
    return render_template("schemes/form.html", form=form, scheme=None, central=department_scope(current_user) is None)


@bp.route("/<int:scheme_id>/edit", methods=["GET", "POST"])
@requires(RUN_SCHEMES)
def edit(scheme_id: int):
    scheme = my_scheme(scheme_id)
    form = _scheme_form(scheme)
    if form.validate_on_submit():
        save_scheme(db.session(), scheme, form.answers(department_scope(current_user)), current_user)
        flash("Scheme updated.", "success")
        return redirect(url_for("schemes.overview", scheme_id=scheme.id))
    return render_template(
        "schemes/form.html", form=form, scheme=scheme, central=department_scope(current_user) is None
    )


@bp.get("/<int:scheme_id>")
@requires(RUN_SCHEMES)
def overview(scheme_id: int):
    scheme = my_scheme(scheme_id)
    framework = current.framework()
    names = department_names(db.session())
    return render_template(
        "schemes/overview.html",
        scheme=scheme,
        targets=[framework.role_levels[t] for t in scheme.target_levels if t in framework.role_levels],
        departments=[names[d] for d in scheme.department_ids if d in names],
        status_names=SCHEME_STATUS_NAMES,
        taken=places_taken(db.session(), scheme),
    )


@bp.get("/<int:scheme_id>/dashboard")
@requires(RUN_SCHEMES)
def dashboard(scheme_id: int):
    scheme = my_scheme(scheme_id)
    view = dash.dashboard(db.session(), current.framework(), scheme, current_user)
    if request.args.get("format") == "csv":
        return attachment(dash.funnel_csv(view), f"scheme-{scheme.id}-funnel.csv")
    return render_template("schemes/dashboard.html", scheme=scheme, **view)
