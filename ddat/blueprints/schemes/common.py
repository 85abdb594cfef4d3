from flask import abort
from flask_login import current_user

from ... import db
from ...models import Scheme
from ...services import audit
from ...services.schemes import scheme_for


def my_scheme(scheme_id: int) -> Scheme:
    scheme = scheme_for(db.session(), current_user, scheme_id)
    if scheme is None:
        abort(404)
    return scheme


def record_view(action: str, object_type: str, object_id) -> None:
    """Every view or export of individual-level data is in the audit log."""
    audit.record_now(db.session(), action, actor=current_user, subject=(object_type, str(object_id)))
