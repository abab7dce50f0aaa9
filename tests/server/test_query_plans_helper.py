"""The query-plan helper itself: it sees a sequential scan of a big table and passes an indexed lookup."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from sync_server.config import Settings
from tests.server import query_plans


def _run(settings: Settings, sql: str, **params: object) -> list[query_plans.Captured]:
    engine = create_engine(settings.database_url)
    try:
        with query_plans.capture_selects(settings.database_url) as captured, engine.connect() as conn:
            conn.execute(text(sql), params)
    finally:
        engine.dispose()
    return captured


def test_unindexed_filter_is_a_seq_scan(settings: Settings) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("query plans are checked on PostgreSQL")
    captured = _run(settings, "SELECT id FROM inspection WHERE note = :note", note="x")
    found = query_plans.seq_scans(settings.database_url, captured)
    assert [table for table, _sql, _plan in found] == ["inspection"]
    with pytest.raises(AssertionError, match="Seq Scan on inspection"):
        query_plans.assert_no_seq_scan(settings.database_url, captured)


def test_primary_key_lookup_passes(settings: Settings) -> None:
    captured = _run(settings, "SELECT id FROM inspection WHERE id = :id", id=str(uuid.uuid4()))
    assert len(captured) == 1
    query_plans.assert_no_seq_scan(settings.database_url, captured)
