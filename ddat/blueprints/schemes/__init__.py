"""Cohort schemes: HR runs them; civil servants apply to open ones they are eligible for."""

from flask import Blueprint

bp = Blueprint("schemes", __name__, url_prefix="/schemes")

from . import apply, imports, manage, people  # noqa: E402, F401 - the routes register on bp
