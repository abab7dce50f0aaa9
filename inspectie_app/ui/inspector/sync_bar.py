"""The always-visible sync bar: what is still to send, when the last sync succeeded, what went wrong, and
which findings the team lead corrected while the inspector changed them too (conflicts). A change the server refused
is listed in words with its control and *Openen* (``refusals``) until it is fixed there."""

from __future__ import annotations

from typing import Any

import flet as ft

from inspectie_app.contract import AppError, ConflictNotice, SyncStatus
from inspectie_app.i18n import fmt_datetime
from inspectie_app.ui import palette
from inspectie_app.ui.inspector.refusals import sync_bar_lines
from inspectie_app.ui.inspector.shell import Shell
from inspectie_app.ui.widgets import TOUCH, deleted_person_name, dropped_corrections_text, tagged
from schemas.conflicts import dropped_person


class SyncBar:
    def __init__(self, app: Shell) -> None:
        self.app = app
        self.status: SyncStatus | None = None
        self.pending = ft.Text("", key="sync-pending")
        self.photos = ft.Text("", key="sync-photos")
        self.last = ft.Text("", key="sync-last")
        self.error = ft.Text("", key="sync-error", color=ft.Colors.RED_800, visible=False)
        self.refused = ft.Column(key="sync-refused", spacing=0, visible=False)
        self.conflicts = ft.Text("", key="sync-conflicts", color=palette.WARNING, visible=False)
        self.button = ft.OutlinedButton(content="", icon=ft.Icons.SYNC, on_click=self.sync_now, key="sync-now",
                                        height=TOUCH)
        self.login_again = ft.FilledButton(content="", icon=ft.Icons.LOGIN, on_click=self._login_again,
                                           key="login-again", height=TOUCH)
        # the wrappers carry visibility and width: a Semantics whose content is hidden is an error in Flutter, and
        # ``expand`` on a wrapped control is not seen by the Row (in portrait the buttons were pushed off screen)
        self.login_again_tag = tagged(self.login_again, "login-again")
        self.login_again_tag.visible = False
        status = tagged(ft.Column([ft.Row([self.pending, self.photos], wrap=True), self.last, self.error,
                                   self.refused, self.conflicts], spacing=2), "sync-status")
        status.expand = True
        self.control = ft.Container(
            key="sync-bar",
            visible=False,
            bgcolor=ft.Colors.BLUE_GREY_50,
            padding=ft.Padding.symmetric(horizontal=12, vertical=6),
            border_radius=ft.BorderRadius.all(8),
            content=ft.Row(
                [
                    status,
                    ft.Row([self.login_again_tag, tagged(self.button, "sync-button")]),
                ],
                alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
            ),
        )

    async def refresh(self) -> None:
        try:
            status = await self.app.service.sync_status()
        except AppError as exc:
            self._show_error(exc.code)
            return
        self.show(status)

    def show(self, status: SyncStatus) -> None:
        t = self.app.t
        self.status = status
        self.pending.value = t("sync_pending", n=status.pending_changes) if status.pending_changes else t("sync_ok")
        self.photos.value = t("sync_pending_photos", n=status.pending_photos) if status.pending_photos else ""
        self.photos.visible = bool(status.pending_photos)
        self.last.value = (t("sync_last", when=fmt_datetime(status.last_success_at))
                           if status.last_success_at else t("sync_never"))
        messages = [t(status.last_error)] if status.last_error else []
        self.error.value = "\n".join(messages)
        self.error.visible = bool(messages)
        self.refused.controls = sync_bar_lines(self.app, status.refused)
        self.refused.visible = bool(status.refused)
        fields = [c for c in status.conflicts if c.field != "person"]
        persons = [c for c in status.conflicts if c.field == "person"]
        lines = [t("sync_conflicts", n=len(fields))] if fields else []
        lines += [t("sync_conflicts_person", n=len(persons))] if persons else []
        lines += [self._conflict_line(c) for c in status.conflicts[:5]]
        self.conflicts.value = "\n".join(lines)
        self.conflicts.visible = bool(lines)
        self.button.content = t("syncing") if status.syncing else t("sync_now")
        self.button.disabled = status.syncing
        self.login_again.content = t("login_again")
        self.login_again_tag.visible = status.last_error == "sync_login_again"

    def _conflict_line(self, c: ConflictNotice) -> str:
        t = self.app.t
        if c.field == "person":
            dropped = dropped_person(c.field, c.office_value)
            person = deleted_person_name(dropped, str(c.person_id or "")[:8])
            return t("sync_conflict_person_item", person=person,
                     corrections=dropped_corrections_text(dropped, None, self.app.lang))
        field = t("conflict_field_note") if c.field == "note" else str(c.question_id)
        return t("sync_conflict_item", field=field, mine=_show(c.device_value), kept=_show(c.kept_value))

    async def _login_again(self, _e: Any = None) -> None:
        await self.app.login_again()

    def _show_error(self, code: str) -> None:
        self.error.value = self.app.t(code)
        self.error.visible = True

    async def sync_now(self, _e: Any = None) -> None:
        self.button.content = self.app.t("syncing")
        self.button.disabled = True
        self.button.update()
        try:
            status = await self.app.service.sync_now()
        except AppError as exc:
            self.button.disabled = False
            self.button.content = self.app.t("sync_now")
            self._show_error(exc.code)
            self.app.changed()
            return
        self.show(status)
        self.app.changed()
        if status.revoked or status.last_error in ("sync_device_wiped", "sync_password_change"):
            await self.app.follow(status)
            return
        if status.last_error in ("sync_unauthorized", "sync_login_again", "sync_account_disabled"):
            return
        # new planned controls, flags or rejections may have arrived: redraw the current screen
        await self.app.rerender()


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
