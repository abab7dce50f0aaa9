"""Schema-2 behaviour of the tablet: HEIC photos and IPTC stripped, outbox surviving a store upgrade,
base_version from the pull cursor, history re-sent to a restored server, photo purge after confirmation,
pull reset, corrections and conflicts applied locally, unknown entities skipped."""

from __future__ import annotations

import io
import struct
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from app_fakes import FakeServer, jpeg_bytes, template
from PIL import Image
from sqlalchemy import text

from inspectie_app.contract import PhotoError
from inspectie_app.photos import process_photo
from inspectie_app.services import InspectorService
from inspectie_app.store import NewPhoto, SqliteStore
from inspectie_app.store.db import alembic_config, create_store_engine
from inspectie_app.sync_client import SyncClient
from schemas.records import Address
from schemas.sync import Change

SECRET = b"fictief-iptc-geheim"


def _new(store: SqliteStore) -> uuid.UUID:
    iid = uuid.uuid4()
    store.create_inspection(inspection_id=iid, template=template(), address=Address(street="Teststraat"),
                            planned_control_id=None, started_at=datetime.now(UTC))
    return iid


def test_heic_is_accepted_and_stripped() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = Image.new("RGB", (300, 200), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "FictiefMerk"  # Make
    buf = io.BytesIO()
    image.save(buf, "HEIF", exif=exif.tobytes())
    photo = process_photo(buf.getvalue())
    out = Image.open(io.BytesIO(photo.jpeg))
    assert out.format == "JPEG" and out.size == (300, 200)
    assert b"FictiefMerk" not in photo.jpeg and len(out.getexif()) == 0


def test_iptc_block_is_stripped() -> None:
    data = jpeg_bytes((120, 80))
    iptc = b"Photoshop 3.0\x00" + b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(SECRET)) + SECRET
    segment = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    with_iptc = data[:2] + segment + data[2:]  # APP13 right after SOI
    assert SECRET in with_iptc and Image.open(io.BytesIO(with_iptc)).size == (120, 80)
    photo = process_photo(with_iptc)
    assert SECRET not in photo.jpeg and b"8BIM" not in photo.jpeg and b"\xff\xed" not in photo.jpeg[:200]


async def test_truncated_photo_loses_nothing_else(logged_in: InspectorService, server: FakeServer) -> None:
    iid = await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Teststraat"))
    await logged_in.set_answer(iid, "bewoners", 4)
    await logged_in.add_photo(iid, jpeg_bytes((200, 100)), caption="goed")
    broken = jpeg_bytes((800, 600))[:900]
    with pytest.raises(PhotoError) as err:
        await logged_in.add_photo(iid, broken)
    assert err.value.code in ("photo_truncated", "photo_not_image")
    state = await logged_in.inspection(iid)
    assert state.answers == {"bewoners": 4} and [p.caption for p in state.photos] == ["goed"]


def test_outbox_survives_an_upgrade_migration(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    config = alembic_config()
    with engine.begin() as conn:  # the store as the previous app version left it
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO outbox (mutation_id, name, entity_id, base_version, args, schema_version, "
                          "created_at, attempts) VALUES (1, 'answer.set.v1', :e, NULL, '{\"question_id\": \"x\"}', "
                          "1, '2026-11-01 10:00:00', 0)"), {"e": str(uuid.uuid4())})
    engine.dispose()
    store = SqliteStore(url)  # migrates to head
    try:
        pending = store.pending_mutations(10)
        assert [(m.id, m.name, m.args) for m in pending] == [(1, "answer.set.v1", {"question_id": "x"})]
        assert store.outbox_count() == 1
    finally:
        store.close()


def test_base_version_is_the_pull_cursor(store: SqliteStore) -> None:
    store.apply_pull([], 41, 0)
    iid = _new(store)
    store.set_note(iid, "x")
    assert [m.base_version for m in store.pending_mutations(10)] == [41, 41]


def test_history_is_requeued_when_the_server_is_behind() -> None:
    store = SqliteStore("sqlite://", history_days=30)  # history is kept only when configured (default: purged)
    iid = _new(store)
    for n in range(4):
        store.set_note(iid, f"n{n}")
    assert store.ack(5, []) == 5 and store.outbox_count() == 0
    store.ack(2, [])  # a restored server knows only up to 2
    assert [m.id for m in store.pending_mutations(10)] == [3, 4, 5]
    assert store.meta().last_acked_mutation_id == 2
    store.close()


