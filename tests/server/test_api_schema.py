"""The OpenAPI schema matches the code (issue 12): the real error body and status codes, the bearer scheme, the
photo upload's headers, path patterns, dates that refuse numbers, audit times in UTC. SQLite and PostgreSQL.
Schemathesis runs against the same server in ``test_api_fuzz_sqlite.py`` and ``test_api_fuzz_postgres.py``
(``api_fuzz.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.server.conftest import Device

# --- what the schema says, checked without schemathesis (fast; each one failed before the schema was fixed) ---

@pytest.fixture(scope="module")
def schema(live: str) -> dict[str, Any]:
    return dict(httpx.get(f"{live}/openapi.json", timeout=30).json())


def _op(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(schema["paths"][f"/api/v1{path}"][method])


def test_errors_have_the_real_body_and_codes(schema: dict[str, Any]) -> None:
    body = schema["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message", "message_en"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    login = _op(schema, "post", "/auth/login")["responses"]
    assert {"401", "413", "422", "429"} <= set(login)
    assert login["429"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    detail = _op(schema, "get", "/review/inspections/{inspection_id}")["responses"]
    assert {"401", "403", "404", "422"} <= set(detail)
    verify = _op(schema, "post", "/review/inspections/{inspection_id}/verifications")["responses"]
    assert {"400", "409", "413"} <= set(verify)


def test_bearer_scheme_on_every_route_that_needs_a_token(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "the token POST /api/v1/auth/login returns"}
    assert _op(schema, "get", "/review/signals")["security"] == [{"bearerAuth": []}]
    assert "security" not in _op(schema, "post", "/auth/login")


def test_photo_upload_headers_and_the_hash_pattern(schema: dict[str, Any]) -> None:
    patch = _op(schema, "patch", "/blobs/{sha256}")
    params = {p["name"]: p for p in patch["parameters"]}
    assert params["sha256"]["schema"]["pattern"] == "^[0-9a-f]{64}$"
    assert params["Upload-Offset"]["in"] == "header" and params["Upload-Offset"]["required"]
    assert params["Upload-Length"]["schema"]["pattern"] == "^[0-9]{1,18}$"
    assert "Upload-Offset" in patch["responses"]["204"]["headers"]
    assert {"409", "410", "413"} <= set(patch["responses"])
    head = _op(schema, "head", "/blobs/{sha256}")
    assert "Upload-Offset" in head["responses"]["404"]["headers"]


def test_dates_refuse_numbers(live: str, login_as: Callable[[str], Device], http: httpx.Client) -> None:
    lead, planner = login_as("teamleider1"), login_as("planner1")
    for value in ("0", "20260302", "1700000000"):
        r = http.get("/api/v1/review/inspections", params={"date_from": value}, headers=lead.headers)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", (value, r.text)
    assert http.get("/api/v1/review/inspections", params={"date_from": "2026-03-02"},
                    headers=lead.headers).status_code == 200
    establishments = http.get("/api/v1/establishments", headers=planner.headers).json()
    r = http.post(f"/api/v1/establishments/{establishments[0]['id']}/violations", headers=planner.headers,
                  json={"occurred_on": 0, "category": "overig"})
    assert r.status_code == 422 and "jjjj-mm-dd" in r.json()["detail"]


def test_a_405_names_every_method_of_the_path(http: httpx.Client, login_as: Callable[[str], Device]) -> None:
    lead = login_as("teamleider1")
    r = http.request("OPTIONS", "/api/v1/blobs/" + "0" * 64, headers=lead.headers)
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD", "PATCH"}
    assert r.json()["code"] == "method_not_allowed"
