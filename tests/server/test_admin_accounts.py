"""The beheerder's users and devices (issue 12, finding 3; SQLite and PostgreSQL): list, revoke a device, disable
and enable a user, reset a password — beheerder only (403 for every other role), within their own organisation
(404 for another organisation's user or device: ``test_tenancy_boundary``), each act audited; the same on the
command line; a revoked tablet's last handover into quarantine and its replay."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from photo_helpers import fake_photo
from sqlalchemy import select
from sqlalchemy.orm import Session
from test_tenancy_boundary import OTHER_ORG, OTHER_TEAM, add_user
from test_tokens import PASSWORD, login, new_user

from schemas.sync import SCHEMA_VERSION
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction, main
from sync_server.config import Settings
from sync_server.inspections.models import Inspection
from sync_server.review.models import AuditEntry
from sync_server.sync.models import Quarantine
from sync_server.tenancy.service import DEFAULT_ORGANISATION_KEY

Device = Any  # conftest's test device (login_as) or test_tokens.Device: token, headers, push, pull, mutation
LoginAs = Callable[[str], Device]
ADMIN = "/api/v1/admin"


@pytest.fixture(scope="module", autouse=True)
def other_beheerder(settings: Settings) -> None:
    add_user(settings, "beheerder-vb", Role.BEHEERDER, OTHER_ORG, OTHER_TEAM)


@pytest.fixture
def admin(login_as: LoginAs) -> Device:
    return login_as("beheerder1")


def account(http: httpx.Client, admin: Device, username: str) -> dict[str, Any]:
    users = http.get(f"{ADMIN}/users", headers=admin.headers).json()
    return next(u for u in users if u["username"] == username)


def user_id(settings: Settings, username: str) -> str:
    return str(in_transaction(settings, lambda s: s.scalar(select(User.id).where(User.username == username))))


MINE = ("revoke_device", "disable_user", "enable_user", "reset_password")


def audit_actions(settings: Settings, object_id: str) -> list[str]:
    """The beheerder's acts audited about ``object_id`` (other parts audit logins and reads too)."""
    return in_transaction(settings, lambda s: list(s.scalars(select(AuditEntry.action).where(
        AuditEntry.object_id == object_id, AuditEntry.action.in_(MINE)).order_by(AuditEntry.id))))


def test_the_beheerder_lists_the_organisations_users_with_their_devices(http: httpx.Client, admin: Device,
                                                                          login_as: LoginAs) -> None:
    tablet = login_as("inspecteur2")
    assert tablet.pull().status_code == 200
    users = http.get(f"{ADMIN}/users", headers=admin.headers).json()
    names = {u["username"] for u in users}
    assert {"inspecteur1", "inspecteur2", "teamleider1", "beheerder1"} <= names
    assert not names & {"teamleider-vb", "inspecteur-vb", "beheerder-vb"}  # another organisation's: never listed
    listed = next(d for d in account(http, admin, "inspecteur2")["devices"] if d["id"] == tablet.device_id)
    assert listed["state"] == "active" and listed["app_schema_version"] == SCHEMA_VERSION
    assert listed["client_id"] == tablet.client_id and listed["last_seen"] and listed["expires_at"]


def test_only_the_beheerder_may(http: httpx.Client, settings: Settings, login_as: LoginAs) -> None:
    target = user_id(settings, "inspecteur1")
    some_device = login_as("inspecteur1").device_id
    calls = [("GET", f"{ADMIN}/users"), ("GET", f"{ADMIN}/users/{target}"),
             ("POST", f"{ADMIN}/devices/{some_device}/revoke"), ("POST", f"{ADMIN}/users/{target}/disable"),
             ("POST", f"{ADMIN}/users/{target}/enable"), ("POST", f"{ADMIN}/users/{target}/reset-password")]
    for username in ("inspecteur1", "teamleider1", "planner1", "ketenregisseur1"):
        device = login_as(username)
        for method, path in calls:
            r = http.request(method, path, headers=device.headers)
            assert r.status_code == 403 and r.json()["code"] == "forbidden", (username, path)
    assert http.get("/api/v1/me", headers=login_as("inspecteur1").headers).status_code == 200  # nothing happened


def test_revoking_a_device_kills_its_token_at_once(http: httpx.Client, settings: Settings, admin: Device,
                                                   login_as: LoginAs) -> None:
    tablet, other = login_as("inspecteur2"), login_as("inspecteur2")
    assert tablet.pull().status_code == 200
    r = http.post(f"{ADMIN}/devices/{tablet.device_id}/revoke", headers=admin.headers)
    assert r.status_code == 200
    state = {d["id"]: d["state"] for d in r.json()["devices"]}
    assert state[tablet.device_id] == "revoked"
    got = tablet.pull()
    assert got.status_code == 401 and got.json()["code"] == "device_revoked"
    assert http.get("/api/v1/me", headers=other.headers).status_code == 200  # only that device
    assert audit_actions(settings, tablet.device_id) == ["revoke_device"]


