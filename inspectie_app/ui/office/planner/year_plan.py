"""Year plan: progress against each target in one glance, the targets (editable), a month calendar and
the list of the month's controls (move, reassign, cancel)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_date, has_key
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.planner.nav import go, tabs
from inspectie_app.ui.widgets import TOUCH, control_type_text, heading, tagged
from schemas.planning import PlanTargets, TargetProgress, YearPlan
from schemas.records import PlannedControlRead

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

STATUS_COLOURS = {"planned": ft.Colors.BLUE_50, "in_progress": ft.Colors.AMBER_100, "done": ft.Colors.GREEN_100,
                  "cancelled": ft.Colors.GREY_300}


def progress_text(app: Office, p: TargetProgress) -> str:
    """"4 van 6 pandenacties" (+ how many more are planned)."""
    text = app.t(f"pl_progress_{p.key}", done=p.done, target=p.target)
    return f"{text} · {app.t('pl_progress_planned', planned=p.planned)}" if p.planned else text


def month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1


class YearPlanScreen:
    def __init__(self, app: Office, year: int | None = None, month: int | None = None) -> None:
        today = date.today()
        self.app = app
        self.year = year or today.year
        self.month = month or (today.month if self.year == today.year else 1)
        self.plan: YearPlan | None = None
        self.controls: list[PlannedControlRead] = []
        self.confirm_cancel: set[str] = set()
        self.message = ft.Text("", key="targets-message", visible=False)
        self.said: tuple[str, bool] = ("", False)

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("pl_year_title", year=self.year)
        self.plan = await app.client.year_plan(self.year)
        self.controls = await app.client.planning_controls(date(self.year, 1, 1), date(self.year, 12, 31))
        app.body.controls = [tabs(app, "year"), self._year_nav(), self._progress(self.plan), self._targets(),
                             heading(app.t("pl_calendar")), self._month_nav(), self._calendar(),
                             heading(app.t("pl_month_list")), self._month_list()]

    # --- progress and targets ---------------------------------------------------------------------
    def _year_nav(self) -> ft.Control:
        app = self.app
        prev = ft.IconButton(icon=ft.Icons.CHEVRON_LEFT, tooltip=app.t("pl_prev_year"), key="year-prev",
                             on_click=go(app, "year", year=self.year - 1))
        nxt = ft.IconButton(icon=ft.Icons.CHEVRON_RIGHT, tooltip=app.t("pl_next_year"), key="year-next",
                            on_click=go(app, "year", year=self.year + 1))
        return ft.Row([prev, heading(str(self.year), key="plan-year"), nxt])

    def _progress(self, plan: YearPlan) -> ft.Control:
        cards: list[ft.Control] = []
        for p in plan.progress:
            colour = ft.Colors.GREEN_100 if p.met else ft.Colors.ORANGE_50
            text = (self.app.t("pl_no_licensed") if p.key == "seksinrichtingen_jaarlijks" and not p.target
                    else progress_text(self.app, p))
            lines: list[ft.Control] = [ft.Text(text, size=16, weight=ft.FontWeight.BOLD, key=f"progress-{p.key}")]
            if p.missing:
                lines.append(ft.Text(self.app.t("pl_still_to_control", names=", ".join(p.missing)),
                                     key=f"progress-missing-{p.key}"))
            cards.append(ft.Container(ft.Column(lines, spacing=4), bgcolor=colour, padding=12, width=360,
                                      border_radius=8))
        return ft.Row(cards, wrap=True, key="plan-progress")

    def _targets(self) -> ft.Control:
        app = self.app
        assert self.plan is not None
        goal = self.plan.targets
        self.t_panden = ft.TextField(key="target-pandenacties", label=app.t("pl_target_pandenacties"),
                                     value=str(goal.pandenacties), width=200, keyboard_type=ft.KeyboardType.NUMBER)
        self.t_integraal = ft.TextField(key="target-integrale", label=app.t("pl_target_integrale"),
                                        value=str(goal.integrale_controles), width=200,
                                        keyboard_type=ft.KeyboardType.NUMBER)
        self.t_sex = ft.Checkbox(key="target-seksinrichtingen", label=app.t("pl_target_seksinrichtingen"),
                                 value=goal.seksinrichtingen_jaarlijks)
        editable = app.client.user is not None and app.client.user.role in ("planner", "beheerder")
        save = ft.OutlinedButton(content=app.t("pl_save_targets"), on_click=self._save_targets, key="targets-save",
                                 height=TOUCH, visible=editable)
        text, error = self.said
        self.message = ft.Text(text, key="targets-message", visible=bool(text),
                               color=ft.Colors.RED_800 if error else ft.Colors.GREEN_800)
        return ft.Column([
            heading(app.t("pl_targets"), 16),
            ft.Row([tagged(self.t_panden, "target-pandenacties"), tagged(self.t_integraal, "target-integrale"),
                    self.t_sex, tagged(save, "targets-save")], wrap=True),
            self.message,
        ], key="targets-panel")

    async def _save_targets(self, _e: Any = None) -> None:
        app = self.app
        assert self.plan is not None
        values = [(self.t_panden.value or "").strip(), (self.t_integraal.value or "").strip()]
        if not all(v.isdigit() and int(v) <= 1000 for v in values):
            self._say(app.t("pl_invalid_target"), error=True)
            return
        targets = PlanTargets(pandenacties=int(values[0]), integrale_controles=int(values[1]),
                              kwetsbare_branches=self.plan.targets.kwetsbare_branches,
                              seksinrichtingen_jaarlijks=bool(self.t_sex.value))
        try:
            self.plan = await app.client.save_targets(self.year, targets)
        except OfficeError as exc:
            self._say(app.error_text(exc), error=True)
            return
        self.said = (app.t("pl_targets_saved"), False)
        await app.show(self.render)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.message.visible = True
        self.app.page.update()

    # --- calendar ---------------------------------------------------------------------------------
    def _month_nav(self) -> ft.Control:
        app = self.app
        py, pm = month_shift(self.year, self.month, -1)
        ny, nm = month_shift(self.year, self.month, 1)
        name = app.t(f"pl_month_{self.month}")
        return ft.Row([
            ft.IconButton(icon=ft.Icons.CHEVRON_LEFT, tooltip=app.t("pl_prev_month"), key="month-prev",
                          on_click=go(app, "year", year=py, month=pm)),
            ft.Text(f"{name} {self.year}", size=18, key="month-name"),
            ft.IconButton(icon=ft.Icons.CHEVRON_RIGHT, tooltip=app.t("pl_next_month"), key="month-next",
                          on_click=go(app, "year", year=ny, month=nm)),
        ])

    def _month_controls(self) -> list[PlannedControlRead]:
        return [c for c in self.controls if c.scheduled_on.month == self.month and c.scheduled_on.year == self.year]

    def _calendar(self) -> ft.Control:
        app = self.app
        by_day: dict[int, list[PlannedControlRead]] = {}
        for c in self._month_controls():
            by_day.setdefault(c.scheduled_on.day, []).append(c)
        header = ft.Row([ft.Container(ft.Text(app.t(f"pl_weekday_{i}"), weight=ft.FontWeight.BOLD), width=140)
                         for i in range(7)], spacing=4)
        weeks: list[ft.Control] = [header]
        for week in calendar.Calendar(firstweekday=0).monthdayscalendar(self.year, self.month):
            weeks.append(ft.Row([self._day_cell(d, by_day.get(d, [])) for d in week], spacing=4))
        return ft.Column(weeks, spacing=4, key="plan-calendar")

    def _day_cell(self, day: int, controls: list[PlannedControlRead]) -> ft.Control:
        if day == 0:
            return ft.Container(width=140, height=84)
        lines: list[ft.Control] = [ft.Text(str(day), weight=ft.FontWeight.BOLD)]
        for c in controls[:3]:
            when = c.start_time.strftime("%H:%M") + " " if c.start_time else ""
            lines.append(ft.Text(f"{when}{control_type_text(c.control_type, self.app.lang)}", size=11,
                                 key=f"cal-{c.id}", no_wrap=True))
        if len(controls) > 3:
            lines.append(ft.Text(self.app.t("pl_more", count=len(controls) - 3), size=11))
        colour = STATUS_COLOURS["planned"] if controls else None
        return ft.Container(ft.Column(lines, spacing=0), width=140, height=84, padding=4, bgcolor=colour,
                            border=ft.Border.all(1, ft.Colors.GREY_400), key=f"day-{day}")

    # --- list -------------------------------------------------------------------------------------
    def _month_list(self) -> ft.Control:
        rows = [self._row(c) for c in self._month_controls()]
        return ft.Column(rows or [ft.Text(self.app.t("pl_no_controls"), key="plan-empty")], spacing=6,
                         key="plan-list")

    def _row(self, c: PlannedControlRead) -> ft.Control:
        app = self.app
        when = fmt_date(c.scheduled_on) + (f" {c.start_time.strftime('%H:%M')}" if c.start_time else "")
        where = f"{c.establishment_name} — {c.address.one_line()}" if c.establishment_name else c.address.one_line()
        partners = ", ".join(partner_text(app, p) for p in c.partners) or "—"
        info = ft.Column([
            ft.Text(f"{when} · {control_type_text(c.control_type, app.lang)} · {app.t(f'pl_status_{c.status}')}",
                    weight=ft.FontWeight.BOLD, key=f"row-when-{c.id}"),
            ft.Text(where, key=f"row-where-{c.id}"),
            ft.Text(app.t("pl_row_people", inspectors=", ".join(c.inspector_names) or "—", partners=partners)),
        ], spacing=2, expand=True)
        buttons: list[ft.Control] = []
        if c.status in ("planned", "in_progress"):
            edit = ft.OutlinedButton(content=app.t("pl_edit"), key=f"edit-{c.id}", height=TOUCH,
                                     on_click=go(app, "schedule", control=c))
            confirming = str(c.id) in self.confirm_cancel
            cancel = ft.TextButton(content=app.t("pl_cancel_confirm" if confirming else "pl_cancel"),
                                   key=f"cancel-{c.id}", height=TOUCH, on_click=self._cancel_handler(c))
            buttons = [tagged(edit, f"edit-{c.id}"), tagged(cancel, f"cancel-{c.id}")]
        return ft.Container(ft.Row([info, *buttons]), padding=8, border_radius=6,
                            bgcolor=STATUS_COLOURS.get(c.status), key=f"plan-row-{c.id}")

    def _cancel_handler(self, c: PlannedControlRead) -> Any:
        async def handler(_e: Any = None) -> None:
            if str(c.id) not in self.confirm_cancel:
                self.confirm_cancel.add(str(c.id))
                await self.app.show(self.render)
                return
            try:
                await self.app.client.cancel_control(c.id)
            except OfficeError as exc:
                self._say(self.app.error_text(exc), error=True)
                return
            self.confirm_cancel.discard(str(c.id))
            await self.app.show(self.render)

        return handler


def partner_text(app: Office, partner: str) -> str:
    return app.t(f"pl_partner_{partner}") if has_key(f"pl_partner_{partner}") else partner
