"""Latency of saving one answer with its outbox row in the tablet's store (SQLite, WAL, synchronous=FULL),
p50/p99 over 10,000 answers, next to a bare sqlite3 insert+commit with the same pragmas.

    .venv/bin/python benchmarks/autosave.py [--small] [--count N]

All store saves are timed first, then all bare ones: timed in turn, the bare commit waits after its fsync about as
long as the store's on a busy machine (a process that has just burned CPU gets a core back later), so it is no floor
then (docs/PERFORMANCE.md). Besides wall-clock latency it reports the CPU time of the calling thread per save, which a
busy machine moves less.

Prints `name: value` lines; ratio_vs_bare_sqlite compares the p50 latencies.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_common import QUESTIONS, TEMPLATE, report  # noqa: E402

from inspectie_app.store import SqliteStore  # noqa: E402
from schemas.records import Address  # noqa: E402
from schemas.templates import parse_template  # noqa: E402


class Samples:
    """Wall-clock and thread CPU milliseconds of each timed call."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def time(self, call: Callable[[], object]) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        call()
        self.cpu.append((time.thread_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - start) * 1000)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def store_latencies(folder: Path, count: int) -> Samples:
    store = SqliteStore(f"sqlite:///{folder / 'tablet.db'}")
    template = parse_template(TEMPLATE)
    samples = Samples()
    iid = uuid.uuid4()
    for n in range(count):
        if n % QUESTIONS == 0:
            iid = uuid.uuid4()
            store.create_inspection(inspection_id=iid, template=template, address=Address(street="Benchstraat"),
                                    planned_control_id=None, started_at=datetime.now(UTC))
        samples.time(lambda: store.set_answer(iid, f"q{n % QUESTIONS:02d}", n, None))  # noqa: B023 - called at once
    store.close()
    return samples


def bare_latencies(folder: Path, count: int) -> Samples:
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, inspection_id TEXT, question_id TEXT, value TEXT)")
    samples = Samples()

    def save(n: int) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO answer (inspection_id, question_id, value) VALUES (?, ?, ?)",
                     ("x", f"q{n % QUESTIONS:02d}", json.dumps(n)))
        conn.execute("COMMIT")

    for n in range(count):
        samples.time(lambda: save(n))  # noqa: B023 - called at once
    conn.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="500 answers (a quick run)")
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    count = 500 if args.small else args.count
    with tempfile.TemporaryDirectory(prefix="inspectie-autosave-") as tmp:
        store = store_latencies(Path(tmp), count)
        bare = bare_latencies(Path(tmp), count)
    report("answers", count)
    report("store_p50_ms", statistics.median(store.wall))
    report("store_p99_ms", percentile(store.wall, 0.99))
    report("bare_sqlite_p50_ms", statistics.median(bare.wall))
    report("bare_sqlite_p99_ms", percentile(bare.wall, 0.99))
    report("store_cpu_p50_ms", statistics.median(store.cpu))
    report("bare_sqlite_cpu_p50_ms", statistics.median(bare.cpu))
    report("ratio_vs_bare_sqlite", statistics.median(store.wall) / statistics.median(bare.wall))
    report("ratio_p99_vs_bare_sqlite", percentile(store.wall, 0.99) / percentile(bare.wall, 0.99))
    report("ratio_cpu_vs_bare_sqlite", statistics.median(store.cpu) / statistics.median(bare.cpu))


if __name__ == "__main__":
    main()
