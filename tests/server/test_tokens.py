"""Tokens that expire and die (issue 12, finding 3; SQLite and PostgreSQL): stored only as a hash, renewed by use,
expired after the idle window or the maximum age, ended by logout, bound to the tablet's client id; a revoked,
ended, expired or disabled token gets 401 with its own code on every endpoint, sync and blobs included; a reset
password lets only the password change through."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from schemas.sync import SCHEMA_VERSION
from sync_server.auth import service as users
from sync_server.auth.models import Device as DeviceRow
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_TEAM_ID

SHA = "ab" * 32
PASSWORD = "eerste-wachtwoord"


@dataclass
class Device:
    """A logged-in device as these tests need it (``conftest.Device`` is not importable across test folders)."""

    http: httpx.Client
    token: str
    user: dict[str, Any]
    device_id: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Schema-Version": str(SCHEMA_VERSION)}

    def push(self, mutations: list[dict[str, Any]]) -> httpx.Response:
        body = {"client_id": self.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
        return self.http.post("/api/v1/sync/push", json=body, headers=self.headers)

    def pull(self, cursor: int = 0) -> httpx.Response:
        body = {"client_id": self.client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "limit": 500}
        return self.http.post("/api/v1/sync/pull", json=body, headers=self.headers)


LoginAs = Callable[[str], Any]  # conftest's login_as: a demo user on a new device (the same interface as Device)


def login(http: httpx.Client, username: str, password: str) -> Device:
    r = http.post("/api/v1/auth/login", json={"username": username, "password": password, "device_name": "test"})
    assert r.status_code == 200, r.text
    body = r.json()
    return Device(http=http, token=body["token"], user=body["user"], device_id=body["device_id"])


def new_user(settings: Settings, role: Role = Role.INSPECTEUR) -> str:
    name = f"tok-{uuid.uuid4().hex[:8]}"
    in_transaction(settings, lambda s: users.create(session=s, username=name, password=PASSWORD, role=role,
                                                    display_name=name, team_id=DEFAULT_TEAM_ID))
    return name


def set_device(settings: Settings, device: Device, **values: Any) -> None:
    in_transaction(settings, lambda s: s.execute(update(DeviceRow).where(DeviceRow.id == uuid.UUID(device.device_id))
                                                 .values(**values)))


def device_row(settings: Settings, device: Device) -> DeviceRow:
    return in_transaction(settings, lambda s: s.get(DeviceRow, uuid.UUID(device.device_id)))


def every_endpoint(http: httpx.Client, device: Device) -> dict[str, httpx.Response]:
    """The same token on the account, sync (push and pull), blobs (HEAD, PATCH, GET) and review endpoints."""
    h = device.headers
    return {
        "me": http.get("/api/v1/me", headers=h),
        "pull": device.pull(),
        "push": device.push([]),
        "blob-head": http.head(f"/api/v1/blobs/{SHA}", headers=h),
        "blob-patch": http.patch(f"/api/v1/blobs/{SHA}", content=b"x",
                                 headers={**h, "Upload-Offset": "0", "Upload-Length": "1"}),
        "blob-get": http.get(f"/api/v1/blobs/{SHA}", headers=h),
        "review": http.get("/api/v1/review/inspections", headers=h),
    }


def assert_refused_everywhere(http: httpx.Client, device: Device, code: str) -> None:
    for name, r in every_endpoint(http, device).items():
        assert r.status_code == 401, (name, r.status_code, r.text)
        if name != "blob-head":  # a HEAD answer has no body
            assert r.json()["code"] == code, (name, r.text)


def test_only_the_tokens_hash_is_stored(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    row = device_row(settings, device)
    assert row.token_hash == hashlib.sha256(device.token.encode()).hexdigest()
    stored = [str(v) for v in vars(row).values()]
    assert all(device.token not in v for v in stored)


def test_a_token_unused_for_the_idle_window_expires_everywhere(http: httpx.Client, settings: Settings,
                                                               login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    assert device.pull().status_code == 200
    set_device(settings, device, last_seen=datetime.now(UTC) - timedelta(hours=settings.token_idle_hours, minutes=1))
    assert_refused_everywhere(http, device, "token_expired")
    body = http.get("/api/v1/me", headers=device.headers).json()
    assert "opnieuw in" in body["message"] and body["message_en"]


def test_use_within_the_idle_window_renews_the_token(http: httpx.Client, settings: Settings,
                                                     login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    almost = datetime.now(UTC) - timedelta(hours=settings.token_idle_hours) + timedelta(minutes=30)
    set_device(settings, device, last_seen=almost)
    assert http.get("/api/v1/me", headers=device.headers).status_code == 200
    seen = device_row(settings, device).last_seen
    assert seen is not None and seen.replace(tzinfo=UTC) > almost + timedelta(minutes=29)  # the window slid
    assert device.pull().status_code == 200


def test_a_busy_token_still_expires_at_its_maximum_age(http: httpx.Client, settings: Settings,
                                                       login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    set_device(settings, device, token_issued_at=datetime.now(UTC) - timedelta(days=settings.token_max_age_days,
                                                                                minutes=1))
    assert_refused_everywhere(http, device, "token_expired")


def test_logout_ends_the_token(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    assert device.pull().status_code == 200
    r = http.post("/api/v1/auth/logout", headers=device.headers)
    assert r.status_code == 204
    assert_refused_everywhere(http, device, "session_ended")  # replayed after logout: 401, not 200
    assert http.post("/api/v1/auth/logout", headers=device.headers).status_code == 401


def test_a_revoked_device_is_refused_everywhere_and_at_login(http: httpx.Client, settings: Settings,
                                                             login_as: LoginAs) -> None:
    device = login_as("inspecteur2")
    assert device.pull().status_code == 200
    in_transaction(settings, lambda s: users.revoke_device(session=s, device_id=uuid.UUID(device.device_id)))
    assert_refused_everywhere(http, device, "device_revoked")
    again = http.post("/api/v1/auth/login", json={"username": "inspecteur2", "password": "demo-wachtwoord",
                                                  "client_id": device.client_id})
    assert again.status_code == 401 and again.json()["code"] == "device_revoked"  # that tablet wipes first


def test_revocation_is_named_before_expiry(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    """A lost tablet switched on after weeks must still learn that it is to wipe itself."""
    device = login_as("inspecteur2")
    set_device(settings, device, revoked_at=datetime.now(UTC),
               last_seen=datetime.now(UTC) - timedelta(days=settings.token_max_age_days * 2))
    assert http.get("/api/v1/me", headers=device.headers).json()["code"] == "device_revoked"


def test_the_token_is_bound_to_the_tablets_client_id(http: httpx.Client, settings: Settings,
                                                     login_as: LoginAs) -> None:
    lazy = login_as("inspecteur1")  # an app that logs in without its client id: bound at its first sync
    assert lazy.pull().status_code == 200
    assert str(device_row(settings, lazy).client_id) == lazy.client_id
    original = lazy.client_id
    lazy.client_id = str(uuid.uuid4())
    for r in (lazy.pull(), lazy.push([])):
        assert r.status_code == 403 and r.json()["code"] == "client_id_mismatch"
    lazy.client_id = original
    assert lazy.pull().status_code == 200


def test_a_tablet_logging_in_again_keeps_its_device_and_the_old_token_dies(http: httpx.Client, settings: Settings,
                                                                            login_as: LoginAs) -> None:
    first = login_as("inspecteur1")
    assert first.pull().status_code == 200
    r = http.post("/api/v1/auth/login", json={"username": "inspecteur1", "password": "demo-wachtwoord",
                                              "device_name": "tablet", "client_id": first.client_id})
    assert r.status_code == 200 and r.json()["device_id"] == first.device_id
    second = Device(http=http, token=r.json()["token"], user=r.json()["user"], device_id=first.device_id,
                    client_id=first.client_id)
    assert second.pull().status_code == 200
    assert http.get("/api/v1/me", headers=first.headers).json()["code"] == "not_authenticated"


def test_a_disabled_user_is_refused_with_a_clear_message(http: httpx.Client, settings: Settings) -> None:
    name = new_user(settings)
    device = login(http, name, PASSWORD)
    assert device.pull().status_code == 200

    def disable(s: Session) -> None:
        user = users.get_by_username(session=s, username=name)
        assert user is not None
        user.disabled_at = datetime.now(UTC)

    in_transaction(settings, disable)
    assert_refused_everywhere(http, device, "account_disabled")
    right = http.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert right.status_code == 401 and right.json()["code"] == "account_disabled"
    assert "beheerder" in right.json()["message"]
    wrong = http.post("/api/v1/auth/login", json={"username": name, "password": "fout-wachtwoord"})
    assert wrong.json()["code"] == "login_failed"  # a wrong password never reveals that the account exists


@pytest.fixture
def reset_user(http: httpx.Client, settings: Settings) -> tuple[str, Device]:
    """A user with a live tablet whose password a beheerder just reset (to 'tijdelijk-123')."""
    name = new_user(settings)
    tablet = login(http, name, PASSWORD)
    assert tablet.pull().status_code == 200

    def reset(s: Session) -> None:
        from sync_server.auth import tokens

        user = s.scalar(select(User).where(User.username == name))
        assert user is not None
        user.password_hash, user.must_change_password = users.hash_password("tijdelijk-123"), True
        tokens.end_all(session=s, user_id=user.id, reason="password_reset")

    in_transaction(settings, reset)
    return name, tablet


def test_after_a_reset_only_the_password_change_answers(http: httpx.Client, settings: Settings,
                                                         reset_user: tuple[str, Device]) -> None:
    name, tablet = reset_user
    assert_refused_everywhere(http, tablet, "session_ended")
    r = http.post("/api/v1/auth/login", json={"username": name, "password": "tijdelijk-123"})
    assert r.status_code == 200 and r.json()["must_change_password"] is True
    pending = Device(http=http, token=r.json()["token"], user=r.json()["user"], device_id=r.json()["device_id"])
    for name_, resp in every_endpoint(http, pending).items():
        assert resp.status_code == 403, (name_, resp.text)
        if name_ != "blob-head":
            assert resp.json()["code"] == "password_change_required"
    change = "/api/v1/auth/password"
    h = pending.headers
    assert http.post(change, json={"current_password": "fout", "new_password": "nieuw-wachtwoord-1"},
                     headers=h).json()["code"] == "password_wrong"
    assert http.post(change, json={"current_password": "tijdelijk-123", "new_password": "kort"},
                     headers=h).json()["code"] == "password_too_short"
    assert http.post(change, json={"current_password": "tijdelijk-123", "new_password": "tijdelijk-123"},
                     headers=h).json()["code"] == "password_unchanged"
    assert http.post(change, json={"current_password": "tijdelijk-123", "new_password": "nieuw-wachtwoord-1"},
                     headers=h).status_code == 204
    assert http.get("/api/v1/me", headers=h).status_code == 200
    assert pending.pull().status_code == 200
    assert login(http, name, "nieuw-wachtwoord-1").user["username"] == name
    bad = http.post("/api/v1/auth/login", json={"username": name, "password": "tijdelijk-123"})
    assert bad.json()["code"] == "login_failed"


def test_changing_the_password_ends_the_users_other_devices(http: httpx.Client, settings: Settings) -> None:
    name = new_user(settings)
    office, tablet = login(http, name, PASSWORD), login(http, name, PASSWORD)
    r = http.post("/api/v1/auth/password", json={"current_password": PASSWORD, "new_password": "ander-wachtwoord"},
                  headers=office.headers)
    assert r.status_code == 204
    assert http.get("/api/v1/me", headers=office.headers).status_code == 200
    assert http.get("/api/v1/me", headers=tablet.headers).json()["code"] == "session_ended"
