from flask import abort, flash, redirect, url_for
from flask_login import current_user

from ... import db
from ...models import LearningItem, LearningSession
from ...permissions import RUN_LEARNING, runs
from ...services import learning


def item_or_404(slug: str) -> LearningItem:
    item = learning.item_by_slug(db.session(), slug)
    if item is None:
        abort(404)
    return item


def owned_item_or_403(slug: str) -> LearningItem:
    """An item the user may change: their own department's, or any for central HR and admins.
    Everyone can see the item itself, so another owner's is "not allowed" rather than "not found"."""
    item = item_or_404(slug)
    if not runs(current_user, item.owner_department_id):
        abort(403)
    return item


def may_change(item: LearningItem) -> bool:
    return RUN_LEARNING.held_by(current_user) and runs(current_user, item.owner_department_id)


def session_or_404(item: LearningItem, session_id: int) -> LearningSession:
    learning_session = learning.session_of(db.session(), item, session_id)
    if learning_session is None:
        abort(404)
    return learning_session


def still_on(item: LearningItem, learning_session: LearningSession) -> LearningSession:
    """The session, for a page that changes it or its people; a cancelled one goes back to its
    page saying nothing can change."""
    if learning_session.cancelled_at is not None:
        flash("This session has been cancelled, so nothing about it can change.", "problem")
        abort(redirect(url_for("masterclasses.session_page", slug=item.slug, session_id=learning_session.id)))
    return learning_session
