"""Schemathesis against a real server with every role's token (issue 12): no server error, no schema violation.

Shared by ``test_api_fuzz_sqlite.py`` and ``test_api_fuzz_postgres.py``: one file per database, so the test
command's two processes (``--dist loadfile``) each take one — the fuzzing is the suite's longest file.

Schemathesis runs as its command line does (``schemathesis run``), all phases (examples, coverage, fuzzing,
stateful) and all checks but ``positive_data_acceptance`` (it fails every rule a JSON schema cannot say: "give
either question_id or note", an unknown inspection id in a valid body, a purpose the server does not know), at
most ``MAX_EXAMPLES`` generated cases per operation and phase. 426 counts as a rejection: it is how the server
refuses an app below its schema window. The address lookup talks to a recorded PDOK answer (no network here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sync_server.config import Settings
from tests.server.conftest import FUZZ_ROLES

MAX_EXAMPLES = 3  # SQLite; PostgreSQL runs the same phases with fewer generated cases (CI time: 30 minutes)
MAX_EXAMPLES_POSTGRES = 2
POSTGRES_ROLES = ("inspecteur1", "teamleider1")  # the sync push and the office's free text: where NUL bit on PostgreSQL
SESSION_ENDING = r"/auth/(logout|password|wiped)$|/sync/handover"  # end the token, or need a revoked device
CONFIG = Path(__file__).with_name("schemathesis.toml")


def _schemathesis() -> str:
    found = Path(sys.executable).with_name("schemathesis")
    return str(found) if found.exists() else (shutil.which("schemathesis") or "schemathesis")


def _run(base: str, token: str, settings: Settings, *filters: str) -> subprocess.CompletedProcess[str]:
    examples = MAX_EXAMPLES if settings.is_sqlite else MAX_EXAMPLES_POSTGRES
    command = [_schemathesis(), "--config-file", str(CONFIG), "run", f"{base}/openapi.json",
               "--checks", "all", "--exclude-checks", "positive_data_acceptance",
               "--max-examples", str(examples), "--workers", "1", "--seed", "12", "--no-color",
               "--generation-database", "none", "-H", f"Authorization: Bearer {token}", *filters]
    env = {**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"}
    return subprocess.run(command, capture_output=True, text=True, timeout=540, env=env, check=False)


def _failures(out: str) -> str:
    start = out.find("= FAILURES =")
    return out[start:] if start >= 0 else out[-6000:]


@pytest.mark.parametrize("username", FUZZ_ROLES)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(live: str, fuzz_tokens: dict[str, str],
                                                                    settings: Settings, username: str) -> None:
    if not settings.is_sqlite and username not in POSTGRES_ROLES:
        pytest.skip("on PostgreSQL the roles that write most run (CI time); every role runs on SQLite")
    result = _run(live, fuzz_tokens[username], settings, "--exclude-path-regex", SESSION_ENDING)
    assert result.returncode == 0, _failures(result.stdout + result.stderr)[:20000]
    assert "passed" in result.stdout


def test_schemathesis_on_the_routes_that_end_a_session(live: str, fuzz_tokens: dict[str, str],
                                                        settings: Settings) -> None:
    """Logout, password change and the revoked device's handover, each run with a fresh token of its own (the
    first call may end it; what follows must still answer as documented)."""
    for username in ("inspecteur1", "beheerder1"):
        result = _run(live, fuzz_tokens[f"{username}/ending"], settings, "--include-path-regex", SESSION_ENDING)
        assert result.returncode == 0, _failures(result.stdout + result.stderr)[:20000]
