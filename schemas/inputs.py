"""What a client may send: text and numbers the databases can store and read back.

Why one rule for every input: PostgreSQL refuses a NUL character in a text column (the whole transaction fails,
and a sync push with it failed on every retry), accepts it inside a ``json`` column but then fails every
``->>`` on that row (one control would break the review list's filters for everyone), and refuses ``NaN`` in
``json``; a lone surrogate (``"\\ud800"`` in JSON) cannot be encoded as UTF-8; the other C0 control characters
(all but tab, line feed and carriage return) are not allowed in XML, so they would break the XLSX export and the
PDF; an integer beyond 64 bits fits no column. None of these is ever typed by a person.

``problem`` finds the first such thing in a value of any shape (strings, dict keys, lists, numbers), and names
where it is. Every wire model a client fills inherits ``InputModel``, which refuses such input with the pydantic
error type ``input_unstorable`` (the server answers 422 ``input_unstorable``); a sync push checks each mutation's
arguments with ``problem`` and refuses only that mutation, as a rejection that syncs back, so the rest of the
queue goes on. ``clean`` makes text safe to echo into a stored message. ``Timestamp`` is a date-time that can be
converted to UTC and read back (a year between 1900 and 2999: a tablet whose clock was reset still fits).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

UNSTORABLE = "input_unstorable"
"""The pydantic error type (and the server's error and rejection code) for input the databases cannot store."""
STORABLE_CHECKED = "storable_checked"
"""Validation context key: the caller ran ``problem`` on exactly this input already, so ``InputModel`` skips its
own walk (a sync push checks each mutation once)."""

BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
MAX_DEPTH = 32
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _character(char: str) -> str:
    code = ord(char)
    if code == 0:
        return "a NUL character"
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    return f"the control character U+{code:04X}"


def text_problem(text: str) -> str | None:
    """What makes ``text`` unstorable ("a NUL character at position 3"), or None."""
    found = BAD_CHARACTERS.search(text)
    return None if found is None else f"{_character(found.group())} at position {found.start()}"


def problem(value: Any, where: str = "") -> str | None:
    """The first part of ``value`` that cannot be stored, as "where: what"; None when all of it can.

    Walks strings, numbers, lists, tuples and dicts (their keys too), at most ``MAX_DEPTH`` levels deep. The path
    is put together only when something is found: a push of 500 mutations is walked in about a millisecond."""
    found = _find(value, 0)
    if found is None:
        return None
    path, what = found
    name = where + "".join(reversed(path))
    return f"{name.lstrip('.') or 'value'}: {what}"


def _find(value: Any, depth: int) -> tuple[list[str], str] | None:
    """The reversed path (``.key``/``[i]`` parts) to the first unstorable part of ``value`` and what it is."""
    if isinstance(value, str):
        return None if (bad := text_problem(value)) is None else ([], bad)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else ([], "a number beyond 64 bits")
    if isinstance(value, float):
        return None if math.isfinite(value) else ([], "a number that is not finite")
    if depth >= MAX_DEPTH and isinstance(value, dict | list | tuple):
        return [], f"nested more than {MAX_DEPTH} levels deep"
    if isinstance(value, dict):
        keys_clean = _keys_clean(value)
        for key, item in value.items():
            if not keys_clean and isinstance(key, str) and (bad := text_problem(key)):
                return [], f"a key with {bad}"
            if (found := _find(item, depth + 1)) is not None:
                found[0].append(f".{key}")
                return found
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if (found := _find(item, depth + 1)) is not None:
                found[0].append(f"[{i}]")
                return found
    return None


def _keys_clean(value: dict[Any, Any]) -> bool:
    """Whether every key is a string free of unstorable characters (one search for all keys, not one per key)."""
    try:
        return BAD_CHARACTERS.search("".join(value)) is None
    except TypeError:  # a key that is not a string
        return False


def clean(text: str) -> str:
    """``text`` with every unstorable character replaced by U+FFFD (for messages that echo input)."""
    return BAD_CHARACTERS.sub("\ufffd", text)


def cleaned(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON-like value that can be stored: text cleaned, keys too, numbers out of range as text,
    nesting beyond ``MAX_DEPTH`` dropped (for payloads kept as they came, such as a quarantined push)."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): cleaned(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [cleaned(v, depth + 1) for v in value]
    if problem(value) is not None:
        return str(value)[:40]
    return value


class InputModel(BaseModel):
    """A wire model a client fills: refuses, before any field is read, every string (dict keys too) and number in
    its input that the databases cannot store (``problem``), with the error type ``input_unstorable``."""

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get(STORABLE_CHECKED):
            return data
        found = problem(data)
        if found is not None:
            raise PydanticCustomError(UNSTORABLE, "cannot be stored: {problem}", {"problem": found})
        return data


def _storable_time(value: datetime) -> datetime:
    try:
        year = value.astimezone(UTC).year if value.tzinfo is not None else value.year
    except OverflowError:
        year = 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PydanticCustomError(UNSTORABLE, "cannot be stored: a year outside {first}-{last}",
                                  {"first": FIRST_YEAR, "last": LAST_YEAR})
    return value


Timestamp = Annotated[datetime, AfterValidator(_storable_time)]
"""A date-time from a client that can be stored and read back as UTC (year 1900-2999)."""
