"""``inspectie-server backup`` / ``restore`` with real tablets (issue 13 part C), SQLite and PostgreSQL.

The server is backed up while it runs, the tablets go on working and syncing, then the server is lost: a new, empty
server (fresh data folder, fresh database) is restored from the backup and started at the same address. A tablet
that keeps its sent changes as history re-sends what the restored server lacks (its ``last_mutation_id`` went
back) and re-uploads the photos, its pull starts over (the cursor was never served by this server): nothing lost,
nothing doubled. A tablet that keeps no history is told (``sync_history_lost``) and keeps all its work locally.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fault_support import ServerProcess, create_pg_db, drop_pg_db, tablet_view
from fault_work import assert_server_holds_exactly, make_work, sync_until_clean

from sync_server.backup import service as backup_service
from sync_server.cli import main as server_cli
from sync_server.config import Settings

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
PASSWORD = "demo-wachtwoord"


def _cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str) -> int:
    """``inspectie-server ARGS`` configured like an operator's shell: by environment."""
    with monkeypatch.context() as env:
        env.setenv("INSPECTIE_DATA_DIR", str(settings.data_dir))
        env.setenv("INSPECTIE_DATABASE_URL", settings.database_url)
        env.setenv("INSPECTIE_ASSETS_DIR", str(settings.assets_dir))
        return server_cli(list(args))


def _empty_server(root: Path, backend: str, old: Settings) -> tuple[Settings, str | None]:
    """A new server's settings: an empty data folder and an empty (not even migrated) database."""
    db_name = create_pg_db() if backend == "postgres" else None
    url = (f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}" if db_name
           else f"sqlite:///{(root / 'server.db').as_posix()}")
    return Settings(data_dir=root, database_url=url, assets_dir=old.assets_dir), db_name


@pytest.mark.two_workers
@BOTH
async def test_restored_into_an_empty_server_the_tablets_resync_without_loss(
        server: ServerProcess, tablets: Any, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keeper = tablets(server.url, name="keeper", photo_purge_days=None, outbox_history_days=30)
    forgetful = tablets(server.url, name="forgetful")  # the default: sent changes deleted once acknowledged
    await keeper.login("inspecteur1", PASSWORD)
    await forgetful.login("inspecteur2", PASSWORD)
    await make_work(keeper, controls=2, answers=6, persons=1, photos=1, seed=1)
    await make_work(forgetful, controls=1, answers=4, persons=1, photos=0, seed=3)
    await sync_until_clean(keeper)
    await sync_until_clean(forgetful)

    assert _cli(monkeypatch, server.settings, "backup", str(tmp_path / "backup")) == 0  # online: the server runs
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert len(manifest["photos"]) == 2 and manifest["database"]["kind"] == backend.replace("postgres", "postgresql")

    await make_work(keeper, controls=2, answers=5, persons=1, photos=1, seed=2)  # acknowledged after the backup
    await make_work(forgetful, controls=1, answers=3, persons=0, photos=0, seed=4)
    await sync_until_clean(keeper)
    await sync_until_clean(forgetful)
    forgetful_work = tablet_view(forgetful._store)

    server.kill()  # the server is lost; a new one is restored from the backup
    new, db_name = _empty_server(tmp_path / "new-server", backend, server.settings)
    try:
        assert _cli(monkeypatch, new, "restore", str(tmp_path / "backup")) == 0
        assert _cli(monkeypatch, new, "restore", str(tmp_path / "backup")) == 1  # not into a server with data
        server.settings = new
        server.start()
        await sync_until_clean(keeper)
        assert_server_holds_exactly(keeper, new)  # every control, answer and photo: once
        status = await forgetful.sync_now()
        assert status.last_error == "sync_history_lost"  # told, not silently behind
        assert tablet_view(forgetful._store) == forgetful_work  # and its work is all still on the tablet
    finally:
        server.kill()
        if db_name:
            drop_pg_db(db_name)


@BOTH
async def test_a_damaged_backup_is_refused_before_anything_changes(
        server: ServerProcess, tablets: Any, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc = tablets(server.url, photo_purge_days=None)
    await svc.login("inspecteur1", PASSWORD)
    await make_work(svc, controls=1, answers=2, persons=0, photos=1, seed=5)
    await sync_until_clean(svc)
    assert _cli(monkeypatch, server.settings, "backup", str(tmp_path / "b")) == 0
    assert _cli(monkeypatch, server.settings, "backup", str(tmp_path / "b")) == 1  # never into a used folder
    photo = next((tmp_path / "b" / "photos").rglob("*/*/*"))
    data = bytearray(photo.read_bytes())
    data[100] ^= 0xFF
    photo.write_bytes(bytes(data))
    new, db_name = _empty_server(tmp_path / "new-server", backend, server.settings)
    try:
        with pytest.raises(backup_service.BackupError, match="damaged"):
            backup_service.restore(new, tmp_path / "b")
        assert not backup_service.holds_data(new, backup_service.open_blob_store(new))  # nothing was written
    finally:
        if db_name:
            drop_pg_db(db_name)
