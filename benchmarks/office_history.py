"""The office screens at a city's history: N past controls (default 100,000) in a fresh server, then each office
endpoint's median over a few calls, for the roles that open it.

    .venv/bin/python benchmarks/office_history.py [--db sqlite|postgres] [--controls N] [--small] [--via-push]
                                                  [--repeat K] [--no-cache]

History: several organisations and teams, four years of controls, levels spread like reality (most 0), persons,
40 premises answers each, identifiers shared across controls, verifications, comments and audit entries. The
default loader writes the rows a push would create straight into the database in batches and computes every flag
with the server's engine (``inspections.service.compute_flags``, the push's code path); ``--via-push`` sends the
controls through ``/sync/push`` instead (slow: ~15 min for 100,000 on PostgreSQL). A loaded history is cached for
re-runs, keyed by N and loader: PostgreSQL keeps a template database (``CREATE DATABASE x TEMPLATE ...``), SQLite a
copy of the file (under ``$XDG_CACHE_HOME/inspectie-bench``); the copy a run uses is migrated to the current head
first (new indexes and tables are built on the loaded history, as an upgrade would), so a cache made before a
migration still serves.

Prints ``<endpoint>_ms: N`` (median of the first page or the aggregate; a failed call counts as
``<endpoint>_errors``), ``server_peak_rss_mb`` (the server process's VmHWM) and, last, ``worst_ms``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from bench_common import CATALOGUE, PG_ADMIN_URL, QUESTIONS, ROOT, TEMPLATE, free_port, report
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from schemas.identifiers import IdentifierKind, hint, normalise
from schemas.sync import SCHEMA_VERSION
from sync_server.auth import service as users
from sync_server.auth.models import User
from sync_server.auth.schemas import Role
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.inspections.service import compute_flags
from sync_server.links.models import Identifier
from sync_server.links.service import digest
from sync_server.migrate import upgrade
from sync_server.review import chain, signals
from sync_server.review.models import AuditEntry, Comment, Verification
from sync_server.seed import DEMO_PASSWORD, seed_demo
from sync_server.tenancy import service as tenancy

# The office endpoints measured: (name, username, path). Add a row for each screen; the first page or the aggregate.
ENDPOINTS: list[tuple[str, str, str]] = [
    ("review_queue", "teamleider1", "/api/v1/review/inspections"),
    ("review_queue_level2", "teamleider1", "/api/v1/review/inspections?level=2"),
    ("review_queue_ketenregisseur", "ketenregisseur1", "/api/v1/review/inspections"),
    ("signals", "teamleider1", "/api/v1/review/signals"),
    ("signals_open_ketenregisseur", "ketenregisseur1", "/api/v1/review/signals?open_only=true"),
    ("clusters", "ketenregisseur1", "/api/v1/links/clusters"),
    ("establishments", "planner1", "/api/v1/establishments"),
    ("audit", "beheerder1", "/api/v1/review/audit"),
    ("audit_teamleider", "teamleider1", "/api/v1/review/audit"),
    ("overview", "ketenregisseur1", "/api/v1/reporting/overview"),
    ("overview_teamleider_2026", "teamleider1", "/api/v1/reporting/overview?year=2026"),
    ("agencies", "ketenregisseur1", "/api/v1/reporting/agencies"),
    ("year_plan", "planner1", "/api/v1/planning/years/2026"),
    ("suggestions", "planner1", "/api/v1/planning/suggestions"),
    ("planned_controls", "planner1", "/api/v1/planning/controls"),
]
# Whole files, not a first page: timed (``<name>_ms``) but not part of ``worst_ms``; the server's peak memory is
# read after them, so it shows whether a streamed export grows with the history.
EXPORTS: list[tuple[str, str, str]] = [
    ("export_mdo_csv", "ketenregisseur1", "/api/v1/reporting/exports/mdo.csv"),
    ("export_riec_csv", "ketenregisseur1", "/api/v1/reporting/exports/riec.csv"),
    ("export_mdo_xlsx", "ketenregisseur1", "/api/v1/reporting/exports/mdo.xlsx"),
]

LOADER_VERSION = 2  # bump when the loaded history changes, so a cached one is not reused
BATCH = 500
END = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
YEARS = 4
STREETS = [f"{name}straat" for name in ("Acacia", "Beuken", "Ceder", "Duinroos", "Eiken", "Fazant", "Goudsbloem",
                                        "Hazelaar", "Iepen", "Jasmijn", "Kastanje", "Linden", "Meidoorn", "Noten",
                                        "Olm", "Populier", "Quarantaine", "Rozen", "Seringen", "Tulpen")]
HOODS = ["Centrum", "Presikhaaf", "Malburgen", "Rijkerswoerd", "Klarendal", "Geitenkamp", "Schuytgraaf", "Elden"]
# (organisation key, team key, inspectors, share of the controls); the first is the demo organisation's team
TEAMS = [("gemeente-arnhem", "interventieteam", 6, 0.55), ("gemeente-arnhem", "zuid", 4, 0.2),
         ("gemeente-arnhem", "noord", 3, 0.1), ("gemeente-voorbeeldstad", "handhaving", 3, 0.15)]


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "inspectie-bench"


def cache_key(controls: int, via_push: bool) -> str:
    """The cached history's name: N and loader. Not the migration head: a cached copy is brought to the head
    with the migrations (``upgrade``) before the server starts, as a real server would be."""
    return f"hist_{controls}_{'push' if via_push else 'bulk'}_v{LOADER_VERSION}"


def write_assets(root: Path) -> Path:
    assets = root / "assets"
    (assets / "templates" / "pandenactie").mkdir(parents=True, exist_ok=True)
    (assets / "templates" / "pandenactie" / "v1.yaml").write_text(yaml.safe_dump(TEMPLATE), encoding="utf-8")
    (assets / "catalogue").mkdir(exist_ok=True)
    (assets / "catalogue" / "v1.yaml").write_text(yaml.safe_dump(CATALOGUE), encoding="utf-8")
    return assets


# --- the database: fresh, cached or copied ---------------------------------------------------------------------

def pg_exec(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def pg_analyze(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", autocommit=True) as conn:
        conn.execute("ANALYZE")


def pg_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def database(db: str, root: Path, key: str, use_cache: bool, loader: Any) -> tuple[str, str | None]:
    """A database URL holding the history (loaded now, or copied from the cache); the PostgreSQL name to drop."""
    if db == "postgres":
        work = f"inspectie_bench_{uuid.uuid4().hex[:10]}"
        if not (use_cache and pg_exists(key)):
            pg_exec(f'DROP DATABASE IF EXISTS "{key}_loading" WITH (FORCE)')
            pg_exec(f'CREATE DATABASE "{key}_loading"')
            loader(f"postgresql+psycopg://postgres@127.0.0.1:5432/{key}_loading")
            pg_exec(f'DROP DATABASE IF EXISTS "{key}" WITH (FORCE)')
            pg_exec(f'ALTER DATABASE "{key}_loading" RENAME TO "{key}"')
        pg_exec(f'CREATE DATABASE "{work}" TEMPLATE "{key}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{work}", work
    cached = cache_dir() / f"{key}.sqlite"
    target = root / "server.db"
    if not (use_cache and cached.exists()):
        loading = root / "loading.db"
        loader(f"sqlite:///{loading.as_posix()}")
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(loading, cached)
        loading.unlink()
    shutil.copyfile(cached, target)
    return f"sqlite:///{target.as_posix()}", None


# --- the history ---------------------------------------------------------------------------------------------

def make_people(settings: Settings) -> dict[str, Any]:
    """Teams, inspectors and a teamleider per team; returns per team its ids and inspectors."""
    def work(session: Session) -> dict[str, Any]:
        seed_demo(session=session)
        publish_assets(session=session, assets_dir=settings.assets_dir)
        out: dict[str, Any] = {}
        for org_key, team_key, inspectors, share in TEAMS:
            team = tenancy.get_team(session=session, organisation_key=org_key, team_key=team_key)
            if team is None:
                team, _ = tenancy.create_team(session=session, organisation_key=org_key, team_key=team_key,
                                              team_name=f"Team {team_key}")
            names = [f"bench-{team_key}-insp{n}" for n in range(inspectors)]
            ids = [users.create(session=session, username=name, password=DEMO_PASSWORD, role=Role.INSPECTEUR,
                                display_name=f"Inspecteur {team_key} {n}", team_id=team.id).id
                   for n, name in enumerate(names)]
            lead = session.scalar(select(User).where(User.team_id == team.id, User.role == Role.TEAMLEIDER.value))
            if lead is None:
                lead = users.create(session=session, username=f"bench-{team_key}-lead", password=DEMO_PASSWORD,
                                    role=Role.TEAMLEIDER, display_name=f"Teamleider {team_key}", team_id=team.id)
            out[team_key] = {"org": team.organisation_id, "team": team.id, "inspectors": ids, "names": names,
                             "lead": lead.id, "lead_name": lead.username, "share": share}
        return out

    return in_transaction(settings, work)


def pick_team(rng: random.Random, teams: dict[str, Any]) -> dict[str, Any]:
    return rng.choices(list(teams.values()), weights=[t["share"] for t in teams.values()])[0]


def control_plan(rng: random.Random, n: int, pool: int) -> dict[str, Any]:
    """One control's content: when, where, persons (age, passport) and identifiers (values from a shared pool)."""
    started = END - timedelta(seconds=rng.uniform(0, YEARS * 365 * 86400))
    street, number = rng.choice(STREETS), rng.randint(1, 120)
    address = {"street": street, "house_number": str(number), "postcode": f"68{STREETS.index(street):02d}AB",
               "city": "Arnhem", "neighbourhood": HOODS[(number + STREETS.index(street)) % len(HOODS)]}
    signal_roll = rng.random()
    persons = [(rng.randint(19, 60), False) for _ in range(rng.choice((0, 1, 1, 2, 2, 3)))]
    if persons and signal_roll < 0.08:
        persons[0] = (persons[0][0], True)  # documents withheld: a strong indicator
    if persons and signal_roll > 0.985:
        persons[-1] = (rng.randint(15, 17), persons[-1][1])  # a minor
    idents = [(rng.choice(list(IdentifierKind)), f"{rng.randint(0, pool):07d}")
              for _ in range(rng.choice((0, 0, 1, 1, 2)))]
    finished = rng.random() > 0.03
    return {"started": started, "finished": started + timedelta(hours=2) if finished else None, "address": address,
            "persons": persons, "identifiers": idents, "answers": [rng.randint(0, 50) for _ in range(QUESTIONS)]}


