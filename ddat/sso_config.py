"""Single sign-on providers, read from the environment (see ddat/sso.py for the variables)."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(frozen=True)
class Provider:
    slug: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...]

    def allows(self, email: str) -> bool:
        return email.rpartition("@")[2] in self.allowed_domains


def providers_from_env(environ: Mapping[str, str]) -> tuple[Provider, ...]:
    """The providers the environment configures; a clear error naming what is missing."""
    listed = [name.strip().lower() for name in environ.get("OIDC_PROVIDERS", "").split(",") if name.strip()]
    if listed:
        return tuple(_provider(environ, slug, f"OIDC_{slug.upper().replace('-', '_')}_") for slug in listed)
    if environ.get("OIDC_ISSUER"):
        return (_provider(environ, "sso", "OIDC_"),)
    return ()


def _provider(environ: Mapping[str, str], slug: str, prefix: str) -> Provider:
    if not _SLUG.match(slug):
        raise RuntimeError(f"OIDC_PROVIDERS: '{slug}' must be lower-case letters, digits and hyphens")
    missing = [f"{prefix}{key}" for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "ALLOWED_DOMAINS")]
    missing = [name for name in missing if not environ.get(name, "").strip()]
    if missing:
        raise RuntimeError(f"Single sign-on provider '{slug}' needs {', '.join(missing)}")
    domains = tuple(d.strip().lower().lstrip("@") for d in environ[f"{prefix}ALLOWED_DOMAINS"].split(",") if d.strip())
    return Provider(
        slug=slug,
        name=environ.get(f"{prefix}NAME", "").strip() or "your department's account",
        issuer=environ[f"{prefix}ISSUER"].strip().rstrip("/"),
        client_id=environ[f"{prefix}CLIENT_ID"].strip(),
        client_secret=environ[f"{prefix}CLIENT_SECRET"].strip(),
        allowed_domains=domains,
    )