def test_disabling_and_enabling_a_user(http: httpx.Client, settings: Settings, admin: Device) -> None:
    name = new_user(settings)
    tablet = login(http, name, PASSWORD)
    target = user_id(settings, name)
    r = http.post(f"{ADMIN}/users/{target}/disable", headers=admin.headers)
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert tablet.pull().json()["code"] == "account_disabled"
    refused = http.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert refused.status_code == 401 and refused.json()["code"] == "account_disabled"
    assert http.post(f"{ADMIN}/users/{target}/enable", headers=admin.headers).json()["disabled"] is False
    assert login(http, name, PASSWORD).user["username"] == name
    assert tablet.pull().json()["code"] == "account_disabled"  # its old tokens stay dead
    assert audit_actions(settings, name) == ["disable_user", "enable_user"]


def test_a_beheerder_cannot_disable_themselves(http: httpx.Client, settings: Settings, admin: Device) -> None:
    r = http.post(f"{ADMIN}/users/{user_id(settings, 'beheerder1')}/disable", headers=admin.headers)
    assert r.status_code == 409 and r.json()["code"] == "cannot_disable_self"


def test_resetting_a_password(http: httpx.Client, settings: Settings, admin: Device) -> None:
    name = new_user(settings)
    tablet = login(http, name, PASSWORD)
    r = http.post(f"{ADMIN}/users/{user_id(settings, name)}/reset-password", headers=admin.headers)
    assert r.status_code == 200
    temporary = r.json()["temporary_password"]
    assert len(temporary) >= 10 and r.json()["account"]["must_change_password"] is True
    assert tablet.pull().json()["code"] == "session_ended"
    assert http.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD}).status_code == 401
    fresh = http.post("/api/v1/auth/login", json={"username": name, "password": temporary}).json()
    assert fresh["must_change_password"] is True
    assert audit_actions(settings, name) == ["reset_password"]
    details = in_transaction(settings, lambda s: [str(e.detail) for e in s.scalars(
        select(AuditEntry).where(AuditEntry.object_id == name))])
    assert all(temporary not in d for d in details)  # the password is never written down


# ---- a revoked tablet's last handover ---------------------------------------------------------------------------

def _unsynced_work(device: Device) -> tuple[list[dict[str, Any]], bytes, str]:
    iid, create = device.create_inspection()
    data, sha = fake_photo(4242)
    attach = device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                      "size": len(data), "caption": "laatste"})
    note = device.mutation("inspection.update.v1", iid, {"note": "nog niet verstuurd"})
    return [create, attach, note], data, sha


def handover(device: Device, mutations: list[dict[str, Any]]) -> httpx.Response:
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
    return device.http.post("/api/v1/sync/handover", json=body, headers=device.headers)


def test_a_revoked_tablet_hands_over_its_last_work_and_confirms_the_wipe(
        http: httpx.Client, settings: Settings, admin: Device, login_as: LoginAs) -> None:
    tablet = login_as("inspecteur1")
    assert tablet.pull().status_code == 200
    mutations, data, sha = _unsynced_work(tablet)
    assert handover(tablet, mutations).json()["code"] == "handover_refused"  # a live token syncs normally
    http.post(f"{ADMIN}/devices/{tablet.device_id}/revoke", headers=admin.headers)
    assert tablet.push(mutations).json()["code"] == "device_revoked"
    r = handover(tablet, mutations)
    assert r.status_code == 200 and r.json() == {"received": 3}
    photo = f"/api/v1/sync/handover/photos/{sha}"
    stranger, stranger_sha = fake_photo(777)
    assert http.put(f"/api/v1/sync/handover/photos/{stranger_sha}", content=stranger,
                    headers=tablet.headers).status_code == 404  # only photos its work refers to
    assert http.put(photo, content=data[:-1] + b"x", headers=tablet.headers).json()["code"] == "hash_mismatch"
    assert http.put(photo, content=data, headers=tablet.headers).status_code == 204
    listed = next(d for d in account(http, admin, "inspecteur1")["devices"] if d["id"] == tablet.device_id)
    assert (listed["state"], listed["handed_over"]) == ("revoked", 3)
    assert http.post("/api/v1/auth/wiped", headers=tablet.headers).status_code == 204
    listed = next(d for d in account(http, admin, "inspecteur1")["devices"] if d["id"] == tablet.device_id)
    assert listed["state"] == "wiped" and listed["wiped_at"]
    assert handover(tablet, mutations).json()["code"] == "device_revoked"  # after the wipe: nothing at all
    assert http.post("/api/v1/auth/wiped", headers=tablet.headers).status_code == 401


