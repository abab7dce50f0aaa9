"""The planner's tab row and small helpers the planner screens share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.ui.widgets import TOUCH, tagged

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

TABS = ("year", "schedule", "establishments", "suggestions", "matrix")


def tabs(app: Office, current: str) -> ft.Control:
    """One button per planner screen; the current one is filled."""
    buttons: list[ft.Control] = []
    role = app.client.user.role if app.client.user else ""
    for tab in TABS:
        if (tab == "schedule" and role != "planner") or (tab == "suggestions" and role == "beheerder"):
            continue
        cls = ft.FilledButton if tab == current else ft.OutlinedButton
        key = f"planner-tab-{tab}"
        buttons.append(tagged(cls(content=app.t(f"pl_tab_{tab}"), on_click=go(app, tab), key=key, height=TOUCH),
                              key))
    return ft.Row(buttons, wrap=True, key="planner-tabs")


def go(app: Office, tab: str, **kw: Any) -> Callable[[Any], Awaitable[None]]:
    async def handler(_e: Any = None) -> None:
        await app.show_planner(tab, **kw)

    return handler


def field_error(app: Office, problems: dict[str, str], name: str) -> str | None:
    code = problems.get(name)
    return app.t(code) if code else None


def text_field(key: str, label: str, value: str = "", width: int = 220, **kw: Any) -> ft.TextField:
    return ft.TextField(key=key, label=label, value=value, width=width, **kw)


def is_planner(app: Office) -> bool:
    return app.client.user is not None and app.client.user.role == "planner"
