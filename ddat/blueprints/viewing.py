"""Every view or download of individual-level data is in the audit log, committed at once."""

from flask_login import current_user

from .. import db
from ..services import audit


def record_view(action: str, subject) -> None:
    """`subject`: the stored row the person looked at (a scheme, a member, a session, ...)."""
    audit.record_now(db.session(), action, actor=current_user, subject=subject)
