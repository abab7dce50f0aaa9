"""Login: the first time online; afterwards the app opens straight to home, offline too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspectie_app.contract import AppError
from inspectie_app.ui.login_form import LoginForm

if TYPE_CHECKING:
    from inspectie_app.ui.inspector.app import InspectorApp


class LoginScreen:
    def __init__(self, app: InspectorApp) -> None:
        self.app = app
        self.form = LoginForm(self.login)

    async def render(self) -> None:
        self.app.set_title("login_title")
        self.app.body.controls = [self.form.control(self.app.t)]

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
            form.fail(app.error_text(exc))
            app.changed()
            return
        finally:
            form.button.disabled = False
        await app.show_home()
