"""The review queue: synced controls, worst level first, filterable by level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_date
from inspectie_app.ui.widgets import TOUCH, control_type_text, level_badge, tagged
from schemas.records import InspectionSummary

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp

FILTERS: tuple[int | None, ...] = (None, 3, 2, 1, 0)


class ReviewListScreen:
    def __init__(self, app: OfficeApp) -> None:
        self.app = app
        self.items: list[InspectionSummary] = []
        self.level: int | None = None
        self.rows = ft.Column(key="review-rows", spacing=6)
        self.filters = ft.Row(key="level-filter", wrap=True)

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("review_title")
        self.items = await app.client.review_list()
        refresh = ft.OutlinedButton(content=app.t("refresh"), icon=ft.Icons.REFRESH, on_click=self._refresh,
                                    key="refresh", height=TOUCH)
        app.body.controls = [
            ft.Row([ft.Text(app.t("filter_level")), self.filters, refresh], wrap=True),
            self.rows,
        ]
        self._draw()

    def _draw(self) -> None:
        app = self.app
        self.filters.controls = [self._filter_button(level) for level in FILTERS]
        shown = [i for i in self.items if self.level is None or i.level == self.level]
        self.rows.controls = [self._row(i) for i in shown] or [ft.Text(app.t("review_empty"), key="review-empty")]

    def _filter_button(self, level: int | None) -> ft.Control:
        app = self.app
        label = app.t("filter_all") if level is None else app.t(f"level_{level}")
        key = "filter-all" if level is None else f"filter-{level}"

        async def choose(_e: Any = None) -> None:
            self.level = level
            self._draw()

        cls = ft.FilledButton if level == self.level else ft.OutlinedButton
        return tagged(cls(content=label, on_click=choose, key=key, height=TOUCH), key)

    def _row(self, item: InspectionSummary) -> ft.Control:
        app, lang = self.app, self.app.lang

        async def open_(_e: Any = None) -> None:
            await app.show_detail(item.id)

        finished = fmt_date(item.finished_at) if item.finished_at else app.t("not_finished")
        photos = app.t("photos_count", present=item.photos_present, expected=item.photos_expected)
        cells: list[ft.Control] = [
            ft.Container(level_badge(item.level, lang, key=f"row-level-{item.id}"), width=190),
            ft.Text(control_type_text(item.control_type, lang), width=200),
            ft.Text(item.address.one_line(), expand=True, key=f"row-address-{item.id}"),
            ft.Text(item.inspector, width=160),
            ft.Text(finished, width=120),
            ft.Row([ft.Icon(ft.Icons.PHOTO_CAMERA, size=18), ft.Text(photos, key=f"row-photos-{item.id}")],
                   width=90),
        ]
        return ft.Card(content=ft.Container(
            ft.Row(cells, wrap=False), padding=12, on_click=open_, key=f"row-{item.id}", ink=True,
            tooltip=item.address.one_line(),
        ))

    async def _refresh(self, _e: Any = None) -> None:
        await self.app.show(self.render)
