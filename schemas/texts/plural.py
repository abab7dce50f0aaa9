"""A text with a singular and a plural form ("1 wijziging", "3 wijzigingen").

Dutch and English both have two forms: one for exactly 1, the other for every other count (0 included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Plural:
    """``one`` for a count of 1, ``other`` otherwise; ``count`` names the format argument that holds the count."""

    one: str
    other: str
    count: str = "n"

    def form(self, fmt: Mapping[str, object]) -> str:
        """The form for the count in ``fmt`` (a missing count is a bug in the caller: KeyError)."""
        value = fmt[self.count]
        return self.one if isinstance(value, int) and abs(value) == 1 else self.other


Message = str | Plural
"""A catalogue entry: a text, or a text with a singular and a plural form."""
