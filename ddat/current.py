"""What a request reads the same way everywhere: the current framework release, looked up once
per request (routes call `current.framework()`; services take the framework as an argument)."""

from flask import g

from pathways import Framework

from . import db
from .services.framework import current_framework


def framework() -> Framework:
    if "framework" not in g:
        g.framework = current_framework(db.session())
    return g.framework
