"""What both apps set on their page for accessibility (WCAG 2.1 AA): the colours of ``palette``, a focus ring
that shows (not Material's faint tint), 48 px targets on radios and checkboxes, Dutch or English dates in the
date picker, and the page's language for assistive technology.

The page's ``<html lang>`` comes from ``web_page.index_dir``: it starts as ``nl`` and follows the semantics node
this module tags ``page-lang-<lang>`` (see ``language_marker``), so a screen reader reads English once the user
switches.
"""

from __future__ import annotations

import flet as ft

from inspectie_app.ui import palette

LOCALES = {"nl": ft.Locale("nl", "NL"), "en": ft.Locale("en", "GB")}


def _focus_ring() -> ft.ButtonStyle:
    """A button's border while it has keyboard focus: 3 px of ``palette.FOCUS`` (≥ 3:1 on every background)."""
    return ft.ButtonStyle(side={ft.ControlState.FOCUSED: ft.BorderSide(3, palette.FOCUS)})


def build_theme() -> ft.Theme:
    """The theme both apps use."""
    ring = _focus_ring()
    disc = ft.Colors.with_opacity(palette.FOCUS_OVERLAY_ALPHA, palette.FOCUS)
    return ft.Theme(
        visual_density=ft.VisualDensity.STANDARD,  # not the desktop default "compact": 32 px radio rows
        focus_color=ft.Colors.with_opacity(0.3, palette.FOCUS),
        card_bgcolor=palette.CARD,
        filled_button_theme=ft.FilledButtonTheme(style=ring),
        outlined_button_theme=ft.OutlinedButtonTheme(style=ring),
        text_button_theme=ft.TextButtonTheme(style=ring),
        button_theme=ft.ButtonTheme(style=ring),
        icon_button_theme=ft.IconButtonTheme(style=ring),
        radio_theme=ft.RadioTheme(overlay_color={ft.ControlState.FOCUSED: disc},
                                  visual_density=ft.VisualDensity.STANDARD),
        checkbox_theme=ft.CheckboxTheme(overlay_color={ft.ControlState.FOCUSED: disc},
                                        visual_density=ft.VisualDensity.STANDARD),
        switch_theme=ft.SwitchTheme(overlay_color={ft.ControlState.FOCUSED: disc}),
    )


def apply(page: ft.Page, lang: str) -> None:
    """Set the theme, the page colour and the locale (date pickers in the user's language) on ``page``."""
    page.theme = build_theme()
    page.theme_mode = ft.ThemeMode.LIGHT
    page.bgcolor = palette.PAGE
    set_locale(page, lang)


def set_locale(page: ft.Page, lang: str) -> None:
    """Dates, the date picker's month names and buttons in ``lang``."""
    page.locale_configuration = ft.LocaleConfiguration(supported_locales=list(LOCALES.values()),
                                                       current_locale=LOCALES.get(lang, LOCALES["nl"]))


def language_marker(content: ft.Control) -> ft.Semantics:
    """Wrap the app's header: its semantics identifier names the language, which the page's script copies into
    ``<html lang>``. Call ``mark_language`` when the language changes."""
    return ft.Semantics(identifier="page-lang-nl", content=content)


def mark_language(marker: ft.Semantics, lang: str) -> None:
    marker.identifier = f"page-lang-{lang}"
