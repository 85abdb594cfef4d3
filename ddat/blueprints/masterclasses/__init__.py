"""Masterclasses and other learning: a public catalogue, sessions HR runs, people's own
registrations, and uptake for HR and leaders."""

from flask import Blueprint

bp = Blueprint("masterclasses", __name__, url_prefix="/masterclasses")

from . import attendance, catalogue, mine, sessions, uptake  # noqa: E402, F401 - the routes register on bp
