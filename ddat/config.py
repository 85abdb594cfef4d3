import os
import secrets
from pathlib import Path

from .sso_config import providers_from_env

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _local_secret_key() -> str:
    # A per-checkout key so `make run` needs no set-up; production must set SECRET_KEY.
    key_file = INSTANCE / "secret_key"
    if not key_file.exists():
        INSTANCE.mkdir(mode=0o700, exist_ok=True)
        key_file.touch(mode=0o600)  # whoever reads it can sign themselves in as anyone
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


class Config:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'ddat.db'}")
    # How long a request waits for another writer to finish with SQLite before it gives up and
    # the person sees the "service is busy" page (503). Capacity checks queue for the one writer
    # on purpose (ddat/locks.py), each holding it for milliseconds, well inside this.
    SQLITE_BUSY_SECONDS = float(os.environ.get("SQLITE_BUSY_SECONDS", "5"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SEND_HSTS = True  # browsers must only ever reach the service over HTTPS
    WTF_CSRF_ENABLED = True
    SEARCH_RESULTS_LIMIT = 50
    # Where people ask about accessibility and their data: each deployment sets its own.
    SERVICE_CONTACT_EMAIL = os.environ.get("SERVICE_CONTACT_EMAIL", "ddat-pathways@example.gov.uk")
    # GOV.UK Notify: with no key, messages go to the local mailbox instead (instance/mailbox/).
    # Each message's template id is NOTIFY_TEMPLATE_<NAME> (docs/notifications.md).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    MAILBOX_DIR = os.environ.get("MAILBOX_DIR", str(INSTANCE / "mailbox"))
    # The address people reach the service at, for links in messages.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000")
    # Who calendar files name as the organiser of a session (calendars need one to match a
    # cancellation to the event it cancels): the learning team's mailbox people can write to.
    CALENDAR_ORGANISER_EMAIL = os.environ.get("CALENDAR_ORGANISER_EMAIL", "learning@example.gov.uk")
    # Registering and asking for a password reset answer no sooner than this, whether or not the
    # address has an account, so the time taken does not say which.
    ACCOUNT_ANSWER_SECONDS = 0.3
    MAX_IMPORT_BYTES = 5 * 1024 * 1024
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024  # a bigger upload gets a 413 page before it is read

    @property
    def AUDIT_RETENTION_DAYS(self) -> int:
        days = int(os.environ.get("AUDIT_RETENTION_DAYS", "730"))
        if days < 30:  # the database refuses to delete younger events (migration 0008)
            raise RuntimeError("AUDIT_RETENTION_DAYS must be 30 or more")
        return days

    # How many proxies (load balancers) stand in front of the app and set X-Forwarded-For and
    # -Proto: without this, rate limits and the audit log would see only the proxy's address,
    # and single sign-on would give providers an http:// return address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SERVER_NAME = os.environ.get("SERVER_NAME") or None  # the public host name, behind a proxy
    # Email and password accounts: the embedded default; "off" leaves single sign-on only.
    PASSWORD_SIGN_IN = os.environ.get("PASSWORD_SIGN_IN", "on").strip().lower() != "off"

    @property
    def OIDC_PROVIDERS(self) -> tuple:
        return providers_from_env(os.environ)

    @property
    def SECRET_KEY(self) -> str:
        return os.environ.get("SECRET_KEY") or _local_secret_key()


class LocalConfig(Config):
    """`make run` on a laptop: plain http on loopback."""

    SESSION_COOKIE_SECURE = False
    SEND_HSTS = False


class ProductionConfig(Config):
    PREFERRED_URL_SCHEME = "https"
    PRODUCTION = True  # the admin mailbox never shows sign-in or reset links here

    @property
    def SECRET_KEY(self) -> str:
        key = os.environ.get("SECRET_KEY")
        if not key:
            raise RuntimeError("SECRET_KEY must be set in production")
        return key

    @property
    def SERVICE_URL(self) -> str:
        # Without it, every link in every email would lead to the server's own loopback address.
        url = os.environ.get("SERVICE_URL")
        if not url:
            raise RuntimeError("SERVICE_URL must be set in production (the address people reach the service at)")
        return url


class TestConfig(LocalConfig):
    TESTING = True
    # The suite signs in hundreds of times from one address; tests of the limits set real ones.
    RATELIMIT_SIGN_IN = RATELIMIT_FAILED_SIGN_IN = RATELIMIT_REGISTER = RATELIMIT_IMPORTS = "100000 per minute"
    RATELIMIT_PATHWAYS = RATELIMIT_API = "100000 per minute"
    SECRET_KEY = "test-secret-key"
    ACCOUNT_ANSWER_SECONDS = 0  # the tests that time it set it
    OIDC_PROVIDERS = ()  # tests configure their own provider


CONFIGS = {"local": LocalConfig, "production": ProductionConfig, "test": TestConfig}
