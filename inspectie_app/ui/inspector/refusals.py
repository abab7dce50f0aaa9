"""Changes the server refused, in the inspector's words and on the item they concern (issue 14).

A refused identifier says so on its own line (``identifier_input``), a refused answer on its question; what has no
such item on the screen (a person, a photo, the note, the control itself) is listed in the checklist's
*Door de server geweigerd* panel with *Gezien*. The sync bar lists every open one with the control's address and
*Openen*; it stops listing one once it is fixed (corrected, removed, answered again) or seen.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from inspectie_app.contract import RejectionNotice
from inspectie_app.i18n import NL
from inspectie_app.ui.inspector.shell import ControlScreen, Shell
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.texts.identifiers import refused_what, rejected_key

SYNC_BAR_LINES = 5


def reason(app: Shell, notice: RejectionNotice) -> str:
    """Why the server refused it, in the app's language (never the server's code or English detail)."""
    return app.t(rejected_key(notice.code, frozenset(NL)))


def what(app: Shell, notice: RejectionNotice) -> str:
    return app.t(refused_what(notice.mutation_name))


def is_answer(notice: RejectionNotice) -> bool:
    return notice.mutation_name == "answer.set.v1" and notice.question_id is not None


class RefusedPanel:
    """The control's refused changes that no question or identifier on the screen shows, each with *Gezien*."""

    def __init__(self, screen: ControlScreen) -> None:
        self.screen = screen
        self.control = ft.Container(key="refused-panel", padding=12, border_radius=ft.BorderRadius.all(8),
                                    bgcolor=ft.Colors.RED_50, visible=False)

    def show(self, notices: list[RejectionNotice]) -> None:
        app = self.screen.app
        rows: list[ft.Control] = [heading(app.t("control_refused_title"), size=16)]
        for n in notices:
            text = app.t("control_refused_line", what=what(app, n), reason=reason(app, n))
            key = f"refused-{n.mutation_id}"
            seen = ft.OutlinedButton(content=app.t("refused_seen"), key=f"{key}-seen", height=TOUCH,
                                     on_click=self._seen_handler(n.mutation_id))
            rows.append(ft.Row([ft.Text(text, key=key, color=ft.Colors.RED_800, expand=True),
                                tagged(seen, f"{key}-seen", app.t("refused_seen_label", what=text))], wrap=True))
        self.control.content = ft.Column(rows, spacing=4)
        self.control.visible = bool(notices)

    def _seen_handler(self, mutation_id: int) -> Any:
        async def seen(_e: Any = None) -> None:
            await self.screen.app.service.dismiss_rejection(mutation_id)
            await self.screen.app.sync_bar.refresh()
            await self.screen.render()
            self.screen.app.changed()

        return seen


def sync_bar_lines(app: Shell, notices: list[RejectionNotice]) -> list[ft.Control]:
    """The sync bar's lines for open rejections: a heading, then per rejection the control's address, what was
    refused and why, with *Openen* (the control is on this tablet) or *Gezien* (it is not)."""
    if not notices:
        return []
    head = (app.t("sync_refused_one") if len(notices) == 1 else app.t("sync_refused", n=len(notices)))
    out: list[ft.Control] = [ft.Text(head, key="sync-refused-title", color=ft.Colors.RED_800)]
    for n in notices[:SYNC_BAR_LINES]:
        where = n.where if n.control_known and n.where else app.t("refused_unknown_control")
        text = app.t("sync_refused_line", where=where, what=what(app, n), reason=reason(app, n))
        key = f"sync-refused-{n.mutation_id}"
        if n.control_known and n.inspection_id is not None:
            button = ft.TextButton(content=app.t("refused_open"), key=f"{key}-open", height=TOUCH,
                                   on_click=_open_handler(app, n))
            action = tagged(button, f"{key}-open", app.t("refused_open_label", where=where))
        else:
            button = ft.TextButton(content=app.t("refused_seen"), key=f"{key}-seen", height=TOUCH,
                                   on_click=_seen_handler(app, n.mutation_id))
            action = tagged(button, f"{key}-seen", app.t("refused_seen_label", what=text))
        out.append(ft.Row([ft.Text(text, key=key, color=ft.Colors.RED_800, expand=True), action], wrap=True,
                          spacing=4))
    if len(notices) > SYNC_BAR_LINES:
        out.append(ft.Text(f"+ {len(notices) - SYNC_BAR_LINES}", key="sync-refused-more"))
    return out


def _open_handler(app: Shell, notice: RejectionNotice) -> Any:
    async def open_control(_e: Any = None) -> None:
        assert notice.inspection_id is not None
        await app.show_checklist(notice.inspection_id)

    return open_control


def _seen_handler(app: Shell, mutation_id: int) -> Any:
    async def seen(_e: Any = None) -> None:
        await app.service.dismiss_rejection(mutation_id)
        await app.sync_bar.refresh()
        app.changed()

    return seen
