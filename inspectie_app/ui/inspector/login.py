"""Login: the first time online; afterwards the app opens straight to home, offline too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.contract import AppError
from inspectie_app.ui.widgets import TOUCH, tagged

if TYPE_CHECKING:
    from inspectie_app.ui.inspector.app import InspectorApp


class LoginScreen:
    def __init__(self, app: InspectorApp) -> None:
        self.app = app
        self.username = ft.TextField(key="login-username", autofocus=True, width=420)
        self.password = ft.TextField(key="login-password", password=True, can_reveal_password=True, width=420,
                                     on_submit=self.login)
        self.error = ft.Text("", key="login-error", color=ft.Colors.RED_800, visible=False)
        self.button = ft.FilledButton(content="", on_click=self.login, key="login-button", height=TOUCH, width=420)

    async def render(self) -> None:
        app = self.app
        app.set_title("login_title")
        self.username.label = app.t("username")
        self.password.label = app.t("password")
        self.button.content = app.t("login_button")
        app.body.controls = [
            ft.Column(
                [
                    tagged(self.username, "login-username"),
                    tagged(self.password, "login-password"),
                    self.error,
                    tagged(self.button, "login-button"),
                ],
                spacing=16,
            )
        ]

    async def login(self, _e: Any = None) -> None:
        app = self.app
        username = (self.username.value or "").strip()
        password = self.password.value or ""
        if not username or not password:
            self._fail(app.t("login_required_fields"))
            return
        self.button.disabled = True
        self.button.update()
        try:
            app.user = await app.service.login(username, password)
        except AppError as exc:
            self._fail(app.error_text(exc))
            return
        finally:
            self.button.disabled = False
        await app.show_home()

    def _fail(self, message: str) -> None:
        self.error.value = message
        self.error.visible = True
        self.password.value = ""
        self.app.changed()
