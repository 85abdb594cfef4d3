"""Whether the service can answer: its database, and a framework loaded to answer from.
One check for the JSON health check load balancers read and the page people read."""

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from .. import db as database
from .framework import answering_version


@dataclass(frozen=True)
class ServiceStatus:
    database_ok: bool
    framework_version: str | None

    @property
    def ok(self) -> bool:
        return self.database_ok and self.framework_version is not None

    @property
    def name(self) -> str:
        if not self.database_ok:
            return "unavailable"
        return "ok" if self.ok else "degraded"


def check(db: Session) -> ServiceStatus:
    try:
        return ServiceStatus(True, answering_version(db))
    except SQLAlchemyError:
        database.discard_session()
        return ServiceStatus(False, None)
