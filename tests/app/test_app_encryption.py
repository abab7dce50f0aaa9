"""The tablet's data at rest (issue 12, finding 3): what lies on the disk after real work is encrypted (answers,
note, address, identifier values, captions, the token, the outbox, photos and thumbnails); a store from before
is migrated without losing its outbox; the key lives in the keyring when there is one, else in a 0600 file, and a
missing or wrong key is refused; acknowledged changes are deleted; a wipe leaves nothing readable."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from alembic import command
from app_fakes import FakeServer, jpeg_bytes, template
from jaraco.classes import properties
from keyring.backend import KeyringBackend
from sqlalchemy import text

from inspectie_app.services import InspectorService, build_service
from inspectie_app.store import SqliteStore
from inspectie_app.store.crypto import FILE_MAGIC, StoreKeyError
from inspectie_app.store.db import alembic_config, create_store_engine
from inspectie_app.store.keys import FileKeyStore, KeyringKeyStore, MemoryKeyStore, key_store_for
from schemas.identifiers import IdentifierKind
from schemas.records import Address

SECRETS = ["Geheimstraat", "zestien-jaar-oud", "paspoort-bij-de-baas", "0612345678", "kelderkamer-zonder-raam"]


def disk_bytes(folder: Path) -> bytes:
    """Everything under ``folder`` (database, WAL, key file, photos) as one byte string."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


async def record_secrets(svc: InspectorService) -> uuid.UUID:
    iid = await svc.start_inspection(template_id="pandenactie", address=Address(street="Geheimstraat"))
    person = await svc.add_person(iid)
    await svc.set_answer(iid, "vergunning", False)
    await svc.set_answer(iid, "vergunning_toelichting", "zestien-jaar-oud")
    await svc.set_answer(iid, "paspoort_ingenomen", "yes", person_id=person.id)
    await svc.set_note(iid, "paspoort-bij-de-baas")
    await svc.add_identifier(iid, IdentifierKind.PHONE, "0612345678")
    await svc.add_photo(iid, jpeg_bytes((300, 200)), caption="kelderkamer-zonder-raam")
    return iid


async def test_nothing_sensitive_lies_on_the_disk_in_clear(tmp_path: Path, server: FakeServer) -> None:
    svc = build_service(tmp_path / "data", "http://server.test", server.transport(), photo_purge_days=None)
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        server.offline = True  # the work waits in the outbox, as in a basement
        iid = await record_secrets(svc)
        token = svc._store.meta().token
        assert token and (await svc.inspection(iid)).note == "paspoort-bij-de-baas"  # the app reads it back
        disk = disk_bytes(tmp_path / "data")
        for secret in [*SECRETS, token]:
            assert secret.encode() not in disk, secret
        photo = (await svc.inspection(iid)).photos[0]
        raw = Path(photo.thumbnail_path).read_bytes()
        assert raw.startswith(FILE_MAGIC) and b"\xff\xd8" not in raw[:64]
        assert (await svc.thumbnail(photo) or b"")[:2] == b"\xff\xd8"
    finally:
        await svc.aclose()


async def test_acknowledged_changes_are_deleted_from_the_tablet(tmp_path: Path, server: FakeServer) -> None:
    svc = build_service(tmp_path / "data", "http://server.test", server.transport())
    try:
        await svc.login("inspecteur1", "demo-wachtwoord")
        await record_secrets(svc)
        assert (await svc.sync_now()).pending_changes == 0
        with svc._store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outbox")).scalar() == 0  # not kept as history
    finally:
        await svc.aclose()


def _legacy_store(tmp_path: Path) -> tuple[str, Path]:
    """A store as the previous app version left it: values and a photo file in clear, one change in the outbox."""
    url = f"sqlite:///{tmp_path / 'inspectie.db'}"
    engine = create_store_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "20261203_1000")
    photo = tmp_path / "photos" / "ab.jpg"
    photo.parent.mkdir()
    photo.write_bytes(jpeg_bytes())
    iid = str(uuid.uuid4())
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO sync_meta (id, client_id, token, server_url, pull_cursor, next_mutation_id, "
                          "last_acked_mutation_id) VALUES (1, :c, 'token-in-clear-123', '', 0, 2, 0)"),
                     {"c": str(uuid.uuid4())})
        conn.execute(text("INSERT INTO inspection (id, template_id, template_version, control_type, address, status, "
                          "note, started_at, person_counter) VALUES (:i, 'pandenactie', 1, 'pandenactie', "
                          "'{\"street\": \"Geheimstraat\"}', 'draft', 'paspoort-bij-de-baas', '2026-11-01', 0)"),
                     {"i": iid})
        conn.execute(text("INSERT INTO answer (inspection_id, scope_key, question_id, value, updated_at) VALUES "
                          "(:i, '', 'vergunning_toelichting', '\"zestien-jaar-oud\"', '2026-11-01')"), {"i": iid})
        conn.execute(text("INSERT INTO outbox (mutation_id, name, entity_id, base_version, args, schema_version, "
                          "created_at, attempts) VALUES (1, 'inspection.update.v1', :i, 0, "
                          "'{\"note\": \"paspoort-bij-de-baas\"}', 2, '2026-11-01', 0)"), {"i": iid})
        conn.execute(text("INSERT INTO photo (id, inspection_id, sha256, size, width, height, caption, local_path, "
                          "thumbnail_path, uploaded, created_at, purged, upload_started) VALUES (:p, :i, :s, 1, 1, 1, "
                          "'kelderkamer-zonder-raam', :f, :f, 0, '2026-11-01', 0, 0)"),
                     {"p": str(uuid.uuid4()), "i": iid, "s": "ab" * 32, "f": str(photo)})
        conn.execute(text("INSERT INTO control_identifier (id, inspection_id, kind, value, created_at) VALUES "
                          "(:d, :i, 'phone', '0612345678', '2026-11-01')"), {"d": str(uuid.uuid4()), "i": iid})
    engine.dispose()
    return url, photo


