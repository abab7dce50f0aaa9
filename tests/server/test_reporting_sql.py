"""The office's aggregates computed in SQL equal what the Python they replaced computed (``reporting_oracle``),
on a varied history (``history_factory``), for every role that reads them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import reporting_oracle as oracle
from history_factory import History, populate
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.reporting import service

READERS = ["ketenregisseur1", "teamleider1", "teamleider-noord", "teamleider-vb", "planner1"]


@pytest.fixture(scope="module")
def history(settings: Settings) -> Iterator[tuple[Session, History]]:
    engine = make_engine(settings)
    session = make_sessionmaker(engine)()
    made = populate(session, count=400)
    session.commit()
    yield session, made
    session.close()
    engine.dispose()


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("year", [None, 2024, 2025, 2026, 2027])
def test_overview_equals_the_python_count(history: tuple[Session, History], reader: str, year: int | None) -> None:
    session, made = history
    user = made.principals[reader]
    expected = oracle.overview(session=session, user=user, year=year)
    assert service.overview(session=session, user=user, year=year) == expected
    if year is None and reader == "ketenregisseur1":
        assert expected.controls > 100 and expected.signals > 50 and len(expected.by_quarter) >= 10