def identifier_value(kind: IdentifierKind, raw: str) -> str:
    if kind is IdentifierKind.PHONE:
        return f"06{raw[-8:].rjust(8, '1')}"
    if kind is IdentifierKind.URL:
        return f"https://voorbeeld{raw}.nl"
    if kind is IdentifierKind.UITZENDBUREAU:
        return raw.rjust(8, "1")
    if kind is IdentifierKind.VEHICLE:
        return f"XX{raw[-4:]}Y"
    return f"Naam {raw}"


def bulk_load(url: str, assets: Path, controls: int, root: Path) -> None:
    """The rows a push would create, written in batches; flags computed by the server's engine."""
    settings = Settings(data_dir=root / "loader", database_url=url, assets_dir=assets)
    upgrade(settings)
    teams = make_people(settings)
    rng = random.Random(controls)
    engine = make_engine(settings)
    factory = make_sessionmaker(engine)
    pool = max(10, controls // 3)
    try:
        for start in range(0, controls, BATCH):
            with factory() as session, session.begin():
                _load_batch(session, settings, teams, rng, pool, min(BATCH, controls - start))
            if start and start % 10_000 == 0:
                print(f"loaded {start} controls", file=sys.stderr, flush=True)
    finally:
        engine.dispose()


def _load_batch(session: Session, settings: Settings, teams: dict[str, Any], rng: random.Random, pool: int,
                size: int) -> None:
    now = datetime.now(UTC)
    batch: list[Inspection] = []
    answers: list[dict[str, Any]] = []
    persons: list[dict[str, Any]] = []
    for _ in range(size):
        team = pick_team(rng, teams)
        plan = control_plan(rng, len(batch), pool)
        i = Inspection(id=uuid.uuid4(), template_id="pandenactie", template_version=1, control_type="pandenactie",
                       address=plan["address"], inspector_id=rng.choice(team["inspectors"]),
                       organisation_id=team["org"], team_id=team["team"],
                       status="finished" if plan["finished"] else "draft", started_at=plan["started"],
                       finished_at=plan["finished"], received_at=plan["finished"] or plan["started"], version=1)
        batch.append(i)
        answers += [{"inspection_id": i.id, "person_id": "", "question_id": f"q{q:02d}", "value": v}
                    for q, v in enumerate(plan["answers"])]
        for n, (age, passport) in enumerate(plan["persons"], start=1):
            persons.append({"inspection_id": i.id, "person_id": f"p{n}", "label": f"Persoon {n}", "deleted": False})
            answers += [{"inspection_id": i.id, "person_id": f"p{n}", "question_id": "leeftijd", "value": age},
                        {"inspection_id": i.id, "person_id": f"p{n}", "question_id": "paspoort", "value": passport}]
        for kind, raw in plan["identifiers"]:
            canonical = normalise(kind, identifier_value(kind, raw))
            session.add(Identifier(id=uuid.uuid4(), inspection_id=i.id, organisation_id=i.organisation_id,
                                   kind=kind.value, digest=digest(key=settings.identifier_key, kind=kind,
                                                                  canonical=canonical),
                                   hint=hint(kind, canonical), created_at=plan["started"],
                                   public_value=canonical if kind is IdentifierKind.UITZENDBUREAU else None))
        i._bench_team = team  # type: ignore[attr-defined]
    session.add_all(batch)
    session.flush()
    session.execute(insert(Answer), answers)
    if persons:
        session.execute(insert(Person), persons)
    compute_flags(session=session, inspections=[i for i in batch if i.status == "finished"])
    for i in batch:
        _review_history(session, rng, i, i._bench_team, now)  # type: ignore[attr-defined]


def _review_history(session: Session, rng: random.Random, i: Inspection, team: dict[str, Any],
                    now: datetime) -> None:
    """Verifications of most older signals, a few comments, and audit entries of reads."""
    old = (now - i.started_at).days > 30
    for s in signals.subjects(i.flag):
        if old and rng.random() < 0.8:
            session.add(Verification(inspection_id=i.id, subject_id=str(s["subject_id"]), by_id=team["lead"],
                                     verdict=rng.choice(("gegrond", "ongegrond", "meer_info")),
                                     reason="Beoordeeld (benchmark).", at=i.started_at + timedelta(days=2)))
    if rng.random() < 0.03:
        session.add(Comment(inspection_id=i.id, author_id=team["lead"], author_name="Teamleider",
                            author_role="teamleider", body="Graag aanvullen.", created_at=i.started_at))
    if rng.random() < 0.2:
        chain.queue(session, AuditEntry(at=i.started_at + timedelta(days=1), user_id=team["lead"],
                                        organisation_id=i.organisation_id, username=team["lead_name"],
                                        role="teamleider", action="read_detail", object_type="inspection",
                                        object_id=str(i.id), inspection_id=i.id, detail={}))


# --- loading through the push API --------------------------------------------------------------------------------

def push_load(url: str, assets: Path, controls: int, root: Path) -> None:
    """The controls pushed by their inspectors through ``/sync/push`` (50 per push) to a server on this database."""
    settings = Settings(data_dir=root / "loader", database_url=url, assets_dir=assets)
    upgrade(settings)
    teams = make_people(settings)
    rng = random.Random(controls)
    pool = max(10, controls // 3)
    with Server(url, assets, root / "push-server") as server, httpx.Client(base_url=server.url, timeout=120) as http:
        devices = {name: _login(http, name) for t in teams.values() for name in t["names"]}
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in devices}
        for n in range(controls):
            name = rng.choice(pick_team(rng, teams)["names"])
            pending[name] += _control_mutations(devices[name], control_plan(rng, n, pool))
            if len(pending[name]) >= 50 * (QUESTIONS + 8):
                _push(http, devices[name], pending[name])
                pending[name] = []
        for name, mutations in pending.items():
            if mutations:
                _push(http, devices[name], mutations)


def _login(http: httpx.Client, username: str) -> dict[str, Any]:
    r = http.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD,
                                              "device_name": "bench"})
    r.raise_for_status()
    return {"token": r.json()["token"], "client_id": str(uuid.uuid4()), "next": 1}


