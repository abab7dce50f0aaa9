"""Fault-test plumbing: a real server process on loopback (start, SIGKILL, restart), a TCP proxy that
cuts, drops or corrupts traffic, and the check that the server holds exactly the tablet's work."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import select

from inspectie_app.store import SqliteStore
from sync_server.blobs.store import FileBlobStore
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo
from sync_server.tenancy.service import DEFAULT_ORGANISATION_ID

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"

TEMPLATE: dict[str, Any] = {
    "id": "pandenactie", "version": 1, "control_type": "pandenactie",
    "title": {"nl": "Pandenactie", "en": "Premises check"},
    "sections": [{"id": "pand", "title": {"nl": "Pand", "en": "Premises"}, "questions": [
        {"id": f"q{i:02d}", "type": "number", "label": {"nl": f"Vraag {i}", "en": f"Question {i}"},
         "evidence": "observed", "integer": True, "min": 0, "max": 100000} for i in range(40)] + [
        {"id": "opgesloten", "type": "yes_no", "label": {"nl": "Opgesloten", "en": "Locked in"},
         "evidence": "observed"}]}],
    "person_module": [{"id": "persoon", "title": {"nl": "Persoon", "en": "Person"}, "questions": [
        {"id": "leeftijd", "type": "number", "label": {"nl": "Leeftijd", "en": "Age"}, "evidence": "self_reported",
         "integer": True, "min": 0, "max": 120},
        {"id": "paspoort", "type": "yes_no", "label": {"nl": "Paspoort ingenomen", "en": "Passport held"},
         "evidence": "self_reported"}]}],
}
CATALOGUE: dict[str, Any] = {
    "id": "faults", "version": 1, "norms": {"min_age": 18},
    "indicators": [{"code": "CD1", "dimension": "CD", "label": {"nl": "Documenten", "en": "Documents"},
                    "strength": {"labour": "S", "sexual": "S"}, "source": "test"}],
    "rules": [{"id": "r1", "scope": "person", "when": [{"question": "paspoort", "op": "eq", "value": True}],
               "indicators": ["CD1"], "explanation": {"nl": "Paspoort.", "en": "Passport."}}],
    "minor_when": [{"question": "leeftijd", "op": "lt", "value": {"norm": "min_age"}}],
    "urgent_guidance": {"title": {"nl": "Bel 112", "en": "Call 112"}, "steps": [{"nl": "Bel 112.", "en": "Call."}]},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_assets(root: Path) -> Path:
    (root / "templates" / "pandenactie").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "pandenactie" / "v1.yaml").write_text(yaml.safe_dump(TEMPLATE), encoding="utf-8")
    (root / "catalogue").mkdir(parents=True, exist_ok=True)
    (root / "catalogue" / "v1.yaml").write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
    return root


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def create_pg_db() -> str:
    import psycopg

    name = f"inspectie_fault_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_pg_db(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_server_settings(root: Path, backend: str, **extra: Any) -> tuple[Settings, str | None]:
    """A migrated, seeded server database (SQLite file or a fresh PostgreSQL database)."""
    assets = write_assets(root / "assets")
    db_name = None
    if backend == "postgres":
        db_name = create_pg_db()
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{db_name}"
    else:
        url = f"sqlite:///{(root / 'server.db').as_posix()}"
    settings = Settings(data_dir=root, database_url=url, assets_dir=assets, **extra)
    upgrade(settings)
    in_transaction(settings, lambda session: seed_demo(session=session))
    return settings, db_name


@dataclass
class ServerProcess:
    """``uvicorn sync_server.app:create_app --factory`` in its own process (``workers`` worker processes behind one
    socket, as ``inspectie-server serve --workers N`` runs them), configured by environment."""

    settings: Settings
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    env_extra: dict[str, str] = field(default_factory=dict)
    workers: int = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "INSPECTIE_DATA_DIR": str(self.settings.data_dir),
               "INSPECTIE_DATABASE_URL": self.settings.database_url,
               "INSPECTIE_ASSETS_DIR": str(self.settings.assets_dir),
               "INSPECTIE_UPLOAD_EXPIRY_HOURS": str(self.settings.upload_expiry_hours), **self.env_extra}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "sync_server.app:create_app", "--factory", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "warning", "--workers", str(self.workers),
             "--timeout-worker-healthcheck", "120"],
            env=env, start_new_session=True)
        deadline = time.monotonic() + 30 * self.workers  # a busy machine starts two workers slowly
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing — like a power cut of the server process."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.kill()
        self.start()


class Proxy:
    """A TCP proxy on loopback (asyncio, in its own thread) between the tablet and the server.

    Faults, each per connection: ``cut_after`` closes both sides after N client→server bytes; ``drop_replies``
    lets the request through and swallows the server's answer (the server committed, the tablet never
    hears it); ``corrupt`` flips one byte ``skip`` bytes after ``marker`` in the client→server stream, once;
    ``on_upstream(total)`` is called with the running total of client→server bytes (e.g. to kill the server);
    ``cut_on`` closes a connection, forwarding nothing more, as soon as its client→server bytes contain that marker
    (e.g. a request line).
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.cut_after: int | None = None
        self.drop_replies = False
        self.corrupt: tuple[bytes, int] | None = None
        self.on_upstream: Callable[[int], None] | None = None
        self.cut_on: bytes | None = None
        self.upstream_total = 0
        self.cuts = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self._server = server
        self._ready.set()
        self._loop.run_forever()
        # Stopped: end every connection still piped (cancel, then close both sockets) before the loop closes, so
        # none is left for the garbage collector to find open in a later test.
        server.close()
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(server.wait_closed())
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        state = {"sent": 0, "window": b""}
        up = asyncio.create_task(self._pipe_up(client_r, server_w, state))
        down = asyncio.create_task(self._pipe_down(server_r, client_w))
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (up, down):
                task.cancel()
            await asyncio.gather(up, down, return_exceptions=True)
            for w in (client_w, server_w):
                w.close()

    async def _pipe_up(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: dict[str, Any]) -> None:
        while data := await reader.read(65536):
            if self.cut_on is not None:
                window = state.get("cut_window", b"") + data
                if self.cut_on in window:
                    self.cuts += 1
                    return
                state["cut_window"] = window[-len(self.cut_on):]
            if self.cut_after is not None and state["sent"] + len(data) > self.cut_after:
                writer.write(data[: self.cut_after - state["sent"]])
                await writer.drain()
                self.cuts += 1
                return
            data = self._maybe_corrupt(data, state)
            state["sent"] += len(data)
            self.upstream_total += len(data)
            writer.write(data)
            await writer.drain()
            if self.on_upstream is not None:
                self.on_upstream(self.upstream_total)

    def _maybe_corrupt(self, data: bytes, state: dict[str, Any]) -> bytes:
        """Flip the byte ``skip`` bytes after the first ``marker`` (may span reads); once per proxy."""
        if self.corrupt is None:
            return data
        marker, skip = self.corrupt
        if "left" not in state:
            window = state["window"] + data
            at = window.find(marker)
            if at < 0:
                state["window"] = window[-len(marker):]
                return data
            state["left"] = skip - (len(window) - at)  # bytes after this read until the target
            if state["left"] >= 0:
                return data
            target = len(data) + state["left"]
        else:
            if state["left"] >= len(data):
                state["left"] -= len(data)
                return data
            target = state["left"]
        self.corrupt = None
        flipped = bytearray(data)
        flipped[target] ^= 0xFF
        return bytes(flipped)

    async def _pipe_down(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            if self.drop_replies:
                return  # the server answered (so it committed); the tablet never hears it
            writer.write(data)
            await writer.drain()


def server_view(settings: Settings, inspector_id: uuid.UUID) -> dict[str, Any]:
    """Everything the server holds for one inspector, in a comparable shape."""
    def read(session: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i in session.scalars(select(Inspection).where(Inspection.inspector_id == inspector_id)):
            answers = {(a.person_id, a.question_id): a.value for a in session.scalars(
                select(Answer).where(Answer.inspection_id == i.id)) if a.value is not None}
            persons = sorted(p.person_id for p in session.scalars(select(Person).where(
                Person.inspection_id == i.id, Person.deleted.is_(False))))
            photos = sorted((str(p.id), p.sha256) for p in session.scalars(select(Photo).where(
                Photo.inspection_id == i.id)))
            out[str(i.id)] = {"status": i.status, "note": i.note, "answers": answers, "persons": persons,
                              "photos": photos}
        return out
    return in_transaction(settings, read)


def tablet_view(store: SqliteStore) -> dict[str, Any]:
    """The same shape from the tablet's local store."""
    out: dict[str, Any] = {}
    for r in store.list_inspections():
        answers = {("", q): v for q, v in r.answers.items()}
        for p in r.persons:
            answers.update({(p.id, q): v for q, v in p.answers.items()})
        out[str(r.id)] = {"status": r.status.value, "note": r.note, "answers": answers,
                          "persons": sorted(p.id for p in r.persons),
                          "photos": sorted((str(p.id), p.sha256) for p in r.photos)}
    return out


def blobs_present(settings: Settings, shas: set[str]) -> bool:
    """Every photo stored for the demo users' (default) organisation."""
    store = FileBlobStore(settings.blobs)
    return all(store.present(DEFAULT_ORGANISATION_ID, sha) for sha in shas)
