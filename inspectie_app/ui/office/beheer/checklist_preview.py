"""The draft as the inspector will see it: the inspector app's own question inputs (``ui.inspector.questions``) in a
tablet-sized frame (800 × 1280, portrait), section by section, the premises first and then one person. Answers given
here live only in this frame; they make the conditional questions come and go as on the tablet. Nothing is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import flet as ft

from inspectie_app.ui.inspector.questions import QuestionInput
from inspectie_app.ui.widgets import heading, tagged
from schemas.templates import AnswerValue, Question, QuestionType, Scope, Section, Template, visible_questions

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

TABLET_WIDTH, TABLET_HEIGHT = 800, 1280
PERSON = "preview-person-1"


class Preview:
    def __init__(self, app: Office, template: Template) -> None:
        self.app = app
        self.template = template
        self.answers: dict[str | None, dict[str, AnswerValue]] = {None: {}, PERSON: {}}
        self.inputs: dict[tuple[str | None, str], ft.Control] = {}
        self.columns: list[tuple[str | None, Section, ft.Column]] = []

    def control(self) -> ft.Control:
        lang = self.app.lang
        parts: list[ft.Control] = [heading(self.template.title.get(lang), 22, key="cl-preview-title")]
        parts += [self._card(None, s) for s in self.template.sections]
        if self.template.person_module:
            parts.append(heading(self.app.t("cl_preview_person"), 20, key="cl-preview-person"))
            parts += [self._card(PERSON, s) for s in self.template.person_module]
        screen = ft.Column(parts, scroll=ft.ScrollMode.AUTO, spacing=8, key="cl-preview-scroll")
        return tagged(ft.Container(screen, width=TABLET_WIDTH, height=TABLET_HEIGHT, padding=16, key="cl-preview-frame",
                                   border=ft.Border.all(8, ft.Colors.BLUE_GREY_800),
                                   border_radius=ft.BorderRadius.all(24), bgcolor=ft.Colors.WHITE),
                      "cl-preview-frame")

    def _card(self, person: str | None, section: Section) -> ft.Control:
        column = ft.Column(spacing=4, key=f"cl-preview-section-{person or 'pand'}-{section.id}")
        self.columns.append((person, section, column))
        self._layout(person, section, column)
        return ft.Card(ft.Container(ft.Column([heading(section.title.get(self.app.lang), 18), column]), padding=12))

    def _layout(self, person: str | None, section: Section, column: ft.Column) -> None:
        scope = Scope.PREMISES if person is None else Scope.PERSON
        shown = {q.id for q in visible_questions(self.template.questions(scope), self.answers[person])}
        column.controls = [self._input(person, q) for q in section.questions if q.id in shown]

    def _input(self, person: str | None, q: Question) -> ft.Control:
        key = (person, q.id)
        if key not in self.inputs:
            if q.type is QuestionType.IDENTIFIER:  # on the tablet: type a value and press Vastleggen
                self.inputs[key] = ft.Column([ft.Text(q.label.get(self.app.lang), weight=ft.FontWeight.W_500),
                                              ft.Text(self.app.t("cl_preview_identifier"), size=12,
                                                      color=ft.Colors.GREY_700)])
            else:
                self.inputs[key] = QuestionInput(q, person, None, self.app.lang, save=self._answered,
                                                 schedule=self._schedule).control
        return self.inputs[key]

    async def _answered(self, source: QuestionInput, value: AnswerValue) -> None:
        self.answers[source.person_id][source.question.id] = value
        source.saved = value
        for person, section, column in self.columns:
            self._layout(person, section, column)
        self.app.page.update()

    def _schedule(self, fn: Callable[[], Awaitable[None]], delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(delay)
            await fn()

        self.app.page.run_task(later)