def _control_mutations(device: dict[str, Any], plan: dict[str, Any]) -> list[dict[str, Any]]:
    iid = str(uuid.uuid4())
    out: list[dict[str, Any]] = []

    def m(name: str, args: dict[str, Any]) -> None:
        out.append({"id": device["next"], "name": name, "entity_id": iid, "args": args})
        device["next"] += 1

    m("inspection.create.v1", {"template_id": "pandenactie", "template_version": 1, "control_type": "pandenactie",
                               "address": plan["address"], "planned_control_id": None,
                               "started_at": plan["started"].isoformat()})
    for q, value in enumerate(plan["answers"]):
        m("answer.set.v1", {"person_id": None, "question_id": f"q{q:02d}", "value": value})
    for n, (age, passport) in enumerate(plan["persons"], start=1):
        m("person.create.v1", {"person_id": f"p{n}", "label": f"Persoon {n}"})
        m("answer.set.v1", {"person_id": f"p{n}", "question_id": "leeftijd", "value": age})
        m("answer.set.v1", {"person_id": f"p{n}", "question_id": "paspoort", "value": passport})
    for kind, raw in plan["identifiers"]:
        m("identifier.add.v1", {"identifier_id": str(uuid.uuid4()), "kind": kind.value,
                                "value": identifier_value(kind, raw)})
    if plan["finished"]:
        m("inspection.finish.v1", {"finished_at": plan["finished"].isoformat()})
    return out


