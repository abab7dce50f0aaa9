"""The review queue: synced controls, worst level first, filterable by level, control type, status,
inspector, period and neighbourhood (filtered and paged by the server: the first page, then "Meer laden");
unverified signals stand out with their age (red when overdue)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.i18n import fmt_date, parse_date
from inspectie_app.ui import palette
from inspectie_app.ui.office.level_change import level_change_text
from inspectie_app.ui.office.paging import PagedList, more_row
from inspectie_app.ui.widgets import TOUCH, column_headers, control_type_text, level_badge, tagged
from schemas.pages import Page
from schemas.records import InspectionStatus
from schemas.review import ReviewItem

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

FILTERS: tuple[int | None, ...] = (None, 3, 2, 1, 0)
ANY = "__any__"


class ReviewListScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.paged: PagedList[ReviewItem] = PagedList(self._fetch)
        self.level: int | None = None
        self.rows = ft.Column(key="review-rows", spacing=6)
        self.footer = ft.Column(key="review-footer")
        self.filters = ft.Row(key="level-filter", wrap=True)
        self.type_dd = ft.Dropdown(key="filter-type", width=220, value=ANY)
        self.status_dd = ft.Dropdown(key="filter-status", width=160, value=ANY)
        self.inspector_dd = ft.Dropdown(key="filter-inspector", width=220, value=ANY)
        self.hood_dd = ft.Dropdown(key="filter-neighbourhood", width=200, value=ANY)
        self.date_from = ft.TextField(key="filter-from", width=170, keyboard_type=ft.KeyboardType.DATETIME)
        self.date_to = ft.TextField(key="filter-to", width=170, keyboard_type=ft.KeyboardType.DATETIME)
        self.filter_error = ft.Text("", key="filter-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("review_title")
        self._options((await app.client.review_list()).items)
        await self.paged.first()
        refresh = ft.OutlinedButton(content=app.t("refresh"), icon=ft.Icons.REFRESH, on_click=self._refresh,
                                    key="refresh", height=TOUCH)
        apply = ft.FilledButton(content=app.t("filter_apply"), icon=ft.Icons.FILTER_LIST, on_click=self._apply,
                                key="filter-apply", height=TOUCH)
        app.body.controls = [
            ft.Row([tagged(self.type_dd, "filter-type"), tagged(self.status_dd, "filter-status"),
                    tagged(self.inspector_dd, "filter-inspector"), tagged(self.hood_dd, "filter-neighbourhood"),
                    tagged(self.date_from, "filter-from"), tagged(self.date_to, "filter-to"),
                    tagged(apply, "filter-apply")], wrap=True),
            self.filter_error,
            ft.Row([ft.Text(app.t("filter_level")), self.filters, refresh], wrap=True),
            column_headers([(app.t("col_level"), 190), (app.t("col_type"), 160), (app.t("col_address"), None),
                            (app.t("col_signal_state"), 230), (app.t("col_inspector"), 140),
                            (app.t("col_finished"), 100), (app.t("col_photos"), 80)], key="review-headers",
                           indent=16),
            self.rows,
            self.footer,
        ]
        self._draw()

    @property
    def items(self) -> list[ReviewItem]:
        return self.paged.items

    async def _fetch(self, cursor: str | None) -> Page[ReviewItem]:
        return await self.app.client.review_list(cursor=cursor, **self._params(), level=self.level)

    async def _more(self, _e: Any = None) -> None:
        await self.paged.more()
        self._draw()
        self.app.page.update()

    def _options(self, items: list[ReviewItem]) -> None:
        app, lang = self.app, self.app.lang
        anyone = ft.DropdownOption(key=ANY, text=app.t("filter_any"))
        types = sorted({i.control_type for i in items})
        self.type_dd.label = app.t("filter_type")
        self.type_dd.options = [anyone, *[ft.DropdownOption(key=c, text=control_type_text(c, lang)) for c in types]]
        self.status_dd.label = app.t("filter_status")
        self.status_dd.options = [ft.DropdownOption(key=ANY, text=app.t("filter_any")),
                                  *[ft.DropdownOption(key=s, text=app.t(f"status_{s}")) for s in ("finished", "draft")]]
        people = {str(i.inspector_id): i.inspector for i in items if i.inspector_id}
        self.inspector_dd.label = app.t("filter_inspector")
        self.inspector_dd.options = [ft.DropdownOption(key=ANY, text=app.t("filter_any")),
                                     *[ft.DropdownOption(key=k, text=v) for k, v in sorted(people.items(),
                                                                                          key=lambda kv: kv[1])]]
        hoods = sorted({i.address.neighbourhood for i in items if i.address.neighbourhood})
        self.hood_dd.label = app.t("filter_neighbourhood")
        self.hood_dd.options = [ft.DropdownOption(key=ANY, text=app.t("filter_any")),
                                *[ft.DropdownOption(key=h, text=h) for h in hoods]]
        self.date_from.label = app.t("filter_from")
        self.date_to.label = app.t("filter_to")

    def _params(self) -> dict[str, Any]:
        def chosen(dd: ft.Dropdown) -> str | None:
            return None if dd.value in (None, ANY) else dd.value

        inspector = chosen(self.inspector_dd)
        return {k: v for k, v in {
            "control_type": chosen(self.type_dd), "status": chosen(self.status_dd),
            "inspector_id": UUID(inspector) if inspector else None, "neighbourhood": chosen(self.hood_dd),
            "date_from": parse_date(self.date_from.value or ""), "date_to": parse_date(self.date_to.value or ""),
        }.items() if v}

    def _draw(self) -> None:
        app = self.app
        self.filters.controls = [self._filter_button(level) for level in FILTERS]
        self.rows.controls = [self._row(i) for i in self.items] or [ft.Text(app.t("review_empty"), key="review-empty")]
        self.footer.controls = [more_row(app, self.paged, "review", self._more)]

    def _filter_button(self, level: int | None) -> ft.Control:
        app = self.app
        label = app.t("filter_all") if level is None else app.t(f"level_{level}")
        key = "filter-all" if level is None else f"filter-{level}"

        async def choose(_e: Any = None) -> None:
            self.level = level
            await self.app.show(self.render)

        cls = ft.FilledButton if level == self.level else ft.OutlinedButton
        return tagged(cls(content=label, on_click=choose, key=key, height=TOUCH), key)

    def _signal_state(self, item: ReviewItem) -> ft.Control:
        app = self.app
        if item.status is InspectionStatus.DRAFT and not item.signals:
            return ft.Text(app.t("draft_provisional"), width=230, size=12, italic=True, key=f"row-signals-{item.id}")
        if not item.signals:
            return ft.Text(app.t("no_signals"), width=230, size=12, key=f"row-signals-{item.id}")
        if not item.unverified:
            return ft.Text(app.t("all_verified"), width=230, size=12, color=ft.Colors.GREEN_800,
                           key=f"row-signals-{item.id}")
        since = item.unverified_since or datetime.now(UTC)
        days = max(0, (datetime.now(UTC) - since).days)
        return ft.Text(app.t("unverified_count", n=item.unverified, days=days), width=230,
                       weight=ft.FontWeight.BOLD, key=f"row-signals-{item.id}",
                       color=ft.Colors.RED_800 if item.overdue else palette.WARNING)

    def _row(self, item: ReviewItem) -> ft.Control:
        app, lang = self.app, self.app.lang

        async def open_(_e: Any = None) -> None:
            await app.show_detail(item.id)

        finished = fmt_date(item.finished_at) if item.finished_at else app.t("not_finished")
        photos = app.t("photos_count", present=item.photos_present, expected=item.photos_expected)
        cells: list[ft.Control] = [
            ft.Container(level_badge(item.level, lang, key=f"row-level-{item.id}"), width=190),
            ft.Text(control_type_text(item.control_type, lang), width=160),
            ft.Column([ft.Text(item.address.one_line(), key=f"row-address-{item.id}"),
                       *level_change_row(app, item)], spacing=2, expand=True, tight=True),
            self._signal_state(item),
            ft.Text(item.inspector, width=140),
            ft.Text(finished, width=100),
            ft.Row([ft.Icon(ft.Icons.PHOTO_CAMERA, size=18), ft.Text(photos, key=f"row-photos-{item.id}")],
                   width=80),
        ]
        return ft.Card(content=ft.Container(
            ft.Row(cells, wrap=False), padding=12, on_click=open_, key=f"row-{item.id}", ink=True,
            tooltip=item.address.one_line(),
        ))

    async def _apply(self, _e: Any = None) -> None:
        for field in (self.date_from, self.date_to):
            if (field.value or "").strip() and parse_date(field.value or "") is None:
                self.filter_error.value = self.app.t("filter_bad_date")
                self.filter_error.visible = True
                self.app.page.update()
                return
        self.filter_error.visible = False
        await self.app.show(self.render)

    async def _refresh(self, _e: Any = None) -> None:
        await self.app.show(self.render)


def level_change_row(app: Office, item: ReviewItem) -> list[ft.Control]:
    """The new-catalogue marker under the address, when this control's level moved."""
    text = level_change_text(app, item.level, item.previous_level, item.level_changed)
    return [] if text is None else [ft.Text(text, size=12, color=ft.Colors.DEEP_PURPLE_700,
                                            key=f"row-level-change-{item.id}")]
