"""Accessibility in process (WCAG 2.1 AA): the names ``a11y.name_controls`` gives the controls Flutter leaves
unnamed, the theme's focus ring and 48 px density, the page's locale (a Dutch date picker) following the language,
and the web page's ``<html lang>``. The browser test ``tests/e2e/test_accessibility_browser.py`` proves the same in
Chromium's accessibility tree."""

from __future__ import annotations

import re
from typing import Any

import flet as ft
import pytest
from fastapi import FastAPI
from ui_support import harness, login, office

from inspectie_app.ui import a11y, palette, theme, web_page


def test_an_icon_button_is_named_by_its_tooltip() -> None:
    button = ft.IconButton(ft.Icons.CHEVRON_LEFT, tooltip="Vorige maand")
    a11y.name_controls(ft.Column([ft.Row([button])]), "nl")
    assert isinstance(button.icon, ft.Icon) and button.icon.semantics_label == "Vorige maand"
    assert button.size_constraints == ft.BoxConstraints(min_width=48, min_height=48)
    a11y.name_controls(ft.Column([button]), "nl")  # again: stays one icon with the label
    assert isinstance(button.icon, ft.Icon) and button.icon.semantics_label == "Vorige maand"


def test_the_walk_reaches_tables_dialogs_and_tiles() -> None:
    in_table, in_dialog, in_tile = (ft.IconButton(ft.Icons.ADD, tooltip=label) for label in ("a", "b", "c"))
    table = ft.DataTable(columns=[ft.DataColumn(ft.Text("Kolom"))], rows=[ft.DataRow(cells=[ft.DataCell(in_table)])])
    dialog = ft.AlertDialog(title=ft.Text("Titel"), actions=[in_dialog])
    tile = ft.ListTile(title=ft.Text("Regel"), trailing=in_tile)
    a11y.name_controls(ft.Column([table, dialog, tile]), "nl")
    assert [b.icon.semantics_label for b in (in_table, in_dialog, in_tile) if isinstance(b.icon, ft.Icon)] == \
        ["a", "b", "c"]


def test_an_icon_button_without_tooltip_is_left_alone() -> None:
    button = ft.IconButton(ft.Icons.ADD)
    a11y.name_controls(button, "nl")
    assert button.icon == ft.Icons.ADD


def _wrapper_of(dropdown: ft.Dropdown, root: ft.Control) -> ft.Semantics:
    [wrapper] = [c for c in a11y.walk(root) if isinstance(c, ft.Semantics) and c.content is dropdown]
    return wrapper


def test_a_dropdown_is_one_named_node_in_the_users_language() -> None:
    dropdown = ft.Dropdown(label="Type", options=[ft.DropdownOption(key="a", text="A")])
    box = ft.Container(dropdown)
    root = ft.Card(content=box)
    a11y.name_controls(root, "nl")
    merged = box.content
    assert isinstance(merged, ft.MergeSemantics)  # the dropdown's button and its label become one node
    assert _wrapper_of(dropdown, root).label == "Type"
    dropdown.label = "Type controle"
    a11y.name_controls(root, "en")  # drawn again: relabelled, not wrapped twice
    assert box.content is merged and _wrapper_of(dropdown, root).label == "Type controle"


def test_a_dropdown_without_label_still_gets_a_name_and_tagged_ones_keep_their_identifier() -> None:
    dropdown = ft.Dropdown()
    tag = ft.Semantics(identifier="filter-type", content=dropdown)
    root = ft.Row([tag])
    a11y.name_controls(root, "nl")
    assert isinstance(tag.content, ft.MergeSemantics) and tag.identifier == "filter-type"
    assert _wrapper_of(dropdown, root).label == "Keuzelijst"


def test_radios_and_checkboxes_get_48_px_rows_once() -> None:
    yes, no = ft.Radio(value="yes", label="Ja"), ft.Radio(value="no", label="Nee")
    row = ft.Row([yes, no], wrap=True)
    group = ft.RadioGroup(content=row)
    check = ft.Checkbox(label="Politie")
    column = ft.Column([group, check])
    for _ in range(2):
        a11y.name_controls(column, "nl")
        assert [type(c) for c in row.controls] == [ft.Container, ft.Container]
        assert [c.content for c in row.controls] == [yes, no]
        assert all(c.height == 48 for c in row.controls)
        assert isinstance(column.controls[1], ft.Container) and column.controls[1].content is check


async def test_the_password_eye_is_our_named_button_and_says_what_it_does() -> None:
    field = ft.TextField(password=True, can_reveal_password=True)
    a11y.name_controls(field, "nl")
    assert field.can_reveal_password is False
    button = field.suffix_icon
    assert isinstance(button, ft.IconButton) and button.tooltip == "Wachtwoord tonen"
    assert isinstance(button.icon, ft.Icon) and button.icon.semantics_label == "Wachtwoord tonen"
    assert button.width == button.height == 48
    toggle: Any = button.on_click
    await toggle(None)
    assert field.password is False and button.tooltip == "Wachtwoord verbergen"
    a11y.name_controls(ft.Column([field]), "en")  # the language changes while it is shown
    assert field.suffix_icon is button and button.tooltip == "Hide password"
    await toggle(None)
    assert field.password is True and button.tooltip == "Show password"


