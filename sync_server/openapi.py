"""The OpenAPI schema as the code behaves: the error answers each route can give, with the real error body,
the bearer scheme, the photo upload's headers and the patterns of path parameters.

FastAPI documents only the success answer and a 422 with its own validation body, which this API never sends
(``errors.py`` answers every 4xx with ``ErrorBody``). ``install_openapi`` post-processes the generated schema once:

* every error answer's body is ``ErrorBody``;
* 401 and 403 where the route needs a token (403: the role may not, or a new password must be set first), 404
  where it takes a path parameter (an id of another organisation is "not found" too), 422 everywhere (a parameter
  no database stores is refused on every route), 400 and 413 where it takes a body (malformed or too large);
  further codes per route in ``EXTRA`` (409 conflicts, 429 login, ...);
* a bearer security scheme on every route that needs a token;
* ``/blobs/{sha256}``: the sha256 pattern, ``Upload-Offset``/``Upload-Length`` request headers and the
  ``Upload-Offset`` answer header.

A route added later gets the same treatment from its dependencies and parameters; a code only some routes give
goes into ``EXTRA``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from sync_server.auth import deps
from sync_server.routes import api_routes

SHA256_PATTERN = "^[0-9a-f]{64}$"
STORABLE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
INT64 = (-(2**63), 2**63 - 1)
TIME_PATTERN = "^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,6})?)?$"  # a wall-clock time, Europe/Amsterdam
UPLOAD_HEADER = {"schema": {"type": "string", "pattern": "^[0-9]{1,18}$"}}
DESCRIPTIONS = {
    "400": "Bad request (malformed body or headers)", "401": "Not logged in, or the token is no longer valid",
    "403": "The caller's role may not do this", "404": "Not found (also: another organisation's)",
    "405": "Method not allowed", "409": "Conflict with the current state", "410": "Gone (an expired upload)",
    "413": "Request body too large", "422": "Invalid input", "426": "App too old (sync schema below the window)",
    "429": "Too many failed attempts (Retry-After)", "503": "A service the server depends on is unreachable",
}

# (method, path regex) -> extra codes (on top of the rules above)
EXTRA: list[tuple[str, str, tuple[int, ...]]] = [
    ("POST", r"/auth/login$", (401, 429)),
    ("POST", r"/auth/password$", (409, 429)),
    ("POST", r"/sync/(push|pull)$", (403, 409, 426)),
    ("POST", r"/sync/handover$", (409,)),
    ("PUT", r"/sync/handover/photos/", (400, 409, 413)),
    ("PATCH", r"/blobs/", (400, 409, 410, 413)),
    ("HEAD", r"/blobs/", (400,)),
    ("GET", r"/blobs/", (400,)),
    ("POST", r"/review/inspections/.*/verifications", (409,)),
    ("PATCH", r"/review/inspections/.*/answers$", (409,)),
    ("POST", r"/review/conflicts/.*/resolve$", (409,)),
    ("PATCH", r"/planning/controls/", (409,)),
    ("DELETE", r"/planning/controls/", (409,)),
    ("POST", r"/admin/", (409,)),
    ("PUT", r"/admin/checklists/drafts/", (409,)),  # saved by someone else since it was read
    ("POST", r"/admin/users$", (404,)),  # a team of another organisation (or none) in the body
    ("GET", r"/review/audit$", (404,)),
    ("GET", r"/addresses/lookup$", (503,)),
    ("POST", r"/catalogue/(draft|draft/publish|draft/dry-run|cases)$", (409,)),
    ("POST", r"/catalogue/draft/(test|publish|dry-run)$", (404,)),
    ("GET", r"/catalogue/draft$", (404,)),
    ("PUT", r"/catalogue/draft$", (404,)),
    ("DELETE", r"/catalogue/draft$", (404,)),
    ("GET", r"/catalogue/draft/margins/", (409,)),
]


class ErrorBody(BaseModel):
    """Every 4xx answer: a stable code and the message in Dutch and English (``errors.py``)."""

    code: str
    message: str
    message_en: str
    detail: str | None = None


def _calls(dependant: Dependant) -> list[Any]:
    out = [dependant.call]
    for sub in dependant.dependencies:
        out += _calls(sub)
    return out


def _needs_token(calls: list[Any]) -> bool:
    """Whether one of the route's dependencies reads the bearer token (``auth.deps.*_principal``)."""
    return any(getattr(c, "__module__", "") == deps.__name__ and getattr(c, "__name__", "").endswith("principal")
               for c in calls)


