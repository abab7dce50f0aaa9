"""Sync under faults with a real server process on loopback and the real tablet store.

Every test ends with ``assert_server_holds_exactly``: after recovery the server holds exactly the work done
on the tablet — nothing lost, nothing doubled. Server-side faults run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fault_support import Proxy, ServerProcess, create_pg_db, drop_pg_db, server_view
from fault_work import assert_server_holds_exactly, make_work, sync_until_clean
from sqlalchemy import func, select

import inspectie_app.services as services_module
import inspectie_app.store.repository as repository_module
from schemas.sync import SCHEMA_VERSION
from sync_server.cli import in_transaction
from sync_server.sync.models import ChangeLog, Quarantine

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
LEAD_PASSWORD = "demo-wachtwoord"


def _count(settings: Any, model: Any) -> int:
    return in_transaction(settings, lambda s: int(s.scalar(select(func.count()).select_from(model)) or 0))


@pytest.mark.two_workers
@BOTH
@pytest.mark.parametrize("fraction", [0.5, 0.95])
async def test_server_killed_mid_push(server: ServerProcess, proxy: Proxy, tablets: Any, fraction: float) -> None:
    svc = tablets(proxy.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=6, answers=30, persons=3, photos=0)
    body = json.dumps({"mutations": await _pending(svc)}, separators=(",", ":")).encode()
    threshold = proxy.upstream_total + int(len(body) * fraction)
    proxy.on_upstream = lambda total: server.kill() if total >= threshold and server.proc else None
    status = await svc.sync_now()
    assert status.last_error == "sync_offline" and server.proc is None
    proxy.on_upstream = None
    server.start()
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)


async def _pending(svc: Any) -> list[Any]:
    return [m.model_dump(mode="json") for m in svc._store.pending_mutations(500)]


@pytest.mark.two_workers
@BOTH
async def test_server_killed_mid_photo_upload(server: ServerProcess, proxy: Proxy, tablets: Any) -> None:
    svc = tablets(proxy.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=1, answers=2, persons=0, photos=2)
    await svc._client.push()  # records first; the photos follow
    start = proxy.upstream_total
    proxy.on_upstream = lambda total: server.kill() if total - start > 200_000 and server.proc else None
    status = await svc.sync_now()
    assert status.last_error == "sync_offline" and status.pending_photos >= 1
    partials = list((server.settings.blobs / "partial").iterdir())
    assert partials and all(p.stat().st_size > 0 for p in partials)  # fsynced bytes survived the kill
    proxy.on_upstream = None
    server.start()
    before = proxy.upstream_total
    await sync_until_clean(svc)
    photo_bytes = sum(p.size for i in svc._store.list_inspections() for p in [*_photos(svc, i.id)])
    assert proxy.upstream_total - before < photo_bytes  # resumed from the offset, not started over
    assert_server_holds_exactly(svc, server.settings)


def _photos(svc: Any, inspection_id: Any) -> list[Any]:
    from inspectie_app.store.models import PhotoRow

    with svc._store._tx() as s:
        return list(s.scalars(select(PhotoRow).where(PhotoRow.inspection_id == str(inspection_id))))


CLIENT_SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from pathlib import Path
    from inspectie_app.services import build_service

    async def main():
        svc = build_service(Path(sys.argv[1]), sys.argv[2], timeout=5.0, chunk_size=8192)
        status = await svc.sync_now()
        print("done", status.pending_changes, status.pending_photos, status.last_error, flush=True)
        await svc.aclose()

    asyncio.run(main())
""")


async def test_client_process_killed_mid_sync_and_restarted(server: ServerProcess, proxy: Proxy, tablets: Any,
                                                            tmp_path: Path) -> None:
    svc = tablets(proxy.url, name="tablet")
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=4, answers=20, persons=2, photos=2)
    await svc.aclose()  # the app is closed; a separate app process syncs this data folder
    script = tmp_path / "client.py"
    script.write_text(CLIENT_SCRIPT)
    start = proxy.upstream_total
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "tablet"), proxy.url],
                            stdout=subprocess.DEVNULL, start_new_session=True)
    proxy.on_upstream = lambda total: os.kill(proc.pid, 9) if total - start > 60_000 else None
    proc.wait(timeout=60)
    assert proc.returncode == -9
    proxy.on_upstream = None
    again = subprocess.run([sys.executable, str(script), str(tmp_path / "tablet"), proxy.url],
                           capture_output=True, text=True, timeout=60)
    assert again.stdout.strip() == "done 0 0 None", again.stderr
    reopened = tablets(proxy.url, name="tablet")
    assert_server_holds_exactly(reopened, server.settings)


