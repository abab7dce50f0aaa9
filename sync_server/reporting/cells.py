"""Cells for spreadsheets: a value that Excel or LibreOffice would read as a formula is neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can run as a formula when the file
is opened (CSV/formula injection, OWASP): such a text gets a ``'`` in front, which the spreadsheet shows as text.
Numbers and dates are left alone (they are written as values, not as text)."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is a text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