def _push(http: httpx.Client, device: dict[str, Any], mutations: list[dict[str, Any]]) -> None:
    body = {"client_id": device["client_id"], "schema_version": SCHEMA_VERSION, "mutations": mutations}
    r = http.post("/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {device['token']}",
                                                           "X-Schema-Version": str(SCHEMA_VERSION)})
    r.raise_for_status()


# --- the server and the measurement -------------------------------------------------------------------------------

class Server:
    """uvicorn in its own process on ``url``'s database; ``peak_rss_mb`` reads its VmHWM."""

    def __init__(self, url: str, assets: Path, data_dir: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "INSPECTIE_DATA_DIR": str(data_dir), "INSPECTIE_DATABASE_URL": url,
               "INSPECTIE_ASSETS_DIR": str(assets)}
        self.proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "sync_server.app:create_app", "--factory",
                                      "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"],
                                     env=env, cwd=ROOT, start_new_session=True)
        for _ in range(1200):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError("server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def measure(server: Server, repeat: int, timeout: float,
            table: list[tuple[str, str, str]] = ENDPOINTS) -> Iterator[tuple[str, float, int]]:
    """(endpoint, median ms, failed calls) per row of ``table``, after one warm-up call each."""
    with httpx.Client(base_url=server.url, timeout=timeout) as http:
        tokens: dict[str, str] = {}
        for name, username, path in table:
            if username not in tokens:
                r = http.post("/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD,
                                                          "device_name": "bench"})
                r.raise_for_status()
                tokens[username] = r.json()["token"]
            headers = {"Authorization": f"Bearer {tokens[username]}"}
            times: list[float] = []
            failed = 0
            for n in range(repeat + 1):
                t0 = time.perf_counter()
                try:
                    ok = http.get(path, headers=headers).status_code == 200
                except httpx.TransportError:  # a timeout, or a server that dropped the connection
                    ok = False
                elapsed = (time.perf_counter() - t0) * 1000
                if n:  # the first call warms caches
                    times.append(elapsed)
                    failed += 0 if ok else 1
            yield name, statistics.median(times), failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--controls", type=int, default=100_000)
    parser.add_argument("--small", action="store_true", help="300 controls, one call each (the smoke test)")
    parser.add_argument("--via-push", action="store_true", help="load the history through /sync/push")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per endpoint (median)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a call counts as failed")
    parser.add_argument("--no-cache", action="store_true", help="load the history again even if it is cached")
    args = parser.parse_args()
    controls, repeat = (300, 1) if args.small else (args.controls, args.repeat)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="inspectie-office-") as tmp:
        root = Path(tmp)
        assets = write_assets(root)
        loader = push_load if args.via_push else bulk_load
        t0 = time.perf_counter()
        url, pg_db = database(args.db, root, cache_key(controls, args.via_push), not args.no_cache,
                              lambda u: loader(u, assets, controls, root))
        upgrade(Settings(data_dir=root / "server", database_url=url, assets_dir=assets))
        if pg_db is not None:  # a loaded or copied database has no planner statistics yet (a running server's
            pg_analyze(pg_db)  # autovacuum gathers them soon after); without them the RIEC export took 300 s
        report("history_controls", controls)
        report("history_ready_s", time.perf_counter() - t0)
        try:
            with Server(url, assets, root / "server") as server:
                results = list(measure(server, repeat, args.timeout))
                for name, ms, failed in results:
                    report(f"{name}_ms", round(ms))
                    if failed:
                        report(f"{name}_errors", failed)
                for name, ms, failed in measure(server, 1, args.timeout, EXPORTS):
                    report(f"{name}_ms", round(ms))
                    if failed:
                        report(f"{name}_errors", failed)
                report("server_peak_rss_mb", round(server.peak_rss_mb()))
                report("worst_ms", round(max(ms for _n, ms, _f in results)))
        finally:
            if pg_db:
                pg_exec(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
