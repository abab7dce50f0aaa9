"""Many tablets syncing at once: 50 inspectors' tablets, each with a day's work (controls with persons and photos)
synced in 3 rounds, all tablets starting each round together, against a fresh server (PostgreSQL by default).

    .venv/bin/python benchmarks/load_sync.py [--db postgres|sqlite] [--workers N] [--tablets N] [--small]

A round is what the app does after a control: push the outbox (one request), upload the round's photos (PATCH,
two at a time) and pull until nothing is left. A refused request is retried as the tablet would (after
``Retry-After`` for a 503, one second otherwise) and counted in ``errors`` (``busy_503`` says how many of them
were 503s). Afterwards the database is checked: every control once, with all its answers, persons and photos,
its version equal to the number of mutations that touch it (a mutation applied twice would bump it twice), and
every tablet's ``last_mutation_id`` at its last mutation; ``lost_or_doubled`` sums what differs.

Prints pushes/s, p50/p95/p99 of push, upload and pull, the errors, then the lines the issue asks for:
``errors``, ``p95_push_ms``, ``pushes_per_s`` (push requests over the rounds' wall time) and ``lost_or_doubled``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from bench_common import QUESTIONS, BenchServer, report
from sqlalchemy import func, select

from schemas.sync import SCHEMA_VERSION
from sync_server.auth.schemas import Role
from sync_server.cli import in_transaction
from sync_server.db import make_engine
from sync_server.inspections.models import Answer, Inspection, Person, Photo
from sync_server.sync.models import SyncClient

PASSWORD = "last-test-wachtwoord"
PERSONS = 3
PHOTOS_PER_CONTROL = 2
PHOTO_BYTES = 150 * 1024
MUTATIONS_PER_CONTROL = 1 + QUESTIONS + 3 * PERSONS + PHOTOS_PER_CONTROL + 1


@dataclass
class Figures:
    push: list[float] = field(default_factory=list)
    upload: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    errors: int = 0
    busy: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)


@dataclass
class Tablet:
    username: str
    http: httpx.AsyncClient
    client_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    next_id: int = 1
    cursor: int = 0
    controls: list[str] = field(default_factory=list)

    def control(self, n: int) -> tuple[list[dict[str, Any]], list[bytes]]:
        """One finished control's mutations and its photos."""
        iid = str(uuid.uuid4())
        self.controls.append(iid)
        out: list[dict[str, Any]] = []

        def add(name: str, args: dict[str, Any]) -> None:
            out.append({"id": self.next_id, "name": name, "entity_id": iid, "base_version": None, "args": args})
            self.next_id += 1

        add("inspection.create.v1", {"template_id": "pandenactie", "template_version": 1,
                                     "control_type": "pandenactie", "planned_control_id": None,
                                     "address": {"street": "Laststraat", "house_number": str(n + 1)},
                                     "started_at": "2026-11-30T09:00:00+01:00"})
        for q in range(QUESTIONS):
            add("answer.set.v1", {"person_id": None, "question_id": f"q{q:02d}", "value": n * 100 + q})
        for p in range(PERSONS):
            person = str(uuid.uuid4())
            add("person.create.v1", {"person_id": person, "label": f"Persoon {p + 1}"})
            add("answer.set.v1", {"person_id": person, "question_id": "leeftijd", "value": 30})
            add("answer.set.v1", {"person_id": person, "question_id": "paspoort", "value": n % 2 == 0})
        photos = [os.urandom(PHOTO_BYTES) for _ in range(PHOTOS_PER_CONTROL)]
        for data in photos:
            add("photo.attach.v1", {"photo_id": str(uuid.uuid4()), "sha256": hashlib.sha256(data).hexdigest(),
                                    "size": len(data), "caption": ""})
        add("inspection.finish.v1", {"finished_at": "2026-11-30T10:00:00+01:00"})
        return out, photos


async def _send(figures: Figures, timings: list[float], call: Any, ok: tuple[int, ...]) -> httpx.Response:
    """One request, retried as the tablet would until it succeeds; each failure is counted."""
    while True:
        began = time.perf_counter()
        try:
            response: httpx.Response = await call()
        except httpx.TransportError as exc:
            figures.errors += 1
            figures.error_kinds[type(exc).__name__] = figures.error_kinds.get(type(exc).__name__, 0) + 1
            await asyncio.sleep(1)
            continue
        timings.append(time.perf_counter() - began)
        if response.status_code in ok:
            return response
        figures.errors += 1
        kind = f"HTTP {response.status_code}"
        figures.error_kinds[kind] = figures.error_kinds.get(kind, 0) + 1
        if response.status_code == 503:
            figures.busy += 1
        await asyncio.sleep(float(response.headers.get("Retry-After", "1")))


