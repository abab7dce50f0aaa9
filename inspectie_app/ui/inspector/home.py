"""Home: controls assigned to me, my drafts and finished inspections, and a new control of any type."""

from __future__ import annotations

import re
from typing import Any

import flet as ft

from inspectie_app.contract import AppError, AssignedControl, InspectionListItem
from inspectie_app.i18n import fmt_date
from inspectie_app.ui.inspector.shell import Shell
from inspectie_app.ui.widgets import TOUCH, control_type_text, heading, level_badge, tagged
from schemas.inputs import text_problem
from schemas.records import Address, InspectionStatus
from schemas.templates import Template

BRIEFING_LINES = 3  # a long briefing shows this many lines on the card, the rest on request
BRIEFING_SHORT = 200  # characters: a briefing up to this long (and within the lines) needs no toggle

HOUSE_NUMBER = re.compile(r"^[1-9][0-9]{0,4}(\s?[-]?\s?[A-Za-z0-9]{1,4})?$")
POSTCODE = re.compile(r"^[1-9][0-9]{3}\s?[A-Za-z]{2}$")


class HomeScreen:
    def __init__(self, app: Shell) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.set_title("home_title")
        assigned = await app.service.assigned_controls()
        inspections = await app.service.inspections()
        new_button = ft.FilledButton(content=app.t("new_inspection"), icon=ft.Icons.ADD, key="new-inspection",
                                     height=TOUCH, on_click=self._new)
        user_line = ft.Text(app.t("logged_in_as", name=app.user.display_name) if app.user else "")
        app.body.controls = [
            ft.Row([user_line, tagged(new_button, "new-inspection")], alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            heading(app.t("assigned_title")),
            *([self._assigned_card(c) for c in assigned] or [ft.Text(app.t("assigned_empty"), key="assigned-empty")]),
            heading(app.t("my_inspections")),
            *([self._inspection_row(i) for i in inspections]
              or [ft.Text(app.t("inspections_empty"), key="inspections-empty")]),
        ]

    def _assigned_card(self, c: AssignedControl) -> ft.Control:
        t = self.app.t

        async def start(_e: Any = None) -> None:
            await self._start_assigned(c)

        label = t("continue") if c.inspection_id else t("start")
        button = ft.FilledButton(content=label, on_click=start, key=f"start-{c.id}", height=TOUCH,
                                 tooltip=f"{label}: {c.address.one_line()}")
        partners = t("partners", partners=", ".join(c.partners)) if c.partners else t("partners_none")
        when = (t("pl_planned_on_at", date=fmt_date(c.scheduled_on), time=c.start_time.strftime("%H:%M"))
                if c.start_time else t("planned_on", date=fmt_date(c.scheduled_on)))
        where = f"{c.establishment_name} — {c.address.one_line()}" if c.establishment_name else c.address.one_line()
        lines: list[ft.Control] = [
            ft.Text(when, weight=ft.FontWeight.BOLD, key=f"assigned-when-{c.id}"),
            ft.Text(where, key=f"assigned-address-{c.id}"),
            ft.Text(control_type_text(c.control_type, self.app.lang)),
            ft.Text(partners),
        ]
        if c.briefing:
            lines.append(self._briefing(c))
        return ft.Card(
            key=f"assigned-{c.id}",
            content=ft.Container(
                padding=12,
                content=ft.Row([ft.Column(lines, spacing=4, expand=True), tagged(button, f"start-{c.id}")]),
            ),
        )

    def _briefing(self, c: AssignedControl) -> ft.Control:
        """The briefing, a long one cut at ``BRIEFING_LINES`` lines with a button that shows all of it."""
        t = self.app.t
        text = ft.Text(t("briefing", text=c.briefing), italic=True, key=f"briefing-{c.id}")
        if len(c.briefing) <= BRIEFING_SHORT and c.briefing.count("\n") < BRIEFING_LINES:
            return text
        text.max_lines, text.overflow = BRIEFING_LINES, ft.TextOverflow.ELLIPSIS

        def toggle(_e: Any = None) -> None:
            folded = text.max_lines is None
            text.max_lines = BRIEFING_LINES if folded else None
            button.content = t("briefing_more") if folded else t("briefing_less")
            column.update()

        button = ft.TextButton(content=t("briefing_more"), on_click=toggle, key=f"briefing-more-{c.id}",
                               height=TOUCH)
        column = ft.Column([text, tagged(button, f"briefing-more-{c.id}")], spacing=0)
        return column

    async def _start_assigned(self, c: AssignedControl) -> None:
        app = self.app
        inspection_id = c.inspection_id
        if inspection_id is None:
            try:
                inspection_id = await app.service.start_inspection(
                    template_id=c.template_id, address=c.address, planned_control_id=c.id)
            except AppError as exc:
                app.toast(app.error_text(exc))
                return
        await app.show_checklist(inspection_id)

    def _inspection_row(self, i: InspectionListItem) -> ft.Control:
        t = self.app.t
        lang = self.app.lang

        async def open_(_e: Any = None) -> None:
            await self.app.show_checklist(i.id)

        status = t("status_finished") if i.status is InspectionStatus.FINISHED else t("status_draft")
        when = fmt_date(i.finished_at or i.started_at)
        marker: list[ft.Control] = []
        if i.unsynced:
            marker = [ft.Row([ft.Icon(ft.Icons.CLOUD_UPLOAD_OUTLINED, size=18),
                              ft.Text(t("unsynced"), key=f"unsynced-{i.id}")], spacing=4)]
        return ft.ListTile(
            key=f"inspection-{i.id}",
            title=ft.Text(i.address.one_line()),
            subtitle=ft.Row([ft.Text(f"{control_type_text(i.control_type, lang)} · {status} · {when}",
                                     key=f"inspection-status-{i.id}"), *marker], wrap=True),
            trailing=level_badge(i.level, lang, key=f"level-{i.id}"),
            on_click=open_,
            min_height=TOUCH,
            tooltip=t("open_inspection", address=i.address.one_line()),
        )

    async def _new(self, _e: Any = None) -> None:
        await self.app.show_new_inspection()


class NewInspectionScreen:
    """Kind of control (one per synced checklist; pandenactie first) and the address of an unplanned control."""

    def __init__(self, app: Shell) -> None:
        self.app = app
        self.street = ft.TextField(key="addr-street", width=420)
        self.house_number = ft.TextField(key="addr-number", width=200)
        self.postcode = ft.TextField(key="addr-postcode", width=200, capitalization=ft.TextCapitalization.CHARACTERS)
        self.city = ft.TextField(key="addr-city", value="Arnhem", width=420)
        self.kind = ft.RadioGroup(content=ft.Column([]), key="new-type")
        self.templates: dict[str, Template] = {}
        self.error = ft.Text("", key="new-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app = self.app
        app.set_title("new_inspection_title")
        fields = [(self.street, "street"), (self.house_number, "house_number"), (self.postcode, "postcode"),
                  (self.city, "city")]
        for field, key in fields:
            field.label = f"{app.t(key)} *" if key != "postcode" else app.t(key)
        self.templates = newest_per_control_type(await app.service.templates())
        self.kind.content = ft.Column([
            ft.Container(ft.Radio(value=ctype, label=control_type_text(ctype, app.lang), key=f"new-type-{ctype}"),
                         height=TOUCH)
            for ctype in self.templates], spacing=0)
        if self.kind.value not in self.templates:
            self.kind.value = next(iter(self.templates), None)
        create = ft.FilledButton(content=app.t("create"), on_click=self.create, key="addr-create", height=TOUCH)
        back = ft.OutlinedButton(content=app.t("back"), on_click=self._back, key="addr-back", height=TOUCH)
        app.body.controls = [
            ft.Column(
                [
                    heading(app.t("new_type")),
                    tagged(self.kind, "new-type", app.t("new_type")),
                    tagged(self.street, "addr-street"),
                    ft.Row([tagged(self.house_number, "addr-number"),
                            tagged(self.postcode, "addr-postcode")], wrap=True),
                    tagged(self.city, "addr-city"),
                    self.error,
                    ft.Row([back, tagged(create, "addr-create")]),
                ],
                spacing=16,
            )
        ]

    def validate(self) -> Address | None:
        """Show a message next to each wrong field; return the address when all are right."""
        t = self.app.t
        street = (self.street.value or "").strip()
        number = (self.house_number.value or "").strip()
        postcode = (self.postcode.value or "").strip().upper()
        city = (self.city.value or "").strip()
        self.street.error = None if street else t("required_field")
        self.house_number.error = (t("required_field") if not number
                                   else None if HOUSE_NUMBER.match(number) else t("invalid_house_number"))
        self.postcode.error = None if not postcode or POSTCODE.match(postcode) else t("invalid_postcode")
        self.city.error = None if city else t("required_field")
        for field, value in ((self.street, street), (self.house_number, number), (self.postcode, postcode),
                             (self.city, city)):
            if text_problem(value):  # pasted control characters: no database stores them (schemas.inputs)
                field.error = t("invalid_characters")
        if any(f.error for f in (self.street, self.house_number, self.postcode, self.city)):
            return None
        if postcode and " " not in postcode:
            postcode = f"{postcode[:4]} {postcode[4:]}"
        return Address(street=street[:200], house_number=number, postcode=postcode, city=city[:100])

    async def create(self, _e: Any = None) -> None:
        app = self.app
        address = self.validate()
        if address is None:
            return
        template = self.templates.get(self.kind.value or "")
        if template is None:
            self.error.value = app.t("no_template")
            self.error.visible = True
            return
        try:
            inspection_id = await app.service.start_inspection(template_id=template.id, address=address)
        except AppError as exc:
            self.error.value = app.error_text(exc)
            self.error.visible = True
            return
        await app.show_checklist(inspection_id)

    async def _back(self, _e: Any = None) -> None:
        await self.app.show_home()


CONTROL_TYPE_ORDER = ("pandenactie", "massagesalon", "seksinrichting_vergund", "seksinrichting_onvergund", "horeca",
                      "flitsbezorger")


def newest_per_control_type(templates: list[Template]) -> dict[str, Template]:
    """The newest template of each control type, in the order of the year plan (pandenactie first)."""
    newest: dict[str, Template] = {}
    for t in sorted(templates, key=lambda t: t.version):
        newest[t.control_type] = t
    rank = {c: i for i, c in enumerate(CONTROL_TYPE_ORDER)}
    return dict(sorted(newest.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
