"""The marker a catalogue re-evaluation leaves on a flag: "niveau gewijzigd: L2 ernstig signaal → L1 signaal na een
nieuwe indicatorcatalogus" (the levels in their one wording, no catalogue version: a team lead reads it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def level_change_text(app: Office, level: int | None, previous_level: int | None, changed: bool) -> str | None:
    """The words for the marker, or None when no new catalogue moved this control's level."""
    if not changed or previous_level is None or level is None or previous_level == level:
        return None
    return app.t("level_change_note", before=app.t(f"level_{previous_level}"), after=app.t(f"level_{level}"))


def level_change_controls(app: Office, flag: dict[str, Any] | None, key: str = "level-change") -> list[ft.Control]:
    """Zero or one line for a stored flag (the JSON form of ``FlagResult``)."""
    flag = flag or {}
    text = level_change_text(app, flag.get("level"), flag.get("previous_level"), bool(flag.get("level_changed")))
    if text is None:
        return []
    return [ft.Row([ft.Icon(ft.Icons.SWAP_VERT, color=ft.Colors.DEEP_PURPLE_700, size=18),
                    ft.Text(text, key=key, color=ft.Colors.DEEP_PURPLE_700, weight=ft.FontWeight.W_500)],
                   tight=True)]
