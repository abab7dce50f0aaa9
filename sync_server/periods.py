"""Years and quarters in Amsterdam time, as SQL that both databases run.

A control counts in the year and quarter of its local (Europe/Amsterdam) start. A year is a range of UTC instants,
so ``year_range`` gives bounds an index serves. For the quarter, PostgreSQL converts each time itself
(``timezone('Europe/Amsterdam', t)``). SQLite has no time zones, so it groups by the UTC year and month, and
hands back the exact time only of the rows that may lie in the next local quarter: Amsterdam is always ahead of
UTC by less than a day (+00:20 to +02:00), so a local date is the UTC date or the day after, and that day is in
another quarter only from the last day of a quarter's last month. Python finishes those few (``quarter_key``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, case, extract, func, type_coerce
from sqlalchemy.orm import InstrumentedAttribute

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
QUARTER_ENDS = ("03-31", "06-30", "09-30", "12-31")
EDGE_FROM = "21:00:00"  # UTC; a local day starts at the latest at 00:00 UTC and at the earliest at 22:00 UTC


def local_start(year: int, month: int = 1) -> datetime:
    """The UTC instant at which ``year``-``month``-01 00:00 starts in Amsterdam."""
    return datetime(year, month, 1, tzinfo=AMSTERDAM).astimezone(UTC)


Moment = InstrumentedAttribute[datetime] | InstrumentedAttribute[datetime | None]


def year_range(column: Moment, year: int) -> ColumnElement[bool]:
    """``column`` lies in Amsterdam's ``year``."""
    return and_(column >= local_start(year), column < local_start(year + 1))


def quarter_columns(dialect: str, column: InstrumentedAttribute[datetime]) -> list[ColumnElement[Any]]:
    """Two columns from which ``quarter_key`` names the local quarter of ``column``."""
    if dialect == "postgresql":
        local = func.timezone("Europe/Amsterdam", column)
        return [extract("year", local).label("q_a"), extract("quarter", local).label("q_b")]
    text = type_coerce(column, String)  # SQLite keeps a time as 'yyyy-mm-dd hh:mm:ss.ffffff' (UTC)
    month = func.substr(text, 1, 7)
    edge = and_(func.substr(text, 6, 5).in_(QUARTER_ENDS), func.substr(text, 12, 8) >= EDGE_FROM)
    return [month.label("q_a"), case((edge, text), else_=None).label("q_b")]


def quarter_key(dialect: str, a: Any, b: Any) -> str:
    """The ``yyyy-Kn`` of a row with the ``quarter_columns`` values ``a`` and ``b``."""
    if dialect == "postgresql":
        return f"{int(a)}-K{int(b)}"
    if b is not None:
        moment = datetime.fromisoformat(str(b)).replace(tzinfo=UTC).astimezone(AMSTERDAM)
        return f"{moment.year}-K{(moment.month - 1) // 3 + 1}"
    year, month = str(a).split("-")[:2]
    return f"{int(year)}-K{(int(month) - 1) // 3 + 1}"
