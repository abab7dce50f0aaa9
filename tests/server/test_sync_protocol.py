"""Protocol details of schema 2: pull projected by the client's schema version, reset on a scope change and
on a cursor this server never served (restored backup), expired partial uploads (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import update

from schemas.sync import ENTITY_SINCE, SCHEMA_VERSION, PullResponse, entities_for, readable_asset
from schemas.templates import Template, parse_template
from sync_server.auth.models import User
from sync_server.catalog.service import publish_template
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

LoginAs = Callable[[str], Any]


def _conflict_for(login_as: LoginAs) -> tuple[Any, str]:
    device, lead = login_as("inspecteur1"), login_as("teamleider1")
    iid, create = device.create_inspection()
    device.push([create])
    seq = lead.http.patch(f"/api/v1/review/inspections/{iid}/answers", json={"question_id": "occupants", "value": 2},
                          headers=lead.headers).json()["office_seq"]
    m = device.mutation("answer.set.v1", iid, {"person_id": None, "question_id": "occupants", "value": 3})
    m["base_version"] = seq - 1
    device.push([m])
    return device, iid


def _pull_v(device: Any, version: int, cursor: int = 0) -> dict[str, Any]:
    body = {"client_id": device.client_id, "schema_version": version, "cursor": cursor, "limit": 1000}
    r = device.http.post("/api/v1/sync/pull", json=body, headers={**device.headers, "X-Schema-Version": str(version)})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_entities_for_each_version() -> None:
    assert "conflict" not in entities_for(1) and "conflict" in entities_for(2)
    assert set(entities_for(SCHEMA_VERSION)) == set(ENTITY_SINCE)


def test_old_client_never_receives_entities_it_cannot_parse(login_as: LoginAs) -> None:
    device, iid = _conflict_for(login_as)
    new = _pull_v(device, SCHEMA_VERSION)
    assert {c["entity"] for c in new["changes"]} >= {"conflict", "correction"}
    old_device = login_as("inspecteur1")
    old_device.client_id = str(uuid.uuid4())
    old = _pull_v(old_device, 1)
    assert old["changes"], "the old client still gets templates, flags, planned controls"
    assert {c["entity"] for c in old["changes"]} <= set(entities_for(1))
    assert old["cursor"] >= max(c["seq"] for c in new["changes"] if c["entity"] in entities_for(1))


def test_old_client_keeps_the_assets_it_can_parse(login_as: LoginAs, settings: Settings,
                                                  test_template: Template) -> None:
    """Format-2 templates and catalogues (schema 3) would fail a schema-2 app's whole pull page: it never gets them,
    keeps judging with the format-1 assets, and its cursor still moves past them."""
    newer = test_template.model_dump(mode="json", by_alias=True) | {"id": "probe_format_2", "format": 2}
    newer["sections"][0]["questions"][0]["not_scoring"] = "context"
    in_transaction(settings, lambda s: publish_template(session=s, template=parse_template(newer)))
    new = _pull_v(login_as("inspecteur1"), SCHEMA_VERSION)
    assets = {c["entity_id"]: c["data"].get("format", 1) for c in new["changes"]
              if c["entity"] in ("template", "catalogue") and c["op"] == "put"}
    assert assets["probe_format_2@1"] == 2 and 1 in assets.values()
    old_device = login_as("inspecteur1")
    old_device.client_id = str(uuid.uuid4())
    old = _pull_v(old_device, 2)
    got = {c["entity_id"] for c in old["changes"] if c["entity"] in ("template", "catalogue")}
    assert got == {key for key, fmt in assets.items() if fmt == 1}
    assert old["cursor"] == new["cursor"]


def test_readable_asset_by_format() -> None:
    assert readable_asset("template", {"format": 2}, 3) and not readable_asset("template", {"format": 2}, 2)
    assert readable_asset("catalogue", {}, 1) and not readable_asset("catalogue", {"format": 9}, SCHEMA_VERSION)
    assert readable_asset("inspection_flag", {"format": 9}, 1)


def test_client_ignores_entities_it_does_not_know() -> None:
    page = PullResponse.model_validate({"changes": [
        {"seq": 1, "entity": "template", "entity_id": "t@1", "op": "delete"},
        {"seq": 2, "entity": "hologram", "entity_id": "x", "op": "put", "data": {}},
    ], "cursor": 2, "has_more": False, "last_mutation_id": 0})
    assert [c.entity for c in page.changes] == ["template"] and page.cursor == 2


def test_scope_change_resets_the_pull(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur2")
    first = device.pull().json()
    assert first["reset"] is False
    cursor, epoch = first["cursor"], first["scope_epoch"]
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "scope_epoch": epoch}
    assert device.http.post("/api/v1/sync/pull", json=body, headers=device.headers).json()["reset"] is False
    uid = uuid.UUID(device.user["id"])
    in_transaction(settings, lambda s: s.execute(update(User).where(User.id == uid).values(role="planner")))
    try:
        r = device.http.post("/api/v1/sync/pull", json=body, headers=device.headers).json()
        assert r["reset"] is True and r["scope_epoch"] == epoch + 1
        assert r["changes"] and r["changes"][0]["seq"] <= cursor  # a snapshot from the start of the new scope
        body.update(cursor=r["cursor"], scope_epoch=r["scope_epoch"])
        assert device.http.post("/api/v1/sync/pull", json=body, headers=device.headers).json()["reset"] is False
    finally:
        in_transaction(settings, lambda s: s.execute(update(User).where(User.id == uid).values(role="inspecteur")))


def test_stale_epoch_resets(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    cursor = device.pull().json()["cursor"]
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "scope_epoch": 42}
    assert device.http.post("/api/v1/sync/pull", json=body, headers=device.headers).json()["reset"] is True


def test_cursor_never_served_means_the_server_lost_history(login_as: LoginAs) -> None:
    device = login_as("inspecteur1")
    r = device.pull(cursor=10_000_000).json()  # e.g. this server was restored from a backup
    assert r["reset"] is True and r["changes"] and r["cursor"] < 10_000_000
    assert device.pull(cursor=r["cursor"]).json()["reset"] is False


def test_empty_pull_advances_to_the_current_seq(login_as: LoginAs) -> None:
    device = login_as("inspecteur2")
    cursor = device.pull().json()["cursor"]
    other = login_as("inspecteur1")
    iid, create = other.create_inspection()
    other.push([create, other.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T10:00:00Z"})])
    again = device.pull(cursor).json()
    assert again["changes"] == [] and again["cursor"] >= cursor


def test_expired_partial_upload_restarts(login_as: LoginAs, settings: Settings, http: httpx.Client) -> None:
    device = login_as("inspecteur1")
    data = os.urandom(3000)
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    url = f"/api/v1/blobs/{sha}"
    headers = {**device.headers, "Upload-Length": str(len(data))}
    r = http.patch(url, content=data[:1000], headers={**headers, "Upload-Offset": "0"})
    assert r.status_code == 204
    partial = settings.blobs / "partial" / f"{DEFAULT_ORGANISATION_ID}_{device.user['id']}_{sha}"  # the uploader's
    old = time.time() - 73 * 3600
    os.utime(partial, (old, old))
    r = http.patch(url, content=data[1000:], headers={**headers, "Upload-Offset": "1000"})
    assert r.status_code == 410 and r.json()["code"] == "upload_expired"
    assert r.headers["Upload-Offset"] == "0"
    r = http.head(url, headers=device.headers)
    assert r.status_code == 404 and r.headers["Upload-Offset"] == "0"
    assert http.patch(url, content=data, headers={**headers, "Upload-Offset": "0"}).status_code == 201


def test_startup_sweeps_expired_partials(settings: Settings) -> None:
    from sync_server.blobs.store import FileBlobStore

    store = FileBlobStore(settings.blobs / "sweep", expiry_seconds=60)
    (store.root / "partial").mkdir(parents=True)
    fresh, stale = store.root / "partial" / ("a" * 64), store.root / "partial" / ("b" * 64)
    fresh.write_bytes(b"x")
    stale.write_bytes(b"y")
    os.utime(stale, (time.time() - 120, time.time() - 120))
    assert store.expire_partials() == 1
    assert fresh.exists() and not stale.exists()
