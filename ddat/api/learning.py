"""Completions from learning systems (ddat/services/learning_completions.py)."""

from flask_smorest import Blueprint, abort

from .. import current, db
from ..services import learning_completions
from ..services.batches import pointers
from .clients import client_actor, client_department, requires_scope
from .schemas import CompletionReportSchema, CompletionResultSchema

bp = Blueprint("api_learning", __name__, url_prefix="/api/v1/learning", description="Completed learning")


@bp.route("/completions", methods=["POST"])
@requires_scope("learning:write", event="api.completions_reported")
@bp.doc(security=[{"client": []}])
@bp.arguments(CompletionReportSchema)
@bp.response(200, CompletionResultSchema)
def completions(report: dict):
    """Record completed learning by staff number, learning item and date: up to 10,000 at once.

    Needs the `learning:write` scope. Each completion adds the item's skills to the person's
    profile as course evidence, as an attendance import does. If any row has a problem, nothing
    is recorded (422). Reporting a completion already recorded changes nothing."""
    rows = [
        learning_completions.Completion(c["staff_number"].strip().upper(), c["item"].strip(), c["completed_on"])
        for c in report["completions"]
    ]
    result = learning_completions.report(db.session(), current.framework(), rows, client_actor(), client_department())
    if not result.ok:
        problems = pointers("completions", result.errors)
        abort(422, message="Nothing was recorded: the report has problems", errors=problems)
    return {"recorded": result.recorded, "unchanged": result.unchanged}
