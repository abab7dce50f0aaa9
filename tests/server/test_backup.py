"""``backup``/``restore`` on their own (the tablets' side: tests/faults/test_faults_backup.py): the manifest, the
refusal of a used folder or a server with data, ``--force``, a damaged database file, PostgreSQL's pg_dump path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from sync_server.auth.models import User
from sync_server.backup.service import BackupError, backup, restore, schema_revision
from sync_server.blobs.store import FileBlobStore
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID


def _users(settings: Settings) -> int:
    return in_transaction(settings, lambda s: int(s.scalar(select(func.count()).select_from(User)) or 0))


def _sqlite(root: Path) -> Settings:
    return Settings(data_dir=root, database_url=f"sqlite:///{(root / 'server.db').as_posix()}")


def test_backup_and_restore(settings: Settings, tmp_path: Path) -> None:
    """From the module's server (SQLite and PostgreSQL) into an empty one of the same kind."""
    data = b"photo bytes " * 100
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    FileBlobStore(settings.blobs).append(DEFAULT_ORGANISATION_ID, sha, offset=0, length=len(data), chunk=data)
    backup(settings, tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["schema_revision"] == schema_revision(settings) and sha in {p["sha256"] for p in manifest["photos"]}
    with pytest.raises(BackupError, match="not empty"):
        backup(settings, tmp_path / "b")
    if settings.is_sqlite:
        target = _sqlite(tmp_path / "new")
    else:
        from tests.server.conftest import PG_URL, _create_pg_db, _drop_pg_db

        name = _create_pg_db()
        target = Settings(data_dir=tmp_path / "new", database_url=PG_URL.format(db=name))
    try:
        restore(target, tmp_path / "b")
        assert _users(target) == _users(settings) > 0
        if not target.is_sqlite:  # the planner's statistics gathered before the server serves (a dump has none)
            analysed = in_transaction(target, lambda s: s.scalar(text(
                "SELECT count(*) FROM pg_stat_user_tables"
                " WHERE relname = 'user_account' AND last_analyze IS NOT NULL")))
            assert analysed == 1
        assert FileBlobStore(target.blobs).present(DEFAULT_ORGANISATION_ID, sha)
        with pytest.raises(BackupError, match="already holds data"):
            restore(target, tmp_path / "b")
        in_transaction(target, lambda s: s.execute(update(User).values(display_name="changed after the restore")))
        restore(target, tmp_path / "b", force=True)  # the database replaced whole
        names = in_transaction(target, lambda s: set(s.scalars(select(User.display_name))))
        assert "changed after the restore" not in names and _users(target) == _users(settings)
    finally:
        if not settings.is_sqlite:
            _drop_pg_db(name)


def test_a_damaged_database_file_is_refused(tmp_path: Path) -> None:
    source = _sqlite(tmp_path / "old")
    upgrade(source)
    in_transaction(source, lambda s: seed_demo(session=s))
    backup(source, tmp_path / "b")
    db = tmp_path / "b" / "database.sqlite3"
    db.write_bytes(db.read_bytes()[:-10] + b"0123456789")
    target = _sqlite(tmp_path / "new")
    with pytest.raises(BackupError, match="damaged"):
        restore(target, tmp_path / "b")
    assert not (tmp_path / "new" / "server.db").exists()


def test_a_kind_mismatch_is_refused(tmp_path: Path) -> None:
    source = _sqlite(tmp_path / "old")
    upgrade(source)
    backup(source, tmp_path / "b")
    target = Settings(data_dir=tmp_path / "new", database_url="postgresql+psycopg://postgres@127.0.0.1:1/none")
    with pytest.raises(BackupError, match="another kind"):
        restore(target, tmp_path / "b", force=True)
