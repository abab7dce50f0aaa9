"""Query-plan checks for the server tests: every SELECT a request issues, explained on PostgreSQL.

Why: a list that pages in the database stays fast at 100,000 controls only while each of its queries is served by
an index. A test database is tiny, so PostgreSQL would rightly choose a sequential scan there; with
``SET enable_seqscan = off`` it takes any index that can serve the query, and a plan that still shows
``Seq Scan on <table>`` has none. ``capture_selects`` records the SELECTs of every engine of this process (the test
server runs in a thread of the test process), ``seq_scans`` explains them, and ``assert_no_seq_scan`` fails naming
each statement that scans a big table.

Use::

    with query_plans.capture_selects(settings.database_url) as captured:
        http.get("/api/v1/review/inspections", headers=...)
    query_plans.assert_no_seq_scan(settings.database_url, captured)

On SQLite the capture works, but there is nothing to explain (``assert_no_seq_scan`` skips the test).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, make_url

BIG_TABLES = frozenset({
    "inspection", "answer", "person", "photo", "control_identifier", "signal_fact", "signal_verification",
    "signal_referral", "control_fact",
    "review_comment", "audit_entry", "change_log", "finding_conflict", "planned_control", "blob_holder",
})
"""Tables that grow with history: a sequential scan of one of them is a query that slows down with the years."""

_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass(frozen=True)
class Captured:
    """One statement as the driver received it: SQL text in the driver's paramstyle and its parameters."""

    statement: str
    parameters: Mapping[str, Any] | Sequence[Any] | None


def _same_database(engine: Engine, database_url: str) -> bool:
    want = make_url(database_url)
    return engine.url.database == want.database and engine.url.get_backend_name() == want.get_backend_name()


@contextmanager
def capture_selects(database_url: str) -> Iterator[list[Captured]]:
    """Record every SELECT sent to ``database_url`` by any engine of this process while the block runs."""
    captured: list[Captured] = []

    def before(conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if executemany or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        if _same_database(conn.engine, database_url):
            captured.append(Captured(statement, parameters))

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield captured
    finally:
        event.remove(Engine, "before_cursor_execute", before)


def explain(database_url: str, captured: Sequence[Captured]) -> list[tuple[Captured, str]]:
    """Each statement with its ``EXPLAIN`` text, planned with sequential scans discouraged (PostgreSQL only)."""
    engine = create_engine(database_url)
    out: list[tuple[Captured, str]] = []
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SET enable_seqscan = off")
            for item in captured:
                cursor.execute("EXPLAIN " + item.statement, item.parameters or None)
                out.append((item, "\n".join(str(row[0]) for row in cursor.fetchall())))
            raw.rollback()
        finally:
            raw.close()
    finally:
        engine.dispose()
    return out


def seq_scans(database_url: str, captured: Sequence[Captured],
              tables: frozenset[str] = BIG_TABLES) -> list[tuple[str, str, str]]:
    """``(table, statement, plan)`` for every sequential scan of one of ``tables`` in the captured statements."""
    found: list[tuple[str, str, str]] = []
    for item, plan in explain(database_url, captured):
        for table in _SEQ_SCAN.findall(plan):
            if table in tables:
                found.append((table, item.statement, plan))
    return found


def assert_no_seq_scan(database_url: str, captured: Sequence[Captured],
                       tables: frozenset[str] = BIG_TABLES) -> None:
    """Fail naming each captured statement whose plan scans a big table sequentially; skip on SQLite."""
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    assert captured, "no SELECT was captured: is the database URL the one the server uses?"
    found = seq_scans(database_url, captured, tables)
    message = "\n\n".join(f"Seq Scan on {table} in:\n{statement}\nplan:\n{plan}" for table, statement, plan in found)
    assert not found, message
