"""The current framework release: stored in the database, parsed once per version."""

from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from pathways import Framework, FrameworkChanges, diff_frameworks, parse_framework
from pathways.framework import FRAMEWORK_FILE

from ..models import FrameworkRelease

_parsed: dict[str, Framework] = {}


class NoFrameworkLoaded(RuntimeError):
    pass


def current_version(db: Session) -> str | None:
    return db.exec(select(FrameworkRelease.version).order_by(FrameworkRelease.id.desc()).limit(1)).first()


def answering_version(db: Session) -> str | None:
    """For the health check: the current framework version, after a query that needs no table
    (so a database that answers but has no framework is told apart from one that is down)."""
    db.exec(text("SELECT 1"))
    return current_version(db)


def current_framework(db: Session) -> Framework:
    version = current_version(db)
    if version is None:
        raise NoFrameworkLoaded("No framework loaded: run `flask --app app load-framework`")
    if version not in _parsed:
        document = db.exec(select(FrameworkRelease.document).where(FrameworkRelease.version == version)).one()
        _parsed[version] = parse_framework(document)
    return _parsed[version]


def releases(db: Session) -> list[FrameworkRelease]:
    """Every stored release, oldest first (the last is current), without their documents."""
    rows = db.exec(select(FrameworkRelease.id, FrameworkRelease.version, FrameworkRelease.loaded_at)
                   .order_by(FrameworkRelease.id)).all()  # fmt: skip
    return [FrameworkRelease(id=i, version=v, document=b"", loaded_at=at) for i, v, at in rows]


def framework_of(db: Session, version: str) -> Framework | None:
    """A stored release by its version, parsed once."""
    if version not in _parsed:
        document = db.exec(select(FrameworkRelease.document).where(FrameworkRelease.version == version)).first()
        if document is None:
            return None
        _parsed[version] = parse_framework(document)
    return _parsed[version]


def load_release(db: Session, path: Path = FRAMEWORK_FILE) -> tuple[bool, str, FrameworkChanges]:
    """Store a framework export as the current release, unless it is already current.

    Releases are only ever added, so assessments made under an older version keep
    the framework they were made against.
    """
    return store_release(db, Path(path).read_bytes(), Path(path).name)


def store_release(db: Session, raw: bytes, source: str) -> tuple[bool, str, FrameworkChanges]:
    """As `load_release`, for an export already read (or made from the official CSVs)."""
    new = parse_framework(raw, source=source)
    old_version = current_version(db)
    old = current_framework(db) if old_version else None
    if old_version == new.version:
        return False, new.version, diff_frameworks(old, new)
    existing = db.exec(select(FrameworkRelease).where(FrameworkRelease.version == new.version)).first()
    if existing is not None:
        # Going back to an earlier export: store it again as the newest release.
        db.delete(existing)
        db.flush()
    db.add(FrameworkRelease(version=new.version, document=raw))
    db.commit()
    _parsed[new.version] = new
    return True, new.version, diff_frameworks(old, new)
