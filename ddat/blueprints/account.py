"""Your account: change your password, sign out of every device."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.security import check_password_hash

from .. import db
from ..auth import end_every_session, hash_password, start_session
from ..forms.account import ChangePasswordForm
from ..forms.common import ConfirmForm
from ..limits import configured, limiter
from ..permissions import signed_in
from ..services import audit

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@signed_in
def index():
    return render_template(
        "account/index.html",
        has_password=bool(current_user.password_hash),
        done=request.args.get("done"),
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
        if not check_password_hash(user.password_hash, form.current_password.data):
            form.current_password.errors.append("Your current password is not correct")
        else:
            database = db.session()
            user.password_hash = hash_password(form.new_password.data)
            database.add(user)
            # Whoever knew the old password may be signed in somewhere: every session ends,
            # and this browser gets a new one.
            end_every_session(database, user)
            audit.record(database, "auth.password_changed", user.id, user.role, "user_account", str(user.id))
            database.commit()
            start_session(user)
            return redirect(url_for("account.index", done="password"))
    return render_template("account/password.html", form=form)


@bp.post("/sign-out-everywhere")
@signed_in
def sign_out_everywhere():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("account.index"))
    user = current_user._get_current_object()
    database = db.session()
    end_every_session(database, user)
    audit.record(database, "auth.signed_out_everywhere", user.id, user.role, "user_account", str(user.id))
    database.commit()
    start_session(user)
    return redirect(url_for("account.index", done="everywhere"))
