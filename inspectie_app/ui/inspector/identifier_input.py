"""An identifier question in the checklist: where the inspector meets a phone number, an advertisement, a
landlord, an uitzendbureau or a vehicle, the checklist asks for it on the spot.

It is never an answer. The typed value goes to ``add`` (the service records the identifier and its outbox entry
with this question's id, offline like any answer); the question shows what was already recorded for it as the
masked hint the office sees (``schemas.identifiers.hint``), never the value. Identifiers belong to the control,
not to a person: in the person module every person's copy of the question lists the same identifiers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from inspectie_app.contract import LocalIdentifier
from inspectie_app.i18n import t
from inspectie_app.ui.inspector.questions import ident
from inspectie_app.ui.widgets import TOUCH, scroll_target, tagged
from schemas.identifiers import IdentifierKind, hint, normalise
from schemas.templates import Question

AddFn = Callable[["IdentifierInput", str], Awaitable[None]]


def masked(identifier: LocalIdentifier) -> str:
    """The hint the office sees for this identifier."""
    return hint(identifier.kind, normalise(identifier.kind, identifier.value))


class IdentifierInput:
    """Label and help, the identifiers recorded for this question, a field and "Vastleggen"."""

    def __init__(self, question: Question, person_id: str | None, lang: str, *, add: AddFn,
                 disabled: bool = False) -> None:
        assert question.identifier_kind is not None  # validate_template demands it
        self.question = question
        self.kind: IdentifierKind = question.identifier_kind
        self.person_id = person_id
        self.lang = lang
        self._add = add
        self.ident = ident(question.id, person_id)
        self.key = f"q-{self.ident}"
        label = question.label.get(lang)
        self.error = ft.Text("", key=f"error-{self.ident}", color=ft.Colors.RED_800, visible=False)
        self.recorded = ft.Column(key=f"recorded-{self.ident}", spacing=2)
        self.field = ft.TextField(key=self.key, label=label, hint_text=t(f"kind_{self.kind.value}", lang),
                                  expand=True, disabled=disabled, on_submit=self.record)
        self.button = ft.FilledButton(content=t("identifier_record", lang), icon=ft.Icons.LINK, key=f"{self.key}-add",
                                      height=TOUCH, disabled=disabled, on_click=self.record,
                                      tooltip=t("identifier_record_label", lang, question=label))
        parts: list[ft.Control] = []
        if question.help:
            parts.append(ft.Text(question.help.get(lang), size=12, color=ft.Colors.GREY_700))
        parts += [self.recorded,
                  ft.Row([ft.Semantics(identifier=self.key, content=self.field, expand=True),
                          tagged(self.button, f"{self.key}-add", t("identifier_record_label", lang, question=label))]),
                  self.error]
        self.control = ft.Container(ft.Column(parts, spacing=4), key=scroll_target(f"qbox-{self.ident}"),
                                    padding=ft.Padding.symmetric(vertical=6))

    def show_recorded(self, identifiers: list[LocalIdentifier]) -> None:
        """List the control's identifiers recorded through this question, masked."""
        self.recorded.controls = [
            ft.Text(t("identifier_recorded_line", self.lang, hint=masked(i)), key=f"recorded-{self.ident}-{i.id}")
            for i in identifiers if i.question_id == self.question.id
        ]

    async def record(self, _e: Any = None) -> None:
        await self._add(self, self.field.value or "")

    def recorded_ok(self) -> None:
        self.field.value = ""
        self.show_error(None)

    def show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = bool(message)
        self.field.error = message or None
