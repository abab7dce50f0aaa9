"""The office (team lead) app's shell and login. Served by the sync server at ``/app``.

It talks to the API only through ``OfficeClient``; each browser session gets its own client from the
factory, closed when the session ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import flet as ft
import httpx

from inspectie_app.i18n import has_key, t
from inspectie_app.office_client import PLANNER_ROLES, OfficeClient, OfficeError
from inspectie_app.ui import a11y, theme
from inspectie_app.ui.login_form import LoginForm
from inspectie_app.ui.password_form import PasswordForm
from inspectie_app.ui.widgets import TOUCH, tagged


class OfficeApp:
    def __init__(self, page: ft.Page, client: OfficeClient) -> None:
        self.page = page
        self.client = client
        self.lang = "nl"
        self.body = ft.Column(expand=True, scroll=ft.ScrollMode.AUTO, spacing=12, key="body")
        self.title = ft.Text("", size=22, weight=ft.FontWeight.BOLD, key="screen-title")
        self.lang_button = ft.TextButton(content="", on_click=self.toggle_language, key="lang-toggle", height=TOUCH)
        self.user_text = ft.Text("", key="office-user")
        self.logout_button = ft.TextButton(content="", on_click=self.logout, key="logout", height=TOUCH,
                                           visible=False)
        self.nav = ft.Row(key="office-nav", wrap=True, visible=False)
        self.notice = ft.Text("", key="office-notice", visible=False)
        self.picker: ft.FilePicker | None = None  # a service: must stay referenced
        self._render: Callable[[], Awaitable[None]] | None = None

    async def start(self) -> None:
        self.page.title = t("office_title", self.lang)
        self.page.padding = 16
        self.page.on_close = self._on_close
        theme.apply(self.page, self.lang)
        a11y.install(self.page, lambda: self.lang)  # names every control before each update reaches the browser
        self.lang_marker = theme.language_marker(ft.Row(
            [self.title, ft.Row([self.user_text, tagged(self.lang_button, "lang-toggle"),
                                 tagged(self.logout_button, "logout")])],
            alignment=ft.MainAxisAlignment.SPACE_BETWEEN, wrap=True))
        self.page.add(
            self.lang_marker,
            self.nav,
            ft.Divider(height=1),
            self.notice,
            self.body,
        )
        self._label_header()
        await self.show_login()

    async def _on_close(self, _e: Any = None) -> None:
        with contextlib.suppress(Exception):
            await self.client.aclose()

    # --- navigation ---------------------------------------------------------------------------
    async def show(self, render: Callable[[], Awaitable[None]]) -> None:
        self._render = render
        if self.body.controls:
            # Publish the empty body first: the new screen's controls are then added, not diffed against the old
            # screen's controls of the same key (Flet freezes a control matched that way, and a later handler
            # that changes it, e.g. to show a validation message, would crash the session).
            self.body.controls = []
            self.page.update()
        self.notice.visible = False
        try:
            await render()
        except OfficeError as exc:
            if exc.status == 401 or exc.code == "unauthorized":  # expired, ended, disabled, revoked
                self.client.forget()
                await self.show_login(self.error_text(exc))
                return
            if exc.code == "password_change_required":
                await self.show_password_change()
                return
            self.body.controls = [ft.Text(self.error_text(exc), key="office-error", color=ft.Colors.RED_800)]
        logged_in = self.client.user is not None
        self._draw_nav(logged_in)
        self.logout_button.visible = logged_in
        self.user_text.value = self.client.user.display_name if self.client.user else ""
        self.page.update()

    async def show_login(self, message: str = "") -> None:
        await self.show(LoginScreen(self, message).render)

    async def show_list(self) -> None:
        from inspectie_app.ui.office.review_list import ReviewListScreen

        await self.show(ReviewListScreen(self).render)

    async def show_planner(self, tab: str = "year", **kw: Any) -> None:
        """A planner screen (year plan, scheduling, establishments, suggestions, handhavingsmatrix)."""
        from inspectie_app.ui.office.planner.screens import planner_render

        await self.show(planner_render(self, tab, **kw))

    async def show_detail(self, inspection_id: UUID) -> None:
        from inspectie_app.ui.office.detail import DetailScreen

        await self.show(DetailScreen(self, inspection_id).render)

    async def show_signals(self) -> None:
        from inspectie_app.ui.office.signals import SignalsScreen

        await self.show(SignalsScreen(self).render)

    async def show_links(self) -> None:
        from inspectie_app.ui.office.links import LinksScreen

        await self.show(LinksScreen(self).render)

    async def show_reporting(self) -> None:
        from inspectie_app.ui.office.reporting import ReportingScreen

        await self.show(ReportingScreen(self).render)

    async def show_audit(self) -> None:
        from inspectie_app.ui.office.audit import AuditScreen

        await self.show(AuditScreen(self).render)

    async def show_users(self) -> None:
        """The beheerder's users and devices."""
        from inspectie_app.ui.office.users import UsersScreen

        await self.show(UsersScreen(self).render)

    async def show_settings(self) -> None:
        """The beheerder's settings: retention periods, the verification deadline, the last purge."""
        from inspectie_app.ui.office.beheer.settings import SettingsScreen

        await self.show(SettingsScreen(self).render)

    async def show_catalogue(self) -> None:
        """The beheerder's indicator catalogue: versions, a draft, reference cases run against it, publication."""
        from inspectie_app.ui.office.beheer.catalogue import CatalogueScreen

        await self.show(CatalogueScreen(self).render)

    async def show_cases(self) -> None:
        """The beheerder's reference cases: add, edit, retire."""
        from inspectie_app.ui.office.beheer.cases import CasesScreen

        await self.show(CasesScreen(self).render)

    async def show_matrix(self) -> None:
        """The beheerder's handhavingsmatrix form (each save a new version)."""
        from inspectie_app.ui.office.beheer.matrix import MatrixFormScreen

        await self.show(MatrixFormScreen(self).render)

    async def show_checklists(self) -> None:
        """The beheerder's checklists: published versions, a draft, its preview, compare and publication."""
        from inspectie_app.ui.office.beheer.checklists import ChecklistsScreen

        await self.show(ChecklistsScreen(self).render)

    async def show_password_change(self) -> None:
        await self.show(PasswordScreen(self).render)

    def _draw_nav(self, logged_in: bool) -> None:
        """One button per screen the user's role may open."""
        role = self.client.user.role if self.client.user else ""
        review = role in ("teamleider", "ketenregisseur")
        entries = [("nav_review", self.show_list, review), ("nav_signals", self.show_signals, review),
                   ("nav_links", self.show_links, role == "ketenregisseur"),
                   ("nav_reporting", self.show_reporting, review),
                   ("nav_audit", self.show_audit, role in ("teamleider", "beheerder")),
                   ("nav_planner", self.show_planner, bool(role)), ("nav_users", self.show_users, role == "beheerder"),
                   ("nav_checklists", self.show_checklists, role == "beheerder"),
                   ("nav_catalogue", self.show_catalogue, role == "beheerder"),
                   ("nav_matrix", self.show_matrix, role == "beheerder"),
                   ("nav_settings", self.show_settings, role == "beheerder")]
        self.nav.visible = logged_in
        self.nav.controls = [tagged(ft.TextButton(content=self.t(key), on_click=_go(go), key=key, height=TOUCH), key)
                             for key, go, allowed in entries if allowed]

    def say(self, message: str) -> None:
        """A short confirmation above the screen."""
        self.notice.value = message
        self.notice.visible = bool(message)
        self.page.update()

    async def save_bytes(self, file_name: str, data: bytes) -> None:
        """Offer ``data`` as a download (the browser's save dialog)."""
        if self.picker is None:
            self.picker = ft.FilePicker()
        await self.picker.save_file(file_name=file_name, src_bytes=data)

    async def toggle_language(self, _e: Any = None) -> None:
        self.lang = "en" if self.lang == "nl" else "nl"
        self.page.title = t("office_title", self.lang)
        theme.set_locale(self.page, self.lang)
        self._label_header()
        if self._render is not None:
            await self.show(self._render)

    async def logout(self, _e: Any = None) -> None:
        await self.client.logout()  # the token dies at the server too
        await self.show_login()

    def _label_header(self) -> None:
        self.lang_button.content = t("language_toggle", self.lang)
        self.lang_button.tooltip = t("language_toggle_label", self.lang)
        self.logout_button.content = t("logout", self.lang)
        if hasattr(self, "lang_marker"):
            theme.mark_language(self.lang_marker, self.lang)

    # --- helpers ------------------------------------------------------------------------------
    def t(self, key: str, **fmt: object) -> str:
        return t(key, self.lang, **fmt)

    def error_text(self, exc: OfficeError) -> str:
        """Our catalogue's words for known codes, else the server's own message in the user's language."""
        if has_key(exc.code):
            return self.t(exc.code)
        server_text = exc.message_en if self.lang == "en" else exc.message
        return server_text or self.t(exc.code)


