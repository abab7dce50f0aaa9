"""What a /metrics scrape costs the database at a city's history: the four aggregate queries behind the figures
(tablets by last contact, unverified signals by age, photo store size; ``observability.database.read_figures``)
over N past controls (default 100,000), median of a few runs. The scrape reuses them for
``INSPECTIE_METRICS_CACHE_SECONDS``, so this is the worst case, once a minute.

    .venv/bin/python benchmarks/metrics_figures.py [--db sqlite|postgres] [--controls N] [--small] [--repeat K]

The history is ``office_history.py``'s (its cached copy when there is one for N, else loaded here and not cached).
Prints ``history_controls``, ``history_signals`` and ``metrics_figures_ms``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench_common import report
from office_history import bulk_load, cache_dir, cache_key, pg_exec, pg_exists, write_assets
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.inspections.models import Inspection
from sync_server.inspections.signal_facts import SignalFact
from sync_server.migrate import upgrade
from sync_server.observability.database import read_figures


def history(db: str, root: Path, controls: int) -> tuple[str, str | None]:
    """A database URL with the history (a copy of office_history's cache, or loaded now); the PostgreSQL name."""
    assets = write_assets(root)
    key = cache_key(controls, False)
    if db == "postgres":
        name = f"inspectie_bench_{uuid.uuid4().hex[:10]}"
        pg_exec(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{key}"' if pg_exists(key) else ""))
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        if not pg_exists(key):
            bulk_load(url, assets, controls, root)
    else:
        target, cached = root / "server.db", cache_dir() / f"{key}.sqlite"
        url = f"sqlite:///{target.as_posix()}"
        if cached.exists():
            shutil.copyfile(cached, target)
        else:
            bulk_load(url, assets, controls, root)
        name = None
    upgrade(Settings(data_dir=root / "server", database_url=url, assets_dir=assets))  # signal_fact and the head
    return url, name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--controls", type=int, default=100_000)
    parser.add_argument("--small", action="store_true", help="300 controls (the smoke test)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    controls = 300 if args.small else args.controls
    with tempfile.TemporaryDirectory(prefix="inspectie-metrics-") as tmp:
        url, pg_db = history(args.db, Path(tmp), controls)
        engine = create_engine(url)
        try:
            with Session(engine) as session:
                report("history_controls", session.scalar(select(func.count()).select_from(Inspection)) or 0)
                report("history_signals", session.scalar(select(func.count()).select_from(SignalFact)) or 0)
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    read_figures(session, datetime.now(UTC))
                    times.append((time.perf_counter() - start) * 1000)
                    session.rollback()
            report("metrics_figures_ms", round(statistics.median(times), 1))
        finally:
            engine.dispose()
            if pg_db:
                pg_exec(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
