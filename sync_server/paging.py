"""Keyset pagination for the office lists.

Why keyset and not OFFSET: a page deep in a list of 100,000 controls costs the same as the first, and a row
added while someone pages does not shift the rest. Each list orders by a sort key that ends in a unique column
(the id), so ties never skip or repeat a row. The cursor is the last row's sort key, base64url-encoded JSON: opaque
to callers, checked when it comes back (a cursor that does not decode, or whose values do not fit the list, is
a 422 ``validation_error``).

The total is counted over at most ``COUNT_CAP + 1`` rows: "1000+" (``total_is_exact`` False) instead of a count
that reads the whole history on every page.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import Session

from sync_server.errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_CAP = 1000
CURSOR_MAX = 600

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page")]
Cursor = Annotated[str | None, Query(max_length=CURSOR_MAX, pattern="^[A-Za-z0-9_-]*={0,2}$",
                                     description="next_cursor of the previous page")]


def encode(values: Sequence[Any]) -> str:
    """The cursor after a row whose sort key is ``values`` (datetimes and UUIDs as strings)."""
    plain = [_aware(v).isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
             for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def _aware(value: datetime) -> datetime:
    """SQLite hands a stored UTC time back without its zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def decode(cursor: str, kinds: Sequence[Callable[[Any], Any]]) -> list[Any]:
    """The sort key in ``cursor``, each value converted by its kind (``int``, ``str``, ``as_datetime``,
    ``as_uuid``); a 422 when it is not a cursor of this list."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(kinds):
            raise ValueError("wrong length")
        return [kind(value) for kind, value in zip(kinds, raw, strict=True)]
    except (ValueError, TypeError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError("validation_error", detail="cursor: not a cursor of this list") from exc


def as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**62:
        raise ValueError("not an integer")
    return value


def as_str(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 200 or any(ord(c) < 32 for c in value):
        raise ValueError("not a string")  # control characters: no sort key holds them, PostgreSQL refuses NUL
    return value


def as_datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(as_str(value))
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def as_uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(as_str(value))


def after(keys: Sequence[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows whose sort key (ascending ``keys``) comes after ``values``: one row-value comparison, which an index
    on the same columns serves."""
    return tuple_(*keys) > tuple_(*[literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)])


def before(keys: Sequence[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows whose sort key comes before ``values`` (for a list sorted descending on all ``keys``)."""
    return tuple_(*keys) < tuple_(*[literal(v, type_=k.type) for k, v in zip(keys, values, strict=True)])


def capped_count(session: Session, stmt: Select[Any]) -> tuple[int, bool]:
    """(rows of ``stmt`` counted up to ``COUNT_CAP``, whether that is all of them)."""
    limited = stmt.order_by(None).limit(COUNT_CAP + 1).subquery()
    n = int(session.scalar(select(func.count()).select_from(limited)) or 0)
    return min(n, COUNT_CAP), n <= COUNT_CAP
