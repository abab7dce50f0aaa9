"""The checklist for one inspection: questions by section, persons, photos, note, local flag, finish.

Each answer goes to ``service.set_answer`` the moment it is given; the returned state drives which
conditional questions are shown and the local flag. At level 3 the urgent guidance appears at once.
An identifier question records an identifier instead (``service.add_identifier`` with its question id); it never
has an answer, so it is never missing and never changes the flag. A change the server refused shows on its item
(``refusals``): a refused identifier on its line with *Corrigeren of verwijderen*, a refused answer on its question,
anything else in the *Door de server geweigerd* panel.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import flet as ft

from inspectie_app.contract import AppError, FinishError, InspectionState, LocalIdentifier
from inspectie_app.ui.inspector.conflicts import ConflictsNoticePanel
from inspectie_app.ui.inspector.extras import FlagPanel, PersonsPanel, PhotosPanel, UrgentBanner
from inspectie_app.ui.inspector.identifier_input import IdentifierFix, IdentifierInput
from inspectie_app.ui.inspector.questions import QuestionInput, ident
from inspectie_app.ui.inspector.refusals import RefusedPanel, is_answer, reason
from inspectie_app.ui.inspector.review_panels import CommentsPanel, IdentifiersPanel
from inspectie_app.ui.inspector.shell import Shell
from inspectie_app.ui.widgets import TOUCH, heading, level_badge, tagged
from schemas.records import InspectionStatus
from schemas.templates import AnswerValue, QuestionType, Scope, Section, visible_questions


class ChecklistScreen:
    def __init__(self, app: Shell, inspection_id: UUID) -> None:
        self.app = app
        self.id = inspection_id
        self.state: InspectionState | None = None
        self.inputs: dict[tuple[str | None, str], QuestionInput] = {}
        self.identifier_inputs: dict[tuple[str | None, str], IdentifierInput] = {}
        self.recorded: list[LocalIdentifier] = []  # the control's identifiers, for the identifier questions
        self.section_columns: list[tuple[str | None, Section, ft.Column]] = []
        self.urgent = UrgentBanner(self)
        self.flag = FlagPanel(self)
        self.persons = PersonsPanel(self)
        self.photos = PhotosPanel(self)
        self.comments = CommentsPanel(self)
        self.conflicts = ConflictsNoticePanel(self)
        self.identifiers = IdentifiersPanel(self)
        self.refused = RefusedPanel(self)
        self.missing = ft.Column(key="finish-missing", visible=False)
        self.note = ft.TextField(key="note", multiline=True, min_lines=3, max_lines=10, on_blur=self._save_note,
                                 on_submit=self._save_note)
        self._note_saved = ""

    @property
    def lang(self) -> str:
        return self.app.lang

    @property
    def finished(self) -> bool:
        return self.state is not None and self.state.status is InspectionStatus.FINISHED

    # --- render --------------------------------------------------------------------------------
    async def render(self) -> None:
        app = self.app
        self.state = state = await app.service.inspection(self.id)
        self.recorded = await app.service.identifiers(self.id)
        self.inputs.clear()
        self.identifier_inputs.clear()
        self.section_columns.clear()
        app.title.value = f"{state.template.title.get(self.lang)} — {state.address.one_line()}"
        back = ft.OutlinedButton(content=app.t("back"), icon=ft.Icons.ARROW_BACK, on_click=self._back,
                                 key="checklist-back", height=TOUCH)
        status = app.t("status_finished") if self.finished else app.t("status_draft")
        top = ft.Row([back, ft.Text(status, key="checklist-status"),
                      level_badge(state.server_level, self.lang, key="server-level")
                      if state.server_level is not None else ft.Container()], wrap=True)
        self._note_saved = state.note
        self.note.value = state.note
        self.note.label = app.t("note_label")
        self.note.disabled = self.finished
        finish = ft.FilledButton(content=app.t("finish"), icon=ft.Icons.CHECK, on_click=self.finish, key="finish",
                                 height=TOUCH, disabled=self.finished)
        app.body.controls = [
            top,
            self.comments.control,
            self.conflicts.control,
            self.refused.control,
            self.urgent.control,
            self.flag.control,
            ft.Text(app.t("required_legend"), size=12),
            *[self._section_card(None, s, state.answers) for s in state.template.sections],
            self.persons.control,
            self.photos.control,
            self.identifiers.control,
            heading(app.t("note_title")),
            tagged(self.note, "note"),
            self.missing,
            tagged(finish, "finish-button"),
        ]
        self.missing.visible = False
        await self.persons.render()
        await self.photos.render()
        await self.comments.render()
        await self.conflicts.render()
        await self.identifiers.render()
        await self.on_state(state, first=True)
        await self._show_refused()

    async def _show_refused(self) -> None:
        """Put each open rejection of this control on its item: identifiers show theirs on their own line, a refused
        answer on its question; the rest go to the panel."""
        status = await self.app.service.sync_status()
        shown = {i.id for i in self.recorded if i.refused is not None}
        rest = []
        for notice in (n for n in status.refused if n.inspection_id == self.id):
            if notice.identifier_id is not None and notice.identifier_id in shown:
                continue
            qi = self.inputs.get((notice.person_id, notice.question_id or "")) if is_answer(notice) else None
            if qi is not None:
                qi.show_error(self.app.t("answer_refused", reason=reason(self.app, notice)))
                continue
            rest.append(notice)
        self.refused.show(rest)

    def _section_card(self, person_id: str | None, section: Section, answers: dict[str, AnswerValue]) -> ft.Control:
        column = ft.Column(spacing=4, key=f"section-{ident(section.id, person_id)}")
        self.section_columns.append((person_id, section, column))
        self._layout(person_id, section, column, answers)
        return ft.Card(ft.Container(ft.Column([heading(section.title.get(self.lang), size=18), column]),
                                    padding=12))

    def person_sections(self, person_id: str, answers: dict[str, AnswerValue]) -> list[ft.Control]:
        assert self.state is not None
        return [self._section_card(person_id, s, answers) for s in self.state.template.person_module]

    def forget_person(self, person_id: str) -> None:
        self.section_columns = [c for c in self.section_columns if c[0] != person_id]
        self.inputs = {k: v for k, v in self.inputs.items() if k[0] != person_id}
        self.identifier_inputs = {k: v for k, v in self.identifier_inputs.items() if k[0] != person_id}

    def _layout(self, person_id: str | None, section: Section, column: ft.Column,
                answers: dict[str, AnswerValue]) -> None:
        """Show the questions of ``section`` that are visible for these answers (scope-wide conditions)."""
        assert self.state is not None
        scope = Scope.PREMISES if person_id is None else Scope.PERSON
        shown = {q.id for q in visible_questions(self.state.template.questions(scope), answers)}
        column.controls = [self._input(person_id, q.id, answers).control
                           for q in section.questions if q.id in shown]

    def _input(self, person_id: str | None, question_id: str,
               answers: dict[str, AnswerValue]) -> QuestionInput | IdentifierInput:
        key = (person_id, question_id)
        if key in self.inputs or key in self.identifier_inputs:
            return self.inputs.get(key) or self.identifier_inputs[key]
        assert self.state is not None
        scope = Scope.PREMISES if person_id is None else Scope.PERSON
        q = self.state.template.question(question_id, scope)
        assert q is not None
        if q.type is QuestionType.IDENTIFIER:
            widget = self.identifier_inputs[key] = IdentifierInput(q, person_id, self.lang, add=self.add_identifier,
                                                                   disabled=self.finished, fix=self.fix_identifier)
            widget.show_recorded(self.recorded)
            return widget
        self.inputs[key] = QuestionInput(q, person_id, answers.get(question_id), self.lang, save=self.save,
                                         schedule=self.app.schedule, disabled=self.finished)
        return self.inputs[key]

    # --- state ---------------------------------------------------------------------------------
    def answers_for(self, person_id: str | None) -> dict[str, AnswerValue]:
        assert self.state is not None
        if person_id is None:
            return self.state.answers
        person = next((p for p in self.state.persons if p.id == person_id), None)
        return person.answers if person else {}

    async def on_state(self, state: InspectionState, first: bool = False) -> None:
        """A new state from the service: re-layout conditional questions, redraw the flag."""
        self.state = state
        for person_id, section, column in self.section_columns:
            self._layout(person_id, section, column, self.answers_for(person_id))
        self.flag.show(state.flag)
        await self.urgent.show(state.flag, popup=not self.finished)

    async def save(self, qi: QuestionInput, value: AnswerValue) -> None:
        try:
            state = await self.app.service.set_answer(self.id, qi.question.id, value, person_id=qi.person_id)
        except AppError as exc:
            qi.show_error(self.app.error_text(exc))
            return
        qi.saved = value
        qi.show_error(None)
        await self.on_state(state)
        await self.app.sync_bar.refresh()
        self.app.changed()

    async def add_identifier(self, widget: IdentifierInput, value: str) -> None:
        """Record what an identifier question was given; the service refuses what normalises to nothing."""
        try:
            await self.app.service.add_identifier(self.id, widget.kind, value, question_id=widget.question.id)
        except AppError as exc:
            widget.show_error(self.app.error_text(exc))
            return
        widget.recorded_ok()
        await self.identifiers_changed()
        await self.app.sync_bar.refresh()
        self.app.changed()

    async def fix_identifier(self, identifier: LocalIdentifier) -> None:
        """Open *Kenmerk corrigeren of verwijderen* for one of the control's identifiers."""
        IdentifierFix(self.app, self.id, identifier, self._identifier_fixed).open()

    async def _identifier_fixed(self, message: str) -> None:
        await self.identifiers_changed()
        await self.app.sync_bar.refresh()
        self.app.toast(self.app.t(message))
        self.app.changed()

    async def identifiers_changed(self) -> None:
        """Reload the control's identifiers into every identifier question and the Kenmerken panel."""
        self.recorded = await self.app.service.identifiers(self.id)
        for widget in self.identifier_inputs.values():
            widget.show_recorded(self.recorded)
        await self.identifiers.render()

    async def _save_note(self, _e: Any = None) -> None:
        text = self.note.value or ""
        if text == self._note_saved or self.finished:
            return
        try:
            await self.app.service.set_note(self.id, text)
        except AppError as exc:
            self.note.error = self.app.error_text(exc)
            return
        self._note_saved = text
        self.note.error = None
        await self.app.sync_bar.refresh()

    # --- finish --------------------------------------------------------------------------------
    async def finish(self, _e: Any = None) -> None:
        app = self.app
        await self._save_note()
        try:
            flag = await app.service.finish(self.id)
        except FinishError as exc:
            await self._show_missing(exc)
            return
        except AppError as exc:
            app.toast(app.error_text(exc))
            return
        self.missing.visible = False
        dialog = ft.AlertDialog(
            key="finish-dialog",
            modal=True,
            title=ft.Text(app.t("finish_done_title")),
            content=ft.Column([ft.Text(app.t("finish_done_text", level=app.t(f"level_{flag.level}")),
                                       key="finish-result"), level_badge(flag.level, self.lang)], tight=True),
            actions=[ft.FilledButton(content=app.t("close"), on_click=self._finish_done, key="finish-close",
                                     height=TOUCH)],
        )
        app.page.show_dialog(dialog)

    async def _finish_done(self, _e: Any = None) -> None:
        self.app.page.pop_dialog()
        await self.app.show_home()

    async def _show_missing(self, exc: FinishError) -> None:
        app = self.app
        labels = {p.id: p.label for p in (self.state.persons if self.state else [])}
        items: list[ft.Control] = [ft.Text(app.t("finish_missing_required"), color=ft.Colors.RED_800,
                                           weight=ft.FontWeight.BOLD, key="missing-title")]
        for person_id, question in exc.missing:
            text = question.label.get(self.lang)
            if person_id is not None:
                text = app.t("missing_person", label=labels.get(person_id, person_id), question=text)
            target = f"qbox-{ident(question.id, person_id)}"
            entry = f"missing-{ident(question.id, person_id)}"
            items.append(tagged(ft.TextButton(content=text, key=entry, on_click=self._jump_handler(target),
                                              height=TOUCH), entry))
            qi = self.inputs.get((person_id, question.id))
            if qi is not None:
                qi.show_error(app.t("required_field"))
        self.missing.controls = items
        self.missing.visible = True
        if exc.missing:
            person_id, question = exc.missing[0]
            await self.jump_to(f"qbox-{ident(question.id, person_id)}")

    def _jump_handler(self, target: str) -> Any:
        async def jump(_e: Any = None) -> None:
            await self.jump_to(target)

        return jump

    async def jump_to(self, key: str) -> None:
        """Scroll the checklist to the question box ``key`` (its Container carries an ``ft.ScrollKey``: a plain
        string key is no scroll target, and the web build then did not move at all)."""
        self.app.page.update()
        try:
            await self.app.body.scroll_to(scroll_key=key, duration=300)
        except Exception:  # noqa: BLE001 - scrolling is a convenience; the list of missing answers remains
            return

    async def _back(self, _e: Any = None) -> None:
        await self._save_note()
        await self.app.show_home()
