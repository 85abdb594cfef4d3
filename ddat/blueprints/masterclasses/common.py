from flask import abort

from ... import db
from ...models import LearningItem, LearningSession
from ...services import learning

HR = ("hr", "admin")


def item_or_404(slug: str) -> LearningItem:
    item = learning.item_by_slug(db.session(), slug)
    if item is None:
        abort(404)
    return item


def session_or_404(item: LearningItem, session_id: int) -> LearningSession:
    session = learning.session_of(db.session(), item, session_id)
    if session is None:
        abort(404)
    return session
