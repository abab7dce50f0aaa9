"""One input per checklist question, by question type, saving each answer the moment it is given.

A ``QuestionInput`` is built once per (person, question) and reused when conditional questions come and
go, so a value the user typed (even an invalid one, with its error) survives re-layout. It converts between
the control's value and the template's ``AnswerValue`` and hands valid answers to ``save``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import flet as ft

from inspectie_app.i18n import parse_date, t
from inspectie_app.ui.widgets import scroll_target
from schemas.templates import AnswerValue, Question, QuestionType

SaveFn = Callable[["QuestionInput", AnswerValue], Awaitable[None]]
ScheduleFn = Callable[[Callable[[], Awaitable[None]], float], None]

TEXT_DEBOUNCE_SECONDS = 1.0


def ident(question_id: str, person_id: str | None) -> str:
    return question_id if person_id is None else f"{person_id}-{question_id}"


class QuestionInput:
    def __init__(self, question: Question, person_id: str | None, value: AnswerValue, lang: str, *,
                 save: SaveFn, schedule: ScheduleFn, disabled: bool = False) -> None:
        self.question = question
        self.person_id = person_id
        self.lang = lang
        self.saved: AnswerValue = value
        self._save = save
        self._schedule = schedule
        self._generation = 0
        self.ident = ident(question.id, person_id)
        self.key = f"q-{self.ident}"
        self.error = ft.Text("", key=f"error-{self.ident}", color=ft.Colors.RED_800, visible=False)
        self.input = self._build(value, disabled)
        label = question.label.get(lang) + (" *" if question.required else "")
        parts: list[ft.Control] = []
        if hasattr(self, "field"):  # text-like: the field carries the label (one accessible name, no duplicate)
            self.field.label = label
            wrapper = ft.Semantics(identifier=self.key, content=self.input)
        else:
            parts.append(ft.Text(label, weight=ft.FontWeight.W_500, key=f"label-{self.ident}"))
            wrapper = ft.Semantics(identifier=self.key, label=label, content=self.input)
        if question.help:
            parts.append(ft.Text(question.help.get(lang), size=12, color=ft.Colors.GREY_700))
        parts += [wrapper, self.error]
        self.control = ft.Container(ft.Column(parts, spacing=4), key=scroll_target(f"qbox-{self.ident}"),
                                    padding=ft.Padding.symmetric(vertical=6))

    # --- building -----------------------------------------------------------------------------
    def _build(self, value: AnswerValue, disabled: bool) -> ft.Control:
        q = self.question
        kind = q.type
        if kind is QuestionType.YES_NO:
            current = None if value is None else ("yes" if value else "no")
            return self._radio([("yes", t("yes", self.lang)), ("no", t("no", self.lang))], current, disabled, True)
        if kind is QuestionType.YES_NO_UNKNOWN:
            opts = [(v, t(v, self.lang)) for v in ("yes", "no", "unknown")]
            return self._radio(opts, value if isinstance(value, str) else None, disabled, True)
        if kind is QuestionType.CHOICE:
            opts = [(o.value, o.label.get(self.lang)) for o in q.options]
            return self._radio(opts, value if isinstance(value, str) else None, disabled, len(opts) <= 3)
        if kind is QuestionType.MULTI_CHOICE:
            chosen = set(value) if isinstance(value, list) else set()
            self.checks = [
                ft.Checkbox(label=o.label.get(self.lang), value=o.value in chosen, data=o.value, disabled=disabled,
                            key=f"{self.key}-{o.value}", on_change=self._on_checks)
                for o in q.options
            ]
            return ft.Column(list[ft.Control](self.checks), spacing=0, key=self.key)
        if kind is QuestionType.NUMBER:
            text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
            return self._text_field(text, disabled, keyboard=ft.KeyboardType.NUMBER, suffix=q.unit)
        if kind is QuestionType.DATE:
            d = parse_date(value) if isinstance(value, str) else None
            field = self._text_field(d.strftime("%d-%m-%Y") if d else "", disabled, keyboard=ft.KeyboardType.DATETIME,
                                     hint=t("date_hint", self.lang))
            self.date_picker = ft.DatePicker(first_date=datetime(1900, 1, 1), last_date=datetime(2100, 12, 31),
                                             on_change=self._on_date_picked, key=f"{self.key}-picker")
            pick = ft.IconButton(ft.Icons.CALENDAR_MONTH, tooltip=t("pick_date", self.lang), on_click=self._open_picker,
                                 disabled=disabled, key=f"{self.key}-pick")
            return ft.Row([field, pick])
        multiline = kind is QuestionType.TEXT
        return self._text_field("" if value is None else str(value), disabled, multiline=multiline)

    def _radio(self, opts: list[tuple[str, str]], current: str | None, disabled: bool, row: bool) -> ft.Control:
        radios: list[ft.Control] = [ft.Radio(value=v, label=label, disabled=disabled) for v, label in opts]
        layout = ft.Row(radios, wrap=True) if row else ft.Column(radios, spacing=0)
        self.group = ft.RadioGroup(content=layout, value=current, on_change=self._on_radio, key=self.key,
                                   disabled=disabled)
        return self.group

    def _text_field(self, text: str, disabled: bool, *, keyboard: ft.KeyboardType | None = None,
                    suffix: str | None = None, hint: str | None = None, multiline: bool = False) -> ft.TextField:
        self.field = ft.TextField(
            value=text, key=self.key, disabled=disabled, keyboard_type=keyboard or ft.KeyboardType.TEXT,
            suffix=suffix, hint_text=hint,
            multiline=multiline, min_lines=3 if multiline else None, max_lines=8 if multiline else 1,
            expand=not multiline and keyboard is not ft.KeyboardType.NUMBER,
            width=260 if keyboard is ft.KeyboardType.NUMBER else None,
            on_change=self._on_text_change, on_blur=self._on_text_commit, on_submit=self._on_text_commit,
        )
        return self.field

    # --- events -------------------------------------------------------------------------------
    async def _on_radio(self, e: Any) -> None:
        raw = self.group.value
        if self.question.type is QuestionType.YES_NO:
            await self.commit(None if raw is None else raw == "yes")
        else:
            await self.commit(raw)

    async def _on_checks(self, e: Any) -> None:
        await self.commit([str(c.data) for c in self.checks if c.value])

    async def _on_text_change(self, e: Any) -> None:
        self._generation += 1
        generation = self._generation

        async def later() -> None:
            if generation == self._generation:
                await self._on_text_commit()

        parsed = self.parse_text()
        if parsed is not _INVALID:
            self.show_error(None)
            self._schedule(later, TEXT_DEBOUNCE_SECONDS)

    async def _on_text_commit(self, e: Any = None) -> None:
        value = self.parse_text()
        if value is _INVALID:
            key = "number_invalid" if self.question.type is QuestionType.NUMBER else "date_invalid"
            self.show_error(t(key, self.lang))
            return
        await self.commit(value)

    async def _open_picker(self, e: Any) -> None:
        d = parse_date(self.field.value or "")
        self.date_picker.value = datetime(d.year, d.month, d.day) if d else None
        ft.context.page.show_dialog(self.date_picker)

    async def _on_date_picked(self, e: Any) -> None:
        picked = self.date_picker.value
        if picked is None:
            return
        day = picked.date() if isinstance(picked, datetime) else picked
        self.field.value = day.strftime("%d-%m-%Y")
        await self.commit(day.isoformat())

    # --- values -------------------------------------------------------------------------------
    def parse_text(self) -> Any:
        """The typed text as an AnswerValue, or ``_INVALID`` when it cannot be one."""
        text = (self.field.value or "").strip()
        kind = self.question.type
        if kind is QuestionType.NUMBER:
            return parse_number(text)
        if kind is QuestionType.DATE:
            if not text:
                return None
            d = parse_date(text)
            return d.isoformat() if isinstance(d, date) else _INVALID
        return self.field.value or None

    async def commit(self, value: AnswerValue) -> None:
        if value == self.saved and not self.error.visible:
            return
        await self._save(self, value)

    def show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = bool(message)
        if hasattr(self, "field"):
            self.field.error = message or None


class _Invalid:
    def __repr__(self) -> str:
        return "<invalid>"


_INVALID: Any = _Invalid()


def parse_number(text: str) -> Any:
    """'12' -> 12, '12,5' -> 12.5, '' -> None, anything else -> _INVALID."""
    if not text:
        return None
    text = text.replace(",", ".").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        return _INVALID
    if number != number or number in (float("inf"), float("-inf")):
        return _INVALID
    return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number


def is_invalid(value: Any) -> bool:
    return value is _INVALID


async def sleep_then(fn: Callable[[], Awaitable[None]], delay: float) -> None:
    await asyncio.sleep(delay)
    await fn()
