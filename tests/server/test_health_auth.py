"""Health, login (ok, bad, rate-limited), revoked devices and role refusals."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from sync_server.auth import service
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_TEAM_ID

LoginAs = Callable[[str], Any]


def test_healthz(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}


def test_login_ok_and_me(http: httpx.Client, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    assert device.user["role"] == "inspecteur"
    me = http.get("/api/v1/me", headers=device.headers)
    assert me.status_code == 200
    assert me.json()["username"] == "inspecteur1"


def test_login_bad_password(http: httpx.Client) -> None:
    r = http.post("/api/v1/auth/login", json={"username": "teamleider1", "password": "wrong"})
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "login_failed" and body["message"] and body["message_en"]


def test_login_unknown_user(http: httpx.Client) -> None:
    r = http.post("/api/v1/auth/login", json={"username": "nobody-here", "password": "x"})
    assert r.status_code == 401
    assert r.json()["code"] == "login_failed"


def test_login_rate_limited_after_five_failures(http: httpx.Client) -> None:
    name = f"ghost-{uuid.uuid4().hex[:8]}"
    codes = [http.post("/api/v1/auth/login", json={"username": name, "password": "x"}).status_code
             for _ in range(5)]
    assert codes == [401] * 5
    r = http.post("/api/v1/auth/login", json={"username": name, "password": "x"})
    assert r.status_code == 429
    assert r.json()["code"] == "login_rate_limited"


def test_rate_limit_blocks_even_the_right_password(http: httpx.Client, settings: Settings) -> None:
    name = f"victim{uuid.uuid4().hex[:6]}"
    in_transaction(settings, lambda s: service.create(session=s, username=name, password="goed-wachtwoord",
                                                      role=service.Role.INSPECTEUR, display_name="V",
                                                      team_id=DEFAULT_TEAM_ID))
    for _ in range(5):
        http.post("/api/v1/auth/login", json={"username": name, "password": "fout"})
    r = http.post("/api/v1/auth/login", json={"username": name, "password": "goed-wachtwoord"})
    assert r.status_code == 429


def test_login_validation_error_shape(http: httpx.Client) -> None:
    r = http.post("/api/v1/auth/login", json={"username": ""})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"


def test_login_garbage_body_is_422_not_500(http: httpx.Client) -> None:
    r = http.post("/api/v1/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_error"


def test_missing_and_bad_token(http: httpx.Client) -> None:
    assert http.get("/api/v1/me").json()["code"] == "not_authenticated"
    r = http.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_revoked_device(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    device = login_as("inspecteur2")
    assert http.get("/api/v1/me", headers=device.headers).status_code == 200
    in_transaction(settings, lambda s: service.revoke_device(session=s, device_id=uuid.UUID(device.device_id)))
    r = http.get("/api/v1/me", headers=device.headers)
    assert r.status_code == 401 and r.json()["code"] == "device_revoked"
    assert login_as("inspecteur2").token != device.token  # a new login registers a new device


def test_review_refused_for_inspector_and_planner(http: httpx.Client, login_as: LoginAs) -> None:
    for username in ("inspecteur1", "planner1", "beheerder1"):
        device = login_as(username)
        r = http.get("/api/v1/review/inspections", headers=device.headers)
        assert r.status_code == 403, username
        assert r.json()["code"] == "forbidden"


def test_unknown_route_is_json_404(http: httpx.Client) -> None:
    r = http.get("/api/v1/does-not-exist")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
