"""GOV.UK-style error pages: a plain explanation, never a stack trace."""

from flask import Flask, current_app, g, render_template, request, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, IntegrityError, OperationalError, PendingRollbackError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from .. import db
from ..api.problems import from_http_exception, is_api_request, problem

PAGES = {
    400: ("Sorry, there is a problem with your request", "Check the address or go back and try again."),
    403: ("You do not have permission to view this page", "If you think you should have access, contact your HR team."),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied the entire address.",
    ),
    405: ("Sorry, that action is not allowed on this page", "Go back and try again."),
    413: ("The file is too big", "Go back and choose a smaller file."),
    429: (
        "Too many attempts",
        "Wait {wait} and try again. We limit how often this can be done, to protect accounts and inboxes.",
    ),
    # Two requests made the same new record at once (a double click, two HR users): the
    # database kept one, and the other is told rather than shown an error.
    409: (
        "Sorry, that was changed at the same time",
        "Someone else, or another tab of yours, made the same change at the same moment. "
        "Go back, check what is there now, and try again if you still need to.",
    ),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: (
        "Sorry, the service is busy",
        "Try again in a few minutes. If you were saving something, it may not have been saved: "
        "check before you enter it again.",
    ),
}

# The database is locked, unreachable, missing or was restarted: nothing the person did wrong,
# and something that passes by itself.
DATABASE_AWAY = (OperationalError, DisconnectionError, PendingRollbackError, PoolTimeoutError)


# A busy database is usually free again within seconds; clients and proxies may try again then.
RETRY_AFTER_SECONDS = {503: 30}


def _render(status: int, error=None):
    if is_api_request():
        return from_http_exception(error) if error is not None and hasattr(error, "code") else problem(status)
    title, advice = PAGES[status]
    if status == 429:  # how long the limit that was reached lasts: 15 minutes for sign-in, an hour for emails
        window = getattr(getattr(error, "limit", None), "limit", None)
        minutes = max(1, round(window.get_expiry() / 60)) if window is not None else 15
        advice = advice.format(wait="an hour" if minutes == 60 else f"{minutes} minute" + ("s" if minutes > 1 else ""))
    page = render_template("errors/error.html", title=title, advice=advice, status=status)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS[status])} if status in RETRY_AFTER_SECONDS else {}
    return page, status, headers


def _render_without_database(status: int):
    """The page for a request that failed part way, perhaps because the database did: none of
    its work is kept, and the page is drawn from memory, as asking the database again could
    fail the same way and leave only the web server's bare error page."""
    db.discard_session()
    if is_api_request():
        return problem(
            status, headers={"Retry-After": str(RETRY_AFTER_SECONDS[status])} if status in RETRY_AFTER_SECONDS else None
        )
    # Nor is what it put in the browser's session (signing in, a message to show next): the
    # browser keeps the session it came with.
    came_with = current_app.session_interface.open_session(current_app, request)
    session.clear()
    session.update(came_with or {})
    g._login_user = _signed_in_user(session.get("_user_id"))
    g.without_database = True  # the navigation must not ask it who manages whom
    return _render(status)


def _signed_in_user(session_user_id: str | None):
    """The navigation shows who is signed in if their account was loaded before the failure,
    and the signed-out links otherwise."""
    user = g.get("_login_user")  # where Flask-Login keeps the request's user once loaded
    try:
        if user is not None and user.is_authenticated and user.get_id() == session_user_id and user.role:
            return user
    except SQLAlchemyError:  # loaded, but its values were thrown away with the failed transaction
        pass
    return current_app.login_manager.anonymous_user()


def register(app: Flask) -> None:
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda e, status=status: _render(status, e))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _render(400)

    def database_away(e):
        # The driver's own message, not SQLAlchemy's, which quotes the statement's parameters.
        current_app.logger.warning("Database unavailable, answered 503: %s", getattr(e, "orig", None) or e)
        return _render_without_database(503)

    for error in DATABASE_AWAY:
        app.register_error_handler(error, database_away)

    @app.errorhandler(IntegrityError)
    def changed_at_the_same_time(e):
        current_app.logger.warning("A rule in the database refused a write, answered 409: %s", getattr(e, "orig", e))
        return _render_without_database(409)

    @app.errorhandler(RecursionError)
    def too_deep(_e):
        # A body nested thousands deep (JSON the parser gives up on): the sender's problem.
        return problem(400, "The request body is nested too deeply") if is_api_request() else _render(400)

    @app.errorhandler(InternalServerError)
    def server_error(_e):
        return _render_without_database(500)

    @app.errorhandler(HTTPException)
    def other_http_error(e):
        if is_api_request():
            return from_http_exception(e)
        return _render(e.code if e.code in PAGES else 400)
