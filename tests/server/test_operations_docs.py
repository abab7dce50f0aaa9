"""docs/OPERATIONS.md's settings table names every ``INSPECTIE_*`` variable the code reads: each field of the server's
and the app's settings classes, and every literal name read from the environment anywhere in the code."""

from __future__ import annotations

import re
from pathlib import Path

from inspectie_app.config import AppSettings
from sync_server.config import Settings

ROOT = Path(__file__).resolve().parents[2]
CODE = ("schemas", "sync_server", "inspectie_app")
LITERAL = re.compile(r"\bINSPECTIE_[A-Z0-9_]*[A-Z0-9]\b")  # a whole name, not a prefix such as "INSPECTIE_APP_"


def documented() -> set[str]:
    text = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(INSPECTIE_[A-Z0-9_]+)` \|", section, flags=re.MULTILINE))


def read_by_code() -> set[str]:
    names = {f"INSPECTIE_{n.upper()}" for n in Settings.model_fields}
    names |= {f"INSPECTIE_APP_{n.upper()}" for n in AppSettings.model_fields}
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_variable_the_code_reads_is_in_the_table() -> None:
    missing = read_by_code() - documented()
    assert not missing, f"add to docs/OPERATIONS.md, 'Settings': {sorted(missing)}"


def test_the_table_is_found_and_names_the_settings_classes() -> None:
    table = documented()
    assert len(table) > 40 and {"INSPECTIE_DATABASE_URL", "INSPECTIE_APP_KEY_STORE"} <= table
