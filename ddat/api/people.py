"""The people feed: an HR system keeping people's records (ddat/services/people_feed.py)."""

from flask_smorest import Blueprint, abort

from .. import current, db
from ..services import people_feed
from ..services.batches import pointers
from .clients import client_actor, client_department, requires_scope
from .schemas import FeedBatchSchema, FeedResultSchema

bp = Blueprint("api_people", __name__, url_prefix="/api/v1/people", description="People's records, from HR systems")


def rows_of(batch: dict) -> list[people_feed.FeedRow]:
    return [
        people_feed.FeedRow(
            staff_number=p["staff_number"].strip().upper(),
            email=(p.get("email") or "").strip().lower(),
            name=(p.get("name") or "").strip(),
            grade=(p.get("grade") or "").strip().upper(),
            department=(p.get("department") or "").strip(),
            profession=(p.get("profession") or "").strip(),
            # Not given: kept as it is; null or "": no line manager.
            line_manager=(p.get("line_manager") or "").strip().upper() if "line_manager" in p else None,
            left=bool(p.get("left")),
        )
        for p in batch["people"]
    ]


@bp.route("", methods=["POST"])
@requires_scope("people:write", event="api.people_fed")
@bp.doc(security=[{"client": []}])
@bp.arguments(FeedBatchSchema)
@bp.response(200, FeedResultSchema)
def feed(batch: dict):
    """Add or update people by staff number, or mark them as left: up to 10,000 in one batch.

    Needs the `people:write` scope. The whole batch is checked first: if any row has a
    problem, nothing changes and every problem is listed (422). Sending the same batch again
    changes nothing. Grade, department, profession and line manager become the person's HR
    record, which they cannot change themselves."""
    result = people_feed.apply(db.session(), current.framework(), rows_of(batch), client_actor(), client_department())
    if not result.ok:
        abort(422, message="Nothing was changed: the batch has problems", errors=pointers("people", result.errors))
    return result.counts()
