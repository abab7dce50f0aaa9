"""The inspector app's shell: header, sync bar, one body that shows the current screen.

Screens are plain builder objects that fill ``app.body``; the shell owns navigation, the language and the
periodic sync-status refresh. Everything the screens need from the outside world goes through the service
(``InspectorServiceProtocol``); every handler is ``async`` and the service does its blocking work off the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any
from uuid import UUID

import flet as ft

from inspectie_app.contract import AppError, InspectorServiceProtocol, LocalUser, SyncStatus
from inspectie_app.i18n import t
from inspectie_app.ui import a11y, theme
from inspectie_app.ui.inspector.sync_bar import SyncBar
from inspectie_app.ui.widgets import TOUCH, tagged

DEFAULT_REFRESH_SECONDS = 3.0


class InspectorApp:
    """State and navigation of one inspector session (one Flet page)."""

    def __init__(self, page: ft.Page, service: InspectorServiceProtocol,
                 refresh_seconds: float | None = DEFAULT_REFRESH_SECONDS) -> None:
        self.page = page
        self.service = service
        self.lang = "nl"
        self.user: LocalUser | None = None
        self.refresh_seconds = refresh_seconds
        self.body = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12, key="body")
        self.title = ft.Text("", size=22, weight=ft.FontWeight.BOLD, key="screen-title")
        self.lang_button = ft.TextButton(content="", on_click=self.toggle_language, key="lang-toggle",
                                         height=TOUCH)
        self.logout_button = ft.TextButton(content="", on_click=self.logout, key="logout", height=TOUCH,
                                           visible=False)
        self.sync_bar = SyncBar(self)
        self._render: Callable[[], Awaitable[None]] | None = None
        self._refresh_task: Future[Any] | None = None
        self._pending: set[Future[Any]] = set()
        self.picker: ft.FilePicker | None = None  # a service: must stay referenced

    # --- lifecycle --------------------------------------------------------------------------
    async def start(self) -> None:
        page = self.page
        page.title = t("app_title", self.lang)
        page.padding = 16
        page.on_close = self._on_close
        theme.apply(page, self.lang)
        a11y.install(page, lambda: self.lang)  # names every control before each update reaches the browser
        self.lang_marker = theme.language_marker(ft.Row(
            [self.title, ft.Row([tagged(self.lang_button, "lang-toggle"), tagged(self.logout_button, "logout")])],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN, wrap=True,
        ))
        page.add(self.lang_marker, self.sync_bar.control, ft.Divider(height=1), self.body)
        self._label_header()
        self.user = await self.service.current_user()
        status = await self.service.sync_status()
        if status.revoked:
            await self.show_revoked()
        elif self.user is None:
            await self.show_login(self.t("sync_device_wiped") if status.last_error == "sync_device_wiped" else "")
        elif status.last_error == "sync_password_change":
            await self.show_password_change()
        else:
            await self.show_home()
        if self.refresh_seconds:
            self._refresh_task = page.run_task(self._refresh_loop)

    async def _refresh_loop(self) -> None:
        assert self.refresh_seconds
        while True:
            await asyncio.sleep(self.refresh_seconds)
            if self.user is not None:
                await self.sync_bar.refresh()
                if self.sync_bar.status is not None:
                    await self.follow(self.sync_bar.status)
                self.page.update()

    async def _on_close(self, _e: Any = None) -> None:
        self.stop()

    def stop(self) -> None:
        """Cancel the background refresh and any debounced saves (the page is gone)."""
        if self._refresh_task is not None:
            self._refresh_task.cancel()
            self._refresh_task = None
        for future in list(self._pending):
            future.cancel()
        self._pending.clear()

    def schedule(self, fn: Callable[[], Awaitable[None]], delay: float) -> None:
        """Run ``fn`` after ``delay`` seconds on the page's loop (debounced saves)."""

        async def later() -> None:
            await asyncio.sleep(delay)
            await fn()
            self.page.update()

        future = self.page.run_task(later)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    # --- navigation -------------------------------------------------------------------------
    async def show(self, render: Callable[[], Awaitable[None]]) -> None:
        """Make ``render`` the current screen and draw it."""
        self._render = render
        self.body.controls = []
        await render()
        self.sync_bar.control.visible = self.user is not None
        self.logout_button.visible = self.user is not None
        if self.user is not None:
            await self.sync_bar.refresh()
        self.page.update()

    async def show_login(self, message: str = "", username: str = "") -> None:
        from inspectie_app.ui.inspector.login import LoginScreen

        await self.show(LoginScreen(self, message, username).render)

    async def show_password_change(self) -> None:
        from inspectie_app.ui.inspector.login import PasswordScreen

        await self.show(PasswordScreen(self).render)

    async def show_revoked(self) -> None:
        from inspectie_app.ui.inspector.login import RevokedScreen

        self.user = None
        await self.show(RevokedScreen(self).render)

    async def login_again(self, _e: Any = None) -> None:
        """The token expired or was ended: log in again as the same user; the work on the tablet stays."""
        name = self.user.username if self.user else ""
        await self.show_login(self.t("login_again_intro"), username=name)

    async def follow(self, status: SyncStatus) -> None:
        """Leave the current screen when the server revoked this device (it hands over and wipes itself) or a
        reset password must be replaced first."""
        if status.revoked:
            await self.show_revoked()
        elif status.last_error == "sync_device_wiped":
            self.user = None
            await self.show_login(self.t("sync_device_wiped"))
        elif status.last_error == "sync_password_change" and self.user is not None:
            await self.show_password_change()

    async def show_home(self) -> None:
        from inspectie_app.ui.inspector.home import HomeScreen

        await self.show(HomeScreen(self).render)

    async def show_new_inspection(self) -> None:
        from inspectie_app.ui.inspector.home import NewInspectionScreen

        await self.show(NewInspectionScreen(self).render)

    async def show_checklist(self, inspection_id: UUID) -> None:
        from inspectie_app.ui.inspector.checklist import ChecklistScreen

        await self.show(ChecklistScreen(self, inspection_id).render)

    async def rerender(self) -> None:
        if self._render is not None:
            await self.show(self._render)

    # --- header actions ---------------------------------------------------------------------
    async def toggle_language(self, _e: Any = None) -> None:
        self.lang = "en" if self.lang == "nl" else "nl"
        self.page.title = t("app_title", self.lang)
        theme.set_locale(self.page, self.lang)
        self._label_header()
        await self.rerender()

    async def logout(self, _e: Any = None) -> None:
        try:
            await self.service.logout()
        except AppError as exc:
            self.toast(self.error_text(exc))
            return
        self.user = None
        await self.show_login()

    def _label_header(self) -> None:
        self.lang_button.content = t("language_toggle", self.lang)
        self.lang_button.tooltip = t("language_toggle_label", self.lang)
        self.logout_button.content = t("logout", self.lang)
        if hasattr(self, "lang_marker"):
            theme.mark_language(self.lang_marker, self.lang)

    # --- helpers ----------------------------------------------------------------------------
    def changed(self) -> None:
        """Push all changes now. Needed because any explicit update() (show_dialog does one) turns off
        Flet's automatic update at the end of that handler."""
        self.page.update()

    def t(self, key: str, **fmt: object) -> str:
        return t(key, self.lang, **fmt)

    def error_text(self, exc: AppError) -> str:
        """The user's words for an AppError: the catalogue message, with the detail where it helps."""
        detail = exc.detail or ""
        if exc.code == "answer_invalid":
            return self.t("answer_invalid", detail=detail)
        return self.t(exc.code)

    def toast(self, message: str) -> None:
        with contextlib.suppress(Exception):
            self.page.show_dialog(ft.SnackBar(ft.Text(message, key="toast"), key="snackbar"))
        self.page.update()

    def set_title(self, key: str, **fmt: object) -> None:
        self.title.value = self.t(key, **fmt)
