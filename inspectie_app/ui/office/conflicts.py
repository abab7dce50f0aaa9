"""Conflicts between the tablet and the office for one control (issue 4): what each side wrote, what holds
now, and — for the team lead — the choice to keep the correction or take the tablet's value. A person the
tablet deleted after a correction it had not seen (field ``person``) shows the person and the kept
corrections; it can only be accepted (the person is not restored)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.widgets import (
    TOUCH,
    answer_text,
    deleted_person_name,
    dropped_corrections_text,
    heading,
    raw_answer_text,
    tagged,
)
from schemas.conflicts import ConflictRead
from schemas.records import PersonRecord
from schemas.templates import Scope, Template

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


class ConflictsPanel:
    """Rendered inside the detail screen; loads its own data through ``OfficeClient``."""

    def __init__(self, app: Office, inspection_id: UUID, conflicts: list[ConflictRead], *,
                 template: Template | None = None, persons: list[PersonRecord] | None = None) -> None:
        self.app = app
        self.inspection_id = inspection_id
        self.conflicts = conflicts
        self.template = template
        self.person_labels = {p.id: p.label for p in persons or []}
        self.persons_known = persons is not None
        # no key: a keyed control rebuilt on a redrawn screen is frozen by Flet and cannot show a later error
        self.error = ft.Text("", color=ft.Colors.RED_800, visible=False)

    @classmethod
    async def load(cls, app: Office, inspection_id: UUID, *, template: Template | None = None,
                   persons: list[PersonRecord] | None = None) -> ConflictsPanel:
        """The panel with this control's conflicts; a failed load is shown, never taken for "no conflicts"."""
        panel = cls(app, inspection_id, [], template=template, persons=persons)
        try:
            panel.conflicts = await app.client.conflicts(inspection_id)
        except OfficeError as exc:
            panel.error.value, panel.error.visible = app.error_text(exc), True
        return panel

    def controls(self) -> list[ft.Control]:
        """Nothing when there never was a conflict; otherwise a heading and one row per conflict."""
        if not self.conflicts and not self.error.visible:
            return []
        return [heading(self.app.t("conflicts_title"), key="conflicts-title"),
                *(self._row(c) for c in self.conflicts), self.error]

    def _field(self, c: ConflictRead) -> str:
        """The question as the team lead knows it, with the person's anonymous label."""
        if c.field == "note":
            return self.app.t("conflict_field_note")
        scope = Scope.PERSON if c.person_id else Scope.PREMISES
        question = self.template.question(c.question_id or "", scope) if self.template else None
        label = question.label.get(self.app.lang) if question else str(c.question_id)
        if c.person_id:
            return f"{self.person_labels.get(c.person_id, c.person_id[:8])} — {label}"
        return label

    def _person_row(self, c: ConflictRead) -> ft.Control:
        """The tablet deleted a person the team lead had corrected: the delete stands, the corrections are kept."""
        dropped = c.dropped_person()
        person = deleted_person_name(dropped, self.person_labels.get(c.person_id or "", (c.person_id or "")[:8]))
        text = self.app.t("conflict_person_row", person=person,
                          corrections=dropped_corrections_text(dropped, self.template, self.app.lang))
        parts: list[ft.Control] = [ft.Text(text, key=f"conflict-{c.id}", selectable=True)]
        role = self.app.client.user.role if self.app.client.user else ""
        if c.status == "resolved":
            parts.append(ft.Text(self.app.t("conflict_done", choice=self.app.t("conflict_side_deleted")),
                                 italic=True))
        else:
            parts.append(ft.Text(self.app.t("conflict_person_help"), size=12, italic=True))
            if role == "teamleider":
                parts.append(tagged(ft.OutlinedButton(content=self.app.t("conflict_accept_delete"), height=TOUCH,
                                                      on_click=self._resolver(c.id, "device")),
                                    f"conflict-accept-{c.id}"))
        return ft.Container(ft.Column(parts, spacing=4), padding=8, bgcolor=ft.Colors.AMBER_50,
                            border_radius=ft.BorderRadius.all(8))

    def _row(self, c: ConflictRead) -> ft.Control:
        if c.field == "person":
            return self._person_row(c)
        lang = self.app.lang
        scope = Scope.PERSON if c.person_id else Scope.PREMISES
        question = self.template.question(c.question_id or "", scope) if self.template else None

        def shown(value: Any) -> str:
            return answer_text(question, value, lang) if question else raw_answer_text(value, lang)

        text = self.app.t("conflict_row", field=self._field(c), device=shown(c.device_value),
                          office=shown(c.office_value), kept=shown(c.winner_value))
        parts: list[ft.Control] = [ft.Text(text, key=f"conflict-{c.id}", selectable=True)]
        role = self.app.client.user.role if self.app.client.user else ""
        if c.status == "resolved":
            side = self.app.t("conflict_side_device" if c.resolution == "device" else "conflict_side_office")
            parts.append(ft.Text(self.app.t("conflict_done", choice=side), italic=True))
        elif role == "teamleider":
            keep = tagged(ft.OutlinedButton(content=self.app.t("conflict_keep_office"), height=TOUCH,
                                            on_click=self._resolver(c.id, "office")), f"conflict-keep-{c.id}")
            buttons: list[ft.Control] = [keep]
            if self._person_gone(c):  # the tablet deleted that person later: its value cannot be taken any more
                parts.append(ft.Text(self.app.t("conflict_person_gone"), italic=True))
            else:
                buttons.append(tagged(ft.OutlinedButton(content=self.app.t("conflict_take_device"), height=TOUCH,
                                                        on_click=self._resolver(c.id, "device")),
                                      f"conflict-take-{c.id}"))
            parts.append(ft.Row(buttons, wrap=True))
        return ft.Container(ft.Column(parts, spacing=4), padding=8, bgcolor=ft.Colors.AMBER_50,
                            border_radius=ft.BorderRadius.all(8))

    def _person_gone(self, c: ConflictRead) -> bool:
        """An answer conflict of a person who is no longer among the control's persons (deleted on the tablet)."""
        return self.persons_known and bool(c.person_id) and c.person_id not in self.person_labels

    def _resolver(self, conflict_id: UUID, keep: str) -> Any:
        async def resolve(_e: Any = None) -> None:
            try:
                await self.app.client.resolve_conflict(conflict_id, keep)
            except OfficeError as exc:
                self.error.value, self.error.visible = self.app.error_text(exc), True
                self.error.update()
                return
            await self.app.show_detail(self.inspection_id)

        return resolve
