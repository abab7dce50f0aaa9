"""Server test fixtures: a migrated database (SQLite and PostgreSQL), a real uvicorn server on loopback,
tiny test assets, and helpers to log in, push and pull."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.sync import SCHEMA_VERSION
from schemas.templates import Template, parse_template
from sync_server.app import create_app
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import DEMO_PASSWORD, seed_demo

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{db}"

TEMPLATE: dict[str, Any] = {
    "id": "testpand", "version": 1, "control_type": "pandenactie",
    "title": {"nl": "Testpand", "en": "Test premises"},
    "sections": [{"id": "s1", "title": {"nl": "Pand", "en": "Premises"}, "questions": [
        {"id": "occupants", "type": "number", "label": {"nl": "Bewoners", "en": "Occupants"},
         "evidence": "observed", "integer": True, "min": 0, "max": 500},
        {"id": "locked_in", "type": "yes_no", "label": {"nl": "Opgesloten", "en": "Locked in"},
         "evidence": "observed"},
        {"id": "remarks", "type": "text", "label": {"nl": "Opmerkingen", "en": "Remarks"}, "evidence": "observed"},
    ]}],
    "person_module": [{"id": "p1", "title": {"nl": "Persoon", "en": "Person"}, "questions": [
        {"id": "age", "type": "number", "label": {"nl": "Leeftijd", "en": "Age"}, "evidence": "self_reported"},
        {"id": "passport_withheld", "type": "yes_no", "label": {"nl": "Paspoort ingehouden", "en": "Passport held"},
         "evidence": "self_reported"},
    ]}],
}
CATALOGUE: dict[str, Any] = {
    "id": "testcat", "version": 1, "norms": {"min_age": 18},
    "indicators": [
        {"code": "CD1", "dimension": "CD", "label": {"nl": "Documenten ingehouden", "en": "Documents withheld"},
         "strength": {"labour": "S", "sexual": "S"}, "source": "test"},
        {"code": "EX1", "dimension": "EX", "label": {"nl": "Opgesloten", "en": "Confined"},
         "strength": {"labour": "M", "sexual": "M"}, "source": "test"},
    ],
    "rules": [
        {"id": "r_passport", "scope": "person", "when": [{"question": "passport_withheld", "op": "eq", "value": True}],
         "indicators": ["CD1"], "explanation": {"nl": "Paspoort ingehouden.", "en": "Passport withheld."}},
        {"id": "r_locked", "scope": "premises", "when": [{"question": "locked_in", "op": "eq", "value": True}],
         "indicators": ["EX1"], "explanation": {"nl": "Opgesloten.", "en": "Locked in."}},
    ],
    "minor_when": [{"question": "age", "op": "lt", "value": {"norm": "min_age"}}],
    "urgent_guidance": {"title": {"nl": "Bel 112", "en": "Call 112"}, "steps": [{"nl": "Bel 112.", "en": "Call 112."}]},
}


def write_assets(root: Path, templates: list[dict[str, Any]], catalogues: list[dict[str, Any]]) -> Path:
    for t in templates:
        folder = root / "templates" / t["id"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"v{t['version']}.yaml").write_text(yaml.safe_dump(t, allow_unicode=True), encoding="utf-8")
    (root / "catalogue").mkdir(parents=True, exist_ok=True)
    for c in catalogues:
        (root / "catalogue" / f"v{c['version']}.yaml").write_text(yaml.safe_dump(c), encoding="utf-8")
    return root


@pytest.fixture
def test_template() -> Template:
    return parse_template(TEMPLATE)


@pytest.fixture
def test_catalogue() -> Catalogue:
    return parse_catalogue(CATALOGUE)


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_available() -> bool:
    return _pg_available()


def _create_pg_db() -> str:
    import psycopg

    name = f"inspectie_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_pg_db(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def serving(app: Any, log_level: str = "warning") -> Iterator[str]:
    """``app`` served by uvicorn in a thread on a free loopback port (lifespan on); its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level=log_level, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(1000):
        if server.started:
            break
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             pg_available: bool) -> Iterator[Settings]:
    """A freshly migrated database (one per module and backend) with test assets published and demo users."""
    root = tmp_path_factory.mktemp(f"server-{request.param}")
    assets = write_assets(root / "assets", [TEMPLATE], [CATALOGUE])
    db_name = None
    if request.param == "postgres":
        if not pg_available:
            pytest.skip("PostgreSQL at 127.0.0.1:5432 does not answer; PostgreSQL variant skipped")
        db_name = _create_pg_db()
        url = PG_URL.format(db=db_name)
    else:
        url = f"sqlite:///{(root / 'server.db').as_posix()}"
    s = Settings(data_dir=root, database_url=url, assets_dir=assets, login_max_failures=5)
    upgrade(s)
    from sync_server.catalog.service import publish_assets

    in_transaction(s, lambda session: publish_assets(session=session, assets_dir=assets))
    in_transaction(s, lambda session: seed_demo(session=session))
    yield s
    if db_name:
        _drop_pg_db(db_name)


