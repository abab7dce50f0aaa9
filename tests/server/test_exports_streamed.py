"""The streamed MDO and RIEC exports have the rows, in the order, that the exports built in memory had
(``export_oracle``), on a varied history, for two organisations, on SQLite and PostgreSQL; read in chunks smaller
than the history, and written to CSV and XLSX as they come."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import export_oracle as oracle
import pytest
from history_factory import History, populate
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from sync_server.config import Settings
from sync_server.db import make_engine, make_sessionmaker
from sync_server.reporting import exports

WITHIN_DAYS = 5


@pytest.fixture(scope="module")
def history(settings: Settings) -> Iterator[tuple[Session, History]]:
    engine = make_engine(settings)
    session = make_sessionmaker(engine)()
    made = populate(session, count=400, seed=21)
    session.commit()
    yield session, made
    session.close()
    engine.dispose()


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "CHUNK", 37)


@pytest.mark.parametrize("reader", ["ketenregisseur1", "teamleider-vb"])
def test_mdo_rows_equal_the_in_memory_export(history: tuple[Session, History], reader: str) -> None:
    session, made = history
    user = made.principals[reader]
    expected = oracle.mdo(session, user, WITHIN_DAYS)
    got = list(exports.rows(session=session, user=user, purpose="mdo", within_days=WITHIN_DAYS))
    assert got == expected
    assert exports.count(session=session, user=user, purpose="mdo") == len(expected)
    if reader == "ketenregisseur1":
        assert len(expected) > 3 * 37 and {r[8] for r in expected} >= {"niet geverifieerd", "Gegrond"}


@pytest.mark.parametrize("reader", ["ketenregisseur1", "teamleider-vb"])
def test_riec_rows_equal_the_in_memory_export(history: tuple[Session, History], reader: str) -> None:
    session, made = history
    user = made.principals[reader]
    expected = oracle.riec(session, user)
    got = list(exports.rows(session=session, user=user, purpose="riec", within_days=WITHIN_DAYS))
    assert got == expected
    assert exports.count(session=session, user=user, purpose="riec") == len(expected)
    if reader == "ketenregisseur1":
        assert len(expected) > 3 * 37 and any(r[8] for r in expected) and any(r[9] for r in expected)


def test_csv_and_xlsx_written_from_the_stream_hold_every_row(history: tuple[Session, History]) -> None:
    session, made = history
    user = made.principals["ketenregisseur1"]
    expected = oracle.mdo(session, user, WITHIN_DAYS)
    pieces = list(exports.csv_chunks(exports.HEADERS["mdo"], iter(expected), rows_per_chunk=37))
    assert len(pieces) > 3 and pieces[0].startswith(b"\xef\xbb\xbf") and not pieces[1].startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == exports.HEADERS["mdo"] and len(lines) == len(expected) + 1
    assert lines[1][0] == expected[0][0].strftime("%d-%m-%Y") and lines[-1][4] == expected[-1][4]
    book = load_workbook(io.BytesIO(exports.to_xlsx(exports.HEADERS["mdo"], iter(expected), "MDO")))
    sheet = book.active
    values = [[c.value for c in line] for line in sheet.iter_rows(min_row=2)]
    assert len(values) == len(expected) and sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert [v[1] for v in values] == [r[1] for r in expected] and values[0][0].date() == expected[0][0]
    assert sheet["A2"].number_format == "DD-MM-YYYY"
