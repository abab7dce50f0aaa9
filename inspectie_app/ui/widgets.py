"""Small building blocks both apps share: level badges, semantic wrappers, headings, answer formatting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from inspectie_app.i18n import parse_date, t
from inspectie_app.ui import palette
from schemas.conflicts import DroppedPerson
from schemas.templates import AnswerValue, Question, QuestionType, Scope, Template

TOUCH = 48  # minimum touch target in px (WCAG / Material)

LEVEL_COLOURS = palette.LEVEL_COLOURS  # (background, text), contrast checked in tests/ui/test_palette_contrast.py

Handler = Callable[..., Awaitable[Any]]


def level_text(level: int | None, lang: str) -> str:
    return t("level_none" if level is None else f"level_{level}", lang)


def level_badge(level: int | None, lang: str, key: str | None = None) -> ft.Control:
    """A coloured pill with the level in words (colour is never the only carrier of meaning)."""
    bg, fg = LEVEL_COLOURS.get(level, LEVEL_COLOURS[None])
    text = level_text(level, lang)
    return ft.Semantics(
        label=t("level_label", lang, level=text),
        content=ft.Container(
            content=ft.Text(text, color=fg, weight=ft.FontWeight.BOLD, key=key),
            bgcolor=bg,
            padding=ft.Padding.symmetric(horizontal=10, vertical=4),
            border_radius=ft.BorderRadius.all(12),
        ),
    )


def tagged(control: ft.Control, identifier: str, label: str | None = None) -> ft.Semantics:
    """Wrap a control so a browser test can find it by ``flt-semantics-identifier``."""
    return ft.Semantics(identifier=identifier, label=label, content=control)


def scroll_target(value: str) -> ft.ScrollKey:
    """A key ``scroll_to(scroll_key=value)`` can find: only an ``ft.ScrollKey`` is a scroll target (a plain string
    key is not, and scrolling then does nothing in the web build)."""
    return ft.ScrollKey(value)  # type: ignore[call-arg]  # flet's lazy dataclass decorator hides the field from mypy


def column_headers(columns: list[tuple[str, int | None]], *, key: str, indent: int = 12) -> ft.Control:
    """A list's column headers above rows of the same widths (``None``: the column that expands), each one a
    header for assistive technology (WCAG 1.3.1)."""
    cells: list[ft.Control] = [
        ft.Container(ft.Semantics(header=True, content=ft.Text(text, weight=ft.FontWeight.BOLD, size=13)),
                     width=width, expand=width is None)
        for text, width in columns]
    return ft.Container(ft.Row(cells, wrap=False), padding=ft.Padding.symmetric(horizontal=indent), key=key)


def heading(text: str, size: int = 20, key: str | None = None) -> ft.Text:
    return ft.Text(text, size=size, weight=ft.FontWeight.BOLD, key=key)


def touch_button(label: str, on_click: Handler | None, *, key: str | None = None, icon: Any = None,
                 filled: bool = True, semantics: str | None = None, disabled: bool = False) -> ft.Control:
    cls = ft.FilledButton if filled else ft.OutlinedButton
    btn = cls(content=label, icon=icon, on_click=on_click, key=key, height=TOUCH, disabled=disabled,
              tooltip=semantics or label)
    return btn


def control_type_text(control_type: str, lang: str) -> str:
    key = f"type_{control_type}"
    text = t(key, lang)
    return control_type if text == t("unknown_error", lang, code=key) else text


def answer_text(q: Question, value: AnswerValue, lang: str) -> str:
    """A readable form of an answer for review screens."""
    if q.type is QuestionType.IDENTIFIER:  # never an answer: the identifier is kept as a keyed hash
        return t("identifier_answer", lang)
    if value is None or value == "" or value == []:
        return t("no_answer", lang)
    if q.type is QuestionType.YES_NO:
        return t("yes" if value else "no", lang)
    if q.type is QuestionType.YES_NO_UNKNOWN:
        return t(str(value), lang) if value in ("yes", "no", "unknown") else str(value)
    if q.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        labels = {o.value: o.label.get(lang) for o in q.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if q.type is QuestionType.DATE and isinstance(value, str):
        d = parse_date(value)
        return d.strftime("%d-%m-%Y") if d else value
    if q.type is QuestionType.NUMBER:
        num = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{num} {q.unit}" if q.unit else num
    return str(value)


def raw_answer_text(value: AnswerValue, lang: str) -> str:
    """An answer without its question (evidence lists)."""
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if value in ("yes", "no", "unknown"):
        return t(str(value), lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return t("no_answer", lang) if value is None else str(value)


def deleted_person_name(dropped: DroppedPerson | None, fallback: str) -> str:
    """The name a ``person`` conflict kept for the person deleted on the tablet, else ``fallback``."""
    return dropped.label if dropped and dropped.label else fallback


def dropped_corrections_text(dropped: DroppedPerson | None, template: Template | None, lang: str) -> str:
    """The office corrections a ``person`` conflict kept, in server order: "Leeftijd: 16; Paspoort ingehouden: ja"
    (question ids and raw values when the template is not at hand)."""
    if dropped is None:
        return "—"
    parts = []
    for question_id, answer in sorted(dropped.answers.items(), key=lambda kv: (kv[1].office_seq, kv[0])):
        question = template.question(question_id, Scope.PERSON) if template else None
        label = question.label.get(lang) if question else question_id
        value = answer_text(question, answer.value, lang) if question else raw_answer_text(answer.value, lang)
        parts.append(t("conflict_dropped_answer", lang, question=label, value=value))
    return "; ".join(parts) or "—"
