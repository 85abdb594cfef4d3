"""The JSON API at /api/v1, with its OpenAPI document generated from the code by flask-smorest.

flask-smorest was chosen because it works with the app factory and plain blueprints (APIFlask
would replace the Flask app class), and one marshmallow schema both checks a request and
documents it, so the document cannot drift from what the code accepts. Errors are problem
details (ddat/api/problems.py), answered by the service's own error handlers.
"""

from http import HTTPStatus

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest.utils import prepare_response

from ..permissions import public
from .problems import PROBLEM_TYPE
from .schemas import ProblemSchema

DESCRIPTION = """The DDaT Capability Framework, and the service's data for the systems around it.

The framework is public. Everything else needs an API client's token, from an admin
(/admin/api-clients): send it as `Authorization: Bearer <token>`. Each operation needs one scope;
a departmental client sees and changes only its own department's people. Calls are rate-limited
per client and audited. Errors are problem details (RFC 9457) with a JSON pointer per field.
Lists are paged by cursor: pass the `next_cursor` you were given as `cursor`."""


class Api(SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """None: flask-smorest's would answer every error in the app as JSON; the service's
        handlers answer API requests with problem details and everything else with pages."""

    def _register_responses(self):
        """Error responses documented as problem details, with their own content type."""
        for status in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 500, 503):
            code = HTTPStatus(status)
            response = {"description": code.phrase, "schema": self.ERROR_SCHEMA}
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(code.name, response, lazy=True)
        response = {"description": "An error, as problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = Api()


def init_api(app: Flask, csrf) -> None:
    app.config.setdefault("API_TITLE", "DDaT Pathways API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": DESCRIPTION},
        "components": {"securitySchemes": {"client": {"type": "http", "scheme": "bearer"}}},
    })  # fmt: skip
    api.init_app(app)
    from . import docs, framework, learning, people, reads

    app.register_blueprint(docs.bp)

    for blueprint in (framework.bp, people.bp, learning.bp, reads.bp):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # tokens, not cookies: nothing a browser sends by itself
    # The generated document is public, like the framework it describes.
    generated = app.view_functions["api-docs.openapi_json"]

    def openapi_json():
        return generated()

    app.view_functions["api-docs.openapi_json"] = public(openapi_json)
