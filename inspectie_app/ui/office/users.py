"""The beheerder's "Gebruikers en apparaten": every user of the organisation with their devices (last contact, app
schema version, state), and the acts: revoke a device (a lost tablet wipes itself at its next contact), disable or
enable a user, reset a password (the temporary password is shown once). Each act asks for confirmation first.

What the screen shows is computed by plain functions (``account_heading``, ``device_text``, ``Pending``) that need
no page; the screen only draws them and calls ``OfficeClient``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.accounts import AccountRead, DeviceRead, DeviceState

if TYPE_CHECKING:
    from inspectie_app.ui.office.app import OfficeApp

Translate = Callable[..., str]


def account_heading(a: AccountRead, t: Translate) -> str:
    return t("users_heading", name=a.display_name, username=a.username, role=t(f"role_{a.role}"), team=a.team)


def device_text(d: DeviceRead, t: Translate) -> str:
    """One device in words: name, state, last contact, app schema, expiry, what it handed over."""
    seen = fmt_datetime(d.last_seen) if d.last_seen else t("device_never")
    parts = [t("device_line", name=d.name, state=t(f"device_state_{d.state.value}"), seen=seen)]
    if d.app_schema_version is not None:
        parts.append(t("device_schema", n=d.app_schema_version))
    if d.expires_at is not None:
        parts.append(t("device_expires", when=fmt_datetime(d.expires_at)))
    if d.handed_over:
        parts.append(t("device_handed_over", n=d.handed_over))
    return " · ".join(parts)


def revocable(d: DeviceRead) -> bool:
    return d.state not in (DeviceState.REVOKED, DeviceState.WIPED)


@dataclass(frozen=True)
class Pending:
    """An act waiting for the beheerder's confirmation."""

    act: str  # revoke, disable, enable, reset
    account: AccountRead
    device: DeviceRead | None = None

    def title(self, t: Translate) -> str:
        return t(f"{self.act}_confirm_title")

    def text(self, t: Translate) -> str:
        user = f"{self.account.display_name} ({self.account.username})"
        return t(f"{self.act}_confirm_text", user=user, device=self.device.name if self.device else "")


class UsersScreen:
    def __init__(self, app: OfficeApp) -> None:
        self.app = app
        self.pending: Pending | None = None

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("users_title")
        accounts = await app.client.accounts()
        app.body.controls = [ft.Text(app.t("users_intro"), key="users-intro"),
                             ft.Column([self._card(a) for a in accounts], key="users-list", spacing=12,
                                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)]

    def _card(self, a: AccountRead) -> ft.Control:
        app = self.app
        badges = [ft.Text(app.t(key), color=ft.Colors.RED_800, weight=ft.FontWeight.BOLD, key=f"{key}-{a.username}")
                  for key, on in (("users_disabled_badge", a.disabled), ("users_must_change_badge",
                                                                           a.must_change_password)) if on]
        toggle = ("enable", "enable_user") if a.disabled else ("disable", "disable_user")
        actions = ft.Row([self._button(toggle[1], f"{toggle[0]}-{a.username}", Pending(toggle[0], a)),
                          self._button("reset_password", f"reset-{a.username}", Pending("reset", a))], wrap=True)
        devices: list[ft.Control] = [self._device_row(a, d) for d in a.devices] or [
            ft.Text(app.t("users_no_devices"), key=f"no-devices-{a.username}")]
        return ft.Container(
            key=f"user-{a.username}", padding=12, border=ft.Border.all(1, ft.Colors.BLUE_GREY_100),
            border_radius=ft.BorderRadius.all(8),
            content=ft.Column([heading(account_heading(a, app.t), 16, key=f"user-heading-{a.username}"), *badges,
                               *devices, actions], spacing=6))

    def _device_row(self, a: AccountRead, d: DeviceRead) -> ft.Control:
        app = self.app
        text = ft.Text(device_text(d, app.t), key=f"device-{d.id}", expand=True)
        if not revocable(d):
            return ft.Row([text])
        label = app.t("revoke_device_label", device=d.name, user=a.username)
        button = self._button("revoke_device", f"revoke-{d.id}", Pending("revoke", a, d), label=label,
                              icon=ft.Icons.PHONELINK_ERASE)
        return ft.Row([text, button], alignment=ft.MainAxisAlignment.SPACE_BETWEEN)

    def _button(self, text_key: str, key: str, pending: Pending, *, label: str | None = None,
                icon: Any = None) -> ft.Control:
        async def ask(_e: Any = None) -> None:
            await self.ask(pending)

        button = ft.OutlinedButton(content=self.app.t(text_key), icon=icon, on_click=ask, key=key, height=TOUCH,
                                   tooltip=label or self.app.t(text_key))
        return tagged(button, key, label)

    # --- confirm and act -----------------------------------------------------------------------
    async def ask(self, pending: Pending) -> None:
        """Open the confirmation dialog for ``pending``."""
        app = self.app
        self.pending = pending
        dialog = ft.AlertDialog(
            key="users-confirm", modal=True, title=ft.Text(pending.title(app.t)),
            content=ft.Text(pending.text(app.t), key="users-confirm-text"),
            actions=[ft.OutlinedButton(content=app.t("cancel"), on_click=self._cancel, key="users-cancel",
                                       height=TOUCH),
                     ft.FilledButton(content=app.t("confirm"), on_click=self._confirm, key="users-confirm-button",
                                     height=TOUCH)])
        app.page.show_dialog(dialog)

    async def _cancel(self, _e: Any = None) -> None:
        self.pending = None
        self.app.page.pop_dialog()

    async def _confirm(self, _e: Any = None) -> None:
        app, pending = self.app, self.pending
        self.pending = None
        app.page.pop_dialog()
        if pending is None:
            return
        acts: dict[str, Callable[[], Awaitable[Any]]] = {
            "revoke": lambda: app.client.revoke_device(pending.device.id) if pending.device else _nothing(),
            "disable": lambda: app.client.disable_user(pending.account.id),
            "enable": lambda: app.client.enable_user(pending.account.id),
            "reset": lambda: app.client.reset_password(pending.account.id),
        }
        try:
            result = await acts[pending.act]()
        except OfficeError as exc:
            await app.show(self.render)
            app.say(app.error_text(exc))
            return
        await app.show(self.render)
        app.say(app.t(f"users_done_{pending.act}"))
        if pending.act == "reset":
            self._show_password(pending.account, result.temporary_password)

    def _show_password(self, account: AccountRead, password: str) -> None:
        """The temporary password, once: the beheerder hands it to the user."""
        app = self.app
        dialog = ft.AlertDialog(
            key="reset-done", modal=True, title=ft.Text(app.t("reset_done_title")),
            content=ft.Column([ft.Text(app.t("reset_done_text", user=account.username)),
                               ft.Text(password, key="reset-password-value", selectable=True, size=20,
                                       weight=ft.FontWeight.BOLD, font_family="monospace")], tight=True),
            actions=[ft.FilledButton(content=app.t("close"), on_click=lambda _e: app.page.pop_dialog(),
                                     key="reset-done-close", height=TOUCH)])
        app.page.show_dialog(dialog)


async def _nothing() -> None:
    return None
