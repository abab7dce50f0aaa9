"""Nobody can fill the disk (issue 12 part C, finding 5): a limit on every request body (413 ``body_too_large``,
a larger one for a photo chunk and a push), quarantined pushes up to a size and a quota per user (413
``quarantine_full``), photo uploads only from inspecteurs, photos no control of the uploader references yet and
unfinished uploads each up to a quota (429 ``upload_quota_exceeded``). SQLite and PostgreSQL, real server.

The limits are lowered for this module (the ``settings`` object is this module's own)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from photo_helpers import fake_photo, patch_blob, upload
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.sync import SCHEMA_VERSION
from sync_server.auth import service as users
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.seed import DEMO_PASSWORD
from sync_server.sync.models import Quarantine
from sync_server.tenancy import service as tenancy

LoginAs = Callable[[str], Any]
KIB = 1024
LIMITS = {"max_body_bytes": 64 * KIB, "max_push_bytes": 256 * KIB, "quarantine_max_push_bytes": 8 * KIB,
          "quarantine_quota_bytes": 20 * KIB, "upload_unreferenced_quota_bytes": 10_000,
          "upload_in_flight_quota_bytes": 5_000}


@pytest.fixture(scope="module", autouse=True)
def lowered(settings: Settings) -> Iterator[None]:
    before = {name: getattr(settings, name) for name in LIMITS}
    for name, value in LIMITS.items():
        setattr(settings, name, value)  # read per request: the running server sees them
    yield
    for name, value in before.items():
        setattr(settings, name, value)


@pytest.fixture
def fresh_inspector(settings: Settings, login_as: LoginAs) -> Any:
    """A new inspecteur (quotas are per user) logged in on a new device."""
    username = f"insp-{uuid.uuid4().hex[:8]}"

    def work(s: Session) -> None:
        team = tenancy.get_team_or_raise(session=s, organisation_key=tenancy.DEFAULT_ORGANISATION_KEY,
                                         team_key=tenancy.DEFAULT_TEAM_KEY)
        users.create(session=s, username=username, password=DEMO_PASSWORD, role=Role.INSPECTEUR,
                     display_name=username, team_id=team.id)

    in_transaction(settings, work)
    return login_as(username)


def test_a_body_over_its_limit_is_413_before_it_is_read(http: httpx.Client) -> None:
    big = {"username": "x" * (80 * KIB), "password": "y", "device_name": "z"}
    r = http.post("/api/v1/auth/login", json=big)
    assert r.status_code == 413 and r.json()["code"] == "body_too_large", r.text
    assert r.json()["message"] and r.json()["message_en"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"username": "'
        for _ in range(20):
            yield b"x" * (8 * KIB)
        yield b'", "password": "y"}'

    r = http.post("/api/v1/auth/login", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    assert http.get("/healthz").status_code == 200  # the server is fine


def test_a_push_has_a_larger_limit_and_a_refused_push_changes_nothing(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    iid, create = device.create_inspection()
    notes = [device.mutation("inspection.update.v1", iid, {"note": "n" * 10_000}) for _ in range(10)]
    assert device.push([create, *notes]).status_code == 200  # ~100 KiB: over the JSON limit, within the push's
    other = login_as("inspecteur1")
    iid2, create2 = other.create_inspection()
    many = [other.mutation("inspection.update.v1", iid2, {"note": "n" * 10_000}) for _ in range(30)]
    r = other.push([create2, *many])  # ~300 KiB: over the push's limit
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    assert other.pull().json()["last_mutation_id"] == 0  # nothing applied: the tablet keeps its outbox


def test_a_photo_chunk_may_be_larger_than_a_json_body(http: httpx.Client, fresh_inspector: Any, settings: Settings,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for quota in ("upload_in_flight_quota_bytes", "upload_unreferenced_quota_bytes"):
        monkeypatch.setattr(settings, quota, 1024 * KIB)
    data, sha = fake_photo(100 * KIB)  # over max_body_bytes, within max_chunk_bytes
    assert upload(http, fresh_inspector, data, sha).status_code == 201


def _old_push(device: Any, mutations: int, note: str) -> httpx.Response:
    body = {"client_id": device.client_id, "schema_version": 0, "mutations": [
        {"id": n, "name": "inspection.update.v0", "entity_id": str(uuid.uuid4()), "args": {"note": note}}
        for n in range(1, mutations + 1)]}
    return device.http.post("/api/v1/sync/push", json=body, headers={**device.headers, "X-Schema-Version": "0"})


def test_quarantine_takes_a_push_up_to_its_size_and_a_user_up_to_a_quota(settings: Settings,
                                                                        fresh_inspector: Any) -> None:
    too_big = _old_push(fresh_inspector, 1, "x" * (10 * KIB))
    assert too_big.status_code == 413 and too_big.json()["code"] == "quarantine_full"
    accepted = 0
    for _ in range(6):  # ~6 KiB each against a quota of 20 KiB
        r = _old_push(fresh_inspector, 1, "y" * (6 * KIB))
        if r.status_code != 200:
            assert r.status_code == 413 and r.json()["code"] == "quarantine_full"
            break
        accepted += 1
    assert accepted == 3

    def kept(s: Session) -> tuple[int, int]:
        rows = list(s.scalars(select(Quarantine).where(Quarantine.user_id == uuid.UUID(fresh_inspector.user["id"]))))
        return len(rows), sum(q.size for q in rows)

    count, size = in_transaction(settings, kept)
    assert count == 3 and 18 * KIB < size <= LIMITS["quarantine_quota_bytes"]  # the pushes' own sizes


@pytest.mark.parametrize("username", ["teamleider1", "ketenregisseur1", "planner1", "beheerder1"])
def test_only_an_inspecteur_uploads_photos(http: httpx.Client, login_as: LoginAs, username: str) -> None:
    office = login_as(username)
    data, sha = fake_photo()
    r = patch_blob(http, office, sha, 0, len(data), data)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert http.head(f"/api/v1/blobs/{sha}", headers=office.headers).status_code == 403


def test_photos_no_own_control_references_are_taken_up_to_a_quota(http: httpx.Client, fresh_inspector: Any) -> None:
    device = fresh_inspector
    waiting = [fake_photo(3_000) for _ in range(4)]
    for data, sha in waiting[:3]:  # a photo may come before its record: 9000 of 10000 bytes
        assert upload(http, device, data, sha).status_code == 201
    (fourth, fourth_sha) = waiting[3]
    r = upload(http, device, fourth, fourth_sha)
    assert r.status_code == 429 and r.json()["code"] == "upload_quota_exceeded"
    assert r.json()["message"].startswith("Te veel foto's")
    iid, create = device.create_inspection()
    attach = [device.mutation("photo.attach.v1", iid, {"photo_id": str(uuid.uuid4()), "sha256": sha,
                                                       "size": len(data), "caption": ""}) for data, sha in waiting]
    assert device.push([create, *attach]).json()["rejections"] == []  # the records arrive: all four referenced
    assert upload(http, device, fourth, fourth_sha).status_code == 201
    more = fake_photo(3_000)
    assert upload(http, device, *more).status_code == 201  # the first three no longer count: they are used
    detail = http.get(f"/api/v1/review/inspections/{iid}", headers=_lead(http)).json()
    assert detail["summary"]["photos_present"] == detail["summary"]["photos_expected"] == 4


def _lead(http: httpx.Client) -> dict[str, str]:
    r = http.post("/api/v1/auth/login", json={"username": "teamleider1", "password": DEMO_PASSWORD,
                                              "device_name": "test"})
    return {"Authorization": f"Bearer {r.json()['token']}", "X-Schema-Version": str(SCHEMA_VERSION)}


def test_unfinished_uploads_have_a_quota_on_disk(http: httpx.Client, fresh_inspector: Any) -> None:
    device = fresh_inspector
    (a, sha_a), (b, sha_b), (c, sha_c) = fake_photo(3_000), fake_photo(3_000), fake_photo(3_000)
    assert patch_blob(http, device, sha_a, 0, len(a), a[:2_000]).status_code == 204
    assert patch_blob(http, device, sha_b, 0, len(b), b[:2_000]).status_code == 204  # 4000 of 5000 bytes on disk
    r = patch_blob(http, device, sha_c, 0, len(c), c[:2_000])
    assert r.status_code == 429 and r.json()["code"] == "upload_quota_exceeded"
    assert http.head(f"/api/v1/blobs/{sha_c}", headers=device.headers).headers["Upload-Offset"] == "0"  # nothing kept
    assert patch_blob(http, device, sha_a, 2_000, len(a), a[2_000:]).status_code == 201  # 5000: fits; a is done
    assert patch_blob(http, device, sha_c, 0, len(c), c).status_code == 201  # room again
    assert http.head(f"/api/v1/blobs/{sha_b}", headers=device.headers).headers["Upload-Offset"] == "2000"
