"""API clients: made by an admin, each with scopes, an optional department and a secret shown
once. A token is `ddat_<key id>_<secret>`; only a SHA-256 hash of the secret is kept (the secret
is 256 random bits, so a slow password hash would add nothing but work on every call)."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from ..models import ApiClient, User
from . import audit

# What a client may be allowed to do; each operation of the API needs one (ddat/api/).
SCOPES = {
    "people:write": "Keep people's records: who they are, their grade, department, profession and line manager",
    "learning:write": "Report completed learning, which becomes course evidence on people's profiles",
    "schemes:read": "Read the members of cohort schemes",
    "aggregates:read": "Read dashboard figures, under the same disclosure control as leaders",
}
PREFIX = "ddat_"
DEFAULT_LIFETIME_DAYS = 365
MAX_LIFETIME_DAYS = 2 * 365


def now() -> datetime:
    return datetime.now(UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    db: Session, admin: User, name: str, scopes: list[str], department_id: int | None, expires_at: datetime
) -> tuple[ApiClient, str]:
    """A new client and its token: the only time the token exists outside the caller."""
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise ValueError(f"Unknown scopes: {sorted(unknown)}")
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    client = ApiClient(key_id=key_id, secret_hash=_hash(secret), name=name.strip(), scopes=sorted(scopes),
                       department_id=department_id, created_by_user_id=admin.id, expires_at=expires_at)  # fmt: skip
    db.add(client)
    db.flush()
    audit.record(db, "api_client.created", actor=admin, subject=client)
    db.commit()
    return client, f"{PREFIX}{key_id}_{secret}"


def revoke(db: Session, admin: User, client_id: int) -> bool:
    client = db.get(ApiClient, client_id)
    if client is None or client.revoked_at is not None:
        return False
    client.revoked_at = now()
    db.add(client)
    audit.record(db, "api_client.revoked", actor=admin, subject=client)
    db.commit()
    return True


def is_usable(client: ApiClient, when: datetime | None = None) -> bool:
    when = when or now()
    return client.revoked_at is None and _aware(client.expires_at) > when


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # SQLite gives times back without a zone


def client_for(db: Session, token: str) -> ApiClient | None:
    """The client a token belongs to, if it is real, unrevoked and unexpired."""
    if not token.startswith(PREFIX) or token.count("_") < 2:
        return None
    key_id, _, secret = token.removeprefix(PREFIX).partition("_")
    client = db.exec(select(ApiClient).where(ApiClient.key_id == key_id)).first() if key_id else None
    if client is None or not hmac.compare_digest(client.secret_hash, _hash(secret)):
        return None
    return client if is_usable(client) else None


def all_clients(db: Session) -> list[ApiClient]:
    return list(db.exec(select(ApiClient).order_by(ApiClient.created_at.desc(), ApiClient.id.desc())).all())


def default_expiry() -> datetime:
    return now() + timedelta(days=DEFAULT_LIFETIME_DAYS)
