"""Shared plumbing for the benchmarks: a fresh server process on loopback (SQLite or PostgreSQL) with a
40-question test template, and `name: value` output."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync_server.cli import in_transaction  # noqa: E402
from sync_server.config import Settings  # noqa: E402
from sync_server.migrate import upgrade  # noqa: E402
from sync_server.seed import seed_demo  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
QUESTIONS = 40

TEMPLATE: dict[str, Any] = {
    "id": "pandenactie", "version": 1, "control_type": "pandenactie",
    "title": {"nl": "Pandenactie", "en": "Premises check"},
    "sections": [{"id": "pand", "title": {"nl": "Pand", "en": "Premises"}, "questions": [
        {"id": f"q{i:02d}", "type": "number", "label": {"nl": f"Vraag {i}", "en": f"Question {i}"},
         "evidence": "observed", "integer": True, "min": 0, "max": 1_000_000} for i in range(QUESTIONS)]}],
    "person_module": [{"id": "persoon", "title": {"nl": "Persoon", "en": "Person"}, "questions": [
        {"id": "leeftijd", "type": "number", "label": {"nl": "Leeftijd", "en": "Age"}, "evidence": "self_reported",
         "integer": True, "min": 0, "max": 120},
        {"id": "paspoort", "type": "yes_no", "label": {"nl": "Paspoort ingenomen", "en": "Passport held"},
         "evidence": "self_reported"}]}],
}
CATALOGUE: dict[str, Any] = {
    "id": "bench", "version": 1, "norms": {"min_age": 18},
    "indicators": [{"code": "CD1", "dimension": "CD", "label": {"nl": "Documenten", "en": "Documents"},
                    "strength": {"labour": "S", "sexual": "S"}, "source": "benchmark"}],
    "rules": [{"id": "r1", "scope": "person", "when": [{"question": "paspoort", "op": "eq", "value": True}],
               "indicators": ["CD1"], "explanation": {"nl": "Paspoort.", "en": "Passport."}}],
    "minor_when": [{"question": "leeftijd", "op": "lt", "value": {"norm": "min_age"}}],
    "urgent_guidance": {"title": {"nl": "Bel 112", "en": "Call 112"}, "steps": [{"nl": "Bel 112.", "en": "Call."}]},
}


def report(name: str, value: float | int | str) -> None:
    shown = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {shown}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BenchServer:
    """A migrated, seeded server in a temporary folder, run by uvicorn in its own process (``workers`` worker
    processes)."""

    def __init__(self, db: str, workers: int = 1) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="inspectie-bench-")
        root = Path(self.tmp.name)
        assets = root / "assets"
        (assets / "templates" / "pandenactie").mkdir(parents=True)
        (assets / "templates" / "pandenactie" / "v1.yaml").write_text(yaml.safe_dump(TEMPLATE), encoding="utf-8")
        (assets / "catalogue").mkdir()
        (assets / "catalogue" / "v1.yaml").write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
        self.pg_db: str | None = None
        if db == "postgres":
            import psycopg

            self.pg_db = f"inspectie_bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_db}"')
            url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.pg_db}"
        else:
            url = f"sqlite:///{(root / 'server.db').as_posix()}"
        self.settings = Settings(data_dir=root / "server", database_url=url, assets_dir=assets)
        upgrade(self.settings)
        in_transaction(self.settings, lambda session: seed_demo(session=session))
        self.port = free_port()
        env = {**os.environ, "INSPECTIE_DATA_DIR": str(self.settings.data_dir), "INSPECTIE_DATABASE_URL": url,
               "INSPECTIE_ASSETS_DIR": str(assets)}
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "sync_server.app:create_app", "--factory",
                                      "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
                                      "--workers", str(workers),
                                      "--timeout-worker-healthcheck", "120"],
                                     env=env, cwd=ROOT, start_new_session=True)
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def root(self) -> Path:
        return Path(self.tmp.name)

    def close(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        if self.pg_db:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_db}" WITH (FORCE)')
        self.tmp.cleanup()


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its live descendants (uvicorn's workers):
    what a server spent on a piece of work, independent of how busy the machine's other processes keep it."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def peak_rss_reset() -> None:
    """Reset this process's peak RSS (Linux: clear_refs 5), so the next reading covers only what follows."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
