"""A calendar day from a client: written ``jjjj-mm-dd``, never a number.

Pydantic reads ``0`` or ``"0"`` as 1970-01-01 (a Unix time); from a client that is a mistake, never a date.
``Day`` refuses numbers before pydantic converts, so a body field or a query parameter gets a clear 422."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_NUMBER = re.compile(r"^\s*[-+]?[0-9]+(\.[0-9]*)?\s*$")


def _not_a_number(value: Any) -> Any:
    if isinstance(value, bool | int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError("a date is written as jjjj-mm-dd (e.g. 2026-03-02), not as a number")
    return value


Day = Annotated[date, BeforeValidator(_not_a_number)]
