"""The inspector app built from its settings alone: the entry of a tablet build (``flet_main.py``, ``flet build``,
docs/TABLETS.md) and of ``inspectie-app`` (which lets three settings be overridden on the command line).

Settings come from the environment and the app's settings file (``inspectie_app.config``). On a tablet nobody
reads a traceback, so settings that cannot be read open a page that says so in Dutch and English instead of a
crash.
"""

from __future__ import annotations

import tomllib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import flet as ft
from pydantic import ValidationError

from inspectie_app.config import AppSettings, settings_file

FletMain = Callable[[ft.Page], Awaitable[None]]


class SettingsProblem(Exception):
    """The app's settings cannot be read: the message names the file or variable and what is wrong."""


def load_settings() -> AppSettings:
    """The app's settings; ``SettingsProblem`` with a readable message when the file or a variable is wrong."""
    try:
        return AppSettings()
    except tomllib.TOMLDecodeError as exc:
        raise SettingsProblem(f"{settings_file()}: {exc}") from None
    except ValidationError as exc:
        wrong = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise SettingsProblem(f"{settings_file()} / INSPECTIE_APP_*: {wrong}") from None


def make_main(service: Any, sync_interval: float) -> FletMain:
    """The Flet main: starts the background sync on the first session (it needs the running loop)."""
    from inspectie_app.ui.inspector import make_inspector_main

    inner = make_inspector_main(service)

    async def main(page: ft.Page) -> None:
        service.start_autosync(sync_interval)
        await inner(page)

    return main


def build_main(settings: AppSettings, *, data_dir: Path | None = None, server_url: str | None = None,
               sync_interval: float | None = None) -> FletMain:
    """The app's service over its data folder and server (settings, or the given overrides), as a Flet main."""
    from inspectie_app.services import build_service

    service = build_service(data_dir or settings.data_dir, server_url or settings.server_url,
                            photo_long_edge=settings.photo_long_edge, device_name=settings.device_name,
                            timeout=settings.request_timeout, photo_purge_days=settings.photo_purge_days,
                            outbox_history_days=settings.outbox_history_days,
                            control_keep_days=settings.control_keep_days)
    return make_main(service, settings.sync_interval if sync_interval is None else sync_interval)


def settings_problem_main(problem: SettingsProblem) -> FletMain:
    """A page that says the app cannot start because of its settings (for the beheerder who built it)."""

    async def main(page: ft.Page) -> None:
        page.title = "Inspectie"
        page.add(ft.Column([
            ft.Text("De app kan niet starten: de instellingen zijn onjuist.", size=20, weight=ft.FontWeight.BOLD),
            ft.Text("The app cannot start: its settings are wrong."),
            ft.Text(str(problem), selectable=True),
            ft.Text("Neem contact op met de functioneel beheerder (docs/TABLETS.md)."),
        ], spacing=12))

    return main


def tablet_main() -> FletMain:
    """The main of a packaged tablet app: everything from its settings."""
    try:
        settings = load_settings()
    except SettingsProblem as problem:
        return settings_problem_main(problem)
    return build_main(settings)
