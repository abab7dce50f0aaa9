"""Schedule (or move/reassign) a control: type, date and time, an establishment or an address (typed, or
looked up at PDOK when the server is online), inspectors, partner organisations and a briefing note."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.planner.forms import AddressDraft, ScheduleDraft
from inspectie_app.ui.office.planner.nav import field_error, tabs, text_field
from inspectie_app.ui.office.planner.year_plan import partner_text
from inspectie_app.ui.widgets import TOUCH, control_type_text, heading, tagged
from schemas.planning import CONTROL_TYPES, PARTNERS, EstablishmentRead
from schemas.records import Address, PlannedControlRead, UserRead

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

NO_ESTABLISHMENT = "-"


class AddressFields:
    """The Dutch address fields plus the PDOK lookup; reused by the establishment form."""

    def __init__(self, app: Office, prefix: str, draft: AddressDraft) -> None:
        self.app = app
        t = app.t
        self.street = text_field(f"{prefix}-street", f"{t('street')} *", draft.street, 320)
        self.number = text_field(f"{prefix}-number", f"{t('house_number')} *", draft.house_number, 140,
                                 keyboard_type=ft.KeyboardType.NUMBER)
        self.addition = text_field(f"{prefix}-addition", t("pl_addition"), draft.addition, 140)
        self.postcode = text_field(f"{prefix}-postcode", t("postcode"), draft.postcode, 160,
                                   capitalization=ft.TextCapitalization.CHARACTERS)
        self.city = text_field(f"{prefix}-city", f"{t('city')} *", draft.city, 220)
        self.hood = text_field(f"{prefix}-neighbourhood", t("pl_neighbourhood"), draft.neighbourhood, 220)
        self.query = text_field(f"{prefix}-lookup", t("pl_lookup_hint"), "", 320)
        self.results = ft.Column(key=f"{prefix}-lookup-results", spacing=4)
        self.prefix = prefix

    def controls(self) -> list[ft.Control]:
        p = self.prefix
        find = ft.OutlinedButton(content=self.app.t("pl_lookup"), icon=ft.Icons.SEARCH, on_click=self.lookup,
                                 key=f"{p}-lookup-button", height=TOUCH)
        return [
            ft.Row([tagged(self.query, f"{p}-lookup"), tagged(find, f"{p}-lookup-button")], wrap=True),
            self.results,
            ft.Row([tagged(self.street, f"{p}-street"), tagged(self.number, f"{p}-number"),
                    tagged(self.addition, f"{p}-addition")], wrap=True),
            ft.Row([tagged(self.postcode, f"{p}-postcode"), tagged(self.city, f"{p}-city"),
                    tagged(self.hood, f"{p}-neighbourhood")], wrap=True),
        ]

    def draft(self) -> AddressDraft:
        return AddressDraft(self.street.value or "", self.number.value or "", self.addition.value or "",
                            self.postcode.value or "", self.city.value or "", self.hood.value or "")

    def show_problems(self, problems: dict[str, str]) -> None:
        fields = {"street": self.street, "house_number": self.number, "addition": self.addition,
                  "postcode": self.postcode, "city": self.city}
        for name, f in fields.items():
            f.error = field_error(self.app, problems, f"address.{name}")

    def fill(self, a: Address) -> None:
        self.street.value, self.number.value, self.addition.value = a.street, a.house_number, a.addition
        self.postcode.value, self.city.value, self.hood.value = a.postcode, a.city, a.neighbourhood

    async def lookup(self, _e: Any = None) -> None:
        app = self.app
        query = (self.query.value or "").strip()
        if len(query) < 3:
            self.results.controls = [ft.Text(app.t("pl_lookup_too_short"), key=f"{self.prefix}-lookup-message")]
            app.page.update()
            return
        try:
            found = await app.client.lookup_address(query)
        except OfficeError as exc:
            self.results.controls = [ft.Text(app.error_text(exc), color=ft.Colors.RED_800,
                                             key=f"{self.prefix}-lookup-message")]
            app.page.update()
            return
        self.results.controls = [self._choice(i, a) for i, a in enumerate(found)] or [
            ft.Text(app.t("pl_lookup_none"), key=f"{self.prefix}-lookup-message")]
        app.page.update()

    def _choice(self, index: int, a: Address) -> ft.Control:
        async def pick(_e: Any = None) -> None:
            self.fill(a)
            self.results.controls = []
            self.app.page.update()

        key = f"{self.prefix}-lookup-{index}"
        return tagged(ft.TextButton(content=a.one_line(), on_click=pick, key=key, height=TOUCH), key)


class ScheduleScreen:
    def __init__(self, app: Office, control: PlannedControlRead | None = None,
                 draft: ScheduleDraft | None = None) -> None:
        self.app = app
        self.control = control
        self.draft = ScheduleDraft.of(control) if control else (draft or ScheduleDraft())
        self.error = ft.Text("", key="schedule-error", color=ft.Colors.RED_800, visible=False)
        self.inspectors: list[UserRead] = []
        self.establishments: list[EstablishmentRead] = []

    async def render(self) -> None:
        app, d = self.app, self.draft
        app.title.value = app.t("pl_edit_title" if self.control else "pl_schedule_title")
        self.inspectors = await app.client.planning_inspectors()
        self.establishments = await app.client.establishments()
        self.type_dd = ft.Dropdown(key="schedule-type", label=app.t("pl_type"), width=320, value=d.control_type,
                                   disabled=self.control is not None,
                                   options=[ft.DropdownOption(key=c, text=control_type_text(c, app.lang))
                                            for c in CONTROL_TYPES])
        self.day = text_field("schedule-date", f"{app.t('pl_date')} *", d.day, 180,
                              keyboard_type=ft.KeyboardType.DATETIME, hint_text="dd-mm-jjjj")
        self.start = text_field("schedule-time", app.t("pl_time"), d.start, 140,
                                keyboard_type=ft.KeyboardType.DATETIME, hint_text="uu:mm")
        self.duration = text_field("schedule-duration", app.t("pl_duration"), d.duration, 160,
                                   keyboard_type=ft.KeyboardType.NUMBER)
        self.est_dd = ft.Dropdown(key="schedule-establishment", label=app.t("pl_establishment"), width=420,
                                  value=str(d.establishment_id) if d.establishment_id else NO_ESTABLISHMENT,
                                  disabled=self.control is not None,
                                  options=[ft.DropdownOption(key=NO_ESTABLISHMENT, text=app.t("pl_no_establishment")),
                                           *[ft.DropdownOption(key=str(e.id), text=f"{e.name} — {e.address.one_line()}")
                                             for e in self.establishments]])
        self.address = AddressFields(app, "schedule-address", d.address)
        self.inspector_boxes = [ft.Checkbox(label=u.display_name, value=u.id in d.inspector_ids, data=u.id,
                                            key=f"inspector-{u.username}") for u in self.inspectors]
        self.partner_boxes = [ft.Checkbox(label=partner_text(app, p), value=p in d.partners, data=p,
                                          key=f"partner-{p}") for p in PARTNERS]
        self.briefing = ft.TextField(key="schedule-briefing", label=app.t("pl_briefing"), value=d.briefing,
                                     multiline=True, min_lines=3, max_length=4000, width=700)
        self.inspector_error = ft.Text("", key="schedule-inspector-error", color=ft.Colors.RED_800, visible=False)
        save = ft.FilledButton(content=app.t("pl_save"), icon=ft.Icons.SAVE, on_click=self.save, key="schedule-save",
                               height=TOUCH)
        app.body.controls = [
            tabs(app, "schedule"),
            ft.Row([tagged(self.type_dd, "schedule-type"), tagged(self.day, "schedule-date"),
                    tagged(self.start, "schedule-time"), tagged(self.duration, "schedule-duration")], wrap=True),
            heading(app.t("pl_where"), 16),
            tagged(self.est_dd, "schedule-establishment"),
            ft.Text(app.t("pl_or_address")),
            *self.address.controls(),
            heading(app.t("pl_inspectors"), 16),
            ft.Row([tagged(b, str(b.key)) for b in self.inspector_boxes], wrap=True, key="schedule-inspectors"),
            self.inspector_error,
            heading(app.t("pl_partners"), 16),
            ft.Row([tagged(b, str(b.key)) for b in self.partner_boxes], wrap=True, key="schedule-partners"),
            tagged(self.briefing, "schedule-briefing"),
            self.error,
            tagged(save, "schedule-save"),
        ]

    def read(self) -> ScheduleDraft:
        est = self.est_dd.value
        return ScheduleDraft(
            control_type=self.type_dd.value or "pandenactie", day=self.day.value or "", start=self.start.value or "",
            duration=self.duration.value or "", address=self.address.draft(),
            establishment_id=UUID(est) if est and est != NO_ESTABLISHMENT else None,
            inspector_ids=[b.data for b in self.inspector_boxes if b.value],
            partners=[b.data for b in self.partner_boxes if b.value], briefing=self.briefing.value or "")

    async def save(self, _e: Any = None) -> None:
        app = self.app
        self.draft = self.read()
        body, problems = self.draft.update_body() if self.control else self.draft.body()
        self._show_problems(problems)
        if body is None:
            app.page.update()
            return
        try:
            if self.control is None:
                saved = await app.client.schedule_control(body)
            else:
                saved = await app.client.update_control(self.control.id, body)
        except OfficeError as exc:
            self.error.value = app.error_text(exc)
            self.error.visible = True
            app.page.update()
            return
        await app.show_planner("year", year=saved.scheduled_on.year, month=saved.scheduled_on.month)

    def _show_problems(self, problems: dict[str, str]) -> None:
        app = self.app
        self.day.error = field_error(app, problems, "day")
        self.start.error = field_error(app, problems, "start")
        self.duration.error = field_error(app, problems, "duration")
        self.address.show_problems(problems)
        self.inspector_error.value = field_error(app, problems, "inspectors") or ""
        self.inspector_error.visible = "inspectors" in problems
        self.error.value = app.t("pl_fix_fields") if problems else ""
        self.error.visible = bool(problems)
