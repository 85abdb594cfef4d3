"""Listing, creating and editing schemes, and each scheme's overview and dashboard."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import db
from ...account_forms import select_choices
from ...downloads import attachment
from ...models import Scheme
from ...permissions import RUN_SCHEMES, department_scope, requires
from ...scheme_forms import SchemeForm
from ...services import explorer
from ...services import scheme_dashboard as dash
from ...services.framework import current_framework
from ...services.scheme_members import places_taken
from ...services.schemes import STATUS_NAMES, department_names, save_scheme, visible_schemes
from . import bp
from .common import my_scheme


@bp.get("")
@requires(RUN_SCHEMES)
def index():
    schemes = visible_schemes(db.session(), current_user)
    return render_template("schemes/index.html", schemes=schemes, status_names=STATUS_NAMES)


def _scheme_form(scheme: Scheme | None) -> SchemeForm:
    fw = current_framework(db.session())
    data = {}
    if scheme is not None and request.method == "GET":
        targets = scheme.target_levels + ["", ""]
        data = {
            "name": scheme.name,
            "description": scheme.description,
            "target_1": targets[0],
            "target_2": targets[1],
            "target_3": targets[2],
            "professions": scheme.professions,
            "grade_from": scheme.grade_from,
            "grade_to": scheme.grade_to,
            "departments": [str(d) for d in scheme.department_ids],
            "min_fit": scheme.min_fit,
            "capacity": scheme.capacity,
            "opens_on": scheme.opens_on,
            "closes_on": scheme.closes_on,
            "starts_on": scheme.starts_on,
            "ends_on": scheme.ends_on,
            "status": scheme.status,
        }
    form = SchemeForm(data=data)
    levels = explorer.level_choices(fw)
    form.target_1.choices = select_choices([("", "Choose a role level"), *levels])
    form.target_2.choices = select_choices([("", "No second target"), *levels])
    form.target_3.choices = select_choices([("", "No third target"), *levels])
    grades = [(g, g) for g in fw.grade_codes]
    form.grade_from.choices = select_choices([("", "Choose a grade"), *grades])
    form.grade_to.choices = select_choices([("", "Choose a grade"), *grades])
    names = department_names(db.session())
    form.departments.choices = select_choices((str(i), n) for i, n in sorted(names.items(), key=lambda kv: kv[1]))
    return form


def _answers(form: SchemeForm) -> dict:
    answers = {name: field.data for name, field in form._fields.items()}
    answers["targets"] = [form.target_1.data, form.target_2.data, form.target_3.data]
    answers["description"] = (form.description.data or "").strip()
    answers["name"] = form.name.data.strip()
    scope = department_scope(current_user)
    if scope is not None:
        answers["departments"] = [str(scope)]  # departmental HR: their own people only
    return answers


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
        scheme = save_scheme(db.session(), scheme, _answers(form), current_user)
        flash("Scheme created.", "success")
        return redirect(url_for("schemes.overview", scheme_id=scheme.id))
    return render_template("schemes/form.html", form=form, scheme=None, central=department_scope(current_user) is None)


@bp.route("/<int:scheme_id>/edit", methods=["GET", "POST"])
@requires(RUN_SCHEMES)
def edit(scheme_id: int):
    scheme = my_scheme(scheme_id)
    form = _scheme_form(scheme)
    if form.validate_on_submit():
        save_scheme(db.session(), scheme, _answers(form), current_user)
        flash("Scheme updated.", "success")
        return redirect(url_for("schemes.overview", scheme_id=scheme.id))
    return render_template(
        "schemes/form.html", form=form, scheme=scheme, central=department_scope(current_user) is None
    )


@bp.get("/<int:scheme_id>")
@requires(RUN_SCHEMES)
def overview(scheme_id: int):
    scheme = my_scheme(scheme_id)
    fw = current_framework(db.session())
    names = department_names(db.session())
    return render_template(
        "schemes/overview.html",
        scheme=scheme,
        targets=[fw.role_levels[t] for t in scheme.target_levels if t in fw.role_levels],
        departments=[names[d] for d in scheme.department_ids if d in names],
        status_names=STATUS_NAMES,
        taken=places_taken(db.session(), scheme),
    )


@bp.get("/<int:scheme_id>/dashboard")
@requires(RUN_SCHEMES)
def dashboard(scheme_id: int):
    scheme = my_scheme(scheme_id)
    view = dash.dashboard(db.session(), current_framework(db.session()), scheme, current_user)
    if request.args.get("format") == "csv":
        return attachment(dash.funnel_csv(view), f"scheme-{scheme.id}-funnel.csv")
    return render_template("schemes/dashboard.html", scheme=scheme, **view)
