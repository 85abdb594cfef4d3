"""GOV.UK-style error pages: a plain explanation, never a stack trace."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
        "Wait 15 minutes and try again. We limit attempts to protect accounts from people guessing passwords.",
    ),
    500: ("Sorry, there is a problem with the service", "Try again later."),
}


def _render(status: int):
    title, advice = PAGES[status]
    return render_template("errors/error.html", title=title, advice=advice, status=status), status


def register(app: Flask) -> None:
    for status in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(status, lambda _e, status=status: _render(status))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return _render(400)

    @app.errorhandler(InternalServerError)
    def server_error(_e):
        return _render(500)

    @app.errorhandler(HTTPException)
    def other_http_error(e):
        return _render(e.code if e.code in PAGES else 400)
