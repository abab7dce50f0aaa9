"""The change sequence never skips a row under concurrent writers (the reason for the locked counter):
writer threads hold transactions open between their emits while a device pulls in small pages; at the end
the device has seen every change exactly once, in seq order. Meaningful on PostgreSQL (READ COMMITTED,
many writers); on SQLite the single writer makes it hold trivially.

And one outbox pushed over several connections at once (a tablet that retries while its first push still runs)
is applied exactly once. Both run against a server of one worker process and of two behind one socket
(``inspectie-server serve --workers 2``), so the requests land in different processes."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from schemas.sync import SCHEMA_VERSION
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections.models import Answer, Inspection
from sync_server.sync import changes
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

LoginAs = Callable[[str], Any]
WRITERS, TRANSACTIONS, PER_TX = 4, 8, 3
SAME_PUSH_AT_ONCE = 6


@pytest.fixture(scope="module", params=[1, 2], ids=["1worker", "2workers"])
def base_url(request: pytest.FixtureRequest, settings: Settings) -> Iterator[str]:
    """The server as its own uvicorn process with one or two workers (overrides the in-thread server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "INSPECTIE_DATA_DIR": str(settings.data_dir), "INSPECTIE_DATABASE_URL": settings.database_url,
           "INSPECTIE_ASSETS_DIR": str(settings.assets_dir),
           "INSPECTIE_LOGIN_MAX_FAILURES": str(settings.login_max_failures)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "sync_server.app:create_app", "--factory", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--workers",
                             str(request.param), "--timeout-worker-healthcheck", "120"],
                            env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _writer(settings: Settings, scope: str, seen_seqs: list[int], rng: random.Random) -> None:
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    try:
        for _ in range(TRANSACTIONS):
            with factory() as session, session.begin():
                changes.lock(session=session)
                for _ in range(PER_TX):
                    seq = changes.emit(session=session, entity="rejection", entity_id=str(uuid.uuid4()), scope=scope,
                                       data={"mutation_id": 0, "code": "test", "message": "x"})
                    seen_seqs.append(seq)
                    time.sleep(rng.random() / 200)
    finally:
        engine.dispose()


def test_pull_never_skips_a_change_under_concurrent_writers(login_as: LoginAs, settings: Settings) -> None:
    device = login_as("inspecteur2")
    scope = f"user:{device.user['id']}@{DEFAULT_ORGANISATION_ID}"  # changes.user_scope
    cursor = device.pull().json()["cursor"]
    written: list[int] = []
    threads = [threading.Thread(target=_writer, args=(settings, scope, written, random.Random(i)))
               for i in range(WRITERS)]
    for t in threads:
        t.start()
    seen: list[int] = []
    while any(t.is_alive() for t in threads):
        body = device.pull(cursor, limit=2).json()
        seen += [c["seq"] for c in body["changes"] if c["entity"] == "rejection"]
        cursor = body["cursor"]
    for t in threads:
        t.join()
    while True:
        body = device.pull(cursor, limit=2).json()
        seen += [c["seq"] for c in body["changes"] if c["entity"] == "rejection"]
        cursor = body["cursor"]
        if not body["has_more"]:
            break
    assert len(written) == WRITERS * TRANSACTIONS * PER_TX
    assert seen == sorted(written)


def test_one_outbox_pushed_at_once_over_several_connections_lands_once(login_as: LoginAs, settings: Settings,
                                                                         base_url: str) -> None:
    device = login_as("inspecteur1")
    controls: list[str] = []
    mutations: list[dict[str, Any]] = []
    for n in range(4):
        iid, create = device.create_inspection()
        controls.append(iid)
        mutations.append(create)
        mutations += [device.mutation("answer.set.v1", iid, {"question_id": "occupants", "value": n + k})
                      for k in range(20)]
        mutations.append(device.mutation("inspection.finish.v1", iid, {"finished_at": "2026-03-02T10:00:00+01:00"}))
    body = {"client_id": device.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
    replies: list[httpx.Response] = []
    start = threading.Barrier(SAME_PUSH_AT_ONCE)

    def push() -> None:
        with httpx.Client(base_url=base_url, timeout=60) as http:  # a connection of its own
            start.wait()
            replies.append(http.post("/api/v1/sync/push", json=body, headers=device.headers))

    threads = [threading.Thread(target=push) for _ in range(SAME_PUSH_AT_ONCE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200] * SAME_PUSH_AT_ONCE, [r.text for r in replies]
    assert {r.json()["last_mutation_id"] for r in replies} == {mutations[-1]["id"]}
    assert all(r.json()["rejections"] == [] for r in replies)
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            ids = [uuid.UUID(i) for i in controls]
            versions = dict(conn.execute(select(Inspection.id, Inspection.version).where(Inspection.id.in_(ids))).all())
            answers = conn.scalar(select(func.count()).select_from(Answer).where(Answer.inspection_id.in_(ids)))
            levels = conn.scalars(select(Inspection.level).where(Inspection.id.in_(ids))).all()
    finally:
        engine.dispose()
    assert versions == dict.fromkeys(ids, 21)  # 20 answers and the finish, each applied once
    assert answers == len(controls)
    assert None not in levels
