"""A backup is one folder: the database snapshot, the photos, and ``manifest.json`` with checksums.

Consistency without stopping the server: the database is snapshotted first (SQLite: the online backup API, one
consistent copy while writers go on; PostgreSQL: ``pg_dump`` in custom format, one transaction snapshot), the
photos are copied after it. A photo file is in place before its ``blob`` row commits (``blobs.store``) and files are
never changed, only added or purged, so every photo the snapshot refers to is in the store when the copy runs; the
copy may hold a few newer photos that no row refers to, which is harmless. A purge between snapshot and copy could
take one away: the backup checks that every photo row from before the snapshot has its file, and fails if not.
Uploads in progress (``partial/``) and report copies (``previews/``) are not backed up: tablets resume or resend
them, copies are made again.

Restore checks the manifest (the database file's sha256; each photo's content against its name, which is its
sha256) before it touches anything, and refuses a server that already holds data unless ``force``. What the tablets
do when the server comes back older than they are: docs/SYNC.md, "A server restored from an earlier backup".
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from sync_server.blobs.models import Blob
from sync_server.blobs.store import BlobStore, open_blob_store
from sync_server.config import Settings

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE, PG_FILE, PHOTOS = "database.sqlite3", "database.pgdump", "photos"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Summary:
    database: str
    photos: int
    photo_bytes: int


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as pg_dump/pg_restore take it (no ``+driver``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH: install the PostgreSQL client (Debian: postgresql-client) of "
                          "the server's major version, or back up with the database's own tools (docs/OPERATIONS.md)")
    return found


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {result.stderr.strip()[:2000]}")


def _snapshot_database(settings: Settings, dest: Path) -> tuple[str, Path]:
    if settings.is_sqlite:
        source_path = make_url(settings.database_url).database
        if not source_path or not Path(source_path).is_file():
            raise BackupError(f"no database at {source_path}")
        target = dest / SQLITE_FILE
        with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        return "sqlite", target
    target = dest / PG_FILE
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
          _libpq_url(settings.database_url)])
    return "postgresql", target


def _rows_before(settings: Settings, moment: datetime) -> set[tuple[uuid.UUID, str]]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Blob.organisation_id, Blob.sha256).where(Blob.stored_at <= moment))
            return {(uuid.UUID(str(org)), sha) for org, sha in rows}
    finally:
        engine.dispose()


def _copy_photos(store: BlobStore, dest: Path) -> list[dict[str, Any]]:
    out = []
    for blob in store.stored():
        target = dest / PHOTOS / str(blob.organisation_id) / blob.sha256[:2] / blob.sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        with store.open(blob.organisation_id, blob.sha256) as src, target.open("wb") as f:
            shutil.copyfileobj(src, f)
        out.append({"organisation_id": str(blob.organisation_id), "sha256": blob.sha256,
                    "bytes": target.stat().st_size})
    return out


def schema_revision(settings: Settings) -> str | None:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def backup(settings: Settings, dest: Path, *, store: BlobStore | None = None) -> Summary:
    """Write a backup of the database and the photo store into ``dest`` (a new or empty folder)."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: a backup goes into a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    store = store or open_blob_store(settings)
    started = datetime.now(UTC)
    kind, db_file = _snapshot_database(settings, dest)
    photos = _copy_photos(store, dest)
    copied = {(uuid.UUID(p["organisation_id"]), p["sha256"]) for p in photos}
    missing = _rows_before(settings, started) - copied
    if missing:
        raise BackupError(f"{len(missing)} photo(s) of the database are not in the photo store (purged during the "
                          "backup?): run the backup again")
    manifest = {"format": FORMAT, "created_at": started.isoformat(), "schema_revision": schema_revision(settings),
                "database": {"kind": kind, "file": db_file.name, "sha256": sha256_file(db_file),
                             "bytes": db_file.stat().st_size},
                "photos": photos}
    _write_json(dest / MANIFEST, manifest)
    return Summary(kind, len(photos), sum(p["bytes"] for p in photos))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def verify(source: Path) -> dict[str, Any]:
    """The manifest of the backup in ``source``, after checking every checksum (``BackupError`` on a mismatch)."""
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source / MANIFEST} is missing or unreadable: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    db = manifest["database"]
    db_file = source / db["file"]
    if not db_file.is_file() or sha256_file(db_file) != db["sha256"]:
        raise BackupError(f"{db_file.name} is missing or damaged (checksum differs)")
    for photo in manifest["photos"]:
        path = _photo_file(source, photo)
        if not path.is_file() or sha256_file(path) != photo["sha256"]:
            raise BackupError(f"photo {photo['sha256']} is missing or damaged (checksum differs)")
    return manifest


def _photo_file(source: Path, photo: dict[str, Any]) -> Path:
    org, sha = str(photo["organisation_id"]), str(photo["sha256"])
    return source / PHOTOS / org / sha[:2] / sha


def holds_data(settings: Settings, store: BlobStore) -> bool:
    """Whether the server already has a database with tables, or any photo."""
    if settings.is_sqlite:
        path = make_url(settings.database_url).database
        if path and Path(path).is_file() and Path(path).stat().st_size > 0 and schema_tables(settings):
            return True
    elif schema_tables(settings):
        return True
    return next(iter(store.stored()), None) is not None


def schema_tables(settings: Settings) -> list[str]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return list(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def restore(settings: Settings, source: Path, *, force: bool = False, store: BlobStore | None = None) -> Summary:
    """Put the backup in ``source`` into the configured database and photo store (the server stopped).

    Refuses a server that holds data unless ``force``; then the database is replaced whole (its photos that the
    backup lacks stay as files nobody refers to). ``serve`` migrates a backup of an older version at its start."""
    manifest = verify(source)
    store = store or open_blob_store(settings)
    if not force and holds_data(settings, store):
        raise BackupError("the server already holds data: restore into an empty database and photo store, or give "
                          "--force to replace the database")
    db = manifest["database"]
    if db["kind"] != ("sqlite" if settings.is_sqlite else "postgresql"):
        raise BackupError(f"the backup holds a {db['kind']} database; the server is configured for another kind")
    if settings.is_sqlite:
        _restore_sqlite(settings, source / db["file"])
    else:
        _restore_postgres(settings, source / db["file"], clean=force)
    for photo in manifest["photos"]:
        org, sha = uuid.UUID(photo["organisation_id"]), photo["sha256"]
        if not store.present(org, sha):
            store.put(org, sha, _photo_file(source, photo))
    return Summary(db["kind"], len(manifest["photos"]), sum(p["bytes"] for p in manifest["photos"]))


def _restore_sqlite(settings: Settings, backup_file: Path) -> None:
    target = Path(str(make_url(settings.database_url).database))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(backup_file) as source, sqlite3.connect(tmp) as copy:
        source.backup(copy)
    copy.close()
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)


def _restore_postgres(settings: Settings, dump: Path, *, clean: bool) -> None:
    if clean:
        engine = create_engine(settings.database_url)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          f"--dbname={_libpq_url(settings.database_url)}", str(dump)])
    # A dump carries no planner statistics: until autovacuum gathers them, PostgreSQL guesses every plan, and at
    # 100,000 controls one guess took the RIEC export from about a second to 300 s. Gather them before serving.
    engine = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()
