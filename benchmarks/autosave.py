"""Latency of saving one answer with its outbox row in the tablet's store (SQLite, WAL, synchronous=FULL),
p50/p99 over 10,000 answers, next to a bare sqlite3 insert+commit with the same pragmas.

    .venv/bin/python benchmarks/autosave.py [--small] [--count N] [--block B]

Store saves and bare ones alternate in blocks of B (200): on a shared machine the fsync's latency moves several-fold
within a minute, so two phases one after the other compared different machines; alternating blocks spread both over
the same time. Not save by save: a bare commit right after a save that burned CPU waits longer for a core after its
fsync, so it was no floor then (docs/PERFORMANCE.md). ratio_blocks_p50_median is the median over the blocks of a store
block's p50 against the bare block after it. Besides wall-clock latency it reports the calling thread's CPU time per
save, which a busy machine moves less.

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

    def extend(self, other: Samples) -> None:
        self.wall += other.wall
        self.cpu += other.cpu


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class StoreSaves:
    """Answers saved through ``SqliteStore.set_answer``; a new control every ``QUESTIONS`` answers (not timed)."""

    def __init__(self, folder: Path) -> None:
        self.store = SqliteStore(f"sqlite:///{folder / 'tablet.db'}")
        self.template = parse_template(TEMPLATE)
        self.inspection_id = uuid.uuid4()

    def save(self, n: int, samples: Samples) -> None:
        if n % QUESTIONS == 0:
            self.inspection_id = uuid.uuid4()
            self.store.create_inspection(inspection_id=self.inspection_id, template=self.template,
                                         address=Address(street="Benchstraat"), planned_control_id=None,
                                         started_at=datetime.now(UTC))
        samples.time(lambda: self.store.set_answer(self.inspection_id, f"q{n % QUESTIONS:02d}", n, None))

    def close(self) -> None:
        self.store.close()


class BareSaves:
    """The floor: one row inserted and committed with plain sqlite3 and the store's durable pragmas."""

    def __init__(self, folder: Path) -> None:
        self.conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("CREATE TABLE answer (id INTEGER PRIMARY KEY, inspection_id TEXT, question_id TEXT, "
                          "value TEXT)")

    def save(self, n: int, samples: Samples) -> None:
        samples.time(lambda: self._insert(n))

    def _insert(self, n: int) -> None:
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO answer (inspection_id, question_id, value) VALUES (?, ?, ?)",
                          ("x", f"q{n % QUESTIONS:02d}", json.dumps(n)))
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def measure(folder: Path, count: int, block: int) -> tuple[Samples, Samples, list[float]]:
    """``count`` store saves and ``count`` bare ones in alternating blocks of ``block``; also the p50 ratio of each
    store block to the bare block after it."""
    store, bare = StoreSaves(folder), BareSaves(folder)
    store_all, bare_all, pair_ratios = Samples(), Samples(), []
    try:
        for first in range(0, count, block):
            store_block, bare_block = Samples(), Samples()
            for n in range(first, min(count, first + block)):
                store.save(n, store_block)
            for n in range(first, min(count, first + block)):
                bare.save(n, bare_block)
            pair_ratios.append(statistics.median(store_block.wall) / statistics.median(bare_block.wall))
            store_all.extend(store_block)
            bare_all.extend(bare_block)
    finally:
        store.close()
        bare.close()
    return store_all, bare_all, pair_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true", help="500 answers (a quick run)")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--block", type=int, default=200, help="saves per block (store and bare alternate)")
    args = parser.parse_args()
    count = 500 if args.small else args.count
    with tempfile.TemporaryDirectory(prefix="inspectie-autosave-") as tmp:
        store, bare, pair_ratios = measure(Path(tmp), count, max(1, args.block))
    report("answers", count)
    report("block", max(1, args.block))
    report("store_p50_ms", statistics.median(store.wall))
    report("store_p99_ms", percentile(store.wall, 0.99))
    report("bare_sqlite_p50_ms", statistics.median(bare.wall))
    report("bare_sqlite_p99_ms", percentile(bare.wall, 0.99))
    report("store_cpu_p50_ms", statistics.median(store.cpu))
    report("bare_sqlite_cpu_p50_ms", statistics.median(bare.cpu))
    report("ratio_vs_bare_sqlite", statistics.median(store.wall) / statistics.median(bare.wall))
    report("ratio_p99_vs_bare_sqlite", percentile(store.wall, 0.99) / percentile(bare.wall, 0.99))
    report("ratio_blocks_p50_median", statistics.median(pair_ratios))
    report("ratio_cpu_vs_bare_sqlite", statistics.median(store.cpu) / statistics.median(bare.cpu))


if __name__ == "__main__":
    main()
