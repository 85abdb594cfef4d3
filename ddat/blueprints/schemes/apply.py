"""A civil servant applying to an open scheme, and seeing their own applications."""

from flask import abort, redirect, render_template, url_for

from ... import current, db
from ...forms.schemes import ApplyForm
from ...permissions import signed_in
from ...services import scheme_members as members
from ...services.profiles import engine_profile
from ...services.schemes import eligible_open_schemes
from ...vocabulary import MEMBER_STATUS_NAMES
from ..profile.common import my_person
from . import bp


def _open_scheme_for_me(scheme_id: int):
    """The scheme, if it is open and this person may apply; 404 otherwise (never 'not eligible')."""
    person = my_person()
    if person is None:
        abort(404)
    framework = current.framework()
    profile = engine_profile(db.session(), person)
    for view in eligible_open_schemes(db.session(), framework, person, profile):
        if view["scheme"].id == scheme_id:
            return person, profile, view
    abort(404)


@bp.route("/<int:scheme_id>/apply", methods=["GET", "POST"])
@signed_in
def apply_to(scheme_id: int):
    person, profile, view = _open_scheme_for_me(scheme_id)
    if view["status"] not in (None, "invited"):
        return redirect(url_for("schemes.my_applications"))
    form = ApplyForm()
    if form.validate_on_submit():
        framework = current.framework()
        members.apply(db.session(), framework, view["scheme"], person, profile, form.statement.data)
        return render_template("schemes/applied.html", scheme=view["scheme"])
    return render_template("schemes/apply.html", form=form, **view)


@bp.get("/my-applications")
@signed_in
def my_applications():
    person = my_person()
    applications = members.my_applications(db.session(), person) if person else []
    return render_template("schemes/my_applications.html", applications=applications, status_names=MEMBER_STATUS_NAMES)
