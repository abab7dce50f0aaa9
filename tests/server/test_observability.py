"""Observability (issue 13 part C): one JSON request line with request id, user id and role and no personal data;
Prometheus /metrics (requests by route template, push/pull sizes, tablets' last contact, unverified signals,
photo store) protected by a token; /readyz checking the database and the photo store; several processes summed
in multiprocess mode. SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from sync_server.app import create_app
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.observability.logs import REQUEST_LOGGER, JsonFormatter
from tests.server.conftest import login
from tests.server.conftest import serving as serve_app
from tests.server.review_helpers import flagged_control

SECRET_STREET, SECRET_ID = "Geheimeweg", "+31 6 7788 9911"
TOKEN = "metrics-token-for-tests"


@contextmanager
def serving(app: FastAPI) -> Iterator[httpx.Client]:
    """``app`` in a uvicorn thread on a free loopback port, and a client for it."""
    with serve_app(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[httpx.Client]:
    app = create_app(settings.model_copy(update={"metrics_token": TOKEN, "metrics_cache_seconds": 0.0}))
    with serving(app) as c:
        yield c


def _scrape(client: httpx.Client) -> str:
    r = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    return r.text


def _scrape_until(client: httpx.Client, sample: str) -> str:
    """/metrics once ``sample`` is in it (a request is counted just after its answer went out)."""
    for _ in range(200):
        text = _scrape(client)
        if f"\n{sample} " in text:
            return text
        time.sleep(0.02)
    raise AssertionError(f"{sample} not in /metrics")


def _value(text: str, sample: str) -> float:
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{sample} not in /metrics")


def test_one_request_line_with_ids_and_no_personal_data(client: httpx.Client, caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        device = login(client, "inspecteur1")
        iid = flagged_control(device, street=SECRET_STREET, identifiers=[("phone", SECRET_ID)])
        lead = login(client, "teamleider1")
        r = client.get(f"/api/v1/review/inspections/{iid}", headers={**lead.headers, "X-Request-ID": "bad<id>" * 12})
        assert r.status_code == 200 and SECRET_STREET in r.text
        detail = _line(caplog, r.headers["x-request-id"])
    push = next(r for r in caplog.records if getattr(r, "route", "") == "/api/v1/sync/push")
    assert push.status == 200 and push.method == "POST"  # type: ignore[attr-defined]
    assert push.user_id == device.user["id"] and push.role == "inspecteur"  # type: ignore[attr-defined]
    assert push.bytes_in > 0 and push.duration_ms >= 0  # type: ignore[attr-defined]
    assert detail.route == "/api/v1/review/inspections/{inspection_id}"  # type: ignore[attr-defined]
    assert detail.status == 200 and detail.role == "teamleider"  # type: ignore[attr-defined]
    formatted = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    for secret in (SECRET_STREET, SECRET_ID, device.token, lead.token, iid, "demo-wachtwoord"):
        assert secret not in formatted


def _line(caplog: pytest.LogCaptureFixture, request_id: str) -> logging.LogRecord:
    """The request line of ``request_id`` (written just after the answer went out)."""
    for _ in range(500):
        for record in caplog.records:
            if getattr(record, "request_id", None) == request_id:
                return record
        time.sleep(0.01)
    raise AssertionError(f"no request line for {request_id}")


def test_request_id_passed_through(client: httpx.Client) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a9c21"})
    assert r.headers["x-request-id"] == "proxy-7f3a9c21"
    assert len(client.get("/healthz").headers["x-request-id"]) == 32


def test_metrics_by_route_template_and_database_figures(client: httpx.Client) -> None:
    before = _scrape(client)
    device = login(client, "inspecteur1")
    iid = flagged_control(device)
    assert device.pull().status_code == 200
    lead = login(client, "teamleider1")
    assert client.get(f"/api/v1/review/inspections/{uuid.uuid4()}", headers=lead.headers).status_code == 404
    route = 'route="/api/v1/review/inspections/{inspection_id}"'
    text = _scrape_until(client, f'inspectie_http_requests_total{{method="GET",{route},status="404"}}')
    assert "/api/v1/review/inspections/" + "0" not in text  # no raw path, no id
    assert _value(text, "inspectie_sync_push_request_bytes_count") > _value(before,
                                                                             "inspectie_sync_push_request_bytes_count")
    assert _value(text, "inspectie_sync_pull_response_bytes_count") >= 1
    assert _value(text, "inspectie_metrics_database_up") == 1
    assert _value(text, 'inspectie_tablet_last_contact_age_seconds_bucket{le="900.0"}') >= 1  # just now
    open_signals = 'inspectie_unverified_signals_age_seconds_bucket{le="+Inf"}'
    assert _value(text, open_signals) == _value(before, open_signals) + 1  # the person with the withheld passport
    for verdict, still_open in (("meer_info", 1), ("gegrond", 0), ("meer_info", 1)):  # the latest verdict counts
        r = client.post(f"/api/v1/review/inspections/{iid}/verifications", headers=lead.headers,
                        json={"subject_id": "p1", "verdict": verdict, "reason": "Gesprek gevoerd."})
        assert r.status_code in (200, 201), r.text
        assert _value(_scrape(client), open_signals) == _value(before, open_signals) + still_open
    assert _value(text, "inspectie_blob_store_bytes") >= 0


def test_metrics_need_the_token(client: httpx.Client) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_metrics_off_in_production_without_token(settings: Settings) -> None:
    prod = settings.model_copy(update={"environment": "production", "identifier_key": "k" * 40})
    with serving(create_app(prod)) as c:
        assert c.get("/metrics").status_code == 404
    with serving(create_app(settings)) as c:  # development without a token: open
        assert c.get("/metrics").status_code == 200


def test_readyz(client: httpx.Client, settings: Settings, tmp_path: Path) -> None:
    assert client.get("/readyz").json() == {"status": "ready", "checks": {"database": "ok", "blob_store": "ok"}}
    (tmp_path / "file").write_bytes(b"")
    broken = settings.model_copy(update={"blob_dir": tmp_path / "file" / "blobs", "publish_assets_on_startup": False})
    app = create_app(broken)
    with serving(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"] == {"database": "ok", "blob_store": "unavailable"}


def test_readyz_while_a_migration_is_pending(tmp_path: Path) -> None:
    """A database behind the code's newest migration (the new version started before ``migrate`` ran): not ready."""
    fresh = Settings(data_dir=tmp_path, publish_assets_on_startup=False)
    upgrade(fresh)
    with serving(create_app(fresh)) as c:
        assert c.get("/readyz").status_code == 200
        in_transaction(fresh, lambda s: s.execute(text("UPDATE alembic_version SET version_num = '2026_12_03_1400'")))
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["database"] == "migration_pending"
        assert c.get("/healthz").status_code == 200  # alive all the same


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_metrics_add_up_over_processes(settings: Settings, tmp_path: Path) -> None:
    """Two server processes sharing PROMETHEUS_MULTIPROC_DIR: either one's /metrics counts both's requests."""
    if not settings.is_sqlite:
        pytest.skip("the process plumbing is the same on PostgreSQL")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "INSPECTIE_DATA_DIR": str(settings.data_dir),
           "INSPECTIE_DATABASE_URL": settings.database_url, "INSPECTIE_ASSETS_DIR": str(settings.assets_dir),
           "INSPECTIE_METRICS_TOKEN": TOKEN}
    ports = [_free_port(), _free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "uvicorn", "sync_server.app:create_app", "--factory",
                               "--host", "127.0.0.1", "--port", str(p), "--log-level", "warning"], env=env)
             for p in ports]
    try:
        for p in ports:  # waiting asks /readyz: a retried wait on a busy machine must not count as /healthz
            _wait(f"http://127.0.0.1:{p}/readyz")
        for n, p in enumerate(ports):
            for _ in range(n + 2):  # 2 on the first, 3 on the second
                assert httpx.get(f"http://127.0.0.1:{p}/healthz", timeout=30).status_code == 200
        text = httpx.get(f"http://127.0.0.1:{ports[0]}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
        assert _value(text, 'inspectie_http_requests_total{method="GET",route="/healthz",status="200"}') == 5
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def _wait(url: str) -> None:
    deadline = time.monotonic() + 120  # two servers starting on a busy 2-core machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")