async def sync_round(tablet: Tablet, figures: Figures, controls: int, first: int) -> None:
    mutations: list[dict[str, Any]] = []
    photos: list[bytes] = []
    for n in range(first, first + controls):
        more, data = tablet.control(n)
        mutations += more
        photos += data
    body = {"client_id": tablet.client_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
    reply = await _send(figures, figures.push, lambda: tablet.http.post("/api/v1/sync/push", json=body), (200,))
    if reply.json()["last_mutation_id"] != mutations[-1]["id"] or reply.json()["rejections"]:
        raise SystemExit(f"push of {tablet.username} not applied: {reply.text[:300]}")

    async def upload(data: bytes) -> None:
        sha = hashlib.sha256(data).hexdigest()
        headers = {"Upload-Offset": "0", "Upload-Length": str(len(data))}
        await _send(figures, figures.upload, lambda: tablet.http.patch(f"/api/v1/blobs/{sha}", content=data,
                                                                        headers=headers), (201,))

    for i in range(0, len(photos), 2):
        await asyncio.gather(*(upload(d) for d in photos[i:i + 2]))
    while True:
        pull = {"client_id": tablet.client_id, "schema_version": SCHEMA_VERSION, "cursor": tablet.cursor,
                "limit": 500}
        page = (await _send(figures, figures.pull,
                            lambda body=pull: tablet.http.post("/api/v1/sync/pull", json=body), (200,))).json()
        tablet.cursor = page["cursor"]
        if not page["has_more"]:
            return


def create_tablets(server: BenchServer, count: int) -> list[str]:
    """``count`` inspectors in the demo team (created straight in the database, as a beheerder would)."""
    from sync_server.auth import service as users
    from sync_server.tenancy.service import DEFAULT_ORGANISATION_KEY, DEFAULT_TEAM_KEY, get_team_or_raise

    names = [f"tablet{n:03d}" for n in range(count)]

    def work(session: Any) -> None:
        team = get_team_or_raise(session=session, organisation_key=DEFAULT_ORGANISATION_KEY, team_key=DEFAULT_TEAM_KEY)
        for name in names:
            users.create(session=session, username=name, password=PASSWORD, role=Role.INSPECTEUR,
                         display_name=name, team_id=team.id)

    in_transaction(server.settings, work)
    return names


async def login(url: str, username: str) -> Tablet:
    http = httpx.AsyncClient(base_url=url, timeout=120, limits=httpx.Limits(max_connections=4))
    r = await http.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD,
                                                    "device_name": "last"})
    r.raise_for_status()
    http.headers.update({"Authorization": f"Bearer {r.json()['token']}", "X-Schema-Version": str(SCHEMA_VERSION)})
    return Tablet(username=username, http=http)


def verify(server: BenchServer, tablets: list[Tablet]) -> int:
    """How many controls, answers, persons, photos, versions and acknowledgements differ from what was sent."""
    engine = make_engine(server.settings)
    expected_answers = QUESTIONS + 2 * PERSONS
    off = 0
    with engine.connect() as conn:
        ids = [uuid.UUID(i) for t in tablets for i in t.controls]
        found = {row.id: row.version for row in conn.execute(select(Inspection.id, Inspection.version)
                                                              .where(Inspection.id.in_(ids)))}
        off += len(ids) - len(found)
        off += sum(abs(v - (MUTATIONS_PER_CONTROL - 1)) for v in found.values())  # all but the create bump it
        for model, each in ((Answer, expected_answers), (Person, PERSONS), (Photo, PHOTOS_PER_CONTROL)):
            counts = dict(conn.execute(select(model.inspection_id, func.count()).where(model.inspection_id.in_(ids))
                                       .group_by(model.inspection_id)).all())
            off += sum(abs(counts.get(i, 0) - each) for i in ids)
        acked = dict(conn.execute(select(SyncClient.client_id, SyncClient.last_mutation_id)).all())
        off += sum(abs(acked.get(uuid.UUID(t.client_id), 0) - (t.next_id - 1)) for t in tablets)
    engine.dispose()
    return int(off)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000 if ordered else float("nan")


async def run(db: str, workers: int, tablets_n: int, rounds: int, controls: int) -> None:
    server = BenchServer(db, workers=workers)
    try:
        names = create_tablets(server, tablets_n)
        tablets = [await login(server.url, name) for name in names]
        figures = Figures()
        wall = 0.0
        for r in range(rounds):
            start = time.perf_counter()
            await asyncio.gather(*(sync_round(t, figures, controls, r * controls) for t in tablets))
            wall += time.perf_counter() - start
        for t in tablets:
            await t.http.aclose()
        off = verify(server, tablets)
        report("db", db)
        report("workers", workers)
        report("tablets", tablets_n)
        report("rounds", rounds)
        report("controls", tablets_n * rounds * controls)
        report("mutations", tablets_n * rounds * controls * MUTATIONS_PER_CONTROL)
        report("photos", tablets_n * rounds * controls * PHOTOS_PER_CONTROL)
        report("wall_s", wall)
        for name, values in (("push", figures.push), ("upload", figures.upload), ("pull", figures.pull)):
            for p in (50, 95, 99):
                if (name, p) != ("push", 95):  # printed with the goal lines below
                    report(f"p{p}_{name}_ms", percentile(values, p))
        report("mean_push_ms", statistics.fmean(figures.push) * 1000)
        report("busy_503", figures.busy)
        if figures.error_kinds:
            report("error_kinds", ", ".join(f"{k} x{v}" for k, v in sorted(figures.error_kinds.items())))
        report("errors", figures.errors)
        report("p95_push_ms", percentile(figures.push, 95))
        report("pushes_per_s", tablets_n * rounds / wall)
        report("lost_or_doubled", off)
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--controls", type=int, default=2, help="controls per tablet and round (default 2)")
    parser.add_argument("--small", action="store_true", help="5 tablets, 2 rounds, 1 control each (a quick run)")
    args = parser.parse_args()
    tablets, rounds, controls = (5, 2, 1) if args.small else (args.tablets, 3, args.controls)
    asyncio.run(run(args.db, args.workers, tablets, rounds, controls))


if __name__ == "__main__":
    main()