class LoginScreen:
    def __init__(self, app: OfficeApp, message: str = "") -> None:
        self.app = app
        self.form = LoginForm(self.login, message)

    async def render(self) -> None:
        self.app.title.value = self.app.t("login_title")
        self.app.body.controls = [self.form.control(self.app.t)]

    async def login(self, _e: Any = None) -> None:
        app = self.app
        credentials = self.form.credentials(app.t)
        if credentials is None:
            return
        try:
            await app.client.login(*credentials)
        except OfficeError as exc:
            self.form.fail(app.error_text(exc))
            return
        if app.client.must_change_password:
            await app.show_password_change()
            return
        if app.client.user is not None and app.client.user.role in PLANNER_ROLES:
            await app.show_planner()
            return
        await app.show_list()


class PasswordScreen:
    """A beheerder reset this user's password: choose a new one before any other screen answers."""

    def __init__(self, app: OfficeApp) -> None:
        self.app = app
        self.form = PasswordForm(self.save)

    async def render(self) -> None:
        self.app.title.value = self.app.t("password_title")
        self.app.body.controls = [self.form.control(self.app.t)]

    async def save(self, _e: Any = None) -> None:
        app = self.app
        values = self.form.values(app.t)
        if values is None:
            app.page.update()
            return
        try:
            await app.client.change_password(*values)
        except OfficeError as exc:
            self.form.fail(app.error_text(exc))
            app.page.update()
            return
        role = app.client.user.role if app.client.user else ""
        await (app.show_planner() if role in PLANNER_ROLES else app.show_list())
        app.say(app.t("password_changed"))


def _go(show: Callable[[], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
    async def handler(_e: Any = None) -> None:
        await show()

    return handler


def make_office_main(client_factory: Callable[[str], httpx.AsyncClient]) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet ``main`` for the office app; ``client_factory(browser_address)`` makes the httpx client (base URL =
    the server; the address lets the server count login attempts per browser)."""

    async def main(page: ft.Page) -> None:
        app = OfficeApp(page, OfficeClient(client_factory(page.client_ip or "")))
        page.data = app
        await app.start()

    return main
