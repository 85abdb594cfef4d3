"""A civil servant's own profile: self-assessment, matches, pathway plans and their data."""

from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/profile")

from . import assessment, data, line_manager, results  # noqa: E402, F401 - the routes register on bp
