"""Signing in through an organisation's identity provider (OpenID Connect)."""

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from .. import db, sso
from ..auth import start_session
from ..limits import configured, limiter
from ..permissions import public
from ..services import audit
from .auth import safe_next

bp = Blueprint("sso", __name__, url_prefix="/sign-in")

_NEXT = "sso_next"


@bp.get("/<provider_slug>")
@public
@limiter.limit(configured("RATELIMIT_SIGN_IN"))
def start(provider_slug: str):
    provider = sso.provider(provider_slug) or abort(404)
    next_page = safe_next(request.args.get("next"))
    # Each unfinished sign-in leaves its state in the session cookie: keep only the newest,
    # or enough abandoned attempts would make the cookie too big for browsers to send.
    for key in [k for k in session if k.startswith(f"_state_{provider.slug}_")]:
        session.pop(key)
    try:
        response = sso.client(provider.slug).authorize_redirect(
            url_for("sso.callback", provider_slug=provider.slug, _external=True)
        )
    except requests.RequestException:
        return _problem(provider, "We could not reach your organisation's sign-in service. Try again later.", 502)
    session[_NEXT] = next_page
    return response


@bp.get("/<provider_slug>/callback")
@public
@limiter.limit(configured("RATELIMIT_SIGN_IN"))
def callback(provider_slug: str):
    provider = sso.provider(provider_slug) or abort(404)
    client = sso.client(provider.slug)
    try:
        token = client.authorize_access_token(claims_options=sso.id_token_rules(client, provider))
    except MismatchingStateError:
        # A link from an old or another person's sign-in, or the same one used twice.
        return _problem(provider, "Your sign-in had expired or was already used. Sign in again.", 400)
    except OAuthError:
        return _problem(provider, "Your organisation's sign-in did not let you in.", 400)
    except JoseError:
        # Bad signature, wrong issuer or audience, expired, or a nonce that does not match.
        return _problem(provider, "Your organisation's sign-in could not be checked, so it was not accepted.", 400)
    except requests.RequestException:
        return _problem(provider, "We could not reach your organisation's sign-in service. Try again later.", 502)
    claims = token.get("userinfo")
    if not claims:
        return _problem(provider, "Your organisation's sign-in did not say who you are.", 400)
    db_session = db.session()
    try:
        user = sso.account_signing_in(db_session, provider, claims)
    except sso.Refused as refused:
        return _problem(provider, refused.reason, refused.status)
    next_page = session.get(_NEXT) or url_for("pages.landing")
    start_session(user)
    audit.record_now(db_session, "auth.signed_in", actor=user, subject=("identity_provider", provider.slug))
    return redirect(next_page)


def _problem(provider: sso.Provider, reason: str, status: int):
    session.pop(_NEXT, None)
    # Only which provider refused: never the token or what it said about the person.
    audit.record_now(db.session(), "auth.sso_refused", subject=("identity_provider", provider.slug))
    return render_template("auth/sso_problem.html", provider=provider, reason=reason), status
