"""All signals across all controls with their verification state (the ketenregisseur's "kent alle
signalen"); overdue ones first and in red; a page at a time ("Meer laden")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_date
from inspectie_app.ui.office.paging import PagedList, more_row
from inspectie_app.ui.widgets import TOUCH, column_headers, control_type_text, level_badge, tagged
from schemas.review import SignalState

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class SignalsScreen:
    def __init__(self, app: Office, open_only: bool = False) -> None:
        self.app = app
        self.open_only = open_only
        self.paged: PagedList[SignalState] = PagedList(
            lambda cursor: self.app.client.signals(open_only=self.open_only, cursor=cursor))
        self.rows = ft.Column(key="signal-rows", spacing=4)
        self.footer = ft.Column(key="signals-footer")

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("signals_title")
        await self.paged.first()
        toggle = ft.Switch(label=app.t("signals_open_only"), value=self.open_only, on_change=self._toggle,
                           key="signals-open-only")
        app.body.controls = [
            ft.Row([tagged(toggle, "signals-open-only"), ft.Text(app.t("signals_overdue_note"), size=12)], wrap=True),
            column_headers([(app.t("col_level"), 190), (app.t("col_raised"), 100), (app.t("col_age"), 60),
                            (app.t("col_subject"), None), (app.t("col_type"), 150), (app.t("col_state"), 190),
                            (app.t("col_referrals"), 200)], key="signals-headers", indent=8),
            self.rows,
            self.footer,
        ]
        self._draw()

    def _draw(self) -> None:
        app = self.app
        self.rows.controls = ([self._row(s) for s in self.paged.items]
                              or [ft.Text(app.t("signals_empty"), key="signals-empty")])
        self.footer.controls = [more_row(app, self.paged, "signals", self._more)]

    async def _more(self, _e: Any = None) -> None:
        await self.paged.more()
        self._draw()
        self.app.page.update()

    def _row(self, s: SignalState) -> ft.Control:
        app, lang = self.app, self.app.lang
        who = app.t("premises") if s.subject_id == "premises" else s.label
        state = (app.t(f"verdict_{s.verdict.value}") if s.verdict else app.t("signal_row_state_open"))
        colour = ft.Colors.RED_800 if s.overdue else None
        key = f"signal-row-{s.inspection_id}-{s.subject_id}"

        async def open_(_e: Any = None) -> None:
            await app.show_detail(s.inspection_id)

        cells: list[ft.Control] = [
            ft.Container(level_badge(s.level, lang), width=190),
            ft.Text(fmt_date(s.raised_at), width=100),
            ft.Text(app.t("age_days", days=s.age_days), width=60, color=colour, weight=ft.FontWeight.BOLD),
            ft.Text(f"{s.address.one_line()} — {who}", expand=True),
            ft.Text(control_type_text(s.control_type, lang), width=150),
            ft.Text(state, width=190, color=colour, weight=ft.FontWeight.BOLD if s.overdue else None,
                    key=f"{key}-state"),
            ft.Text(", ".join(app.t(f"partner_{p.value}") for p in s.referrals), width=200, size=12),
        ]
        return ft.Container(ft.Row(cells), padding=8, on_click=open_, key=key, ink=True,
                            bgcolor=ft.Colors.RED_50 if s.overdue else None, border_radius=ft.BorderRadius.all(6),
                            height=max(TOUCH, 48))

    async def _toggle(self, e: Any = None) -> None:
        self.open_only = bool(e.control.value) if e is not None else not self.open_only
        await self.app.show(self.render)
