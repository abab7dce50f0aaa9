""""Alle signalen" read part by part from ``ix_signal_fact_review`` (issue 13) lists, page after page through its
cursors, exactly the signals in exactly the order of the list sorted in Python (``export_oracle.all_signals``: overdue
first, then highest level, then oldest, then control and subject id), for readers of two organisations and teams,
with and without ``open_only``, at deadlines that make none, some or most signals overdue; also after a control's
finish moved (the copied ``raised_at`` follows it). SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import export_oracle as oracle
import pytest
from history_factory import History, populate
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.review import SignalState, Verdict
from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.errors import ApiError
from sync_server.inspections.models import Inspection
from sync_server.review import signals
from tests.server import query_plans


@pytest.fixture(scope="module")
def history(settings: Settings) -> Iterator[tuple[Session, History]]:
    engine = make_engine(settings)
    session = make_sessionmaker(engine)()
    made = populate(session, count=300, seed=31)
    session.commit()
    yield session, made
    session.close()
    engine.dispose()


def walk(session: Session, history: History, reader: str, within: int, only_open: bool, limit: int
         ) -> list[SignalState]:
    out: list[SignalState] = []
    cursor = None
    while True:
        page = signals.list_signals(session=session, user=history.principals[reader], within_days=within,
                                    only_open=only_open, limit=limit, cursor=cursor)
        out += page.items
        assert len(page.items) <= limit
        cursor = page.next_cursor
        if cursor is None:
            return out


def key(s: SignalState) -> tuple[Any, ...]:
    return (s.inspection_id, s.subject_id, s.overdue, s.level, s.verdict, s.raised_at, s.label, s.inspector)


def expected(session: Session, history: History, reader: str, within: int, only_open: bool) -> list[SignalState]:
    rows = oracle.all_signals(session=session, user=history.principals[reader], within_days=within)
    return [s for s in rows if s.verdict in (None, Verdict.MEER_INFO)] if only_open else rows


@pytest.mark.parametrize("reader", ["ketenregisseur1", "teamleider1", "teamleider-vb"])
@pytest.mark.parametrize("within", [5, 400, 100_000])
@pytest.mark.parametrize("only_open", [False, True])
def test_pages_equal_the_list_sorted_in_python(history: tuple[Session, History], reader: str, within: int,
                                               only_open: bool) -> None:
    session, made = history
    want = expected(session, made, reader, within, only_open)
    got = walk(session, made, reader, within, only_open, limit=7)
    assert [key(s) for s in got] == [key(s) for s in want]
    assert want, "the history gives this reader signals"
    if reader == "ketenregisseur1" and not only_open and within == 400:
        assert {s.overdue for s in want} == {True, False} and {s.level for s in want} == {1, 2, 3}
    first = signals.list_signals(session=session, user=made.principals[reader], within_days=within,
                                 only_open=only_open, limit=7)
    assert first.total == min(len(want), 1000) and first.total_is_exact == (len(want) <= 1000)


def test_a_moved_finish_moves_the_signals(history: tuple[Session, History]) -> None:
    session, made = history
    reader = "ketenregisseur1"
    flagged = session.scalars(select(Inspection).where(Inspection.level >= 1, Inspection.finished_at.is_not(None),
                                                       Inspection.id.in_(made.inspection_ids))
                              .order_by(Inspection.id).limit(5)).all()
    for inspection in flagged:
        assert inspection.finished_at is not None
        inspection.finished_at = inspection.finished_at - timedelta(days=900)
    session.flush()
    got = walk(session, made, reader, 400, False, limit=11)
    assert [key(s) for s in got] == [key(s) for s in expected(session, made, reader, 400, False)]
    session.rollback()


def test_a_cursor_of_another_list_is_refused(history: tuple[Session, History]) -> None:
    session, made = history
    with pytest.raises(ApiError):
        signals.list_signals(session=session, user=made.principals["ketenregisseur1"], within_days=5,
                             cursor="WzEsMl0")  # [1,2]: two values where the list's cursor has five


def test_every_part_of_the_list_reads_an_index(history: tuple[Session, History], settings: Settings) -> None:
    """All parts of the order (each verdict's range at each level, overdue and not) and the total, on PostgreSQL
    with sequential scans discouraged (``query_plans``)."""
    session, made = history
    with query_plans.capture_selects(settings.database_url) as captured:
        for reader in ("ketenregisseur1", "teamleider1"):
            for only_open in (False, True):
                first = signals.list_signals(session=session, user=made.principals[reader], within_days=400,
                                             only_open=only_open, limit=200)
                signals.list_signals(session=session, user=made.principals[reader], within_days=400,
                                     only_open=only_open, limit=3, cursor=first.next_cursor)
    query_plans.assert_no_seq_scan(settings.database_url, captured)
