"""Administration: searching the audit log, reading the messages the service sends, and the
clients allowed to use the API."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlmodel import select

from .. import db
from ..downloads import attachment
from ..forms.api_clients import ApiClientForm
from ..forms.common import ConfirmForm
from ..models import ApiClient, Department
from ..paging import page_number
from ..permissions import ADMINISTER, requires
from ..services import api_clients, audit
from ..viewmodels import audit_search as svc
from ..viewmodels import outbox as outbox_view

bp = Blueprint("admin", __name__, url_prefix="/admin")
LONDON = ZoneInfo("Europe/London")
NEW_TOKEN = "new_api_token"  # in the signed session for one redirect, then gone


@bp.get("/audit")
@requires(ADMINISTER)
def audit_log():
    db_session = db.session()
    actions = svc.actions(db_session)
    query = svc.parse(request.args, actions)
    if request.args.get("format") == "csv":
        # Which events were exported: the filters, as the address gave them.
        audit.record_now(db_session, "audit.exported", actor=current_user, subject=("audit_query", query.summary()))
        return attachment(svc.as_csv(db_session, query), "audit-log.csv")
    found = svc.search(db_session, query, page_number(request.args.get("page")))
    return render_template("admin/audit.html", actions=actions, query=query, **found)


@bp.get("/mailbox")
@requires(ADMINISTER)
def mailbox():
    """What the service has sent or will send: with no Notify key these are the only copies
    (the local mailbox), so a newcomer can follow a confirmation or reset link on a laptop."""
    local = not current_app.config.get("NOTIFY_API_KEY")
    show_secrets = local and not current_app.config.get("PRODUCTION", False)
    page = outbox_view.messages_page(db.session(), page_number(request.args.get("page")), show_secrets)
    audit.record_now(db.session(), "admin.mailbox_viewed", actor=current_user)
    return render_template("admin/mailbox.html", local=local, **page)


def _departments() -> list[tuple[int, str]]:
    return [(d.id, d.name) for d in db.session().exec(select(Department).order_by(Department.name)).all()]


@bp.get("/api-clients")
@requires(ADMINISTER)
def api_clients_list():
    session = db.session()
    names = dict(_departments())
    return render_template("admin/api_clients.html", clients=api_clients.all_clients(session), departments=names,
                           usable=api_clients.is_usable)  # fmt: skip


@bp.route("/api-clients/new", methods=["GET", "POST"])
@requires(ADMINISTER)
def new_api_client():
    form = ApiClientForm.with_departments(_departments())
    if request.method == "GET":
        form.expires_on.data = api_clients.default_expiry().date()
    if form.validate_on_submit():
        department = int(form.department.data) if form.department.data else None
        # The end of the chosen day where the admin is, whatever the time of year.
        expires = datetime.combine(form.expires_on.data, time(23, 59, 59), tzinfo=LONDON)
        client, token = api_clients.create(db.session(), current_user, form.name.data, form.scopes.data, department,
                                           expires.astimezone(UTC))  # fmt: skip
        # Shown once, on the page this redirects to: sending the form again cannot make a second
        # client, and reloading that page cannot show the token again.
        session[NEW_TOKEN] = {"client": client.id, "token": token}
        return redirect(url_for("admin.api_client_created", client_id=client.id))
    return render_template("admin/api_client_new.html", form=form)


@bp.get("/api-clients/<int:client_id>/created")
@requires(ADMINISTER)
def api_client_created(client_id: int):
    client = db.session().get(ApiClient, client_id)
    if client is None:
        abort(404)
    shown = session.pop(NEW_TOKEN, None)
    token = shown["token"] if shown and shown.get("client") == client_id else None
    return render_template("admin/api_client_created.html", client=client, token=token)


@bp.route("/api-clients/<int:client_id>/revoke", methods=["GET", "POST"])
@requires(ADMINISTER)
def revoke_api_client(client_id: int):
    client = db.session().get(ApiClient, client_id)
    if client is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        if api_clients.revoke(db.session(), current_user, client_id):
            flash(f"{client.name} can no longer use the API.", "success")
        return redirect(url_for("admin.api_clients_list"))
    return render_template("admin/api_client_revoke.html", client=client, form=form)
