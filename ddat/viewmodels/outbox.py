"""The outbox as the admin mailbox page shows it: newest first, each message in the words it
was (or will be) sent in, until those words are cleared a week after delivery."""

from sqlalchemy import func
from sqlmodel import Session, select

from ..models import OutboxMessage
from ..notifications.messages import MESSAGES
from ..paging import Page

PER_PAGE = 20


def messages_page(db: Session, page: int, show_secrets: bool) -> dict:
    """`show_secrets`: only on a laptop with no Notify key, where the mailbox is the only way to
    follow a confirmation or reset link; anywhere else it would let an admin take over accounts."""
    total = db.exec(select(func.count()).select_from(OutboxMessage)).one()
    shown = Page.of(page, total, PER_PAGE)
    rows = db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc()).offset(shown.offset).limit(PER_PAGE)).all()
    messages = []
    for row in rows:
        message = MESSAGES[row.template]
        subject, body = message.render(row.personalisation) if not row.cleared_at else ("", "")
        if message.secret and not show_secrets:
            body = "Not shown: this message holds a link that signs someone in or sets their password."
        messages.append({"row": row, "subject": subject or message.subject.split("((")[0].strip(), "body": body})
    return {"messages": messages, "total": total, "page": shown.number, "pages": shown.pages}
