"""Security headers on every response, with a fresh Content-Security-Policy nonce per request.

The only inline script is GOV.UK Frontend's one line that marks the page as JavaScript-enabled;
it carries the nonce (the GOV.UK template reads `cspNonce`), so the policy can forbid every
other inline script and style.
"""

import secrets

from flask import Flask, Response, g, request, session

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "microphone", "payment", "usb")
)
HSTS = "max-age=31536000; includeSubDomains"


def _policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def _headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = _policy(_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static" and session.get("_user_id"):
        # Anything shown to a signed-in person may be about them: no browser or proxy keeps a
        # copy (the back button after signing out on a shared computer shows nothing).
        headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    app.after_request(_headers)
    app.context_processor(lambda: {"cspNonce": _nonce()})
    if app.config.get("SEND_HSTS"):

        @app.after_request
        def _hsts(response: Response) -> Response:
            response.headers["Strict-Transport-Security"] = HSTS
            return response
