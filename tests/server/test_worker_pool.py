"""A worker whose connection pool is exhausted answers 503 ``server_busy`` with ``Retry-After`` (never 500), and
serves the same request once a connection is free; the pool settings reach the engine on both databases."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from schemas.sync import SCHEMA_VERSION
from sync_server.app import create_app
from sync_server.config import Settings
from sync_server.seed import DEMO_PASSWORD

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
