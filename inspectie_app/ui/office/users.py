"""The beheerder's "Gebruikers en apparaten": the organisation's teams, its users (searchable by name, filtered by
team, at most ``PAGE_SIZE`` at once) with their devices (last contact, app schema version, state), and the acts:
create a team, create a user (the temporary password is shown once), move a user to another team (their tablets
start their next pull over), revoke a device (a lost tablet wipes itself at its next contact), disable or enable a
user, reset a password. Each act on an existing user asks for confirmation first; each is audited by the server.

What the screen shows is computed by plain functions and drafts (``account_heading``, ``device_text``, ``Pending``,
``beheer.user_forms``) that need no page; the screen only draws them and calls ``OfficeClient``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.beheer.user_forms import (
    FIELD_OF_CODE,
    PAGE_SIZE,
    ROLES,
    NewTeamDraft,
    NewUserDraft,
    UserFilter,
)
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.accounts import AccountRead, DeviceRead, DeviceState, TeamRead

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

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

    act: str  # revoke, disable, enable, reset, move
    account: AccountRead
    device: DeviceRead | None = None

    def title(self, t: Translate) -> str:
        return t(f"{self.act}_confirm_title")

    def text(self, t: Translate) -> str:
        user = f"{self.account.display_name} ({self.account.username})"
        return t(f"{self.act}_confirm_text", user=user, device=self.device.name if self.device else "")


class UsersScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.pending: Pending | None = None
        self.filter = UserFilter()
        self.form: str | None = None  # "user" | "team": the form open above the list
        self.user_draft = NewUserDraft()
        self.team_draft = NewTeamDraft()
        self.teams: list[TeamRead] = []
        self.fields: dict[str, ft.TextField | ft.Dropdown] = {}
        self.form_error = ft.Text("", key="users-form-error", color=ft.Colors.RED_800, visible=False)
        self.move_team: ft.Dropdown | None = None
        self.move_error = ft.Text("", key="move-error", color=ft.Colors.RED_800, visible=False)

    async def render(self) -> None:
        app, f = self.app, self.filter
        app.title.value = app.t("users_title")
        self.teams = await app.client.teams()
        team = UUID(f.team_id) if f.team_id else None
        accounts = await app.client.accounts(query=f.query, team_id=team, limit=PAGE_SIZE + 1)
        more, accounts = len(accounts) > PAGE_SIZE, accounts[:PAGE_SIZE]
        count = app.t("users_more", n=PAGE_SIZE) if more else (
            app.t("users_count", n=len(accounts)) if accounts else app.t("users_none_found"))
        app.body.controls = [ft.Text(app.t("users_intro"), key="users-intro"), self._teams(), self._toolbar(),
                             *self._form(),
                             ft.Text(count, key="users-count"),
                             ft.Column([self._card(a) for a in accounts], key="users-list", spacing=12,
                                       horizontal_alignment=ft.CrossAxisAlignment.STRETCH)]

    def _teams(self) -> ft.Control:
        app = self.app
        lines = [ft.Text(app.t("users_team_line", name=t.name, code=t.key, n=t.users), key=f"team-{t.key}")
                 for t in self.teams]
        return ft.Column([heading(app.t("users_teams_heading"), 16), *lines], spacing=4, key="users-teams")

    def _toolbar(self) -> ft.Control:
        app, f = self.app, self.filter
        self.search = ft.TextField(key="users-search", label=app.t("users_search"), value=f.query, width=320,
                                   on_submit=self._search)
        self.team_filter = ft.Dropdown(key="users-team-filter", label=app.t("users_team_filter"), width=260,
                                       value=f.team_id or "", options=[
                                           ft.DropdownOption(key="", text=app.t("users_all_teams")),
                                           *[ft.DropdownOption(key=str(t.id), text=t.name) for t in self.teams]])
        search = ft.OutlinedButton(content=app.t("users_search_button"), icon=ft.Icons.SEARCH, on_click=self._search,
                                   key="users-search-button", height=TOUCH)
        new_user = ft.FilledButton(content=app.t("users_new_user"), icon=ft.Icons.PERSON_ADD, key="users-new-user",
                                   height=TOUCH, on_click=self._opener("user"))
        new_team = ft.OutlinedButton(content=app.t("users_new_team"), icon=ft.Icons.GROUP_ADD, key="users-new-team",
                                     height=TOUCH, on_click=self._opener("team"))
        return ft.Row([tagged(self.search, "users-search"), tagged(self.team_filter, "users-team-filter"),
                       tagged(search, "users-search-button"), tagged(new_user, "users-new-user"),
                       tagged(new_team, "users-new-team")], wrap=True)

    async def _search(self, _e: Any = None) -> None:
        self.filter = UserFilter(self.search.value or "", self.team_filter.value or "")
        await self.app.show(self.render)

    def _opener(self, form: str) -> Callable[[Any], Awaitable[None]]:
        async def open_form(_e: Any = None) -> None:
            self.form = form
            self.form_error.visible = False
            await self.app.show(self.render)

        return open_form

    # --- a new user or team ----------------------------------------------------------------------
    def _form(self) -> list[ft.Control]:
        if self.form is None:
            return []
        app = self.app
        if self.form == "user":
            d = self.user_draft
            self.fields = {
                "username": ft.TextField(key="new-user-username", label=f"{app.t('new_user_username')} *",
                                         value=d.username, width=260, helper=app.t("new_user_username_help")),
                "display_name": ft.TextField(key="new-user-name", label=f"{app.t('new_user_display_name')} *",
                                             value=d.display_name, width=300),
                "role": ft.Dropdown(key="new-user-role", label=f"{app.t('new_user_role')} *", value=d.role or None,
                                    width=220, options=[ft.DropdownOption(key=r, text=app.t(f"role_{r}"))
                                                        for r in ROLES]),
                "team": ft.Dropdown(key="new-user-team", label=f"{app.t('new_user_team')} *", value=d.team_id or None,
                                    width=260, options=[ft.DropdownOption(key=str(t.id), text=t.name)
                                                        for t in self.teams])}
            title, submit, submit_key = "new_user_title", "new_user_create", "new-user-create"
            idents = ["new-user-username", "new-user-name", "new-user-role", "new-user-team"]
        else:
            t = self.team_draft
            self.fields = {"key": ft.TextField(key="new-team-key", label=f"{app.t('new_team_key')} *", value=t.key,
                                               width=300),
                           "name": ft.TextField(key="new-team-name", label=f"{app.t('new_team_name')} *",
                                                value=t.name, width=300)}
            title, submit, submit_key = "new_team_title", "new_team_create", "new-team-create"
            idents = ["new-team-key", "new-team-name"]
        create = ft.FilledButton(content=app.t(submit), key=submit_key, height=TOUCH, on_click=self._create)
        close = ft.TextButton(content=app.t("form_cancel"), key="users-form-close", height=TOUCH,
                              on_click=self._close_form)
        fields: list[ft.Control] = [tagged(c, ident) for c, ident in zip(self.fields.values(), idents, strict=True)]
        return [ft.Container(key="users-form", padding=12, border=ft.Border.all(1, ft.Colors.BLUE_GREY_200),
                             border_radius=ft.BorderRadius.all(8), content=ft.Column([
                                 heading(app.t(title), 16, key="users-form-title"), ft.Row(fields, wrap=True),
                                 self.form_error, ft.Row([tagged(create, submit_key),
                                                          tagged(close, "users-form-close")], wrap=True)]))]

    async def _close_form(self, _e: Any = None) -> None:
        self.form = None
        await self.app.show(self.render)

    def _value(self, name: str) -> str:
        return str(self.fields[name].value or "")

    def _mark(self, problems: dict[str, str], message: str = "") -> None:
        """Show each field's problem under it (catalogue keys, or ``message`` for a server refusal)."""
        app = self.app
        for name, control in self.fields.items():
            code = problems.get(name)
            text = (message or app.t(code)) if code else None
            if isinstance(control, ft.Dropdown):
                control.error_text = text
            else:
                control.error = text
        self.form_error.value = message or app.t("form_fix")
        self.form_error.visible = bool(problems) or bool(message)
        app.page.update()

    async def _create(self, _e: Any = None) -> None:
        app = self.app
        if self.form == "user":
            self.user_draft = NewUserDraft(self._value("username"), self._value("display_name"), self._value("role"),
                                           self._value("team"))
            problems = self.user_draft.problems()
        else:
            self.team_draft = NewTeamDraft(self._value("key"), self._value("name"))
            problems = self.team_draft.problems()
        if problems:
            self._mark(problems)
            return
        try:
            if self.form == "user":
                d = self.user_draft
                created = await app.client.create_user(d.username, d.display_name, d.role, UUID(d.team_id))
            else:
                team = await app.client.create_team(self.team_draft.key.strip(), self.team_draft.name.strip())
        except OfficeError as exc:
            field_name = FIELD_OF_CODE.get(exc.code)
            self._mark({field_name: exc.code} if field_name else {}, app.error_text(exc))
            return
        form, self.form = self.form, None
        if form == "user":
            self.user_draft = NewUserDraft()
            self.filter = UserFilter(query=created.account.username)
            await app.show(self.render)
            app.say(app.t("new_user_done", user=created.account.username))
            self._show_password(created.account, created.temporary_password, created=True)
        else:
            self.team_draft = NewTeamDraft()
            await app.show(self.render)
            app.say(app.t("new_team_done", name=team.name))

    def _card(self, a: AccountRead) -> ft.Control:
        app = self.app
        badges = [ft.Text(app.t(key), color=ft.Colors.RED_800, weight=ft.FontWeight.BOLD, key=f"{key}-{a.username}")
                  for key, on in (("users_disabled_badge", a.disabled), ("users_must_change_badge",
                                                                           a.must_change_password)) if on]
        toggle = ("enable", "enable_user") if a.disabled else ("disable", "disable_user")
        actions = ft.Row([self._button(toggle[1], f"{toggle[0]}-{a.username}", Pending(toggle[0], a)),
                          self._button("reset_password", f"reset-{a.username}", Pending("reset", a)),
                          self._button("move_user", f"move-{a.username}", Pending("move", a),
                                       label=app.t("move_user_label", user=a.username))], wrap=True)
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
        content: ft.Control = ft.Text(pending.text(app.t), key="users-confirm-text")
        if pending.act == "move":
            self.move_team = ft.Dropdown(key="move-team", label=app.t("move_to_team"), width=300, options=[
                ft.DropdownOption(key=str(t.id), text=t.name) for t in self.teams if t.key != pending.account.team])
            self.move_error.visible = False
            content = ft.Column([content, tagged(self.move_team, "move-team"), self.move_error], tight=True)
        dialog = ft.AlertDialog(
            key="users-confirm", modal=True, title=ft.Text(pending.title(app.t)), content=content,
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
        team = self.move_team.value if self.move_team is not None else None
        if pending is not None and pending.act == "move" and not team:
            self.move_error.value, self.move_error.visible = app.t("move_choose_team"), True
            app.page.update()
            return
        self.pending = None
        app.page.pop_dialog()
        if pending is None:
            return
        acts: dict[str, Callable[[], Awaitable[Any]]] = {
            "move": lambda: app.client.move_user(pending.account.id, UUID(str(team))),
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

    def _show_password(self, account: AccountRead, password: str, *, created: bool = False) -> None:
        """The temporary password, once: the beheerder hands it to the user."""
        app = self.app
        title, text = ("new_user_done_title", "new_user_done_text") if created else ("reset_done_title",
                                                                                     "reset_done_text")
        dialog = ft.AlertDialog(
            key="reset-done", modal=True, title=ft.Text(app.t(title)),
            content=ft.Column([ft.Text(app.t(text, user=account.username), key="reset-done-text"),
                               tagged(ft.Text(password, key="reset-password-value", selectable=True, size=20,
                                              weight=ft.FontWeight.BOLD, font_family="monospace"),
                                      "reset-password-value", password)], tight=True),
            actions=[ft.FilledButton(content=app.t("close"), on_click=lambda _e: app.page.pop_dialog(),
                                     key="reset-done-close", height=TOUCH)])
        app.page.show_dialog(dialog)


async def _nothing() -> None:
    return None
