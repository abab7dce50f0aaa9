"""The paged-list state of the office screens, without a page: first page, more, the honest count."""

from __future__ import annotations

from inspectie_app.ui.office.paging import PagedList
from schemas.pages import Page


def _source(rows: list[int], size: int, total: int, exact: bool = True) -> tuple[list[str | None], PagedList[int]]:
    asked: list[str | None] = []

    async def fetch(cursor: str | None) -> Page[int]:
        asked.append(cursor)
        start = int(cursor or 0)
        end = start + size
        return Page[int](items=rows[start:end], next_cursor=str(end) if end < len(rows) else None, total=total,
                         total_is_exact=exact)

    return asked, PagedList(fetch)


async def test_first_then_more_until_the_end() -> None:
    asked, paged = _source(list(range(5)), 2, 5)
    await paged.first()
    assert paged.items == [0, 1] and paged.has_more and paged.total_text() == "5"
    assert await paged.more() and paged.items == [0, 1, 2, 3]
    assert await paged.more() and paged.items == [0, 1, 2, 3, 4] and not paged.has_more
    assert not await paged.more()
    assert asked == [None, "2", "4"]


async def test_first_again_forgets_what_was_loaded() -> None:
    _asked, paged = _source(list(range(3)), 2, 3)
    await paged.first()
    await paged.more()
    await paged.first()
    assert paged.items == [0, 1] and paged.next_cursor == "2"


async def test_capped_count_is_shown_with_a_plus() -> None:
    _asked, paged = _source(list(range(3)), 2, 1000, exact=False)
    await paged.first()
    assert paged.total_text() == "1000+"
