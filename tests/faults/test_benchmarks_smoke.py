"""Each benchmark runs with --small and prints its `name: value` lines (not a timed test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("script", "keys"), [
    ("sync_backlog.py", {"sync_wall_s", "raw_upload_s", "ratio_vs_raw_upload", "client_peak_rss_mb",
                         "server_ingest_answers_per_s"}),
    ("photo_pipeline.py", {"pipeline_ms_per_photo", "bare_pillow_ms_per_photo", "ratio_vs_bare_pillow"}),
    ("autosave.py", {"store_p50_ms", "store_p99_ms", "bare_sqlite_p50_ms", "ratio_vs_bare_sqlite"}),
    ("tablet_home.py", {"unsynced_cold_ms", "unsynced_ms", "unsynced_one_changed_ms", "synced_ms", "worst_ms"}),
    ("office_history.py", {"review_queue_ms", "signals_ms", "clusters_ms", "audit_ms", "server_peak_rss_mb",
                           "worst_ms"}),
    ("ingest.py", {"answers_per_s", "ratio_vs_bare_insert", "push_s", "bare_insert_s"}),
    ("load_sync.py", {"errors", "p95_push_ms", "pushes_per_s", "lost_or_doubled", "p95_pull_ms"}),
    ("metrics_figures.py", {"history_controls", "history_signals", "metrics_figures_ms"}),
])
def test_benchmark_runs_small(script: str, keys: set[str]) -> None:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--small"], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(": ", 1) for line in run.stdout.strip().splitlines())
    assert keys <= set(lines)
    for key in keys:
        float(lines[key])
    if script == "load_sync.py":  # a lost or doubled mutation is a failure even in a quick run
        assert lines["lost_or_doubled"] == "0", run.stdout
