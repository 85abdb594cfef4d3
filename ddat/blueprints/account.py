"""Your account: change your password, sign out of every device."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import db
from ..auth import start_session
from ..forms.account import ChangePasswordForm
from ..forms.common import ConfirmForm
from ..limits import configured, limiter
from ..permissions import signed_in
from ..services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@signed_in
def index():
    return render_template(
        "account/index.html",
        has_password=bool(current_user.password_hash),
        form=ConfirmForm(),
    )


@bp.route("/password", methods=["GET", "POST"])
@signed_in
@limiter.limit(configured("RATELIMIT_SIGN_IN"), methods=["POST"])
def change_password():
    user = current_user._get_current_object()
    if not user.password_hash:
        return redirect(url_for("account.index"))
    form = ChangePasswordForm(user.email)
    if form.validate_on_submit():
        if not accounts.password_matches(user, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            accounts.change_password(db.session(), user, form.new_password.data)
            start_session(user)  # every other session has ended; this browser gets a new one
            flash(["Your password has been changed", "We have signed you out on every other device."], "success")
            return redirect(url_for("account.index"))
    return render_template("account/password.html", form=form)


@bp.post("/sign-out-everywhere")
@signed_in
def sign_out_everywhere():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.index"))
    user = current_user._get_current_object()
    accounts.sign_out_everywhere(db.session(), user)
    start_session(user)
    flash(["You have been signed out on every other device", "You are still signed in here."], "success")
    return redirect(url_for("account.index"))
