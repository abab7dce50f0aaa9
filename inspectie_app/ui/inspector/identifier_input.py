"""An identifier question in the checklist: where the inspector meets a phone number, an advertisement, a
landlord, an uitzendbureau or a vehicle, the checklist asks for it on the spot.

It is never an answer. The typed value goes to ``add`` (the service records the identifier and its outbox entry
with this question's id, offline like any answer); the question shows what was already recorded for it as the
masked hint the office sees (``schemas.identifiers.hint``), never the value. Identifiers belong to the control,
not to a person: in the person module every person's copy of the question lists the same identifiers.

Every recorded identifier has *Corrigeren of verwijderen* (``IdentifierFix``): on a draft always, on a finished
control when the server refused it. A refused one says why on its own line, in the inspector's words
(``identifier_refused``), until it is corrected or removed; the sync bar then stops listing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import flet as ft

from inspectie_app.contract import AppError, LocalIdentifier
from inspectie_app.i18n import NL, t
from inspectie_app.ui.inspector.questions import ident
from inspectie_app.ui.inspector.shell import Shell
from inspectie_app.ui.widgets import TOUCH, scroll_target, tagged
from schemas.identifiers import IdentifierKind, hint, normalise
from schemas.templates import Question
from schemas.texts.identifiers import rejected_key

AddFn = Callable[["IdentifierInput", str], Awaitable[None]]
FixFn = Callable[[LocalIdentifier], Awaitable[None]]


def masked(identifier: LocalIdentifier) -> str:
    """The hint the office sees for this identifier."""
    return hint(identifier.kind, normalise(identifier.kind, identifier.value))


def refused_text(identifier: LocalIdentifier, lang: str) -> str | None:
    """Why the server refused this identifier, in the inspector's words (None when it did not)."""
    if identifier.refused is None:
        return None
    key = rejected_key(identifier.refused, frozenset(NL))
    return t("identifier_refused", lang, reason=t(key, lang))


def identifier_line(identifier: LocalIdentifier, text: str, lang: str, *, key: str, fix: FixFn | None) -> ft.Control:
    """One recorded identifier: its text, the server's refusal in words, and *Corrigeren of verwijderen* (when
    ``fix`` is given)."""
    refusal = refused_text(identifier, lang)
    parts: list[ft.Control] = [ft.Text(text, key=key, expand=True)]
    if fix is not None:
        async def open_fix(_e: Any = None) -> None:
            await fix(identifier)

        label = t("identifier_fix_label", lang, hint=masked(identifier))
        button = ft.TextButton(content=t("identifier_fix", lang), icon=ft.Icons.EDIT, key=f"{key}-fix",
                               height=TOUCH, on_click=open_fix, tooltip=label)
        parts.append(tagged(button, f"{key}-fix", label))
    line: list[ft.Control] = [ft.Row(parts, wrap=True)]
    if refusal:
        line.append(ft.Text(refusal, key=f"{key}-refused", color=ft.Colors.RED_800))
    return ft.Column(line, spacing=0)


def can_fix(identifier: LocalIdentifier, finished: bool) -> bool:
    """A draft's identifiers can all be corrected or removed; a finished control's only when refused."""
    return not finished or identifier.refused is not None


class IdentifierFix:
    """The dialog *Kenmerk corrigeren of verwijderen*: the value (prefilled), *Correctie opslaan*, *Kenmerk
    verwijderen* and *Annuleren*. A value the server would refuse gets its message on the field and the dialog
    stays open with what was typed; nothing changes until a save or remove succeeds."""

    def __init__(self, app: Shell, inspection_id: UUID, identifier: LocalIdentifier,
                 done: Callable[[str], Awaitable[None]]) -> None:
        self.app = app
        self.inspection_id = inspection_id
        self.identifier = identifier
        self._done = done
        lang = app.lang
        kind = t(f"kind_{identifier.kind.value}", lang)
        self.field = ft.TextField(key="identifier-fix-value", value=identifier.value,
                                  label=t("identifier_fix_value", lang, kind=kind), on_submit=self.save,
                                  autofocus=True)
        refusal = refused_text(identifier, lang)
        save = ft.FilledButton(content=t("identifier_fix_save", lang), icon=ft.Icons.SAVE, key="identifier-fix-save",
                               height=TOUCH, on_click=self.save)
        remove = ft.OutlinedButton(content=t("identifier_fix_remove", lang), icon=ft.Icons.DELETE,
                                   key="identifier-fix-remove", height=TOUCH, on_click=self.remove)
        cancel = ft.TextButton(content=t("identifier_fix_cancel", lang), key="identifier-fix-cancel", height=TOUCH,
                               on_click=self.cancel)
        body: list[ft.Control] = [ft.Text(t("identifier_fix_help", lang), size=12)]
        if refusal:
            body.append(ft.Text(refusal, key="identifier-fix-refused", color=ft.Colors.RED_800))
        body.append(ft.Semantics(identifier="identifier-fix-value", content=self.field))
        self.dialog = ft.AlertDialog(
            key="identifier-fix-dialog", modal=True, title=ft.Text(t("identifier_fix_title", lang)),
            content=ft.Column(body, tight=True, width=480),
            actions=[tagged(cancel, "identifier-fix-cancel"), tagged(remove, "identifier-fix-remove"),
                     tagged(save, "identifier-fix-save")])

    def open(self) -> None:
        self.app.page.show_dialog(self.dialog)

    async def save(self, _e: Any = None) -> None:
        try:
            await self.app.service.correct_identifier(self.inspection_id, self.identifier.id, self.field.value or "")
        except AppError as exc:
            self.field.error = self.app.error_text(exc)
            self.app.page.update()
            return
        await self._close("identifier_corrected")

    async def remove(self, _e: Any = None) -> None:
        try:
            await self.app.service.remove_identifier(self.inspection_id, self.identifier.id)
        except AppError as exc:
            self.field.error = self.app.error_text(exc)
            self.app.page.update()
            return
        await self._close("identifier_removed")

    async def cancel(self, _e: Any = None) -> None:
        self.app.page.pop_dialog()

    async def _close(self, message: str) -> None:
        self.app.page.pop_dialog()
        await self._done(message)


class IdentifierInput:
    """Label and help, the identifiers recorded for this question, a field and "Vastleggen"."""

    def __init__(self, question: Question, person_id: str | None, lang: str, *, add: AddFn,
                 disabled: bool = False, fix: FixFn | None = None) -> None:
        assert question.identifier_kind is not None  # validate_template demands it
        self.question = question
        self.kind: IdentifierKind = question.identifier_kind
        self.person_id = person_id
        self.lang = lang
        self._add = add
        self._fix = fix
        self.finished = disabled
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
            identifier_line(i, t("identifier_recorded_line", self.lang, hint=masked(i)), self.lang,
                            key=f"recorded-{self.ident}-{i.id}",
                            fix=self._fix if self._fix and can_fix(i, self.finished) else None)
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