def test_old_history_is_pruned(tmp_path: Path) -> None:
    store = SqliteStore(f"sqlite:///{tmp_path / 's.db'}", history_days=1)
    try:
        iid = _new(store)
        store.ack(1, [])
        with store.engine.begin() as conn:
            conn.execute(text("UPDATE outbox SET acked_at = '2020-01-01 00:00:00'"))
        store.record_sync(error=None)
        with store.engine.begin() as conn:
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0
        assert iid
    finally:
        store.close()


def _photo(store: SqliteStore, tmp_path: Path, iid: uuid.UUID, name: str) -> NewPhoto:
    path = tmp_path / f"{name}.jpg"
    path.write_bytes(name.encode())
    photo = NewPhoto(uuid.uuid4(), name.ljust(64, "0"), 10, 1, 1, "", str(path), str(tmp_path / f"{name}.t.jpg"))
    store.add_photo(iid, photo)
    return photo


def test_purge_only_after_confirmation_and_delay(store: SqliteStore, tmp_path: Path) -> None:
    iid = _new(store)
    a, b = _photo(store, tmp_path, iid, "a"), _photo(store, tmp_path, iid, "b")
    store.mark_photo_uploaded(a.sha256)
    assert store.purge_photos(datetime.now(UTC) - timedelta(days=7)) == []  # confirmed just now: kept
    assert store.purge_photos(datetime.now(UTC) + timedelta(seconds=1)) == [a.local_path]
    assert b.local_path not in store.purge_photos(datetime.now(UTC) + timedelta(days=1))
    store.ack(0, [])


async def test_client_purges_confirmed_photos(store: SqliteStore, server: FakeServer, tmp_path: Path) -> None:
    client = SyncClient(store, "http://server.test", server.transport(), photo_purge_delay=timedelta(0))
    store.save_login(_user(), token=_token(server), device_id=str(uuid.uuid4()))
    iid = _new(store)
    data = jpeg_bytes((50, 50))
    import hashlib

    path = tmp_path / "p.jpg"
    path.write_bytes(data)
    store.add_photo(iid, NewPhoto(uuid.uuid4(), hashlib.sha256(data).hexdigest(), len(data), 50, 50, "",
                                  str(path), str(tmp_path / "p.t.jpg")))
    assert await client.sync() is None
    assert not path.exists() and store.pending_photo_count() == 0
    await client.aclose()


def _user() -> object:
    from inspectie_app.contract import LocalUser

    return LocalUser(uuid.uuid4(), "inspecteur1", "Inspecteur", "inspecteur", "http://server.test")


def _token(server: FakeServer) -> str:
    token = f"token-{uuid.uuid4()}"
    server.tokens[token] = "x"
    return token


def test_reset_drops_server_data_but_keeps_the_tablets_work(store: SqliteStore) -> None:
    store.apply_pull([Change(seq=1, entity="template", entity_id="pandenactie@1", op="put",
                             data=template().model_dump(mode="json"))], 1, 0)
    iid = _new(store)
    store.apply_pull([], 5, 0, reset=True, scope_epoch=3)
    assert store.templates() == [] and store.meta().scope_epoch == 3
    assert store.inspection(iid) is not None and store.outbox_count() == 1


def test_correction_and_conflict_are_applied_locally(store: SqliteStore) -> None:
    store.apply_pull([Change(seq=1, entity="template", entity_id="pandenactie@1", op="put",
                             data=template().model_dump(mode="json"))], 1, 0)
    iid = _new(store)
    store.set_answer(iid, "bewoners", 3, None)
    store.apply_pull([Change(seq=2, entity="correction", entity_id=str(iid), op="put", data={
        "inspection_id": str(iid), "field": "note", "value": "Van de teamleider"})], 2, 0)
    conflict_id = uuid.uuid4()
    store.apply_pull([Change(seq=3, entity="conflict", entity_id=str(conflict_id), op="put", data={
        "id": str(conflict_id), "inspection_id": str(iid), "field": "answer", "person_id": None,
        "question_id": "bewoners", "device_value": 3, "office_value": 8, "winner": "office", "winner_value": 8,
        "base_version": 1, "office_seq": 2, "status": "open", "created_at": "2026-11-28T10:00:00Z"})], 3, 0)
    record = store.inspection(iid)
    assert record is not None and record.note == "Van de teamleider" and record.answers == {"bewoners": 8}
    [c] = store.conflicts(iid)
    assert (c.question_id, c.device_value, c.winner_value, c.status) == ("bewoners", 3, 8, "open")
    store.apply_pull([Change(seq=4, entity="correction", entity_id=str(uuid.uuid4()), op="put", data={
        "inspection_id": str(uuid.uuid4()), "field": "note", "value": "elders"})], 4, 0)  # not on this tablet


