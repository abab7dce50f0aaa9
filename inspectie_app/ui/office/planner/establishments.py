"""The establishments register: list, new/edit form (licence status, number, date), and one establishment's
control history, violations and the handhavingsmatrix's next step (advice), with a form to record a violation."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.i18n import fmt_date
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.planner.forms import AddressDraft, EstablishmentDraft, ScheduleDraft, ViolationDraft
from inspectie_app.ui.office.planner.nav import field_error, go, is_planner, tabs, text_field
from inspectie_app.ui.office.planner.schedule import AddressFields
from inspectie_app.ui.widgets import TOUCH, control_type_text, heading, level_badge, tagged
from schemas.planning import EstablishmentDetail, EstablishmentKind, EstablishmentRead, LicenceStatus

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def licence_line(app: Office, e: EstablishmentRead) -> str:
    parts = [app.t(f"pl_licence_{e.licence_status.value}")]
    if e.licence_number:
        parts.append(e.licence_number)
    if e.licence_date:
        parts.append(app.t("pl_licence_since", date=fmt_date(e.licence_date)))
    return " · ".join(parts)


class EstablishmentsScreen:
    def __init__(self, app: Office) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("pl_establishments_title")
        items = await app.client.establishments()
        new = ft.FilledButton(content=app.t("pl_new_establishment"), icon=ft.Icons.ADD, key="establishment-new",
                              height=TOUCH, on_click=go(app, "establishment_form"))
        rows = [self._row(e) for e in items] or [ft.Text(app.t("pl_no_establishments"), key="establishments-empty")]
        app.body.controls = [tabs(app, "establishments"), tagged(new, "establishment-new"),
                             ft.Column(rows, spacing=4, key="establishment-rows")]

    def _row(self, e: EstablishmentRead) -> ft.Control:
        app = self.app
        last = fmt_date(e.last_control_on) if e.last_control_on else app.t("pl_never")
        return ft.ListTile(
            key=f"establishment-{e.id}", min_height=TOUCH,
            title=ft.Text(f"{e.name} · {app.t(f'pl_kind_{e.kind.value}')}"),
            subtitle=ft.Text(" · ".join([e.address.one_line(), licence_line(app, e),
                                         app.t("pl_last_control", date=last)])),
            on_click=go(app, "establishment", establishment_id=e.id),
            tooltip=app.t("pl_open_establishment", name=e.name),
        )


class EstablishmentFormScreen:
    def __init__(self, app: Office, establishment: EstablishmentRead | None = None) -> None:
        self.app = app
        self.existing = establishment
        e = establishment
        self.draft = EstablishmentDraft() if e is None else EstablishmentDraft(
            e.name, e.kind.value, AddressDraft.of(e.address), e.licence_status.value, e.licence_number,
            fmt_date(e.licence_date) if e.licence_date else "", e.notes)
        self.error = ft.Text("", key="establishment-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app, d = self.app, self.draft
        app.title.value = app.t("pl_edit_establishment" if self.existing else "pl_new_establishment")
        self.name = text_field("establishment-name", f"{app.t('pl_name')} *", d.name, 420)
        self.kind = ft.Dropdown(key="establishment-kind", label=app.t("pl_kind"), value=d.kind, width=260,
                                options=[ft.DropdownOption(key=k.value, text=app.t(f"pl_kind_{k.value}"))
                                         for k in EstablishmentKind])
        self.address = AddressFields(app, "establishment-address", d.address)
        self.status = ft.Dropdown(key="establishment-licence-status", label=app.t("pl_licence_status"), width=260,
                                  value=d.licence_status,
                                  options=[ft.DropdownOption(key=s.value, text=app.t(f"pl_licence_{s.value}"))
                                           for s in LicenceStatus])
        self.number = text_field("establishment-licence-number", app.t("pl_licence_number"), d.licence_number, 240)
        self.licence_date = text_field("establishment-licence-date", app.t("pl_licence_date"), d.licence_date, 200,
                                       hint_text="dd-mm-jjjj")
        self.notes = ft.TextField(key="establishment-notes", label=app.t("pl_notes"), value=d.notes, multiline=True,
                                  min_lines=2, width=700)
        save = ft.FilledButton(content=app.t("pl_save"), icon=ft.Icons.SAVE, on_click=self.save,
                               key="establishment-save", height=TOUCH)
        app.body.controls = [
            tabs(app, "establishments"),
            ft.Row([tagged(self.name, "establishment-name"), tagged(self.kind, "establishment-kind")], wrap=True),
            *self.address.controls(),
            ft.Row([tagged(self.status, "establishment-licence-status"),
                    tagged(self.number, "establishment-licence-number"),
                    tagged(self.licence_date, "establishment-licence-date")], wrap=True),
            tagged(self.notes, "establishment-notes"), self.error, tagged(save, "establishment-save"),
        ]

    async def save(self, _e: Any = None) -> None:
        app = self.app
        self.draft = EstablishmentDraft(self.name.value or "", self.kind.value or "", self.address.draft(),
                                        self.status.value or "", self.number.value or "",
                                        self.licence_date.value or "", self.notes.value or "")
        data, problems = self.draft.to_create()
        self.name.error = field_error(app, problems, "name")
        self.number.error = field_error(app, problems, "licence_number")
        self.licence_date.error = field_error(app, problems, "licence_date")
        self.address.show_problems(problems)
        self.error.value, self.error.visible = (app.t("pl_fix_fields"), True) if problems else ("", False)
        if data is None:
            app.page.update()
            return
        try:
            saved = await app.client.save_establishment(data, self.existing.id if self.existing else None)
        except OfficeError as exc:
            self.error.value, self.error.visible = app.error_text(exc), True
            app.page.update()
            return
        await app.show_planner("establishment", establishment_id=saved.id)


class EstablishmentScreen:
    def __init__(self, app: Office, establishment_id: UUID) -> None:
        self.app = app
        self.establishment_id = establishment_id
        self.detail: EstablishmentDetail | None = None
        self.error = ft.Text("", key="violation-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app = self.app
        d = self.detail = await app.client.establishment(self.establishment_id)
        matrix = await app.client.enforcement_matrix()
        e = d.establishment
        app.title.value = e.name
        edit = ft.OutlinedButton(content=app.t("pl_edit"), key="establishment-edit", height=TOUCH,
                                 on_click=go(app, "establishment_form", establishment=e))
        plan = ft.FilledButton(content=app.t("pl_plan_here"), key="establishment-plan", height=TOUCH,
                               icon=ft.Icons.EVENT, on_click=go(app, "schedule", draft=ScheduleDraft(
                                   establishment_id=e.id, control_type=_type_for(e))))
        self.v_day = text_field("violation-date", f"{app.t('pl_date')} *", fmt_date(date.today()), 180)
        self.v_category = ft.Dropdown(key="violation-category", label=app.t("pl_category"), width=420,
                                      options=[ft.DropdownOption(key=c.id, text=c.label.get(app.lang, c.id))
                                               for c in matrix.categories])
        self.v_description = text_field("violation-description", app.t("pl_description"), "", 520)
        self.v_step = text_field("violation-step", app.t("pl_step_taken_hint"), "", 420)
        record = ft.FilledButton(content=app.t("pl_record_violation"), key="violation-save", height=TOUCH,
                                 on_click=self.record)
        app.body.controls = [
            tabs(app, "establishments"),
            ft.Text(f"{app.t(f'pl_kind_{e.kind.value}')} · {e.address.one_line()}", key="establishment-address"),
            ft.Text(licence_line(app, e), key="establishment-licence"),
            *([ft.Text(e.notes, italic=True)] if e.notes else []),
            ft.Row([tagged(edit, "establishment-edit"), *([tagged(plan, "establishment-plan")] if is_planner(app)
                                                          else [])]),
            heading(app.t("pl_next_steps"), 16), self._next_steps(d),
            heading(app.t("pl_history"), 16), self._history(d),
            heading(app.t("pl_violations"), 16), self._violations(d),
            ft.Row([tagged(self.v_day, "violation-date"), tagged(self.v_category, "violation-category")], wrap=True),
            ft.Row([tagged(self.v_description, "violation-description"), tagged(self.v_step, "violation-step")],
                   wrap=True),
            self.error, tagged(record, "violation-save"),
        ]

    def _next_steps(self, d: EstablishmentDetail) -> ft.Control:
        app = self.app
        if not d.next_steps:
            return ft.Text(app.t("pl_no_next_steps"), key="next-steps-empty")
        rows = [ft.Text(app.t("pl_next_step_line", category=s.label.get(app.lang, s.category),
                              count=s.prior_violations, number=s.step_number, step=s.step.get(app.lang, "")),
                        key=f"next-step-{s.category}") for s in d.next_steps]
        return ft.Column([*rows, ft.Text(app.t("pl_advice_only"), italic=True, size=12)], spacing=4,
                         key="next-steps")

    def _history(self, d: EstablishmentDetail) -> ft.Control:
        app = self.app
        rows: list[ft.Control] = []
        for h in d.history:
            rows.append(ft.Row([ft.Text(f"{fmt_date(h.on)} · {control_type_text(h.control_type, app.lang)} · "
                                        f"{app.t(f'pl_status_{h.status}')}"),
                                level_badge(h.level, app.lang) if h.status == "finished" else ft.Container()]))
        return ft.Column(rows or [ft.Text(app.t("pl_no_history"), key="history-empty")], spacing=2, key="history")

    def _violations(self, d: EstablishmentDetail) -> ft.Control:
        app = self.app
        rows: list[ft.Control] = [ft.Text(f"{fmt_date(v.occurred_on)} · {v.category} · {v.step_taken}"
                        f"{' · ' + v.description if v.description else ''} ({v.recorded_by})",
                        key=f"violation-{v.id}") for v in d.violations]
        return ft.Column(rows or [ft.Text(app.t("pl_no_violations"), key="violations-empty")], spacing=2,
                         key="violations")

    async def record(self, _e: Any = None) -> None:
        app = self.app
        draft = ViolationDraft(self.v_day.value or "", self.v_category.value or "", self.v_description.value or "",
                               self.v_step.value or "")
        data, problems = draft.to_create(date.today())
        self.v_day.error = field_error(app, problems, "day")
        self.v_category.error_text = field_error(app, problems, "category")
        if data is None:
            app.page.update()
            return
        try:
            await app.client.record_violation(self.establishment_id, data)
        except OfficeError as exc:
            self.error.value, self.error.visible = app.error_text(exc), True
            app.page.update()
            return
        await app.show(self.render)


def _type_for(e: EstablishmentRead) -> str:
    if e.kind is EstablishmentKind.SEKSINRICHTING:
        return "seksinrichting_vergund" if e.licence_status is LicenceStatus.LICENSED else "seksinrichting_onvergund"
    return {"massagesalon": "massagesalon", "horeca": "horeca", "flitsbezorger": "flitsbezorger"}.get(
        e.kind.value, "pandenactie")
