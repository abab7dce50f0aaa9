"""The "choose a new password" form both apps show after a beheerder reset the password: the login then answers
``must_change_password`` and nothing else works until this is done. The checks live in ``new_password_problem``
(no Flet), the same rule as the server's (``schemas.accounts.PASSWORD_MIN_LENGTH``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from inspectie_app.ui.widgets import TOUCH, tagged
from schemas.accounts import PASSWORD_MIN_LENGTH

Translate = Callable[..., str]


def new_password_problem(current: str, new: str, repeat: str) -> str | None:
    """The message key of what is wrong with the form's input, or None."""
    if not current or not new or not repeat:
        return "password_fields_required"
    if len(new) < PASSWORD_MIN_LENGTH:
        return "password_too_short"
    if new != repeat:
        return "password_repeat_differs"
    if new == current:
        return "password_unchanged"
    return None


class PasswordForm:
    def __init__(self, on_submit: Callable[[Any], Awaitable[None]]) -> None:
        self.current = ft.TextField(key="password-current", password=True, can_reveal_password=True, width=420,
                                    autofocus=True)
        self.new = ft.TextField(key="password-new", password=True, can_reveal_password=True, width=420)
        self.repeat = ft.TextField(key="password-repeat", password=True, can_reveal_password=True, width=420,
                                   on_submit=on_submit)
        self.error = ft.Text("", key="password-error", color=ft.Colors.RED_800, visible=False)
        self.button = ft.FilledButton(content="", on_click=on_submit, key="password-save", height=TOUCH, width=420)

    def control(self, t: Translate) -> ft.Control:
        """The form with its labels in the user's language."""
        self.current.label = t("password_current")
        self.new.label = t("password_new", n=PASSWORD_MIN_LENGTH)
        self.repeat.label = t("password_repeat")
        self.button.content = t("password_save")
        return ft.Column([
            ft.Text(t("password_must_change"), key="password-intro"),
            tagged(self.current, "password-current"),
            tagged(self.new, "password-new"),
            tagged(self.repeat, "password-repeat"),
            self.error,
            tagged(self.button, "password-save"),
        ], spacing=16)

    def values(self, t: Translate) -> tuple[str, str] | None:
        """(current, new) when the input passes the checks, else None after showing why."""
        current, new, repeat = self.current.value or "", self.new.value or "", self.repeat.value or ""
        problem = new_password_problem(current, new, repeat)
        if problem is not None:
            self.fail(t(problem, n=PASSWORD_MIN_LENGTH))
            return None
        return current, new

    def fail(self, message: str) -> None:
        self.error.value = message
        self.error.visible = True
        self.current.value = self.new.value = self.repeat.value = ""
