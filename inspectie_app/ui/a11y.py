"""Names and target sizes for the controls Flutter web leaves short (WCAG 2.1 SC 4.1.2, 2.5.5 in spirit).

Walking every screen's accessibility tree (``tests/e2e/test_accessibility_browser.py``) found:

- a ``Dropdown`` shows as a button without a name (its label is painted, not announced) — it is wrapped in a
  merged semantics node that carries the label;
- an ``IconButton``: its tooltip is shown on hover but is not its name — the icon gets a ``semantics_label``;
- the eye of a password field (``can_reveal_password``) — replaced by our own button, "Wachtwoord tonen";
- selectable text (the inspector's note, a level's rule line) is a disabled text box without a name — it is
  labelled with its own text, so it is read as text;
- radio buttons, checkboxes and icon buttons are 40 px high — each gets 48 px (``widgets.TOUCH``).

``name_controls(root, lang)`` walks a control tree and does all of it; ``install(page, lang)`` makes the page run it
before every update it sends, so a screen, a handler's change or a background refresh never reaches the browser
unnamed (a control first sent unwrapped and wrapped in a later update kept its unnamed node in the browser), and a
screen's author need not remember any of it.
Our wrappers carry ``WRAPPED`` in their ``data``, so a second pass relabels them instead of wrapping again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import flet as ft

from inspectie_app.i18n import t
from inspectie_app.ui.widgets import TOUCH

SKIPPED_FIELDS = {"data", "key", "tooltip", "badge"}
REVEAL_KEY = "password-reveal"
WRAPPED = "a11y-wrapper"


_FIELDS: dict[type, tuple[str, ...]] = {}


def _control_fields(cls: type) -> tuple[str, ...]:
    """The fields of a control class that can hold controls (content, controls, actions, rows, cells, views …),
    read from their type annotations once per class: walking every field of every control was too slow."""
    known = _FIELDS.get(cls)
    if known is not None:
        return known
    names = []
    for field in dataclasses.fields(cls):
        text = str(field.type)
        if field.name.startswith("_") or field.name in SKIPPED_FIELDS or "Callable" in text:
            continue
        text = text.replace("ControlState", "")  # colour maps per state hold no controls
        if any(word in text for word in ("Control", "DataRow", "DataCell", "DataColumn", "View]")):
            names.append(field.name)
    _FIELDS[cls] = tuple(names)
    return _FIELDS[cls]


def children(control: ft.BaseControl) -> Iterator[ft.BaseControl]:
    """The controls directly inside ``control``."""
    for name in _control_fields(type(control)):
        value = getattr(control, name, None)
        if isinstance(value, ft.BaseControl):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, ft.BaseControl))


def walk(root: ft.BaseControl) -> Iterator[ft.BaseControl]:
    """``root`` and every control inside it, in page order (a page: with its open dialogs)."""
    stack = [root]
    if isinstance(root, ft.BasePage):  # its open dialogs live in a private field
        dialogs = getattr(root, "_dialogs", None)
        stack.extend(reversed(getattr(dialogs, "controls", None) or []))
    while stack:
        control = stack.pop()
        yield control
        stack.extend(reversed(list(children(control))))


def name_controls(root: ft.BaseControl, lang: str) -> None:
    """Name every drop-down, icon button, password eye and selectable text under ``root`` (a page: with its open
    dialogs) in ``lang``, and give every radio button, checkbox and icon button 48 px."""
    for control in walk(root):  # walk reads a control's children after this loop's body changed them
        _wrap_children(control)
        if isinstance(control, ft.IconButton):
            _name_icon_button(control)
        elif isinstance(control, ft.TextField):
            _reveal_button(control, lang)
        elif isinstance(control, ft.Text):
            if control.selectable and isinstance(control.value, str):
                control.semantics_label = control.value  # else an unnamed, disabled text box
        elif isinstance(control, ft.Semantics) and control.data == WRAPPED and isinstance(control.content,
                                                                                          ft.Dropdown):
            control.label = _dropdown_label(control.content, lang)


def install(page: ft.Page, lang: Callable[[], str]) -> None:
    """Run ``name_controls`` over ``page`` (in the language ``lang()`` gives) before every update it sends."""
    send = page.update

    def update(*controls: ft.Control) -> None:
        name_controls(page, lang())
        send(*controls)

    object.__setattr__(page, "update", update)  # this page only; Flet's auto-update calls page.update too


def _is_wrapper(control: ft.BaseControl) -> bool:
    return getattr(control, "data", None) == WRAPPED


def _wrapped(child: ft.BaseControl, parent: ft.BaseControl) -> ft.BaseControl:
    """``child`` in our wrapper when it needs one and ``parent`` is not already ours."""
    if _is_wrapper(parent):
        return child
    if isinstance(child, ft.Dropdown):
        return ft.MergeSemantics(content=ft.Semantics(content=child, data=WRAPPED), data=WRAPPED)
    if isinstance(child, ft.Radio | ft.Checkbox):
        return ft.Container(content=child, height=TOUCH, data=WRAPPED)
    return child


WRAPPED_TYPES = (ft.Dropdown, ft.Radio, ft.Checkbox)


def _wrap_children(control: ft.BaseControl) -> None:
    for name in _control_fields(type(control)):
        value = getattr(control, name, None)
        if isinstance(value, WRAPPED_TYPES):
            replaced = _wrapped(value, control)
            if replaced is not value:
                setattr(control, name, replaced)
        elif isinstance(value, list) and any(isinstance(v, WRAPPED_TYPES) for v in value):
            items = [_wrapped(v, control) if isinstance(v, WRAPPED_TYPES) else v for v in value]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                setattr(control, name, items)


def _dropdown_label(dropdown: ft.Dropdown, lang: str) -> str:
    return dropdown.label if isinstance(dropdown.label, str) and dropdown.label else t("a11y_list", lang)


def _tooltip_text(tooltip: Any) -> str | None:
    if isinstance(tooltip, str):
        return tooltip or None
    message = getattr(tooltip, "message", None)
    return message if isinstance(message, str) and message else None


def _name_icon_button(button: ft.IconButton) -> None:
    if button.size_constraints is None and button.width is None and button.height is None:
        button.size_constraints = ft.BoxConstraints(min_width=TOUCH, min_height=TOUCH)  # 40 px by default
    label = _tooltip_text(button.tooltip)
    if label is None:
        return
    if isinstance(button.icon, ft.Icon):
        button.icon.semantics_label = label
    elif button.icon is not None and not isinstance(button.icon, ft.BaseControl):
        button.icon = ft.Icon(button.icon, semantics_label=label)


def _reveal_button(field: ft.TextField, lang: str) -> None:
    """Our own show/hide button instead of Flutter's unnamed eye; its name follows its state and the language
    (kept in the button's ``data``: the button is ours)."""
    button = field.suffix_icon
    if not (isinstance(button, ft.IconButton) and button.key == REVEAL_KEY):
        if not (field.password and field.can_reveal_password):
            return
        field.can_reveal_password = False
        button = ft.IconButton(width=TOUCH, height=TOUCH, key=REVEAL_KEY)

        async def toggle(_e: Any = None) -> None:
            field.password = not field.password
            _label_reveal(field, button)

        button.on_click = toggle
        field.suffix_icon = button
    button.data = lang
    _label_reveal(field, button)


def _label_reveal(field: ft.TextField, button: ft.IconButton) -> None:
    hidden = bool(field.password)
    label = t("a11y_show_password" if hidden else "a11y_hide_password", str(button.data or "nl"))
    button.icon = ft.Icon(ft.Icons.VISIBILITY if hidden else ft.Icons.VISIBILITY_OFF, semantics_label=label)
    button.tooltip = label
