"""The username/password form both apps show; each screen decides what logging in means."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from inspectie_app.ui.widgets import TOUCH, tagged

Translate = Callable[[str], str]


class LoginForm:
    def __init__(self, on_submit: Callable[[Any], Awaitable[None]], message: str = "") -> None:
        self.username = ft.TextField(key="login-username", autofocus=True, width=420)
        self.password = ft.TextField(key="login-password", password=True, can_reveal_password=True, width=420,
                                     on_submit=on_submit)
        self.error = ft.Text(message, key="login-error", color=ft.Colors.RED_800, visible=bool(message))
        self.button = ft.FilledButton(content="", on_click=on_submit, key="login-button", height=TOUCH, width=420)

    def control(self, t: Translate) -> ft.Control:
        """The form with its labels in the user's language."""
        self.username.label = t("username")
        self.password.label = t("password")
        self.button.content = t("login_button")
        return ft.Column([
            tagged(self.username, "login-username"),
            tagged(self.password, "login-password"),
            self.error,
            tagged(self.button, "login-button"),
        ], spacing=16)

    def credentials(self, t: Translate) -> tuple[str, str] | None:
        """(username, password), or None after showing that both are needed."""
        username = (self.username.value or "").strip()
        password = self.password.value or ""
        if not username or not password:
            self.fail(t("login_required_fields"))
            return None
        return username, password

    def fail(self, message: str) -> None:
        """Show why the login failed and clear the password."""
        self.error.value = message
        self.error.visible = True
        self.password.value = ""
