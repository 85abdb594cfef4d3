"""Administration: searching the audit log, and reading the messages the service sends."""

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from .. import db
from ..downloads import attachment
from ..paging import page_number
from ..permissions import ADMINISTER, requires
from ..services import audit
from ..viewmodels import audit_search as svc
from ..viewmodels import outbox as outbox_view

bp = Blueprint("admin", __name__, url_prefix="/admin")


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
