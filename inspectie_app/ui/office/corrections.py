"""The team lead corrects one answer or the note of a control (``OfficeClient.correct_finding``).

The value is entered with the tablet's own ``QuestionInput`` (same input per question type, same parsing of
numbers and dd-mm-jjjj dates) and checked with the same ``check_answer`` before it is sent; the server checks
again. After a correction the detail is drawn again, so answers, flag and the conflicts panel are current.
The API takes no reason: the correction is recorded in the history with its author and time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import flet as ft

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.inspector.questions import QuestionInput, is_invalid
from inspectie_app.ui.widgets import TOUCH, answer_text, heading, tagged
from schemas.conflicts import FindingCorrection
from schemas.records import InspectionDetail
from schemas.templates import AnswerValue, Question, QuestionType, Template, check_answer

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

NOTE = "note"
NOTE_MAX = 20000


class CorrectionPanel:
    """A question picker, the input for the picked question and a save button (teamleider only)."""

    def __init__(self, app: Office, inspection_id: UUID, detail: InspectionDetail,
                 template: Template | None) -> None:
        self.app = app
        self.id = inspection_id
        self.detail = detail
        self.template = template
        self.choices: dict[str, tuple[str | None, Question | None]] = {}
        self.picker = ft.Dropdown(key="correction-field", width=520, on_select=self._on_pick, enable_filter=False)
        self.slot = ft.Container(key="correction-input")
        self.current = ft.Text("", key="correction-current", size=12, visible=False)
        self.error = ft.Text("", key="correction-error", color=ft.Colors.RED_800, visible=False)
        self.note = ft.TextField(key="correction-note", multiline=True, min_lines=3, max_lines=10,
                                 max_length=NOTE_MAX)
        self.input: QuestionInput | None = None
        self.pending: AnswerValue = None
        self.chosen: str | None = None

    def controls(self) -> list[ft.Control]:
        app = self.app
        role = app.client.user.role if app.client.user else ""
        if role != "teamleider" or self.template is None:
            return []
        self.picker.label = app.t("correction_field")
        self.picker.options = self._options(self.template)
        save = ft.FilledButton(content=app.t("correction_save"), icon=ft.Icons.EDIT, on_click=self.save,
                               key="correction-save", height=TOUCH)
        body = ft.Column([
            heading(app.t("correction_title"), size=18, key="correction-title"),
            ft.Text(app.t("correction_help"), size=12),
            tagged(self.picker, "correction-field", app.t("correction_field")),
            self.current,
            self.slot,
            self.error,
            tagged(save, "correction-save"),
        ], spacing=8)
        # no explicit key on the panel: Flet diffs a rebuilt control with the same key as frozen, and this
        # panel's input slot and error line change after it is drawn
        return [ft.Container(body, padding=12, border_radius=ft.BorderRadius.all(8), bgcolor=ft.Colors.BLUE_GREY_50)]

    # --- choosing -----------------------------------------------------------------------------
    def _options(self, template: Template) -> list[ft.DropdownOption]:
        lang = self.app.lang
        options: list[ft.DropdownOption] = []
        self.choices = {}

        def add(key: str, text: str, person_id: str | None, question: Question | None) -> None:
            self.choices[key] = (person_id, question)
            options.append(ft.DropdownOption(key=key, text=text))

        for section in template.sections:
            for q in section.questions:
                add(f"q|{q.id}", q.label.get(lang), None, q)
        for person in self.detail.persons:
            for section in template.person_module:
                for q in section.questions:
                    add(f"p|{person.id}|{q.id}", self.app.t("correction_person_question", person=person.label,
                                                             question=q.label.get(lang)), person.id, q)
        add(NOTE, self.app.t("correction_note_label"), None, None)
        return options

    async def _on_pick(self, e: Any = None) -> None:
        self.pick(self.picker.value)
        self.app.page.update()

    def pick(self, key: str | None) -> None:
        """Show the input for the chosen question (pre-filled with the value the control holds now)."""
        self._show_error(None)
        self.chosen = key if key in self.choices else None
        if self.chosen is None:
            self.slot.content, self.input, self.current.visible = None, None, False
            return
        person_id, question = self.choices[self.chosen]
        if question is None:
            self.input = None
            self.note.label = self.app.t("correction_note_label")
            self.note.value = self.detail.note
            self.slot.content = tagged(self.note, "correction-note", self.app.t("correction_note_label"))
            self.current.visible = False
            return
        now = self._current(person_id, question)
        self.pending = now
        self.input = QuestionInput(question, person_id, now, self.app.lang, save=self._take, schedule=_no_schedule)
        self.slot.content = self.input.control
        self.current.value = self.app.t("correction_current", value=answer_text(question, now, self.app.lang))
        self.current.visible = True

    def _current(self, person_id: str | None, question: Question) -> AnswerValue:
        if person_id is None:
            return self.detail.answers.get(question.id)
        person = next((p for p in self.detail.persons if p.id == person_id), None)
        return person.answers.get(question.id) if person else None

    async def _take(self, qi: QuestionInput, value: AnswerValue) -> None:
        """``QuestionInput`` hands over a parsed value (radio, checkbox, date picked, text committed)."""
        self.pending = value
        qi.show_error(None)

    # --- saving -------------------------------------------------------------------------------
    def value(self) -> tuple[FindingCorrection | None, str | None]:
        """The correction to send, or the words for what is wrong with the input."""
        app = self.app
        if self.chosen is None:
            return None, app.t("correction_pick")
        person_id, question = self.choices[self.chosen]
        if question is None:
            text = self.note.value or ""
            if text == self.detail.note:
                return None, app.t("correction_unchanged")
            return FindingCorrection(note=text), None
        qi = self.input
        assert qi is not None
        value = self.pending
        if hasattr(qi, "field"):  # text-like: read what is typed now (no debounce in the office)
            value = qi.parse_text()
            if is_invalid(value):
                key = "number_invalid" if question.type is QuestionType.NUMBER else "date_invalid"
                qi.show_error(app.t(key))
                return None, app.t(key)
        problem = check_answer(question, value)
        if problem is not None:
            message = app.t("answer_invalid", detail=problem)
            qi.show_error(message)
            return None, message
        if value == self._current(person_id, question):
            return None, app.t("correction_unchanged")
        return FindingCorrection(question_id=question.id, person_id=person_id, value=value), None

    async def save(self, _e: Any = None) -> None:
        app = self.app
        correction, problem = self.value()
        if correction is None:
            self._show_error(problem)
            app.page.update()
            return
        try:
            await app.client.correct_finding(self.id, correction)
        except OfficeError as exc:
            self._show_error(app.error_text(exc))
            app.page.update()
            return
        await app.show_detail(self.id)  # answers, flag and the conflicts panel drawn again from the server
        app.say(app.t("correction_saved"))

    def _show_error(self, message: str | None) -> None:
        self.error.value = message or ""
        self.error.visible = bool(message)


def _no_schedule(_fn: Any, _delay: float) -> None:
    """The office saves on the button, not while typing: the debounced save of the tablet is not needed."""
