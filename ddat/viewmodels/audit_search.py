"""Searching the audit log, for admins: newest first, a page at a time, or all as CSV."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, delete, func, true
from sqlmodel import Session, select

from ..csv_files import csv_text
from ..models import AuditEvent
from ..paging import Page

PER_PAGE = 50


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    actor: int | None = None
    since: date | None = None
    until: date | None = None

    def summary(self) -> str:
        parts = {"action": self.action, "actor": self.actor, "since": self.since, "until": self.until}
        return " ".join(f"{key}={value}" for key, value in parts.items() if value is not None)[:80] or "all"

    def condition(self):
        parts = [true()]
        if self.action:
            parts.append(AuditEvent.action == self.action)
        if self.actor is not None:
            parts.append(AuditEvent.actor_user_id == self.actor)
        if self.since:
            parts.append(AuditEvent.at >= datetime(self.since.year, self.since.month, self.since.day, tzinfo=UTC))
        if self.until:
            end = datetime(self.until.year, self.until.month, self.until.day, tzinfo=UTC) + timedelta(days=1)
            parts.append(AuditEvent.at < end)
        return and_(*parts)


def parse(args, actions: list[str]) -> AuditQuery:
    def day(raw):
        try:
            return date.fromisoformat(raw) if raw and len(raw) == 10 else None
        except ValueError:
            return None

    actor = args.get("actor", "")
    return AuditQuery(
        action=args.get("action") if args.get("action") in actions else None,
        actor=int(actor) if actor.isascii() and actor.isdigit() and len(actor) < 10 else None,
        since=day(args.get("since")),
        until=day(args.get("until")),
    )


def actions(db: Session) -> list[str]:
    return sorted(db.exec(select(AuditEvent.action).distinct()).all())


def search(db: Session, query: AuditQuery, page: int) -> dict:
    """One page of matching events, newest first, with the page number (kept in range) and count."""
    total = db.exec(select(func.count()).select_from(AuditEvent).where(query.condition())).one()
    shown = Page.of(page, total, PER_PAGE)
    events = db.exec(
        select(AuditEvent)
        .where(query.condition())
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(shown.offset)
        .limit(PER_PAGE)
    ).all()
    return {"events": list(events), "total": total, "page": shown.number, "pages": shown.pages}


def as_csv(db: Session, query: AuditQuery) -> str:
    events = db.exec(select(AuditEvent).where(query.condition()).order_by(AuditEvent.at.desc())).all()
    return csv_text(
        ["When (UTC)", "Action", "User id", "Role", "Object type", "Object id", "IP address"],
        [[e.at.isoformat(), e.action, e.actor_user_id, e.actor_role, e.object_type, e.object_id, e.ip] for e in events],
    )


def prune(db: Session, keep_days: int) -> int:
    """Delete events older than the retention period; returns how many."""
    cutoff = datetime.now(UTC) - timedelta(days=keep_days)
    removed = db.exec(delete(AuditEvent).where(AuditEvent.at < cutoff)).rowcount
    db.commit()
    return removed
