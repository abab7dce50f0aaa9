"""Server ingest: 400 finished controls of 46 answers (40 on the premises, 3 persons with 2 each) pushed over HTTP
to a fresh server from one device or several at once, against a bare insert of the same rows into the same
database.

    .venv/bin/python benchmarks/ingest.py [--db sqlite|postgres] [--devices N] [--workers N] [--small]

The push is what the tablet sends (``inspection.create``, ``answer.set``, ``person.create``, ``inspection.finish``;
batches of 500 mutations); the server validates, applies, computes the flags (signals) of every finished control
and writes the change log. The baseline inserts the same inspection, person and answer rows (with the level and
flag the server computed) with one Core ``executemany`` per table and one transaction per push-sized group, in the
same database with the same connection settings. Prints ``answers_per_s`` (goal >= 10,000) and
``ratio_vs_bare_insert`` (push time / bare insert time, goal <= 5), checks in the database that every answer and
every flag is there exactly once, and prints the CPU seconds the server processes spent on the push
(``server_cpu_s``, and ``server_cpu_answers_per_s``: the rate one free core would reach), which the load of other
processes on a shared machine does not move as much as the wall time.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import httpx
from bench_common import QUESTIONS, BenchServer, process_tree_cpu_s, report
from sqlalchemy import Table, func, insert, select

from schemas.sync import MAX_MUTATIONS_PER_PUSH, SCHEMA_VERSION
from sync_server.db import make_engine
from sync_server.inspections.models import Answer, Inspection, Person

CONTROLS = 400
PERSONS = 3
STARTED = "2026-11-30T09:00:00+01:00"
FINISHED = "2026-11-30T10:00:00+01:00"


def control_mutations(next_id: int, c: int) -> tuple[list[dict[str, Any]], int]:
    """One finished control as the tablet pushes it; returns the mutations and the next mutation id."""
    iid = str(uuid.uuid4())
    out: list[dict[str, Any]] = []

    def add(name: str, args: dict[str, Any]) -> None:
        out.append({"id": next_id + len(out), "name": name, "entity_id": iid, "base_version": None, "args": args})

    add("inspection.create.v1", {"template_id": "pandenactie", "template_version": 1, "control_type": "pandenactie",
                                 "address": {"street": "Benchstraat", "house_number": str(c + 1)},
                                 "planned_control_id": None, "started_at": STARTED})
    for q in range(QUESTIONS):
        add("answer.set.v1", {"person_id": None, "question_id": f"q{q:02d}", "value": c * 100 + q})
    for p in range(PERSONS):
        person = str(uuid.uuid4())
        add("person.create.v1", {"person_id": person, "label": f"Persoon {p + 1}"})
        add("answer.set.v1", {"person_id": person, "question_id": "leeftijd", "value": 30})
        add("answer.set.v1", {"person_id": person, "question_id": "paspoort", "value": c % 2 == 0})
    add("inspection.finish.v1", {"finished_at": FINISHED})
    return out, next_id + len(out)


def device_outbox(controls: int) -> list[dict[str, Any]]:
    mutations: list[dict[str, Any]] = []
    next_id = 1
    for c in range(controls):
        more, next_id = control_mutations(next_id, c)
        mutations += more
    return mutations


def login(url: str) -> str:
    r = httpx.post(f"{url}/api/v1/auth/login", json={"username": "inspecteur1", "password": "demo-wachtwoord",
                                                    "device_name": "bench"}, timeout=30)
    r.raise_for_status()
    return str(r.json()["token"])


def push_device(url: str, token: str, outbox: list[dict[str, Any]], times: list[float],
                failures: list[str]) -> None:
    """Push one device's outbox in batches of 500, as the sync client does."""
    client_id = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {token}", "X-Schema-Version": str(SCHEMA_VERSION)}
    with httpx.Client(base_url=url, timeout=300, headers=headers) as http:
        for start in range(0, len(outbox), MAX_MUTATIONS_PER_PUSH):
            batch = outbox[start:start + MAX_MUTATIONS_PER_PUSH]
            began = time.perf_counter()
            r = http.post("/api/v1/sync/push", json={"client_id": client_id, "schema_version": SCHEMA_VERSION,
                                                     "mutations": batch})
            times.append(time.perf_counter() - began)
            body = r.json() if r.status_code == 200 else {}
            if r.status_code != 200 or body.get("rejections") or body.get("last_mutation_id") != batch[-1]["id"]:
                failures.append(f"{r.status_code} {r.text[:300]}")
                return


