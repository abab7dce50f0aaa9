"""One page of a long list, as every office list answers it (``sync_server.paging``).

``next_cursor`` is opaque: pass it back as ``cursor`` for the rows after this page; ``None`` on the last page.
``total`` counts the whole list up to a cap: ``total_is_exact`` is False when there are more (shown as "1000+").
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of ``items`` with the cursor of the next page and the (capped) count of the whole list."""

    items: list[T] = Field(default_factory=list)
    next_cursor: str | None = None
    total: int = 0
    total_is_exact: bool = True

    def total_text(self) -> str:
        """The count as a screen shows it: "1000+" when capped."""
        return f"{self.total}" if self.total_is_exact else f"{self.total}+"
