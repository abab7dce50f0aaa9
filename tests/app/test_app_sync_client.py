"""The sync client against an in-process fake server: acks, faults, paging and resumable uploads."""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from app_fakes import FakeServer, planned_control, template
from PIL import Image

from inspectie_app.contract import LocalUser, LoginError
from inspectie_app.photos import process_photo, store_photo
from inspectie_app.store import NewPhoto, SqliteStore
from inspectie_app.sync_client import SyncClient, SyncError
from schemas.records import Address
from schemas.sync import SCHEMA_VERSION


@pytest.fixture
async def client(store: SqliteStore, server: FakeServer) -> AsyncIterator[SyncClient]:
    c = SyncClient(store, "http://server.test", server.transport(), chunk_size=1000)
    reply = await c.login("inspecteur1", "demo-wachtwoord")
    user = LocalUser(reply.user.id, reply.user.username, reply.user.display_name, reply.user.role, c.server_url)
    store.save_login(user, token=reply.token, device_id=str(reply.device_id))
    yield c
    await c.aclose()


def new_inspection(store: SqliteStore, notes: int = 0) -> uuid.UUID:
    inspection_id = uuid.uuid4()
    store.create_inspection(inspection_id=inspection_id, template=template(), address=Address(street="Teststraat"),
                            planned_control_id=None, started_at=datetime.now(UTC))
    for i in range(notes):
        store.set_note(inspection_id, f"notitie {i}")
    return inspection_id


def noisy_jpeg(size: tuple[int, int] = (120, 80)) -> bytes:
    """Noise compresses badly, so the JPEG spans several 1000-byte test chunks."""
    buf = io.BytesIO()
    Image.effect_noise(size, 100).convert("RGB").save(buf, "JPEG")
    return buf.getvalue()


def add_photo(store: SqliteStore, tmp_path: Path, inspection_id: uuid.UUID) -> str:
    photo = process_photo(noisy_jpeg())
    assert len(photo.jpeg) > 3000
    stored = store_photo(tmp_path / "photos", photo)
    store.add_photo(inspection_id, NewPhoto(uuid.uuid4(), photo.sha256, len(photo.jpeg), photo.width, photo.height,
                                            "", str(stored.path), str(stored.thumbnail_path)))
    return photo.sha256


def photo_file(tmp_path: Path, sha: str) -> Path:
    return tmp_path / "photos" / sha[:2] / f"{sha}.jpg"


async def test_push_sends_outbox_in_order_and_drops_it_after_ack(store: SqliteStore, client: SyncClient,
                                                                  server: FakeServer) -> None:
    new_inspection(store, notes=2)
    assert await client.push() == 3
    assert [m.id for m in server.applied] == [1, 2, 3]
    assert store.outbox_count() == 0 and store.meta().last_acked_mutation_id == 3


async def test_every_request_carries_token_and_schema_version(store: SqliteStore, client: SyncClient,
                                                              server: FakeServer, tmp_path: Path) -> None:
    add_photo(store, tmp_path, new_inspection(store))
    assert await client.sync() is None
    for request in server.requests:
        assert request.headers["X-Schema-Version"] == str(SCHEMA_VERSION)
        if request.url.path != "/api/v1/auth/login":
            assert request.headers["Authorization"].startswith("Bearer token-")


@pytest.mark.parametrize(("status", "code"), [(500, "sync_server_error"), (503, "sync_server_error"),
                                              (401, "sync_unauthorized"), (426, "sync_update_app"),
                                              (400, "sync_server_error")])
async def test_push_failure_keeps_the_outbox(store: SqliteStore, client: SyncClient, server: FakeServer,
                                             status: int, code: str) -> None:
    new_inspection(store, notes=1)
    server.fail_status = [status]
    with pytest.raises(SyncError) as err:
        await client.push()
    assert err.value.code == code
    assert store.outbox_count() == 2
    assert server.applied == []


async def test_offline_push_keeps_the_outbox_and_records_status(store: SqliteStore, client: SyncClient,
                                                                server: FakeServer) -> None:
    new_inspection(store)
    server.offline = True
    assert await client.sync() == "sync_offline"
    assert store.outbox_count() == 1 and store.meta().last_error == "sync_offline"
    server.offline = False
    assert await client.sync() is None
    meta = store.meta()
    assert store.outbox_count() == 0 and meta.last_error is None and meta.last_success_at is not None


async def test_lost_push_response_is_replayed_without_doubling(store: SqliteStore, client: SyncClient,
                                                              server: FakeServer) -> None:
    new_inspection(store, notes=1)
    server.drop_replies = True  # the server applies the push, but the reply never arrives
    with pytest.raises(SyncError):
        await client.push()
    assert store.outbox_count() == 2 and len(server.applied) == 2
    server.drop_replies = False
    await client.push()
    assert [m.id for m in server.applied] == [1, 2] and store.outbox_count() == 0


async def test_lower_ack_keeps_the_rest(store: SqliteStore, client: SyncClient, server: FakeServer) -> None:
    new_inspection(store, notes=3)
    server.ack_cap = 2
    assert await client.push() == 2
    assert [m.id for m in store.pending_mutations(10)] == [3, 4]
    server.ack_cap = None
    await client.push()
    assert store.outbox_count() == 0