def push_all(url: str, devices: int, controls: int) -> tuple[float, list[float]]:
    outboxes = [device_outbox(controls // devices + (1 if d < controls % devices else 0)) for d in range(devices)]
    tokens = [login(url) for _ in range(devices)]
    times: list[float] = []
    failures: list[str] = []
    threads = [threading.Thread(target=push_device, args=(url, tokens[d], outboxes[d], times, failures))
               for d in range(devices)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if failures:
        raise SystemExit(f"push failed: {failures[0]}")
    return wall, times


def bare_insert(server: BenchServer, controls: int) -> float:
    """The same rows through Core executemany, one transaction per push-sized group of controls."""
    engine = make_engine(server.settings)
    per_tx = max(1, MAX_MUTATIONS_PER_PUSH // (QUESTIONS + 3 * PERSONS + 2))
    inspections_t, persons_t, answers_t = (cast(Table, m.__table__) for m in (Inspection, Person, Answer))
    with engine.connect() as conn:
        sample = conn.execute(select(Inspection).where(Inspection.status == "finished").limit(1)).one()
    now = datetime.now(UTC)
    started, finished = datetime.fromisoformat(STARTED), datetime.fromisoformat(FINISHED)
    groups = []
    for first in range(0, controls, per_tx):
        rows: tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]] = ([], [], [])
        for c in range(first, min(controls, first + per_tx)):
            iid = uuid.uuid4()
            rows[0].append({"id": iid, "template_id": "pandenactie", "template_version": 1,
                            "control_type": "pandenactie", "address": {"street": "Benchstraat",
                                                                       "house_number": str(c + 1)},
                            "inspector_id": sample.inspector_id, "organisation_id": sample.organisation_id,
                            "team_id": sample.team_id, "planned_control_id": None, "status": "finished",
                            "note": "", "started_at": started, "finished_at": finished,
                            "catalogue_key": sample.catalogue_key, "level": sample.level, "flag": sample.flag,
                            "version": QUESTIONS + 3 * PERSONS + 1, "received_at": now, "note_office_seq": None})
            rows[2].extend({"inspection_id": iid, "person_id": "", "question_id": f"q{q:02d}", "value": c * 100 + q,
                            "office_seq": None} for q in range(QUESTIONS))
            for _ in range(PERSONS):
                person = str(uuid.uuid4())
                rows[1].append({"inspection_id": iid, "person_id": person, "label": "Persoon", "deleted": False})
                rows[2].append({"inspection_id": iid, "person_id": person, "question_id": "leeftijd", "value": 30,
                                "office_seq": None})
                rows[2].append({"inspection_id": iid, "person_id": person, "question_id": "paspoort",
                                "value": c % 2 == 0, "office_seq": None})
        groups.append(rows)
    start = time.perf_counter()
    for inspection_rows, person_rows, answer_rows in groups:
        with engine.begin() as conn:
            conn.execute(insert(inspections_t), inspection_rows)
            conn.execute(insert(persons_t), person_rows)
            conn.execute(insert(answers_t), answer_rows)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def verify(server: BenchServer, controls: int, answers: int) -> None:
    """Every pushed answer stored once, every control finished with a flag."""
    engine = make_engine(server.settings)
    with engine.connect() as conn:
        pushed = select(Inspection.id).where(Inspection.address["street"].as_string() == "Benchstraat")
        stored = conn.scalar(select(func.count()).select_from(Answer).where(Answer.inspection_id.in_(pushed)))
        flagged = conn.scalar(select(func.count()).select_from(Inspection)
                              .where(Inspection.status == "finished", Inspection.level.is_not(None)))
    engine.dispose()
    if stored != answers or flagged != controls:
        raise SystemExit(f"verification failed: {stored} of {answers} answers, {flagged} of {controls} flags")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--devices", type=int, default=1, help="devices pushing at once (default 1)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes (default 1)")
    parser.add_argument("--small", action="store_true", help="40 controls (a quick run)")
    args = parser.parse_args()
    controls = 40 if args.small else CONTROLS
    answers = controls * (QUESTIONS + 2 * PERSONS)
    server = BenchServer(args.db, workers=args.workers)
    try:
        report("db", args.db)
        report("devices", args.devices)
        report("workers", args.workers)
        report("controls", controls)
        report("answers", answers)
        report("mutations", controls * (QUESTIONS + 3 * PERSONS + 2))
        cpu_before = process_tree_cpu_s(server.proc.pid)
        wall, times = push_all(server.url, args.devices, controls)
        server_cpu = process_tree_cpu_s(server.proc.pid) - cpu_before
        verify(server, controls, answers)
        bare = bare_insert(server, controls)
        report("push_s", wall)
        report("push_batch_p50_ms", statistics.median(times) * 1000)
        report("push_batch_max_ms", max(times) * 1000)
        report("server_cpu_s", server_cpu)
        report("server_cpu_answers_per_s", answers / server_cpu)
        report("bare_insert_s", bare)
        report("bare_insert_answers_per_s", answers / bare)
        report("answers_per_s", answers / wall)
        report("ratio_vs_bare_insert", wall / bare)
    finally:
        server.close()


if __name__ == "__main__":
    main()