def test_a_revoked_tablet_hands_over_only_up_to_its_quota(http: httpx.Client, settings: Settings, admin: Device,
                                                           login_as: LoginAs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever holds a revoked tablet cannot fill the disk through the handover: 413 ``handover_full`` past the
    device's quota, nothing of the refused batch kept; the quota is the device's own."""
    monkeypatch.setattr(settings, "handover_quota_bytes", 4096)  # read per request
    tablet = login_as("inspecteur1")
    other = login_as("inspecteur1")
    for device in (tablet, other):
        assert device.pull().status_code == 200
        http.post(f"{ADMIN}/devices/{device.device_id}/revoke", headers=admin.headers)
    iid, create = tablet.create_inspection()
    batch = [create, *(tablet.mutation("inspection.update.v1", iid, {"note": "n" * 700}) for _ in range(2))]
    codes = [handover(tablet, batch).status_code for _ in range(4)]
    assert codes[0] == 200 and codes[-1] == 413, codes
    refused = handover(tablet, batch)
    assert refused.status_code == 413 and refused.json()["code"] == "handover_full" and refused.json()["message"]

    def kept(s: Session) -> tuple[int, int]:
        rows = list(s.scalars(select(Quarantine).where(Quarantine.device_id == uuid.UUID(tablet.device_id))))
        return len(rows), sum(q.size for q in rows)

    count, size = in_transaction(settings, kept)
    assert count == codes.count(200) and 0 < size <= 4096
    iid2, create2 = other.create_inspection()
    assert handover(other, [create2]).status_code == 200  # another device has its own quota


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("INSPECTIE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("INSPECTIE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("INSPECTIE_ASSETS_DIR", str(settings.assets_dir))
    yield settings


def test_the_command_line_says_the_same(http: httpx.Client, cli_env: Settings, login_as: LoginAs,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    name = new_user(cli_env)
    tablet = login(http, name, PASSWORD)
    assert tablet.pull().status_code == 200
    assert main(["devices", "list", "--user", name]) == 0
    out = capsys.readouterr().out
    assert name in out and tablet.device_id in out and "active" in out and f"app schema {SCHEMA_VERSION}" in out
    assert main(["devices", "list", "--organisation", DEFAULT_ORGANISATION_KEY]) == 0
    assert "inspecteur1" in capsys.readouterr().out
    assert main(["revoke-device", tablet.device_id]) == 0
    assert "revoked" in capsys.readouterr().out
    assert tablet.pull().json()["code"] == "device_revoked"
    assert main(["reset-password", name]) == 0
    temporary = capsys.readouterr().out.split("temporary password (shown once): ")[1].split()[0]
    assert http.post("/api/v1/auth/login", json={"username": name, "password": temporary}).json()[
        "must_change_password"] is True
    assert main(["disable-user", name]) == 0
    assert http.post("/api/v1/auth/login", json={"username": name, "password": temporary}).json()[
        "code"] == "account_disabled"
    assert main(["enable-user", name]) == 0
    assert main(["disable-user", "niemand-hier"]) == 1
    assert "Not found" in capsys.readouterr().err
    actions = in_transaction(cli_env, lambda s: list(s.scalars(select(AuditEntry.action).where(
        AuditEntry.username == "inspectie-server", AuditEntry.action.in_(
            ["revoke_device", "reset_password", "disable_user", "enable_user"])))))
    assert {"revoke_device", "reset_password", "disable_user", "enable_user"} <= set(actions)


def test_handed_over_work_is_replayed_from_quarantine(http: httpx.Client, cli_env: Settings, admin: Device,
                                                      login_as: LoginAs, capsys: pytest.CaptureFixture[str]) -> None:
    tablet = login_as("inspecteur1")
    assert tablet.pull().status_code == 200
    mutations, _data, _sha = _unsynced_work(tablet)
    iid = mutations[0]["entity_id"]
    http.post(f"{ADMIN}/devices/{tablet.device_id}/revoke", headers=admin.headers)
    assert handover(tablet, mutations).status_code == 200
    assert in_transaction(cli_env, lambda s: s.get(Inspection, uuid.UUID(iid))) is None  # not applied: kept aside
    assert main(["quarantine", "list"]) == 0
    waiting = [ln for ln in capsys.readouterr().out.splitlines() if "device_revoked" in ln and "not replayed" in ln]
    line = waiting[-1]  # oldest first: this test's handover is the newest
    qid = line.split(" · ")[0]
    assert main(["quarantine", "replay", qid]) == 0
    out = capsys.readouterr().out
    assert "replayed" in out and "refused" not in out, out

    def control(s: Session) -> tuple[str, str]:
        found = s.get(Inspection, uuid.UUID(iid))
        assert found is not None
        return found.note, str(found.inspector_id)

    note, inspector = in_transaction(cli_env, control)
    assert note == "nog niet verstuurd" and inspector == tablet.user["id"]
    assert main(["quarantine", "replay", qid]) == 0  # twice: nothing applied twice
    replayed = in_transaction(cli_env, lambda s: s.get(Quarantine, uuid.UUID(qid)))
    assert replayed is not None and replayed.replayed_at is not None