async def test_connection_cut_after_n_bytes(server: ServerProcess, proxy: Proxy, tablets: Any) -> None:
    svc = tablets(proxy.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    for n, cut in enumerate([120, 900, 4_000, 30_000]):
        await make_work(svc, controls=1, answers=15, persons=1, photos=1, seed=n)
        proxy.cut_after = cut
        status = await svc.sync_now()
        assert status.last_error is not None
        proxy.cut_after = None
    assert proxy.cuts >= 4
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)


@pytest.mark.two_workers
@BOTH
async def test_same_push_replayed_100_times(server: ServerProcess, tablets: Any) -> None:
    svc = tablets(server.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=2, answers=10, persons=1, photos=0)
    meta = svc._store.meta()
    body = {"client_id": str(meta.client_id), "schema_version": SCHEMA_VERSION, "mutations": await _pending(svc)}
    headers = {"Authorization": f"Bearer {meta.token}", "X-Schema-Version": str(SCHEMA_VERSION)}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        first = http.post("/api/v1/sync/push", json=body, headers=headers).json()
        log_after_first = _count(server.settings, ChangeLog)
        for _ in range(99):
            assert http.post("/api/v1/sync/push", json=body, headers=headers).json() == {
                "last_mutation_id": first["last_mutation_id"], "rejections": []}
    assert first["rejections"] == [] and first["last_mutation_id"] == len(body["mutations"])
    assert _count(server.settings, ChangeLog) == log_after_first
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)


async def test_response_lost_after_commit(server: ServerProcess, proxy: Proxy, tablets: Any) -> None:
    svc = tablets(proxy.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=2, answers=10, persons=1, photos=1)
    proxy.drop_replies = True
    for _ in range(3):
        status = await svc.sync_now()
        assert status.last_error == "sync_offline" and status.pending_changes > 0
    user = svc._store.local_user()
    assert server_view(server.settings, user.id)  # the server did commit what the tablet never heard about
    proxy.drop_replies = False
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)


@pytest.mark.parametrize("skew", [timedelta(days=1), timedelta(days=-1)])
async def test_device_clock_a_day_off(server: ServerProcess, tablets: Any, monkeypatch: pytest.MonkeyPatch,
                                      skew: timedelta) -> None:
    from datetime import UTC, datetime

    monkeypatch.setattr(services_module, "_now", lambda: datetime.now(UTC) + skew)
    monkeypatch.setattr(repository_module, "utcnow", lambda: datetime.now(UTC) + skew)
    svc = tablets(server.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=1, answers=5, persons=1, photos=1, seed=1)
    await sync_until_clean(svc)
    lead = httpx.Client(base_url=server.url, timeout=10)
    token = lead.post("/api/v1/auth/login", json={"username": "planner1", "password": LEAD_PASSWORD,
                                                  "device_name": "office"}).json()["token"]
    planned = lead.post("/api/v1/planning/controls", headers={"Authorization": f"Bearer {token}"}, json={
        "control_type": "pandenactie", "template_id": "pandenactie", "scheduled_on": "2026-12-01",
        "address": {"street": "Klokstraat", "house_number": "1"}, "inspector_ids": [str(svc._store.local_user().id)]})
    lead.close()
    await make_work(svc, controls=1, answers=5, persons=0, photos=0, seed=2)
    await sync_until_clean(svc)
    if planned.status_code in (200, 201):  # a server change made "in the past" of the skewed clock still arrives
        assert any(c.id.hex == planned.json()["id"].replace("-", "") for c in await svc.assigned_controls())
    assert_server_holds_exactly(svc, server.settings)


