from flask import abort
from flask_login import current_user

from ... import db
from ...models import Scheme
from ...services.schemes import scheme_for


def my_scheme(scheme_id: int) -> Scheme:
    scheme = scheme_for(db.session(), current_user, scheme_id)
    if scheme is None:
        abort(404)
    return scheme
