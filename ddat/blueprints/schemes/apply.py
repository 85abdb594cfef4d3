"""A civil servant applying to an open scheme, seeing their own applications and HR's
decisions, and withdrawing."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ... import current, db
from ...forms.schemes import ApplyForm, WithdrawForm
from ...models import Scheme
from ...permissions import signed_in
from ...services import scheme_members as members
from ...services.profiles import engine_profile
from ...services.schemes import eligible_open_schemes, not_open_for_person, open_for_applications
from ...vocabulary import MEMBER_STATUS_NAMES
from ..profile.common import my_person
from . import bp


def _open_scheme_for_me(scheme_id: int):
    """The scheme, if it is open and this person may apply; 404 otherwise (never 'not
    eligible'), except to someone already in it, who is told why they cannot apply now."""
    person = my_person()
    if person is None:
        abort(404)
    framework = current.framework()
    profile = engine_profile(db.session(), person)
    for view in eligible_open_schemes(db.session(), framework, person, profile):
        if view["scheme"].id == scheme_id:
            return person, profile, view
    scheme = db.session().get(Scheme, scheme_id)
    member = members.membership(db.session(), scheme, person) if scheme else None
    if member is None:
        abort(404)
    return person, profile, {"scheme": scheme, "status": member.status, "closed": True}


@bp.route("/<int:scheme_id>/apply", methods=["GET", "POST"])
@signed_in
def apply_to(scheme_id: int):
    person, profile, view = _open_scheme_for_me(scheme_id)
    if view["status"] not in (None, "invited"):
        return redirect(url_for("schemes.my_applications"))
    if view.get("closed"):  # invited, but the scheme is not taking applications today
        return render_template("schemes/not_open.html", scheme=view["scheme"], why=not_open_for_person(view["scheme"]))
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
    return render_template(
        "schemes/my_applications.html",
        applications=applications,
        status_names=MEMBER_STATUS_NAMES,
        may_withdraw=members.PERSON_MAY_WITHDRAW,
        taking_applications={scheme.id for _, scheme in applications if open_for_applications(scheme)},
        withdrew_themselves=members.WITHDREW_THEMSELVES,
    )


@bp.route("/<int:scheme_id>/withdraw", methods=["GET", "POST"])
@signed_in
def withdraw(scheme_id: int):
    """A person leaving a scheme they were invited to, applied to or joined: their choice,
    confirmed first, and final (as HR's withdrawals are)."""
    person = my_person()
    scheme = db.session().get(Scheme, scheme_id)
    member = members.membership(db.session(), scheme, person) if person and scheme else None
    if member is None:
        abort(404)
    if member.status not in members.PERSON_MAY_WITHDRAW:
        return redirect(url_for("schemes.my_applications"))
    form = WithdrawForm()
    if form.validate_on_submit():
        if members.withdraw_own(db.session(), scheme, member, form.reason.data, current_user):
            flash(f"You have withdrawn from {scheme.name}.", "success")
        return redirect(url_for("schemes.my_applications"))
    return render_template("schemes/withdraw.html", scheme=scheme, member=member, form=form)
