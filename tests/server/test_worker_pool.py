"""A worker whose connection pool is exhausted answers 503 ``server_busy`` with ``Retry-After`` (never 500), and
serves the same request once a connection is free; the pool settings reach the engine on both databases. Pushes
that take every request thread while they wait for the sync lock all finish once it is free."""

from __future__ import annotations

import asyncio
import threading
import uuid

import anyio.to_thread
import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session

from schemas.sync import SCHEMA_VERSION
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.db import make_engine
from sync_server.seed import DEMO_PASSWORD
from sync_server.sync import changes

URL = "http://server.test"


def _tight(settings: Settings) -> FastAPI:
    return create_app(settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 0.3,
                                                  "busy_retry_after_seconds": 3}))


async def test_no_free_connection_is_a_503_with_retry_after(settings: Settings) -> None:
    app = _tight(settings)
    pool = app.state.engine.pool
    assert (pool.size(), pool._max_overflow, pool._timeout) == (1, 0, 0.3)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as http:
            r = await http.post("/api/v1/auth/login", json={"username": "inspecteur1", "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.text
            headers = {"Authorization": f"Bearer {r.json()['token']}", "X-Schema-Version": str(SCHEMA_VERSION)}
            body = {"client_id": "8c1f0a4e-6f5b-4d52-9a51-0d7f3b1c2e11", "schema_version": SCHEMA_VERSION,
                    "cursor": 0, "limit": 10}
            held = app.state.engine.connect()  # the worker's only connection
            try:
                busy = await http.post("/api/v1/sync/pull", json=body, headers=headers)
            finally:
                held.close()
            assert busy.status_code == 503, busy.text
            assert busy.headers["Retry-After"] == "3"
            assert busy.json()["code"] == "server_busy" and busy.json()["message"] and busy.json()["message_en"]
            again = await http.post("/api/v1/sync/pull", json=body, headers=headers)
            assert again.status_code == 200, again.text
    finally:
        app.state.engine.dispose()


async def test_pushes_filling_every_thread_while_the_lock_is_held_all_finish(settings: Settings) -> None:
    """More pushes than request threads wait for the sync lock; once it is free, all of them finish. Before the push
    endpoint did its work in one thread call, the lock's holder needed another thread to serialize its answer and
    the waiting pushes had them all: the worker hung (here: 3 threads, 6 pushes)."""
    app = create_app(settings)
    limiter = anyio.to_thread.current_default_thread_limiter()
    tokens = limiter.total_tokens
    held, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        engine = make_engine(settings)
        try:
            with engine.connect() as conn, conn.begin():
                changes.lock(session=Session(bind=conn))
                held.set()
                release.wait(60)
        finally:
            engine.dispose()

    holder = threading.Thread(target=hold_the_lock)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL, timeout=120) as http:
            devices = []
            for _ in range(6):
                r = await http.post("/api/v1/auth/login", json={"username": "inspecteur1", "password": DEMO_PASSWORD})
                assert r.status_code == 200, r.text
                devices.append({"Authorization": f"Bearer {r.json()['token']}",
                                "X-Schema-Version": str(SCHEMA_VERSION)})

            async def push(headers: dict[str, str]) -> httpx.Response:
                iid = str(uuid.uuid4())
                body = {"client_id": str(uuid.uuid4()), "schema_version": SCHEMA_VERSION, "mutations": [
                    {"id": 1, "name": "inspection.create.v1", "entity_id": iid, "args": {
                        "template_id": "testpand", "template_version": 1, "control_type": "pandenactie",
                        "address": {"street": "Slotstraat", "house_number": "1"}, "planned_control_id": None,
                        "started_at": "2026-03-02T09:00:00+01:00"}},
                    {"id": 2, "name": "inspection.finish.v1", "entity_id": iid,
                     "args": {"finished_at": "2026-03-02T10:00:00+01:00"}}]}
                return await http.post("/api/v1/sync/push", json=body, headers=headers)

            limiter.total_tokens = 3
            holder.start()
            assert await asyncio.to_thread(held.wait, 30)
            pushes = [asyncio.create_task(push(h)) for h in devices]
            await asyncio.sleep(2)  # every thread taken by a push waiting for the lock, three more queued
            release.set()
            replies = await asyncio.wait_for(asyncio.gather(*pushes), timeout=90)
        assert [r.status_code for r in replies] == [200] * 6, [r.text for r in replies]
    finally:
        release.set()
        limiter.total_tokens = tokens
        if holder.is_alive():
            holder.join(30)
        app.state.engine.dispose()