def test_a_store_from_before_is_encrypted_without_losing_its_outbox(tmp_path: Path) -> None:
    url, photo = _legacy_store(tmp_path)
    store = SqliteStore(url)  # migrates to head: seals every value in place
    try:
        [pending] = store.pending_mutations(10)
        assert (pending.id, pending.name, pending.args) == (1, "inspection.update.v1", {"note": "paspoort-bij-de-baas"})
        [record] = store.list_inspections()
        assert record.note == "paspoort-bij-de-baas" and record.address.street == "Geheimstraat"
        assert record.answers == {"vergunning_toelichting": "zestien-jaar-oud"}
        assert store.meta().token == "token-in-clear-123" and record.photos[0].caption == "kelderkamer-zonder-raam"
        assert photo.read_bytes().startswith(FILE_MAGIC) and store.open_file(str(photo)) == jpeg_bytes()
    finally:
        store.close()
    disk = disk_bytes(tmp_path)
    for secret in [*SECRETS, "token-in-clear-123"]:
        assert secret.encode() not in disk, secret  # VACUUM: no free page keeps the old value


def test_the_key_file_is_private_and_a_missing_or_wrong_key_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inspectie.db'}"
    keys = FileKeyStore(tmp_path / "inspectie.db.key")
    store = SqliteStore(url, key_store=keys)
    store.save_login(_user(), token="geheim-token", device_id="d")
    store.close()
    assert stat.S_IMODE(os.stat(keys.path).st_mode) == 0o600
    keys.save(os.urandom(32))  # another key
    with pytest.raises(StoreKeyError):
        SqliteStore(url, key_store=keys)
    keys.delete()  # no key at all: the data cannot be read, and the app says so instead of starting empty
    with pytest.raises(StoreKeyError):
        SqliteStore(url, key_store=keys)


class MemoryKeyring(KeyringBackend):
    """A keyring backend such as a desktop's Secret Service, Keychain or Credential Locker (in memory). Backends
    register themselves; one whose priority cannot be read is never picked by keyring on its own (for later tests)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("only set explicitly, by the system_keyring fixture")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def system_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    monkeypatch.delenv("INSPECTIE_APP_KEY_STORE", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_key_goes_to_the_system_keyring_where_there_is_one(tmp_path: Path, system_keyring: MemoryKeyring) -> None:
    db = tmp_path / "inspectie.db"
    assert isinstance(key_store_for(db), KeyringKeyStore)
    store = SqliteStore(f"sqlite:///{db}")
    store.close()
    assert len(system_keyring.items) == 1 and not (tmp_path / "inspectie.db.key").exists()
    SqliteStore(f"sqlite:///{db}").close()  # opens again with the key from the keyring


def test_without_a_keyring_the_key_file_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTIE_APP_KEY_STORE", "auto")
    previous = keyring.get_keyring()
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    try:
        assert isinstance(key_store_for(tmp_path / "inspectie.db"), FileKeyStore)
    finally:
        keyring.set_keyring(previous)
    assert isinstance(key_store_for(None), MemoryKeyStore)


def test_a_wipe_deletes_the_database_and_its_key(tmp_path: Path) -> None:
    db = tmp_path / "inspectie.db"
    keys = FileKeyStore(tmp_path / "inspectie.db.key")
    store = SqliteStore(f"sqlite:///{db}", key_store=keys)
    try:
        iid = uuid.uuid4()
        store.create_inspection(inspection_id=iid, template=template(), address=Address(street="Geheimstraat"),
                                planned_control_id=None, started_at=datetime.now(UTC))
        old_key, old_client = keys.load(), store.meta().client_id
        store.wipe()
        assert store.list_inspections() == [] and store.outbox_count() == 0
        assert keys.load() != old_key and store.meta().client_id != old_client  # a new store, a new key
        assert b"Geheimstraat" not in disk_bytes(tmp_path)
    finally:
        store.close()


def _user() -> object:
    from inspectie_app.contract import LocalUser

    return LocalUser(uuid.uuid4(), "inspecteur1", "Inspecteur", "inspecteur", "http://server.test")