async def test_push_batches_at_most_500(store: SqliteStore, client: SyncClient, server: FakeServer) -> None:
    new_inspection(store, notes=520)
    assert await client.push() == 521
    assert [len(b["mutations"]) for b in server.push_bodies] == [500, 21]


async def test_rejections_are_stored_and_still_acknowledged(store: SqliteStore, client: SyncClient,
                                                            server: FakeServer) -> None:
    new_inspection(store, notes=1)
    server.reject_names = {"inspection.update.v1"}
    await client.sync()
    assert store.outbox_count() == 0
    assert [(r.mutation_id, r.message) for r in store.rejections()] == [(2, "inspection.update.v1 geweigerd")]


async def test_pull_pages_until_done(store: SqliteStore, client: SyncClient, server: FakeServer,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inspectie_app.sync_client.PULL_PAGE_SIZE", 2)
    controls = [planned_control() for _ in range(3)]
    for pc in controls:
        server.add_change("planned_control", pc["id"], pc)
    server.add_change("planned_control", controls[0]["id"], None, op="delete")
    assert await client.pull() == 6
    assert len(server.requests_to("POST", "/sync/pull")) == 3
    assert {str(p.id) for p, _ in store.planned_controls()} == {controls[1]["id"], controls[2]["id"]}
    assert store.meta().pull_cursor == 6
    assert store.template("pandenactie") is not None and store.catalogue() is not None


async def test_pull_of_unreadable_data_asks_for_an_update(store: SqliteStore, client: SyncClient,
                                                          server: FakeServer) -> None:
    server.add_change("template", "nieuw@1", {"id": "nieuw", "version": 1, "future_field": True})
    with pytest.raises(SyncError) as err:
        await client.pull()
    assert err.value.code == "sync_update_app"
    assert store.meta().pull_cursor == 0  # the failed page was not applied


async def test_nonsense_reply_is_a_server_error(store: SqliteStore, client: SyncClient, server: FakeServer) -> None:
    server.garbage_replies = True
    new_inspection(store)
    with pytest.raises(SyncError) as err:
        await client.push()
    assert err.value.code == "sync_server_error" and store.outbox_count() == 1


async def test_no_token_means_unauthorized_without_a_request(tmp_path: Path, server: FakeServer) -> None:
    store = SqliteStore("sqlite://")
    client = SyncClient(store, "http://server.test", server.transport())
    assert await client.sync() == "sync_unauthorized"
    assert server.requests == []
    await client.aclose()
    store.close()


@pytest.mark.parametrize(("status", "code"), [(401, "login_failed"), (429, "login_rate_limited"),
                                              (500, "login_offline"), (426, "sync_update_app")])
async def test_login_errors(store: SqliteStore, server: FakeServer, status: int, code: str) -> None:
    server.login_status = status
    client = SyncClient(store, "http://server.test", server.transport())
    with pytest.raises(LoginError) as err:
        await client.login("inspecteur1", "demo-wachtwoord")
    assert err.value.code == code
    await client.aclose()


# ---- photo uploads ---------------------------------------------------------------------------


async def test_upload_in_chunks_and_mark_uploaded(store: SqliteStore, client: SyncClient, server: FakeServer,
                                                  tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    assert await client.upload_photos() == 1
    assert hashlib.sha256(server.complete[sha]).hexdigest() == sha
    patches = server.requests_to("PATCH")
    assert len(patches) > 1 and all(len(p.content) <= 1000 for p in patches)
    assert server.requests_to("HEAD") == []  # never tried before: starts at offset 0 without asking
    assert patches[0].headers["Upload-Length"] == str(len(server.complete[sha]))
    assert store.pending_photo_count() == 0


async def test_upload_resumes_from_the_server_offset(store: SqliteStore, client: SyncClient, server: FakeServer,
                                                     tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    data = photo_file(tmp_path, sha).read_bytes()
    store.mark_upload_started([sha])
    server.blobs[sha] = bytearray(data[:1500])  # an earlier attempt got this far
    await client.upload_photos()
    assert len(server.requests_to("HEAD")) == 1
    assert server.requests_to("PATCH")[0].headers["Upload-Offset"] == "1500"
    assert server.complete[sha] == data


async def test_never_tried_photo_with_a_partial_on_the_server_resumes_from_the_409(
        store: SqliteStore, client: SyncClient, server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    data = photo_file(tmp_path, sha).read_bytes()
    server.blobs[sha] = bytearray(data[:1500])  # e.g. sent before the app's data was restored
    await client.upload_photos()
    assert [p.headers["Upload-Offset"] for p in server.requests_to("PATCH")][:2] == ["0", "1500"]
    assert server.requests_to("HEAD") == [] and server.complete[sha] == data


async def test_conflict_resumes_from_the_offset_in_the_reply(store: SqliteStore, client: SyncClient,
                                                             server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    server.patch_conflicts = 2
    await client.upload_photos()
    assert sha in server.complete and store.pending_photo_count() == 0
    assert server.requests_to("HEAD") == []


async def test_conflict_without_an_offset_re_heads_and_resumes(store: SqliteStore, client: SyncClient,
                                                               server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    server.patch_conflicts, server.conflict_names_offset = 2, False
    await client.upload_photos()
    assert sha in server.complete
    assert len(server.requests_to("HEAD")) == 2  # one per 409


async def test_endless_conflicts_give_up_for_this_round(store: SqliteStore, client: SyncClient, server: FakeServer,
                                                        tmp_path: Path) -> None:
    add_photo(store, tmp_path, new_inspection(store))
    server.patch_conflicts = 100
    with pytest.raises(SyncError) as err:
        await client.upload_photos()
    assert err.value.code == "sync_server_error" and store.pending_photo_count() == 1


async def test_hash_mismatch_restarts_once(store: SqliteStore, client: SyncClient, server: FakeServer,
                                           tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    server.hash_mismatches = 1
    await client.upload_photos()
    assert sha in server.complete
    offsets = [p.headers["Upload-Offset"] for p in server.requests_to("PATCH")]
    assert offsets.count("0") == 2


async def test_second_hash_mismatch_is_an_error_and_keeps_the_photo_pending(
        store: SqliteStore, client: SyncClient, server: FakeServer, tmp_path: Path) -> None:
    add_photo(store, tmp_path, new_inspection(store))
    server.hash_mismatches = 2
    with pytest.raises(SyncError):
        await client.upload_photos()
    assert store.pending_photo_count() == 1


async def test_blob_already_on_server_is_not_uploaded_again(store: SqliteStore, client: SyncClient,
                                                            server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    store.mark_upload_started([sha])  # tried before (or the server was restored): HEAD first
    server.complete[sha] = b"already there"
    await client.upload_photos()
    assert server.requests_to("PATCH") == [] and store.pending_photo_count() == 0


async def test_never_tried_blob_already_on_server_takes_one_patch(store: SqliteStore, client: SyncClient,
                                                                  server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    server.complete[sha] = b"already there"  # the same content from another device
    await client.upload_photos()
    assert len(server.requests_to("PATCH")) == 1 and store.pending_photo_count() == 0
    assert server.complete[sha] == b"already there"


async def test_confirmations_are_stored_together_and_kept_when_the_round_fails(
        store: SqliteStore, client: SyncClient, server: FakeServer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inspectie_app.sync_client.PARALLEL_UPLOADS", 1)
    iid = new_inspection(store)
    first, second = add_photo(store, tmp_path, iid), add_photo(store, tmp_path, iid)
    writes: list[list[str]] = []
    real = store.mark_photos_uploaded
    monkeypatch.setattr(store, "mark_photos_uploaded", lambda shas: (writes.append(list(shas)), real(shas))[1])
    chunks = -(-len(photo_file(tmp_path, first).read_bytes()) // 1000)
    server.cut_after = len(server.requests) + chunks  # the first photo completes, then the line drops
    with pytest.raises(SyncError) as err:
        await client.upload_photos()
    assert err.value.code == "sync_offline"
    assert writes == [[first]] and first in server.complete and second not in server.complete
    assert [p.sha256 for p in store.photos_to_upload()] == [second]
    server.cut_after = None
    assert await client.upload_photos() == 1
    assert writes == [[first], [second]] and store.pending_photo_count() == 0


async def test_many_confirmations_take_few_transactions(store: SqliteStore, client: SyncClient,
                                                        server: FakeServer, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("inspectie_app.sync_client.CONFIRM_BATCH", 2)
    iid = new_inspection(store)
    shas = {add_photo(store, tmp_path, iid) for _ in range(5)}
    writes: list[list[str]] = []
    real = store.mark_photos_uploaded
    monkeypatch.setattr(store, "mark_photos_uploaded", lambda s: (writes.append(list(s)), real(s))[1])
    assert await client.upload_photos() == 5
    assert sorted(len(w) for w in writes) == [1, 2, 2] and {s for w in writes for s in w} == shas
    assert store.pending_photo_count() == 0 and set(server.complete) == shas


async def test_upload_cut_offline_keeps_the_photo_pending(store: SqliteStore, client: SyncClient,
                                                          server: FakeServer, tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    server.cut_after = len(server.requests) + 3  # HEAD and two chunks get through
    with pytest.raises(SyncError) as err:
        await client.upload_photos()
    assert err.value.code == "sync_offline" and store.pending_photo_count() == 1
    server.cut_after = None
    await client.upload_photos()
    assert server.requests_to("PATCH")[-1].headers["Upload-Offset"] != "0"
    assert sha in server.complete and store.pending_photo_count() == 0


async def test_damaged_local_file_is_not_uploaded(store: SqliteStore, client: SyncClient, server: FakeServer,
                                                  tmp_path: Path) -> None:
    sha = add_photo(store, tmp_path, new_inspection(store))
    photo_file(tmp_path, sha).write_bytes(b"broken")
    with pytest.raises(SyncError):
        await client.upload_photos()
    assert server.requests_to("PATCH") == [] and store.pending_photo_count() == 1
