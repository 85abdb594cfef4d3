from flask import Blueprint, jsonify

from .. import db
from ..permissions import public
from ..services import status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitoring; people read the same check at /status."""
    state = status.check(db.session())
    body = {
        "status": state.name,
        "database": "ok" if state.database_ok else "unavailable",
        "framework_version": state.framework_version,
    }
    return jsonify(body), 200 if state.ok else 503
