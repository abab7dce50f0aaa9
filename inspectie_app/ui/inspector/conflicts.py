"""On the checklist: findings of this control the team lead corrected while this tablet changed them too.

The service lists open conflicts in ``SyncStatus.conflicts`` (``ConflictNotice``); this panel shows those of the
open control: the field in the checklist's words, the tablet's value, the office value and which one stands; for
a person this tablet deleted after a correction it had not seen, the person and the corrections that were kept.
"""

from __future__ import annotations

import flet as ft

from inspectie_app.contract import AppError, ConflictNotice
from inspectie_app.ui.inspector.shell import ControlScreen
from inspectie_app.ui.widgets import (
    answer_text,
    deleted_person_name,
    dropped_corrections_text,
    heading,
    raw_answer_text,
)
from schemas.conflicts import dropped_person
from schemas.templates import Scope


class ConflictsNoticePanel:
    """Hidden while this control has no open conflict."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.control = ft.Container(key="checklist-conflicts", padding=12, border_radius=ft.BorderRadius.all(8),
                                    bgcolor=ft.Colors.AMBER_50, visible=False)

    async def render(self) -> None:
        try:
            status = await self.screen.app.service.sync_status()
        except AppError:
            self.control.visible = False
            return
        mine = [c for c in status.conflicts if c.inspection_id == self.screen.id]
        self.control.visible = bool(mine)
        t = self.screen.app.t
        self.control.content = ft.Column([
            heading(t("tablet_conflicts_title"), size=16, key="checklist-conflicts-title"),
            *[ft.Text(self.line(c), key=f"checklist-conflict-{n}", selectable=True) for n, c in enumerate(mine)],
            *([ft.Text(t("tablet_conflicts_help"), size=12, italic=True)]
              if any(c.field != "person" for c in mine) else []),
            *([ft.Text(t("tablet_conflicts_person_help"), size=12, italic=True)]
              if any(c.field == "person" for c in mine) else []),
        ], spacing=4)

    def line(self, c: ConflictNotice) -> str:
        screen, t, lang = self.screen, self.screen.app.t, self.screen.lang
        if c.field == "person":  # this tablet deleted the person; the delete stood, the corrections are kept
            dropped = dropped_person(c.field, c.office_value)
            who = deleted_person_name(dropped, str(c.person_id or "")[:8])
            template = screen.state.template if screen.state else None
            return t("tablet_conflict_person_line", person=who,
                     corrections=dropped_corrections_text(dropped, template, lang))
        question = None
        if c.field == "note":
            field = t("conflict_field_note")
        else:
            state = screen.state
            scope = Scope.PERSON if c.person_id else Scope.PREMISES
            question = state.template.question(c.question_id or "", scope) if state else None
            field = question.label.get(lang) if question else str(c.question_id)
            person = next((p for p in state.persons if p.id == c.person_id), None) if state and c.person_id else None
            if person is not None:
                field = t("correction_person_question", person=person.label, question=field)

        def show(value: object) -> str:
            return answer_text(question, value, lang) if question else raw_answer_text(value, lang)  # type: ignore[arg-type]

        # an open conflict keeps the office correction (docs/SYNC.md); the tablet's value stands only if equal
        device_stands = c.kept_value == c.device_value
        side = t("tablet_conflict_side_device" if device_stands else "tablet_conflict_side_office")
        return t("tablet_conflict_line", field=field, mine=show(c.device_value), office=show(c.kept_value),
                 kept=show(c.kept_value), side=side)
