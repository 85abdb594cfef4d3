"""The API's documentation for people: a GOV.UK page drawn from the same generated OpenAPI
document that machines read at /api/v1/openapi.json."""

import json

from flask import Blueprint, render_template

from ..permissions import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(ref: dict | None) -> str | None:
    return ref["$ref"].rsplit("/", 1)[-1] if ref and "$ref" in ref else None


def operations(spec: dict) -> list[dict]:
    """Each operation with what a developer needs to call it, in the document's order."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            ok = next((r for code, r in operation.get("responses", {}).items() if code.startswith("2")), {})
            ok_schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
            found.append({
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "needs_client": bool(operation.get("security")),
                "signed_in": path.endswith("/me"),
                "parameters": [p for p in operation.get("parameters", []) if p.get("in") == "query"],
                "body": _schema_name(body),
                "returns": _schema_name(ok_schema.get("items")) or _schema_name(ok_schema),
                "many": ok_schema.get("type") == "array",
                "anchor": f"{method}-{path.strip('/').replace('/', '-')}",
            })  # fmt: skip
    return found


def schemas(spec: dict) -> dict[str, list[dict]]:
    """Each schema's fields: name, type, required, description."""
    found = {}
    components = spec.get("components", {})
    text = json.dumps({"paths": spec.get("paths", {}), "schemas": components.get("schemas", {}),
                       "responses": components.get("responses", {})})  # fmt: skip
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        if f"#/components/schemas/{name}" not in text:
            continue  # registered by the library, used by no operation
        required = set(schema.get("required", []))
        fields = []
        for field, about in schema.get("properties", {}).items():
            kind = about.get("type") or _schema_name(about) or "object"
            if kind == "array":
                kind = f"list of {about.get('items', {}).get('type') or _schema_name(about.get('items')) or 'object'}"
            fields.append({"name": field, "type": kind, "required": field in required,
                           "description": about.get("description", ""), "choices": about.get("enum")})  # fmt: skip
        found[name] = fields
    return found


@bp.get("/docs")
@public
def docs():
    from . import api

    spec = api.spec.to_dict()
    return render_template("api/docs.html", spec=spec, operations=operations(spec), schemas=schemas(spec))
