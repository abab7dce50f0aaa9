"""The tablet's own retention: a finished control the server holds in full leaves the tablet after
``control_keep_days``; drafts, unsynced work, photos not yet uploaded and open conflicts always stay."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app_fakes import FakeServer, jpeg_bytes, template

from inspectie_app.contract import LocalUser
from inspectie_app.store import NewPhoto, SqliteStore
from inspectie_app.sync_client import SyncClient
from schemas.records import Address
from schemas.sync import Change

KEEP = timedelta(days=14)


def _control(store: SqliteStore, *, finished_days_ago: float | None) -> uuid.UUID:
    iid = uuid.uuid4()
    store.create_inspection(inspection_id=iid, template=template(), address=Address(street="Teststraat"),
                            planned_control_id=None, started_at=datetime.now(UTC) - timedelta(days=40))
    store.set_answer(iid, "bewoners", 3, None)
    if finished_days_ago is not None:
        _finish(store, iid, finished_days_ago)
    return iid


def _finish(store: SqliteStore, iid: uuid.UUID, days_ago: float) -> None:
    store.finish(iid, datetime.now(UTC) - timedelta(days=days_ago))


def _photo(store: SqliteStore, tmp_path: Path, iid: uuid.UUID, name: str, *, uploaded: bool) -> NewPhoto:
    data = name.encode()
    path, thumb = tmp_path / f"{name}.jpg", tmp_path / f"{name}.t.jpg"
    path.write_bytes(data)
    thumb.write_bytes(data)
    photo = NewPhoto(uuid.uuid4(), hashlib.sha256(data).hexdigest(), len(data), 1, 1, "", str(path), str(thumb))
    store.add_photo(iid, photo)
    if uploaded:
        store.mark_photo_uploaded(photo.sha256)
    return photo


def _ack_all(store: SqliteStore) -> None:
    pending = store.pending_mutations(10_000)
    store.ack(pending[-1].id if pending else 0, [])


def _ids(store: SqliteStore) -> set[uuid.UUID]:
    return {r.id for r in store.list_inspections()}


def test_only_old_finished_fully_synced_controls_leave(store: SqliteStore, tmp_path: Path) -> None:
    old = _control(store, finished_days_ago=None)
    old_photo = _photo(store, tmp_path, old, "oud", uploaded=True)
    _finish(store, old, 20)
    recent = _control(store, finished_days_ago=3)
    draft = _control(store, finished_days_ago=None)
    _ack_all(store)
    unsynced = _control(store, finished_days_ago=30)  # its changes are still in the outbox

    files = store.purge_finished(datetime.now(UTC) - KEEP)

    assert sorted(files) == sorted([old_photo.local_path, old_photo.thumbnail_path])
    assert _ids(store) == {recent, draft, unsynced}
    assert store.inspection(old) is None


def test_a_photo_not_yet_uploaded_keeps_its_control(store: SqliteStore, tmp_path: Path) -> None:
    iid = _control(store, finished_days_ago=None)
    _photo(store, tmp_path, iid, "wacht", uploaded=False)
    _finish(store, iid, 20)
    _ack_all(store)
    assert store.purge_finished(datetime.now(UTC) - KEEP) == []
    assert iid in _ids(store)


def test_a_file_shared_with_a_kept_control_stays(store: SqliteStore, tmp_path: Path) -> None:
    old, recent = _control(store, finished_days_ago=None), _control(store, finished_days_ago=None)
    shared = _photo(store, tmp_path, old, "gedeeld", uploaded=True)
    store.add_photo(recent, NewPhoto(uuid.uuid4(), shared.sha256, shared.size, 1, 1, "", shared.local_path,
                                     shared.thumbnail_path))
    store.mark_photo_uploaded(shared.sha256)
    _finish(store, old, 20)
    _finish(store, recent, 1)
    _ack_all(store)
    assert store.purge_finished(datetime.now(UTC) - KEEP) == []
    assert _ids(store) == {recent}


def test_an_open_conflict_keeps_its_control(store: SqliteStore) -> None:
    iid = _control(store, finished_days_ago=20)
    _ack_all(store)
    conflict = {"id": str(uuid.uuid4()), "inspection_id": str(iid), "status": "open", "field": "answer",
                "person_id": None, "question_id": "bewoners", "winner_value": 4, "loser_value": 3}
    store.apply_pull([Change(seq=1, entity="conflict", entity_id=conflict["id"], op="put", data=conflict)],
                     cursor=1, last_mutation_id=store.meta().last_acked_mutation_id)
    store.purge_finished(datetime.now(UTC) - KEEP)
    assert iid in _ids(store)


async def test_a_sync_round_applies_the_tablets_retention(store: SqliteStore, server: FakeServer,
                                                          tmp_path: Path) -> None:
    client = SyncClient(store, "http://server.test", server.transport(), control_keep=KEEP)
    token = f"token-{uuid.uuid4()}"
    server.tokens[token] = "x"
    store.save_login(LocalUser(uuid.uuid4(), "inspecteur1", "Inspecteur", "inspecteur", "http://server.test"),
                     token=token, device_id=str(uuid.uuid4()))
    old, recent = _control(store, finished_days_ago=None), _control(store, finished_days_ago=2)
    data = jpeg_bytes((40, 30))
    path = tmp_path / "p.jpg"
    path.write_bytes(data)
    store.add_photo(old, NewPhoto(uuid.uuid4(), hashlib.sha256(data).hexdigest(), len(data), 40, 30, "",
                                  str(path), str(tmp_path / "p.t.jpg")))
    _finish(store, old, 20)
    try:
        assert await client.sync() is None
        assert _ids(store) == {recent} and not path.exists()
    finally:
        await client.aclose()
