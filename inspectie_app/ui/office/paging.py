"""A long office list shown a page at a time: the rows loaded so far, the cursor of the next page and the count.

State without Flet (STYLE: views are thin), so it is tested without a page; ``more_row`` draws its footer: the
honest count ("50 van 1000+") and a "Meer laden" button while there is more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import flet as ft

from inspectie_app.ui.widgets import TOUCH, tagged
from schemas.pages import Page

T = TypeVar("T")


@dataclass
class PagedList(Generic[T]):
    """The rows of a paged list loaded so far; ``fetch(cursor)`` asks the server for the page after ``cursor``."""

    fetch: Callable[[str | None], Awaitable[Page[T]]]
    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
    total: int = 0
    total_is_exact: bool = True

    async def first(self) -> None:
        """Load the first page, forgetting what was loaded."""
        page = await self.fetch(None)
        self.items = list(page.items)
        self._take(page)

    async def more(self) -> bool:
        """Append the next page; False when there was none."""
        if self.next_cursor is None:
            return False
        page = await self.fetch(self.next_cursor)
        self.items += page.items
        self._take(page)
        return True

    def _take(self, page: Page[T]) -> None:
        self.next_cursor, self.total, self.total_is_exact = page.next_cursor, page.total, page.total_is_exact

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None

    def total_text(self) -> str:
        """The count as shown: "1000+" when the server capped it."""
        return str(self.total) if self.total_is_exact else f"{self.total}+"


def more_row(app: Any, paged: PagedList[Any], key: str, on_more: Callable[[Any], Awaitable[None]]) -> ft.Control:
    """The list's footer: "{shown} van {total}" and, while there is more, a "Meer laden" button."""
    count = ft.Text(app.t("list_count", shown=len(paged.items), total=paged.total_text()), key=f"{key}-count")
    controls: list[ft.Control] = [count]
    if paged.has_more:
        button = ft.OutlinedButton(content=app.t("load_more"), icon=ft.Icons.EXPAND_MORE, on_click=on_more,
                                   key=f"{key}-more", height=TOUCH)
        controls.append(tagged(button, f"{key}-more"))
    return ft.Row(controls, key=f"{key}-footer", wrap=True)
