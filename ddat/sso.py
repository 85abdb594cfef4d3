"""Single sign-on with departments' OpenID Connect identity providers (Authlib).

Each provider is configured by environment. One provider:

    OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ALLOWED_DOMAINS (comma-separated)
    and optionally OIDC_NAME (shown on the button)

Several (one per department, say): OIDC_PROVIDERS=hmrc,dwp and the same variables with the
provider's name after OIDC_, such as OIDC_HMRC_ISSUER.

Authlib runs the authorisation code flow with PKCE (S256) and keeps state, nonce and the code
verifier in the signed session; on the way back it checks the state, and verifies the ID
token's signature against the provider's published keys, its issuer, audience, expiry and
nonce. What is left to this module is deciding who the person is.
"""

from collections.abc import Mapping
from datetime import UTC, datetime

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .auth import normalise_email
from .models import User, UserIdentity
from .services import audit
from .services.accounts import end_reset_links
from .services.user_sessions import end_every_session
from .sso_config import Provider

MAX_EMAIL = 254  # what the account table holds
HTTP_TIMEOUT_SECONDS = 10  # a provider that does not answer must not hold a worker for ever


def init_sso(app: Flask) -> None:
    oauth = OAuth(app)
    for provider in app.config["OIDC_PROVIDERS"]:
        oauth.register(
            provider.slug,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT_SECONDS,
            },
        )
    app.extensions["ddat_sso"] = oauth


def provider(slug: str) -> Provider | None:
    return next((p for p in current_app.config["OIDC_PROVIDERS"] if p.slug == slug), None)


def client(slug: str):
    return current_app.extensions["ddat_sso"].create_client(slug)


def id_token_rules(oauth_client, provider: Provider) -> dict:
    """What the ID token's issuer and audience must be. Authlib checks the issuer by default
    but the audience only through `azp`, so a token issued to another service that names this
    one as its authorised party would pass: the audience is required here outright."""
    issuer = oauth_client.load_server_metadata().get("issuer") or provider.issuer
    return {
        "iss": {"essential": True, "values": [issuer]},
        "aud": {"essential": True, "value": provider.client_id},
    }


class Refused(Exception):
    """A sign-in the service will not accept; `reason` is what the person is told."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def account_signing_in(db: Session, provider: Provider, claims: Mapping) -> User:
    """`account_for`, written: when the same person signing in in another tab at the same
    moment got there first, their account is the answer."""
    try:
        user = _named(account_for(db, provider, claims), claims)
        db.flush()
        return user
    except IntegrityError:
        db.rollback()
        return _named(account_for(db, provider, claims), claims)


def _named(user: User, claims: Mapping) -> User:
    """The name the organisation knows the person by, for messages and the profile, unless the
    account has one already."""
    if claims.get("name") and not user.display_name:
        user.display_name = str(claims["name"])[:200]
    return user


def account_for(db: Session, provider: Provider, claims: Mapping) -> User:
    """The account these verified ID token claims belong to: the one already linked to this
    identity, else the local account with the same verified email (linked now, never
    duplicated), else a new civil servant's account."""
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    if not subject or len(subject) > 255 or len(issuer) > 300:
        raise Refused("Your organisation's sign-in did not say who you are.", 400)
    linked = db.exec(
        select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    ).first()
    email = normalise_email(str(claims.get("email") or ""))
    if linked:
        # The provider may have been narrowed since: its rule still applies.
        if not provider.allows(linked.email):
            raise Refused("This service does not accept sign-ins for your email address from that organisation.")
        return linked
    if not email or claims.get("email_verified") is not True or len(email) > MAX_EMAIL:
        raise Refused("Your organisation's sign-in did not confirm your email address.")
    if not provider.allows(email):
        raise Refused("This service does not accept sign-ins for your email address from that organisation.")
    user = db.exec(select(User).where(User.email == email)).first()
    if user is None:
        # No password: this account signs in through its provider only.
        # The organisation vouches for the address: confirmed as it is made.
        user = User(email=email, password_hash="", role="civil_servant", email_confirmed_at=datetime.now(UTC))
        db.add(user)
        db.flush()
        audit.record(db, "auth.account_created", actor=user, subject=user)
    else:
        _take_over_for_the_organisation(db, user, issuer)
    db.add(UserIdentity(user_id=user.id, issuer=issuer, subject=subject))
    audit.record(db, "auth.identity_linked", actor=user, subject=("identity_provider", provider.slug))
    return user


def _take_over_for_the_organisation(db: Session, user: User, issuer: str) -> None:
    """Registering never proved anyone owned the address; the organisation's sign-in does. So
    the account now belongs to whoever the organisation vouched for: its password (which
    someone else may have set, by registering first) stops working and every browser signed in
    with it is signed out."""
    already = db.exec(
        select(UserIdentity).where(UserIdentity.user_id == user.id, UserIdentity.issuer == issuer)
    ).first()
    if already:
        # Another person the organisation knew by this address before: a reused address.
        raise Refused(
            "Your email address belongs to another account that your organisation signed in before. "
            "Ask your HR team to sort this out."
        )
    end_reset_links(db, user)  # a reset link asked for earlier would give the account a password again
    if user.password_hash:
        user.password_hash = ""
        end_every_session(db, user)
        db.add(user)
        audit.record(db, "auth.password_removed", actor=user, subject=user)
    # The organisation vouches for the address: any confirmation link a registration left
    # waiting stops working (confirming sets a password only on an unconfirmed account).
    user.email_confirmed_at = user.email_confirmed_at or datetime.now(UTC)
    db.add(user)
