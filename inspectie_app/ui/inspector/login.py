"""Login: the first time online; afterwards the app opens straight to home, offline too. Also what the app shows
when the server no longer takes its token: log in again (the work stays), choose a new password after a reset,
or — a revoked device — the explanation while it hands over its work and after it wiped itself."""

from __future__ import annotations

from typing import Any

import flet as ft

from inspectie_app.contract import AppError
from inspectie_app.ui.inspector.shell import Shell
from inspectie_app.ui.login_form import LoginForm
from inspectie_app.ui.password_form import PasswordForm
from inspectie_app.ui.widgets import TOUCH, tagged


class LoginScreen:
    def __init__(self, app: Shell, message: str = "", username: str = "") -> None:
        self.app = app
        self.form = LoginForm(self.login, message)
        self.form.username.value = username
        if username:
            self.form.username.autofocus, self.form.password.autofocus = False, True

    async def render(self) -> None:
        app = self.app
        app.set_title("login_title")
        app.body.controls = [self.form.control(app.t)]
        if self.form.username.value and app.user is not None:  # logging in again: the work may go on offline
            back = ft.OutlinedButton(content=app.t("back"), on_click=self._back, key="login-back", height=TOUCH)
            app.body.controls.append(tagged(back, "login-back"))

    async def _back(self, _e: Any = None) -> None:
        await self.app.show_home()

    async def login(self, _e: Any = None) -> None:
        app, form = self.app, self.form
        credentials = form.credentials(app.t)
        if credentials is None:
            app.changed()
            return
        form.button.disabled = True
        form.button.update()
        try:
            app.user = await app.service.login(*credentials)
        except AppError as exc:
            form.button.disabled = False  # before the update below: the client must get the button back
            if exc.code == "login_device_revoked" and (await app.service.sync_status()).revoked:
                await app.show_revoked()  # its handover could not finish: locked until the next contact
                return
            form.fail(app.error_text(exc))
            app.changed()
            return
        finally:
            form.button.disabled = False
        if app.user.must_change_password:
            await app.show_password_change()
            return
        await app.show_home()


class PasswordScreen:
    """A beheerder reset this user's password: choose a new one before anything syncs."""

    def __init__(self, app: Shell) -> None:
        self.app = app
        self.form = PasswordForm(self.save)

    async def render(self) -> None:
        self.app.set_title("password_title")
        self.app.body.controls = [self.form.control(self.app.t)]

    async def save(self, _e: Any = None) -> None:
        app = self.app
        values = self.form.values(app.t)
        if values is None:
            app.changed()
            return
        try:
            await app.service.change_password(*values)
        except AppError as exc:
            self.form.fail(app.error_text(exc))
            app.changed()
            return
        app.toast(app.t("password_changed"))
        await app.show_home()


class RevokedScreen:
    """The device was revoked: its unsynced work waits (encrypted) for the handover; nothing else is shown."""

    def __init__(self, app: Shell) -> None:
        self.app = app

    async def render(self) -> None:
        app = self.app
        app.set_title("revoked_title")
        app.body.controls = [ft.Text(app.t("revoked_pending"), key="revoked-message", size=16)]
