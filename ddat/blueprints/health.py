from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy.exc import SQLAlchemyError

from .. import db
from ..permissions import public
from ..services.framework import answering_version

bp = Blueprint("health", __name__)


@bp.get("/")
@public
def home():
    return redirect(url_for("framework.index"))


@bp.get("/healthz")
@public
def healthz():
    try:
        version = answering_version(db.session())
    except SQLAlchemyError:
        db.discard_session()
        return jsonify(status="unavailable", database="unavailable", framework_version=None), 503
    status = "ok" if version else "degraded"
    return jsonify(status=status, database="ok", framework_version=version), 200 if version else 503
