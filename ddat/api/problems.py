"""Errors from the API as problem details (RFC 9457): a JSON object with the status, a title,
a detail in words and, for bad input, one entry per field with a JSON pointer to it."""

from flask import Response, json, request
from werkzeug.exceptions import BadRequest
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem(status: int, detail: str | None = None, errors: list[dict] | None = None, headers=None) -> Response:
    body = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE, headers=headers or {})
    return response


def field_errors(messages, pointer: str = "") -> list[dict]:
    """webargs's nested messages ({"json": {"people": {"0": {"grade": ["..."]}}}}) as a flat
    list of {"pointer", "detail"}, the pointer into the request body (or query)."""
    if isinstance(messages, dict):
        found = []
        for key, value in messages.items():
            if not pointer and key in ("json", "query", "headers", "form"):
                found += field_errors(value, "")
            else:
                found += field_errors(value, f"{pointer}/{key}")
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"pointer": pointer or "/", "detail": m} for m in messages]
    if isinstance(messages, list):
        return [e for i, m in enumerate(messages) for e in field_errors(m, f"{pointer}/{i}")]
    return [{"pointer": pointer or "/", "detail": str(messages)}]


def from_http_exception(error) -> Response:
    """An HTTP error raised anywhere under /api/, with what webargs or the view attached."""
    status = getattr(error, "code", None) or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = field_errors(data["messages"])
    detail = data.get("message") or (getattr(error, "description", None) if status != 422 else None)
    if status == 400 and detail == BadRequest.description:  # werkzeug's words for a body it could not read
        detail = "The request body must be valid JSON, sent with Content-Type: application/json"
    if status == 422 and not detail:
        detail = "The request has problems: see errors"
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="DDaT Pathways API"')
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers.setdefault("Allow", ", ".join(error.valid_methods))
    return problem(status, detail, errors, headers)
