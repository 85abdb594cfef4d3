"""Uptake of one learning item, for HR, leaders and admins."""

from flask import render_template, request
from flask_login import current_user

from ... import current, db
from ...downloads import attachment
from ...permissions import SEE_AGGREGATES, requires
from ...viewmodels import uptake as svc
from ..viewing import record_view
from . import bp
from .common import item_or_404


@bp.get("/<slug>/uptake")
@requires(SEE_AGGREGATES)
def uptake(slug: str):
    item = item_or_404(slug)
    view = svc.uptake(db.session(), item, current_user, list(current.framework().grade_codes))
    wanted = request.args.get("format")
    if wanted == "csv":
        return attachment(svc.uptake_csv(view), f"{item.slug}-uptake.csv")
    if wanted == "not-completed-csv" and view.exact:
        record_view("learning.audience_exported", item)
        return attachment(svc.not_completed_csv(view.not_completed), f"{item.slug}-not-completed.csv")
    if view.exact:
        record_view("learning.audience_viewed", item)
    return render_template(
        "masterclasses/uptake.html",
        item=item,
        view=view,
        stages=svc.STAGES,
        funnel=list(zip(svc.STAGES, view.overall, strict=True)),
        scope=svc.scope_label(db.session(), current_user),
    )
