"""A stand-in for the GOV.UK Notify API on a loopback port, for the real client to talk to.

It checks what Notify checks (the JWT signed with the key's secret and naming the service,
a known template, personalisation and reference kept) and can misbehave on request: answer
with an error, say "too many requests" with a Retry-After, or take longer than the client
waits (after accepting the message, as a real timeout may)."""

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask
import jwt
from werkzeug.serving import make_server

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"


@dataclass
class FakeNotify:
    url: str = ""
    templates: set[str] = field(default_factory=set)
    sent: list[dict] = field(default_factory=list)  # every message accepted, in order
    troubles: list[tuple] = field(default_factory=list)  # what the next sends do instead
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_next_with(self, status: int, times: int = 1, headers: dict | None = None) -> None:
        self.troubles += [("error", status, headers or {})] * times

    def accept_then_stall(self, seconds: float) -> None:
        """Take the next message, then answer too late for the client."""
        self.troubles.append(("stall", seconds, {}))

    def references(self) -> list[str]:
        return [m["reference"] for m in self.sent]


def _app(fake: FakeNotify) -> flask.Flask:
    app = flask.Flask(__name__)

    def problem(status: int, message: str):
        return flask.jsonify(status_code=status, errors=[{"error": "Error", "message": message}]), status

    @app.before_request
    def check_token():
        header = flask.request.headers.get("Authorization", "")
        try:
            claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
        except jwt.PyJWTError:
            return problem(403, "Invalid token: signature")
        if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
            return problem(403, "Invalid token: iss or iat")
        return None

    @app.post("/v2/notifications/email")
    def send_email():
        body = flask.request.get_json()
        with fake.lock:
            trouble = fake.troubles.pop(0) if fake.troubles else None
        if trouble and trouble[0] == "error":
            return problem(trouble[1], "Trouble on request")[0], trouble[1], trouble[2]
        if body.get("template_id") not in fake.templates:
            return problem(400, "Template not found")
        notification = {
            "id": str(uuid.uuid4()),
            "reference": body.get("reference"),
            "template_id": body["template_id"],
            "email_address": body["email_address"],
            "personalisation": body.get("personalisation", {}),
            "status": "delivered",
        }
        with fake.lock:
            fake.sent.append(notification)
        if trouble and trouble[0] == "stall":
            time.sleep(trouble[1])
        return flask.jsonify(id=notification["id"], reference=notification["reference"]), 201

    @app.get("/v2/notifications")
    def find():
        reference = flask.request.args.get("reference")
        found = [n for n in fake.sent if reference and n["reference"] == reference]
        return flask.jsonify(notifications=found, links={})

    @app.get("/v2/notifications/<notification_id>")
    def one(notification_id: str):
        for notification in fake.sent:
            if notification["id"] == notification_id:
                return flask.jsonify(notification)
        return problem(404, "No result found")

    return app


@contextmanager
def running_notify(templates: set[str]) -> Iterator[FakeNotify]:
    fake = FakeNotify(templates=set(templates))
    server = make_server("127.0.0.1", 0, _app(fake), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield fake
    finally:
        server.shutdown()
