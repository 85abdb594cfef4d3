"""The outbox as the admin mailbox page shows it: newest first, each message in the words it
was (or will be) sent in, until those words are cleared a week after delivery."""

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import OutboxMessage
from ..notifications.messages import MESSAGES
from ..paging import Page

PER_PAGE = 20


def messages_page(db: Session, page: int) -> dict:
    total = db.exec(select(func.count()).select_from(OutboxMessage)).one()
    shown = Page.of(page, total, PER_PAGE)
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).offset(shown.offset).limit(PER_PAGE)).all()
    messages = []
    for row in rows:
        subject, body = MESSAGES[row.template].render(row.personalisation) if not row.cleared_at else ("", "")
        messages.append({"row": row, "subject": subject, "body": body})
    return {"messages": messages, "total": total, "page": shown.number, "pages": shown.pages}