async def test_upload_expired_on_the_server(server: ServerProcess, proxy: Proxy, tablets: Any) -> None:
    svc = tablets(proxy.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=1, answers=2, persons=0, photos=1)
    await svc._client.push()
    start = proxy.upstream_total
    proxy.cut_after = 40_000
    status = await svc.sync_now()
    assert status.pending_photos == 1
    proxy.cut_after = None
    partials = list((server.settings.blobs / "partial").iterdir())
    assert partials and proxy.upstream_total > start
    old = time.time() - 4 * 24 * 3600  # older than the 72 h expiry
    for p in partials:
        os.utime(p, (old, old))
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)


async def test_photo_corrupted_in_transit(server: ServerProcess, proxy: Proxy, tablets: Any) -> None:
    svc = tablets(proxy.url, chunk_size=1024 * 1024)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=1, answers=2, persons=0, photos=1)
    proxy.corrupt = (b"PATCH /api/v1/blobs/", 5_000)
    await sync_until_clean(svc)
    assert proxy.corrupt is None  # a byte was flipped on the way, the server refused it, the tablet re-sent it
    assert_server_holds_exactly(svc, server.settings)


async def test_same_control_edited_on_tablet_and_by_team_lead(server: ServerProcess, tablets: Any) -> None:
    svc = tablets(server.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    [iid] = await make_work(svc, controls=1, answers=3, persons=2, photos=0, finish=False)
    await sync_until_clean(svc)
    gone, stays = (p.id for p in (await svc.inspection(iid)).persons)
    with httpx.Client(base_url=server.url, timeout=10) as lead:
        token = lead.post("/api/v1/auth/login", json={"username": "teamleider1", "password": LEAD_PASSWORD,
                                                      "device_name": "office"}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        r = lead.patch(f"/api/v1/review/inspections/{iid}/answers", json={"question_id": "q00", "value": 77},
                       headers=auth)
        assert r.status_code == 200
        lead.patch(f"/api/v1/review/inspections/{iid}/answers", json={"question_id": "q01", "value": 55},
                   headers=auth)
        r = lead.patch(f"/api/v1/review/inspections/{iid}/answers",
                       json={"question_id": "leeftijd", "person_id": gone, "value": 16}, headers=auth)
        assert r.status_code == 200
        # offline, the inspector changes q00 (also changed by the lead) and q02 (only by the inspector), and
        # deletes the person whose age the lead corrected
        await svc.set_answer(iid, "q00", 5)
        await svc.set_answer(iid, "q02", 6)
        await svc.remove_person(iid, gone)
        status = await svc.sync_now()
        assert status.last_error is None
        conflicts = lead.get(f"/api/v1/review/inspections/{iid}/conflicts", headers=auth).json()
        late = lead.patch(f"/api/v1/review/inspections/{iid}/answers",
                          json={"question_id": "leeftijd", "person_id": gone, "value": 17}, headers=auth)
    assert late.status_code == 409 and late.json()["code"] == "person_deleted"
    assert [(c["field"], c["question_id"], c["device_value"], c["office_value"], c["winner"]) for c in conflicts] == [
        ("answer", "q00", 5, 77, "office"),
        ("person", None, None, {"label": "Persoon 1", "answers": {"leeftijd": {"value": 16, "office_seq": r.json()[
            "office_seq"]}}}, "device")]
    assert sorted((c.field, c.question_id, c.device_value, c.kept_value) for c in status.conflicts
                  if c.field == "answer") == [("answer", "q00", 5, 77)]
    [person] = [c for c in status.conflicts if c.field == "person"]
    assert (person.person_id, person.office_value) == (gone, conflicts[1]["office_value"])
    state = await svc.inspection(iid)
    assert (state.answers["q00"], state.answers["q01"], state.answers["q02"]) == (77, 55, 6)  # converged
    assert [p.id for p in state.persons] == [stays]
    got = server_view(server.settings, svc._store.local_user().id)[str(iid)]
    assert (got["answers"][("", "q00")], got["answers"][("", "q01")], got["answers"][("", "q02")]) == (77, 55, 6)
    assert got["persons"] == [stays] and not [k for k in got["answers"] if k[0] == gone]
    assert_server_holds_exactly(svc, server.settings)


async def test_old_client_against_new_server(server: ServerProcess, tablets: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import inspectie_app.sync_client as client_module

    monkeypatch.setattr(client_module, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(repository_module, "SCHEMA_VERSION", 1)
    svc = tablets(server.url)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=2, answers=5, persons=1, photos=1)
    await sync_until_clean(svc)
    assert_server_holds_exactly(svc, server.settings)
    # an app that fell below the window while offline: pulls refused with "update the app", pushes
    # quarantined, nothing lost
    old = tablets(server.url, name="old")
    await old.login("inspecteur2", LEAD_PASSWORD)
    await make_work(old, controls=1, answers=3, persons=0, photos=0)
    monkeypatch.setattr(client_module, "SCHEMA_VERSION", 0)
    pending = old._store.outbox_count()
    status = await old.sync_now()
    assert status.last_error == "sync_update_app"
    quarantined = in_transaction(server.settings, lambda s: [q.payload for q in s.scalars(select(Quarantine))])
    assert sum(len(p["mutations"]) for p in quarantined) == pending


@pytest.mark.two_workers
async def test_two_devices_of_one_user(server: ServerProcess, tablets: Any) -> None:
    a, b = tablets(server.url, name="a"), tablets(server.url, name="b")
    await a.login("inspecteur1", LEAD_PASSWORD)
    await b.login("inspecteur1", LEAD_PASSWORD)
    assert a._store.meta().client_id != b._store.meta().client_id
    await make_work(a, controls=2, answers=5, persons=1, photos=1, seed=1)
    await make_work(b, controls=2, answers=5, persons=1, photos=1, seed=2)
    for _ in range(2):
        await sync_until_clean(a)
        await sync_until_clean(b)
    assert_server_holds_exactly(a, server.settings, b)


@BOTH
async def test_server_restored_from_an_earlier_backup(server: ServerProcess, tablets: Any, backend: str) -> None:
    # re-sending needs the sent changes kept as history: a setting since issue 12 (the default deletes them at once)
    svc = tablets(server.url, photo_purge_days=None, outbox_history_days=30)
    await svc.login("inspecteur1", LEAD_PASSWORD)
    await make_work(svc, controls=1, answers=5, persons=1, photos=1, seed=1)
    await sync_until_clean(svc)
    server.kill()
    backup = _backup(server, backend)
    server.start()
    await make_work(svc, controls=2, answers=8, persons=1, photos=1, seed=2)
    await sync_until_clean(svc)
    server.kill()
    _restore(server, backend, backup)  # the work after the backup is gone from the server: database and files
    server.start()
    status = await svc.sync_now()  # the server reports an older last_mutation_id: the tablet re-sends
    await sync_until_clean(svc)
    assert status is not None
    assert_server_holds_exactly(svc, server.settings)


def _backup(server: ServerProcess, backend: str) -> Any:
    settings = server.settings
    shutil.copytree(settings.blobs, settings.data_dir / "blobs.bak")
    if backend == "sqlite":
        for suffix in ("", "-wal"):  # the killed server left its last commits in the WAL file
            db = settings.data_dir / f"server.db{suffix}"
            if db.exists():
                shutil.copy(db, settings.data_dir / f"server.db{suffix}.bak")
        return None
    name = settings.database_url.rsplit("/", 1)[1]
    import psycopg

    backup = create_pg_db()
    drop_pg_db(backup)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{backup}" TEMPLATE "{name}"')
    return backup


def _restore(server: ServerProcess, backend: str, backup: Any) -> None:
    settings = server.settings
    shutil.rmtree(settings.blobs)
    shutil.copytree(settings.data_dir / "blobs.bak", settings.blobs)
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (settings.data_dir / f"server.db{suffix}").unlink(missing_ok=True)
            if (settings.data_dir / f"server.db{suffix}.bak").exists():
                shutil.copy(settings.data_dir / f"server.db{suffix}.bak", settings.data_dir / f"server.db{suffix}")
        return
    name = settings.database_url.rsplit("/", 1)[1]
    import psycopg

    drop_pg_db(name)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{backup}"')
    drop_pg_db(backup)