def test_selectable_text_is_read_as_its_text() -> None:
    note = ft.Text("Schimmel in de keuken.", selectable=True)
    plain = ft.Text("Gewone tekst")
    a11y.name_controls(ft.Column([note, plain]), "nl")
    assert note.semantics_label == "Schimmel in de keuken." and plain.semantics_label is None
    note.value = "Andere notitie"
    a11y.name_controls(note, "nl")
    assert note.semantics_label == "Andere notitie"


def test_a_password_field_without_eye_gets_none() -> None:
    field = ft.TextField(password=True)
    a11y.name_controls(field, "nl")
    assert field.suffix_icon is None


def test_the_theme_draws_a_focus_ring_and_full_size_targets() -> None:
    built = theme.build_theme()
    assert built.visual_density == ft.VisualDensity.STANDARD
    for button_theme in (built.filled_button_theme, built.outlined_button_theme, built.text_button_theme,
                         built.icon_button_theme, built.button_theme):
        assert button_theme is not None and button_theme.style is not None
        side = button_theme.style.side
        assert isinstance(side, dict)
        ring = side[ft.ControlState.FOCUSED]
        assert ring.width >= 2 and ring.color == palette.FOCUS
    assert built.radio_theme is not None and built.radio_theme.visual_density == ft.VisualDensity.STANDARD
    assert built.checkbox_theme is not None and built.checkbox_theme.visual_density == ft.VisualDensity.STANDARD


def test_the_web_page_says_dutch_and_follows_the_chosen_language() -> None:
    html = web_page.patched_index(web_page.flet_index_html().read_text(encoding="utf-8"))
    assert '<html lang="nl">' in html
    assert len(re.findall(r"<html\b", html)) == 1
    assert 'flt-semantics-identifier^="' in html and "page-lang-" in html and "MutationObserver" in html
    assert html.index("MutationObserver") < html.index("</head>")
    with open(f"{web_page.index_dir()}/index.html", encoding="utf-8") as written:
        assert written.read() == html


@pytest.mark.parametrize("broken", ["<head></head><body></body>", "<html><body></body></html>"])
def test_a_page_without_html_or_head_is_refused(broken: str) -> None:
    with pytest.raises(ValueError):
        web_page.patched_index(broken)


def _marker(page: ft.Page) -> str | None:
    return next((c.identifier for c in a11y.walk(page) if isinstance(c, ft.Semantics)
                 and (c.identifier or "").startswith("page-lang-")), None)


async def test_the_inspector_page_is_dutch_then_english(service: Any) -> None:
    async with harness(service) as h:
        page = h.page
        assert page.locale_configuration is not None
        assert page.locale_configuration.current_locale == ft.Locale("nl", "NL")
        assert page.bgcolor == palette.PAGE and page.theme is not None
        assert _marker(page) == "page-lang-nl"
        password = h.find_one(ft.TextField, key="login-password")
        assert isinstance(password.suffix_icon, ft.IconButton) and password.suffix_icon.tooltip == "Wachtwoord tonen"
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert page.locale_configuration.current_locale == ft.Locale("en", "GB")
        assert _marker(page) == "page-lang-en"
        assert password.suffix_icon.tooltip == "Show password"
        assert h.errors() == []


def _headers(h: Any, key: str) -> list[str]:
    box = h.find_one(ft.Container, key=key)
    found = [c for c in a11y.walk(box) if isinstance(c, ft.Semantics) and c.header]
    return [str(c.content.value) for c in found if isinstance(c.content, ft.Text)]


async def test_office_lists_have_column_headers_and_named_filters(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "teamleider1")
        assert _headers(h, "review-headers") == ["Niveau", "Type", "Adres", "Verificatie", "Inspecteur",
                                                 "Afgerond op", "Foto's"]
        for key in ("filter-type", "filter-status", "filter-inspector", "filter-neighbourhood"):
            dropdown = h.find_one(ft.Dropdown, key=key)
            wrapper = next(c for c in a11y.walk(h.page) if isinstance(c, ft.Semantics) and c.content is dropdown)
            assert wrapper.label == dropdown.label and wrapper.label
        assert _marker(h.page) == "page-lang-nl"
        await h.click(h.find_one(ft.TextButton, key="nav_signals"))
        assert _headers(h, "signals-headers")[:3] == ["Niveau", "Gemeld op", "Dagen"]
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        assert _headers(h, "signals-headers")[:3] == ["Level", "Raised on", "Days"]
        assert _marker(h.page) == "page-lang-en"
        assert h.page.locale_configuration is not None
        assert h.page.locale_configuration.current_locale == ft.Locale("en", "GB")
        assert h.errors() == []


async def test_every_update_names_what_it_sends(service: Any) -> None:
    """A control added by a handler or a background refresh is named before the update that sends it."""
    async with harness(service) as h:
        late = ft.IconButton(ft.Icons.ADD, tooltip="Later toegevoegd")
        dropdown = ft.Dropdown(label="Soort")
        h.page.data.body.controls += [late, dropdown]
        h.page.update()
        assert isinstance(late.icon, ft.Icon) and late.icon.semantics_label == "Later toegevoegd"
        assert any(isinstance(c, ft.MergeSemantics) for c in h.page.data.body.controls)
        assert h.errors() == []
