"""Checklist panels for the review loop: the team lead's comments on this control (arrive by sync) and the
identifiers the inspector records to link controls (phone number, advertisement, landlord, ...) where no checklist
question asks for them (``identifier_input`` is the question)."""

from __future__ import annotations

from typing import Any

import flet as ft

from inspectie_app.contract import AppError, LocalIdentifier
from inspectie_app.i18n import fmt_datetime
from inspectie_app.ui.inspector.identifier_input import can_fix, identifier_line
from inspectie_app.ui.inspector.shell import ControlScreen
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.identifiers import IdentifierKind
from schemas.templates import Scope


class CommentsPanel:
    """The team lead's comments, newest last; hidden while there are none."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.control = ft.Container(key="comments-panel", padding=12, border_radius=ft.BorderRadius.all(8),
                                    bgcolor=ft.Colors.BLUE_50, visible=False)

    async def render(self) -> None:
        app = self.screen.app
        getter = getattr(app.service, "comments", None)
        items = await getter(self.screen.id) if getter else []
        self.control.visible = bool(items)
        self.control.content = ft.Column([
            heading(app.t("comments_on_control"), size=16),
            *[ft.Text(app.t("comment_line", date=fmt_datetime(c.created_at), author=c.author_name, body=c.body),
                      key=f"tablet-comment-{c.id}") for c in items],
        ], spacing=4)


class IdentifiersPanel:
    """Record identifiers on the control that no checklist question asks for, and list all of the control's
    identifiers (those recorded through an identifier question name it); the server stores only their keyed hash."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.kind = ft.Dropdown(key="identifier-kind", width=300)
        self.value = ft.TextField(key="identifier-value", width=320, on_submit=self.add)
        self.items = ft.Column(key="identifiers", spacing=2)
        self.message = ft.Text("", key="identifier-message", visible=False)
        self.control = ft.Column(spacing=8)

    async def render(self) -> None:
        screen, app = self.screen, self.screen.app
        self.kind.label = app.t("lookup_kind")
        self.kind.options = [ft.DropdownOption(key=k.value, text=app.t(f"kind_{k.value}")) for k in IdentifierKind]
        self.kind.disabled = self.value.disabled = screen.finished
        self.value.label = app.t("lookup_value")
        self.items.controls = [
            identifier_line(i, self._line(i), app.lang, key=f"identifier-{i.id}",
                            fix=screen.fix_identifier if can_fix(i, screen.finished) else None)
            for i in screen.recorded]
        add = ft.FilledButton(content=app.t("identifier_add"), icon=ft.Icons.LINK, on_click=self.add,
                              key="identifier-add", height=TOUCH, disabled=screen.finished)
        self.control.controls = [heading(app.t("identifiers_title")), ft.Text(app.t("identifiers_help"), size=12),
                                 self.items, ft.Row([tagged(self.kind, "identifier-kind"),
                                                     tagged(self.value, "identifier-value"),
                                                     tagged(add, "identifier-add")], wrap=True), self.message]

    def _line(self, identifier: LocalIdentifier) -> str:
        app, state = self.screen.app, self.screen.state
        line = f"{app.t(f'kind_{identifier.kind.value}')}: {identifier.value}"
        if identifier.question_id is None or state is None:
            return line
        question = (state.template.question(identifier.question_id, Scope.PREMISES)
                    or state.template.question(identifier.question_id, Scope.PERSON))
        asked = question.label.get(app.lang) if question else identifier.question_id
        return f"{line} — {app.t('identifier_asked_at', question=asked)}"

    async def add(self, _e: Any = None) -> None:
        screen, app = self.screen, self.screen.app
        value = (self.value.value or "").strip()
        if not self.kind.value or not value:
            self._say(app.t("identifier_missing"), error=True)
            return
        try:
            await app.service.add_identifier(screen.id, IdentifierKind(self.kind.value), value)
        except AppError as exc:
            self._say(app.error_text(exc), error=True)
            return
        self.value.value = ""
        await screen.identifiers_changed()
        await app.sync_bar.refresh()
        self._say(app.t("identifier_added"))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.visible = True
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.screen.app.page.update()
