"""The start page, where signing in lands each person, and the pages every public-sector
service links from its footer: accessibility, privacy, cookies and service status."""

from flask import Blueprint, current_app, redirect, render_template
from flask_login import current_user

from .. import db
from ..permissions import public, signed_in
from ..services import status as service_status
from ..viewmodels.landing import landing_url

bp = Blueprint("pages", __name__)


@bp.get("/")
@public
def home():
    """A GOV.UK start page for visitors; people already signed in go where their work starts."""
    if current_user.is_authenticated:
        return redirect(landing_url(db.session(), current_user))
    return render_template("pages/start.html", passwords=current_app.config["PASSWORD_SIGN_IN"])


@bp.get("/home")
@signed_in
def landing():
    return redirect(landing_url(db.session(), current_user))


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
@public
def privacy():
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    return render_template("pages/privacy.html", audit_years=days // 365, audit_days=days)


@bp.get("/cookies")
@public
def cookies():
    lifetime = current_app.permanent_session_lifetime
    return render_template("pages/cookies.html", session_days=lifetime.days)


@bp.get("/status")
@public
def status():
    state = service_status.check(db.session())
    return render_template("pages/status.html", state=state), 200 if state.ok else 503
