"""Aard en omvang: a chart of controls per quarter by level (flet-charts) and tables by exploitation type,
control type, level and neighbourhood; for the ketenregisseur also the uitzendbureaus and the exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft
import flet_charts as fch  # type: ignore[import-untyped]

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.paging import PagedList, more_row
from inspectie_app.ui.widgets import LEVEL_COLOURS, TOUCH, control_type_text, heading, level_text, tagged
from schemas.review import AgencyRow, CountRow, Overview

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class ReportingScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.agencies: PagedList[AgencyRow] = PagedList(lambda cursor: self.app.client.agencies(cursor=cursor))
        self.agency_rows = ft.Column(key="agencies", spacing=2)
        self.agency_footer = ft.Column(key="agencies-footer-box")

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("reporting_title")
        overview = await app.client.overview()
        keten = app.client.user is not None and app.client.user.role == "ketenregisseur"
        parts: list[ft.Control] = [
            ft.Text(app.t("reporting_totals", controls=app.t("count_controls", n=overview.controls),
                          signals=app.t("count_signals", n=overview.signals)),
                    key="reporting-totals", size=16, weight=ft.FontWeight.BOLD),
            heading(app.t("by_quarter"), size=16),
            self._chart(overview),
            self._quarter_table(overview),
            ft.Row([self._table("by_profile", overview.by_profile, self._profile),
                    self._table("by_control_type", overview.by_control_type,
                                lambda k: control_type_text(k, app.lang)),
                    self._table("by_level", overview.by_level, self._level),
                    self._table("by_neighbourhood", overview.by_neighbourhood, lambda k: k)],
                   wrap=True, vertical_alignment=ft.CrossAxisAlignment.START),
        ]
        if keten:
            await self.agencies.first()
            self._draw_agencies()
            parts += [heading(app.t("agencies_title"), size=16), self.agency_rows, self.agency_footer,
                      heading(app.t("exports_title"), size=16), self._exports()]
        app.body.controls = parts

    def _profile(self, key: str) -> str:
        return self.app.t(f"profile_{key}")

    def _level(self, key: str) -> str:
        return level_text(int(key), self.app.lang) if key.isdigit() else self.app.t("level_none")

    def _chart(self, overview: Overview) -> ft.Control:
        app = self.app
        groups = []
        for n, q in enumerate(overview.by_quarter):
            stack, bottom = [], 0
            for level in range(4):
                count = q.by_level.get(f"L{level}", 0)
                if count:
                    stack.append(fch.BarChartRodStackItem(from_y=bottom, to_y=bottom + count,
                                                          color=LEVEL_COLOURS[level][0]))
                    bottom += count
            groups.append(fch.BarChartGroup(x=n, rods=[fch.BarChartRod(from_y=0, to_y=bottom, width=28,
                                                                         stack_items=stack, color=ft.Colors.GREY_400,
                                                                         border_radius=0)]))
        top = max((q.controls for q in overview.by_quarter), default=1)
        chart = fch.BarChart(
            groups=groups, max_y=top + 1, interactive=False, height=260, expand=True,
            left_axis=fch.ChartAxis(label_size=32),
            bottom_axis=fch.ChartAxis(label_size=32, labels=[
                fch.ChartAxisLabel(value=n, label=ft.Text(q.quarter, size=11))
                for n, q in enumerate(overview.by_quarter)]),
            horizontal_grid_lines=fch.ChartGridLines(color=ft.Colors.GREY_300, width=1),
        )
        legend = ft.Row([ft.Row([ft.Container(width=14, height=14, bgcolor=LEVEL_COLOURS[n][0]),
                                 ft.Text(level_text(n, app.lang), size=12)]) for n in range(4)], wrap=True)
        return ft.Semantics(label=app.t("chart_quarter_label"), container=True,
                            content=ft.Column([ft.Container(chart, height=270, key="quarter-chart"), legend]))

    def _quarter_table(self, overview: Overview) -> ft.Control:
        app = self.app
        columns = [app.t("col_quarter"), app.t("col_controls"), app.t("col_signals"),
                   *(level_text(n, app.lang) for n in range(4))]
        rows = [ft.DataRow(cells=[ft.DataCell(ft.Text(str(v))) for v in
                                  (q.quarter, q.controls, q.signals, *(q.by_level.get(f"L{n}", 0) for n in range(4)))])
                for q in overview.by_quarter]
        return ft.DataTable(columns=[ft.DataColumn(label=c) for c in columns], rows=rows, key="quarter-table")

    def _table(self, title_key: str, rows: list[CountRow], label: Any) -> ft.Control:
        app = self.app
        table = ft.DataTable(columns=[ft.DataColumn(label=app.t("col_key")),
                                      ft.DataColumn(label=app.t("col_count"), numeric=True)],
                             rows=[ft.DataRow(cells=[ft.DataCell(ft.Text(label(r.key))),
                                                     ft.DataCell(ft.Text(str(r.count)))]) for r in rows],
                             key=f"table-{title_key}")
        return ft.Column([heading(app.t(title_key), size=14), table], width=380)

    def _draw_agencies(self) -> None:
        app = self.app
        lines: list[ft.Control] = []
        for a in self.agencies.items:
            kvk = app.t("agency_unknown") if a.kvk == "onbekend" else a.kvk
            lines.append(ft.Text(app.t("agency_line", kvk=kvk, addresses=app.t("count_addresses", n=a.addresses),
                                       persons=app.t("count_persons", n=a.persons),
                                       signals=app.t("count_signals", n=a.signals),
                                       level=level_text(a.worst_level, app.lang)),
                                 weight=ft.FontWeight.BOLD, key=f"agency-{a.kvk}"))
            if a.control_count > len(a.controls):
                lines.append(ft.Text(app.t("agency_latest", shown=len(a.controls), total=a.control_count), size=12,
                                     key=f"agency-{a.kvk}-latest"))
            lines += [ft.Text(f"    {c.address.one_line()} — {app.t('count_persons', n=c.persons)} — "
                              f"{level_text(c.level, app.lang)}", size=13) for c in a.controls]
        self.agency_rows.controls = lines or [ft.Text(app.t("agencies_empty"), key="agencies-empty")]
        self.agency_footer.controls = ([more_row(app, self.agencies, "agencies", self._more_agencies)]
                                       if self.agencies.items else [])

    async def _more_agencies(self, _e: Any = None) -> None:
        await self.agencies.more()
        self._draw_agencies()
        self.app.page.update()

    def _exports(self) -> ft.Control:
        app = self.app
        buttons: list[ft.Control] = []
        for purpose in ("mdo", "riec"):
            for fmt in ("csv", "xlsx"):
                key = f"export-{purpose}-{fmt}"

                async def download(_e: Any = None, p: str = purpose, f: str = fmt) -> None:
                    try:
                        data = await app.client.export(p, f)
                    except OfficeError as exc:
                        app.say(app.error_text(exc))
                        return
                    app.say(app.t("export_ready"))
                    await app.save_bytes(f"inspectie-{p}.{f}", data)

                button = ft.OutlinedButton(content=f"{app.t(f'export_{purpose}')} · {fmt.upper()}",
                                           icon=ft.Icons.DOWNLOAD, on_click=download, key=key, height=TOUCH)
                buttons.append(tagged(button, key))
        return ft.Row(buttons, wrap=True, key="exports")