def _codes(path: str, route: APIRoute, method: str) -> set[int]:
    calls = _calls(route.dependant)
    codes: set[int] = {422}  # every API route: a query or path parameter no database stores (``inputs``)
    if _needs_token(calls):  # 403 also for a user who must first set a new password
        codes |= {401, 403}
    if route.dependant.path_params:
        codes.add(404)
    if route.body_field is not None:
        codes |= {400, 413}
    for m, pattern, extra in EXTRA:
        if m == method and re.search(pattern, path):
            codes |= set(extra)
    return codes


def _error_response(code: int) -> dict[str, Any]:
    return {"description": DESCRIPTIONS.get(str(code), "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _blob_operation(method: str, op: dict[str, Any]) -> None:
    """The photo endpoints: the hash's pattern and the resumable upload's headers."""
    offset_header = {"Upload-Offset": {"description": "bytes stored so far", **UPLOAD_HEADER}}
    if method == "patch":
        op.setdefault("parameters", []).extend([
            {"name": "Upload-Offset", "in": "header", "required": True, **UPLOAD_HEADER,
             "description": "where this chunk starts (HEAD tells)"},
            {"name": "Upload-Length", "in": "header", "required": True, **UPLOAD_HEADER,
             "description": "the whole photo's size in bytes"}])
        op["requestBody"] = {"required": True, "description": "the chunk's bytes (the app sends them as "
                             "application/offset+octet-stream; any content type is read as bytes)",
                             "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                  "format": "binary"}}}}
        op["responses"]["201"] = {"description": "the photo is complete and verified", "headers": offset_header}
        op["responses"]["204"] = {"description": "chunk stored, more to come", "headers": offset_header}
        for code in ("409", "410", "422"):
            op["responses"][code]["headers"] = offset_header
    if method == "head":
        op["responses"]["200"] = {"description": "the photo is stored complete"}
        op["responses"]["404"] = {"description": "not (completely) here: Upload-Offset says how much is",
                                  "headers": offset_header}
    if method == "get":
        op["responses"]["200"] = {"description": "the photo", "content": {"image/jpeg": {
            "schema": {"type": "string", "format": "binary"}}}}


def _storable(node: Any) -> None:
    """Say in the schema what ``schemas.inputs`` refuses: a string without the control characters no database
    stores (tab, line feed and carriage return are fine), an integer within 64 bits."""
    if isinstance(node, list):
        for item in node:
            _storable(item)
        return
    if not isinstance(node, dict):
        return
    plain = not ({"pattern", "format", "enum", "const", "$ref"} & node.keys())
    if node.get("type") == "string" and plain:
        node["pattern"] = STORABLE_PATTERN
    if node.get("type") == "string" and node.get("format") == "time":  # JSON Schema's "time" needs an offset
        del node["format"]
        node["pattern"] = TIME_PATTERN
    if node.get("type") == "integer":
        node.setdefault("minimum", INT64[0])
        node.setdefault("maximum", INT64[1])
    for value in node.values():
        _storable(value)


def build_schema(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema with the real error answers, security and upload headers."""
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes, description=app.description)
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["ErrorBody"] = ErrorBody.model_json_schema()
    for unused in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(unused, None)
    components["securitySchemes"] = {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                    "description": "the token POST /api/v1/auth/login returns"}}
    for path, route in api_routes(app.router.routes):
        if path not in schema["paths"] or not path.startswith("/api/"):
            continue
        for method in sorted(route.methods or ()):
            op = schema["paths"][path].get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            codes = _codes(path, route, method)
            for code in sorted(codes):
                responses[str(code)] = _error_response(code)
            if _needs_token(_calls(route.dependant)):
                op["security"] = [{"bearerAuth": []}]
            for param in op.get("parameters", []):
                if param["name"] == "sha256" and param["in"] == "path":
                    param["schema"] = {"type": "string", "pattern": SHA256_PATTERN, "title": "Sha256"}
            if path.endswith("/blobs/{sha256}"):
                _blob_operation(method.lower(), op)
    _storable(schema["paths"])
    _storable({k: v for k, v in components["schemas"].items() if k != "ErrorBody"})  # an answer may echo input
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve ``build_schema`` at ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_schema(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
