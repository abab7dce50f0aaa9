"""The inspector's tablet app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from inspectie_app.contract import InspectorServiceProtocol
from inspectie_app.ui.inspector.app import DEFAULT_REFRESH_SECONDS, InspectorApp

__all__ = ["InspectorApp", "make_inspector_main"]


def make_inspector_main(service: InspectorServiceProtocol, *, refresh_seconds: float | None = DEFAULT_REFRESH_SECONDS
                        ) -> Callable[[ft.Page], Awaitable[None]]:
    """The Flet ``main`` for the inspector app over ``service`` (one InspectorApp per page/session)."""

    async def main(page: ft.Page) -> None:
        app = InspectorApp(page, service, refresh_seconds=refresh_seconds)
        page.data = app
        await app.start()

    return main