async def test_status_lists_open_conflicts(logged_in: InspectorService, server: FakeServer) -> None:
    iid = await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Teststraat"))
    cid = str(uuid.uuid4())
    server.add_change("conflict", cid, {
        "id": cid, "inspection_id": str(iid), "field": "answer", "person_id": None, "question_id": "bewoners",
        "device_value": 3, "office_value": 8, "winner": "office", "winner_value": 8, "base_version": 1,
        "office_seq": 2, "status": "open", "created_at": "2026-11-28T10:00:00Z"})
    server.changes.append(Change.model_construct(seq=len(server.changes) + 1, entity="hologram",  # type: ignore[arg-type]
                                                 entity_id="x", op="put", data={}))
    status = await logged_in.sync_now()
    assert status.last_error is None, "an unknown entity from a newer server is skipped"
    assert [(c.question_id, c.device_value, c.kept_value) for c in status.conflicts] == [("bewoners", 3, 8)]


def test_person_conflict_is_stored_next_to_an_old_record_and_changes_nothing(store: SqliteStore) -> None:
    """A ``person`` conflict (this tablet deleted a person the team lead had corrected) is kept with the dropped
    corrections; the remaining person's answers and the premises answers stay as they are. Records of the
    earlier kinds (without the new kind's values) still parse."""
    store.apply_pull([Change(seq=1, entity="template", entity_id="pandenactie@1", op="put",
                             data=template().model_dump(mode="json"))], 1, 0)
    iid = _new(store)
    gone, kept = store.add_person(iid), store.add_person(iid)
    store.set_answer(iid, "leeftijd", 30, gone.id)
    store.set_answer(iid, "leeftijd", 40, kept.id)
    store.set_answer(iid, "bewoners", 3, None)
    store.remove_person(iid, gone.id)
    old_id, new_id = uuid.uuid4(), uuid.uuid4()
    dropped = {"label": gone.label, "answers": {"leeftijd": {"value": 16, "office_seq": 2}}}
    store.apply_pull([
        Change(seq=2, entity="conflict", entity_id=str(old_id), op="put", data={
            "id": str(old_id), "inspection_id": str(iid), "field": "answer", "question_id": "bewoners",
            "device_value": 3, "winner": "office", "winner_value": 3, "status": "open"}),
        Change(seq=3, entity="conflict", entity_id=str(new_id), op="put", data={
            "id": str(new_id), "inspection_id": str(iid), "field": "person", "person_id": gone.id,
            "question_id": None, "device_value": None, "office_value": dropped, "winner": "device",
            "winner_value": None, "base_version": 1, "office_seq": 2, "status": "open",
            "created_at": "2026-11-28T10:00:00Z"}),
    ], 3, 0)
    record = store.inspection(iid)
    assert record is not None and [p.id for p in record.persons] == [kept.id]
    assert record.answers == {"bewoners": 3} and record.persons[0].answers == {"leeftijd": 40}
    by_id = {c.id: c for c in store.conflicts(iid)}
    assert (by_id[old_id].field, by_id[old_id].office_value) == ("answer", None)
    person = by_id[new_id]
    assert (person.field, person.person_id, person.office_value, person.status) == ("person", gone.id, dropped, "open")


async def test_status_lists_a_person_conflict(logged_in: InspectorService, server: FakeServer) -> None:
    iid = await logged_in.start_inspection(template_id="pandenactie", address=Address(street="Teststraat"))
    cid = str(uuid.uuid4())
    dropped = {"label": "Persoon 1", "answers": {"leeftijd": {"value": 16, "office_seq": 2}}}
    server.add_change("conflict", cid, {
        "id": cid, "inspection_id": str(iid), "field": "person", "person_id": "weg", "question_id": None,
        "device_value": None, "office_value": dropped, "winner": "device", "winner_value": None, "base_version": 1,
        "office_seq": 2, "status": "open", "created_at": "2026-11-28T10:00:00Z"})
    status = await logged_in.sync_now()
    assert status.last_error is None
    assert [(c.field, c.person_id, c.office_value) for c in status.conflicts] == [("person", "weg", dropped)]
