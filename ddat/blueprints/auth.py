"""Signing in, signing out and creating an account."""

import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.urls import iri_to_uri

from .. import db
from ..auth import authenticate, end_session, normalise_email, start_session
from ..forms.account import FinishAccountForm, ForgotPasswordForm, RegisterForm, ResetPasswordForm, SignInForm
from ..forms.common import ConfirmForm
from ..limits import configured, email_key, limiter, sign_in_failed
from ..permissions import public
from ..services import audit, password_resets, registration

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only local paths, so a sign-in link cannot send people to another site.

    Browsers drop tabs and newlines and read backslashes as slashes, so "/\t/evil.example"
    would leave the site: anything with a control character, whitespace or backslash is
    refused before the path is parsed.
    """
    if (
        target
        and target.startswith("/")
        # "//host" is another site, and "////host" becomes one once the Location header is tidied.
        and not target.startswith("//")
        and target.isprintable()
        and not any(c.isspace() or c == "\\" for c in target)
    ):
        parts = urlsplit(iri_to_uri(target))
        if not parts.scheme and not parts.netloc and not parts.path.startswith("//"):
            return target
    return url_for("pages.landing")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(configured("RATELIMIT_SIGN_IN"), methods=["POST"])
@limiter.limit(configured("RATELIMIT_FAILED_SIGN_IN"), key_func=email_key, methods=["POST"], deduct_when=sign_in_failed)
def sign_in():
    passwords = current_app.config["PASSWORD_SIGN_IN"]
    if request.method == "POST" and not passwords:
        abort(404)
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user:
            start_session(user)
            audit.record_now(db.session(), "auth.signed_in", actor=user, subject=user)
            return redirect(safe_next(request.args.get("next")))
        # Who tried is not recorded: the address typed may be someone else's, or a password.
        audit.record_now(db.session(), "auth.sign_in_failed")
        # The same message whether the email is unknown or the password wrong.
        form.email.errors.append("Enter a correct email address and password")
    return render_template(
        "auth/sign_in.html",
        form=form,
        passwords=passwords,
        providers=current_app.config["OIDC_PROVIDERS"],
        next_page=request.args.get("next"),
    )


@bp.route("/sign-out", methods=["GET", "POST"])
@public
def sign_out():
    """Signing out changes state, so it takes a POST (a link cannot sign someone out).

    A GET, for a bookmarked or typed address, shows a page with the sign-out button.
    """
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        was_signed_in = current_user.is_authenticated
        end_session()
        return render_template("auth/signed_out.html", was_signed_in=was_signed_in)
    if not current_user.is_authenticated:
        return render_template("auth/signed_out.html", was_signed_in=False)
    return render_template("auth/sign_out.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(configured("RATELIMIT_REGISTER"), methods=["POST"])
def register():
    if not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)  # accounts come from the organisations' sign-in services instead
    form = RegisterForm()
    if form.validate_on_submit():
        # The same answer whether or not the address has an account: only the email says.
        started = time.monotonic()
        registration.register(db.session(), normalise_email(form.email.data))
        _no_sooner_than(started)
        return render_template("auth/confirm_your_email.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
@public
@limiter.limit(configured("RATELIMIT_SIGN_IN"), methods=["POST"])
def confirm_email(token: str):
    """The link in the confirmation email opens a page asking for a name and password: only
    someone who can read the inbox chooses them. The account works from then on, signed in."""
    if not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)
    user = registration.account_for(db.session(), token)
    if user is None:
        return render_template("auth/confirm_link_expired.html"), 404
    form = FinishAccountForm(user.email)
    if form.validate_on_submit():
        if registration.finish(db.session(), token, form.display_name.data, form.new_password.data) is None:
            return render_template("auth/confirm_link_expired.html"), 404
        start_session(user)
        return redirect(url_for("profile.about_you"))
    return render_template("auth/finish_account.html", form=form, email=user.email)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(configured("RATELIMIT_REGISTER"), methods=["POST"])
def forgot_password():
    """The same answer whether or not the address has an account: only the email says."""
    if not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        started = time.monotonic()
        password_resets.request_reset(db.session(), normalise_email(form.email.data))
        _no_sooner_than(started)
        return render_template("auth/check_email.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(configured("RATELIMIT_SIGN_IN"), methods=["POST"])
def reset_password(token: str):
    if not current_app.config["PASSWORD_SIGN_IN"]:
        abort(404)
    user = password_resets.account_for(db.session(), token)
    if user is None:
        return render_template("auth/reset_link_expired.html"), 404
    form = ResetPasswordForm(user.email)
    if form.validate_on_submit():
        if password_resets.reset(db.session(), token, form.new_password.data) is None:
            return render_template("auth/reset_link_expired.html"), 404
        if current_user.is_authenticated:
            end_session()  # whoever was signed in here: their session ended with the reset
        return render_template("auth/password_reset.html")
    return render_template("auth/reset_password.html", form=form)


def _no_sooner_than(started: float) -> None:
    """Answer after the same time whichever way the account lookup went."""
    time.sleep(max(0.0, current_app.config["ACCOUNT_ANSWER_SECONDS"] - (time.monotonic() - started)))