@pytest.fixture(scope="module")
def base_url(settings: Settings) -> Iterator[str]:
    """A real uvicorn server in a thread on a free loopback port."""
    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture
def http(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@dataclass
class Device:
    """A logged-in test device with its own client id and mutation counter."""

    http: httpx.Client
    token: str
    user: dict[str, Any]
    device_id: str
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    next_id: int = 1

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Schema-Version": str(SCHEMA_VERSION)}

    def mutation(self, name: str, entity_id: str, args: dict[str, Any]) -> dict[str, Any]:
        m = {"id": self.next_id, "name": name, "entity_id": entity_id, "args": args}
        self.next_id += 1
        return m

    def push(self, mutations: list[dict[str, Any]], **extra: Any) -> httpx.Response:
        body = {"client_id": self.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations, **extra}
        return self.http.post("/api/v1/sync/push", json=body, headers=self.headers)

    def pull(self, cursor: int = 0, limit: int = 500) -> httpx.Response:
        body = {"client_id": self.client_id, "schema_version": SCHEMA_VERSION, "cursor": cursor, "limit": limit}
        return self.http.post("/api/v1/sync/pull", json=body, headers=self.headers)

    def pull_all(self, cursor: int = 0) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while True:
            r = self.pull(cursor)
            assert r.status_code == 200, r.text
            body = r.json()
            out += body["changes"]
            cursor = body["cursor"]
            if not body["has_more"]:
                return out

    def create_inspection(self, **overrides: Any) -> tuple[str, dict[str, Any]]:
        iid = str(uuid.uuid4())
        args = {"template_id": "testpand", "template_version": 1, "control_type": "pandenactie",
                "address": {"street": "Voorbeeldstraat", "house_number": "12"}, "planned_control_id": None,
                "started_at": "2026-03-02T09:00:00+01:00", **overrides}
        return iid, self.mutation("inspection.create.v1", iid, args)


def login(http: httpx.Client, username: str, password: str = DEMO_PASSWORD) -> Device:
    r = http.post("/api/v1/auth/login", json={"username": username, "password": password, "device_name": "test"})
    assert r.status_code == 200, r.text
    body = r.json()
    return Device(http=http, token=body["token"], user=body["user"], device_id=body["device_id"])


@pytest.fixture
def login_as(http: httpx.Client) -> Callable[[str], Device]:
    """Log a demo user in on a new test device."""
    return lambda username: login(http, username)


# --- a live server for the OpenAPI checks and schemathesis (test_api_schema.py, api_fuzz.py) ---

@pytest.fixture(scope="module")
def live(settings: Settings) -> Iterator[str]:
    """A real server on loopback whose address lookup answers from a recorded PDOK reply (the OpenAPI checks and
    schemathesis, ``api_fuzz.py``)."""
    app = create_app(settings)
    recorded = json.loads(Path(__file__).with_name("pdok_free_response.json").read_text(encoding="utf-8"))
    app.state.pdok_transport = httpx.MockTransport(lambda _request: httpx.Response(200, json=recorded))
    with serving(app, log_level="critical") as url:
        yield url


FUZZ_ROLES = ("teamleider1", "inspecteur1", "ketenregisseur1", "planner1", "beheerder1")


def fuzz_login(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD,
                                                       "device_name": "schemathesis"}, timeout=30)
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


@pytest.fixture(scope="module")
def fuzz_tokens(live: str) -> dict[str, str]:
    """Every token first: fuzzing the login soon locks this address out of logging in (429)."""
    found = {u: fuzz_login(live, u) for u in FUZZ_ROLES}
    found |= {f"{u}/ending": fuzz_login(live, u) for u in ("inspecteur1", "beheerder1")}
    return found
