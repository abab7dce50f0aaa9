"""The beheerder's handhavingsmatrix as a form (issue 15 part B): per kind of violation its name and the steps in
their escalation order (the 1st, 2nd, … violation within the look-back period gets that step), each with its Dutch
and English text and its term in days; steps move up and down, categories and steps are added and removed. Every
field is checked in Dutch before anything is sent; each save is a new version (earlier ones stay as they were). The
planner and team lead read the matrix on the planner's tab (``planner/matrix.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import flet as ft
from pydantic import ValidationError

from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.beheer.catalogue import button
from inspectie_app.ui.widgets import heading, tagged
from schemas.planning import MAX_TERM_DAYS, EnforcementMatrix

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass
class StepForm:
    nl: str = ""
    en: str = ""
    term: str = "0"


@dataclass
class CategoryForm:
    id: str = ""
    nl: str = ""
    en: str = ""
    steps: list[StepForm] = field(default_factory=lambda: [StepForm()])


def form_of(matrix: EnforcementMatrix) -> tuple[str, list[CategoryForm]]:
    cats = [CategoryForm(id=c.id, nl=c.label.get("nl", ""), en=c.label.get("en", ""),
                         steps=[StepForm(nl=s.get("nl", ""), en=s.get("en", ""), term=str(c.term(i)))
                                for i, s in enumerate(c.steps)]) for c in matrix.categories]
    return str(matrix.lookback_months), cats


def problems_of(lookback: str, cats: list[CategoryForm]) -> dict[str, str]:
    """Field key → i18n key of what is wrong with it; empty when the form can be saved."""
    out: dict[str, str] = {}
    if not lookback.strip().isdigit() or not 1 <= int(lookback.strip()) <= 120:
        out["matrix-lookback"] = "mx_lookback_invalid"
    if not cats:
        out["matrix-categories"] = "mx_no_categories"
    seen: set[str] = set()
    for n, c in enumerate(cats):
        if not CATEGORY_ID.match(c.id.strip()):
            out[f"mx-{n}-id"] = "mx_id_invalid"
        elif c.id.strip() in seen:
            out[f"mx-{n}-id"] = "mx_id_taken"
        seen.add(c.id.strip())
        if not c.nl.strip() or not c.en.strip():
            out[f"mx-{n}-nl" if not c.nl.strip() else f"mx-{n}-en"] = "mx_text_needed"
        if not c.steps:
            out[f"mx-{n}-steps"] = "mx_no_steps"
        if len(c.steps) > 10:
            out[f"mx-{n}-steps"] = "mx_too_many_steps"
        for i, s in enumerate(c.steps):
            if not s.nl.strip():
                out[f"mx-{n}-{i}-nl"] = "mx_text_needed"
            if not s.en.strip():
                out[f"mx-{n}-{i}-en"] = "mx_text_needed"
            term = s.term.strip()
            if not term.isdigit() or int(term) > MAX_TERM_DAYS:
                out[f"mx-{n}-{i}-term"] = "mx_term_invalid"
    return out


def body_of(title: dict[str, str], lookback: str, cats: list[CategoryForm]) -> dict[str, Any]:
    return {"title": title, "lookback_months": int(lookback.strip()),
            "categories": [{"id": c.id.strip(), "label": {"nl": c.nl.strip(), "en": c.en.strip()},
                            "steps": [{"nl": s.nl.strip(), "en": s.en.strip()} for s in c.steps],
                            "term_days": [int(s.term.strip()) for s in c.steps]} for c in cats]}


class MatrixFormScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.loaded = False
        self.version = 0
        self.title: dict[str, str] = {}
        self.lookback = "24"
        self.cats: list[CategoryForm] = []
        self.problems: dict[str, str] = {}
        self.message = ""
        self.error = False
        self.fields: dict[str, ft.TextField] = {}
        self.message_text = ft.Text("", key="matrix-form-message", visible=False)

    async def render(self) -> None:
        app = self.app
        if not self.loaded:
            matrix = await app.client.enforcement_matrix()
            self.version, self.title = matrix.version, matrix.title
            self.lookback, self.cats = form_of(matrix)
            self.loaded = True
        app.title.value = app.t("mx_title", version=self.version)
        self.fields = {}
        self.message_text = ft.Text("", key="matrix-form-message")
        self._set_message()
        body: list[ft.Control] = [ft.Text(app.t("mx_intro", max=MAX_TERM_DAYS), key="matrix-form-intro"),
                                  self.message_text]
        body.append(self._field("matrix-lookback", app.t("mx_lookback"), self.lookback, 260,
                                lambda v: setattr(self, "lookback", v)))
        for n, c in enumerate(self.cats):
            body.append(self._category(n, c))
        body.append(ft.Row([button(app, "mx_add_category", "matrix-add-category", self._add_category),
                            button(app, "mx_save", "matrix-form-save", self.save, filled=True)], wrap=True))
        app.body.controls = body

    def _field(self, key: str, label: str, value: str, width: int, setter: Any, **kw: Any) -> ft.Control:
        problem = self.problems.get(key)

        def changed(e: Any) -> None:
            setter(e.control.value or "")
            self.problems.pop(key, None)
            e.control.error = None
            e.control.update()

        self.fields[key] = ft.TextField(key=key, label=label, value=value, width=width, on_change=changed,
                                        error=self.app.t(problem, max=MAX_TERM_DAYS) if problem else None, **kw)
        return tagged(self.fields[key], key)

    def _category(self, n: int, c: CategoryForm) -> ft.Control:
        app = self.app
        rows: list[ft.Control] = [
            heading(app.t("mx_category", n=n + 1), 16),
            ft.Row([self._field(f"mx-{n}-id", app.t("mx_category_id"), c.id, 240, lambda v: setattr(c, "id", v)),
                    self._field(f"mx-{n}-nl", app.t("mx_label_nl"), c.nl, 420, lambda v: setattr(c, "nl", v)),
                    self._field(f"mx-{n}-en", app.t("mx_label_en"), c.en, 420, lambda v: setattr(c, "en", v))],
                   wrap=True)]
        if f"mx-{n}-steps" in self.problems:
            rows.append(ft.Text(app.t(self.problems[f"mx-{n}-steps"]), color=ft.Colors.RED_800))
        for i, s in enumerate(c.steps):
            rows.append(ft.Row([
                ft.Text(app.t("mx_step_n", n=i + 1), width=80),
                self._field(f"mx-{n}-{i}-nl", app.t("mx_step_nl"), s.nl, 360, lambda v, s=s: setattr(s, "nl", v)),
                self._field(f"mx-{n}-{i}-en", app.t("mx_step_en"), s.en, 360, lambda v, s=s: setattr(s, "en", v)),
                self._field(f"mx-{n}-{i}-term", app.t("mx_term"), s.term, 160,
                            lambda v, s=s: setattr(s, "term", v), keyboard_type=ft.KeyboardType.NUMBER),
                button(app, "mx_up", f"mx-{n}-{i}-up", self._move(c, i, -1), label=app.t("mx_up_label", n=i + 1)),
                button(app, "mx_down", f"mx-{n}-{i}-down", self._move(c, i, 1),
                       label=app.t("mx_down_label", n=i + 1)),
                button(app, "remove", f"mx-{n}-{i}-remove", self._remove_step(c, i),
                       label=app.t("mx_remove_step", n=i + 1))], wrap=True))
        rows.append(ft.Row([button(app, "mx_add_step", f"mx-{n}-add-step", self._add_step(c)),
                            button(app, "mx_remove_category", f"mx-{n}-remove", self._remove_category(n))],
                           wrap=True))
        return ft.Container(ft.Column(rows, spacing=6), padding=8, key=f"mx-{n}",
                            border=ft.Border.all(1, ft.Colors.BLUE_GREY_100))

    async def _redraw(self) -> None:
        await self.app.show(self.render)

    def _set_message(self) -> None:
        self.message_text.value = self.message
        self.message_text.visible = bool(self.message)
        self.message_text.color = ft.Colors.RED_800 if self.error else ft.Colors.GREEN_800

    async def _show_outcome(self) -> None:
        """Show a save's outcome on the form as it is drawn: the message, the title and each field's problem.

        The form is not drawn again for this: a Flutter web text field that is drawn anew takes no keystrokes until
        another field had them, so the beheerder who corrects the field just marked would type into nothing. Only a
        problem without a field of its own (a kind of violation without steps) needs the form drawn again."""
        if any(key not in self.fields for key in self.problems):
            await self._redraw()
            return
        for key, text_field in self.fields.items():
            problem = self.problems.get(key)
            text_field.error = self.app.t(problem, max=MAX_TERM_DAYS) if problem else None
        self._set_message()
        self.app.title.value = self.app.t("mx_title", version=self.version)
        self.app.page.update()

    def _move(self, c: CategoryForm, i: int, by: int) -> Any:
        async def handler(_e: Any = None) -> None:
            j = i + by
            if 0 <= j < len(c.steps):
                c.steps[i], c.steps[j] = c.steps[j], c.steps[i]
                self.problems = {}
            await self._redraw()

        return handler

    def _add_step(self, c: CategoryForm) -> Any:
        async def handler(_e: Any = None) -> None:
            c.steps.append(StepForm())
            await self._redraw()

        return handler

    def _remove_step(self, c: CategoryForm, i: int) -> Any:
        async def handler(_e: Any = None) -> None:
            del c.steps[i]
            self.problems = {}
            await self._redraw()

        return handler

    async def _add_category(self, _e: Any = None) -> None:
        self.cats.append(CategoryForm())
        await self._redraw()

    def _remove_category(self, n: int) -> Any:
        async def handler(_e: Any = None) -> None:
            del self.cats[n]
            self.problems = {}
            await self._redraw()

        return handler

    async def save(self, _e: Any = None) -> None:
        app = self.app
        self.problems = problems_of(self.lookback, self.cats)
        if self.problems:
            first = next(iter(self.problems.values()))
            self.message, self.error = app.t("mx_fix", problem=app.t(first, max=MAX_TERM_DAYS)), True
            await self._show_outcome()
            return
        body = body_of(self.title, self.lookback, self.cats)
        try:
            EnforcementMatrix.model_validate(body)
            saved = await app.client.save_enforcement_matrix(body)
        except ValidationError:
            self.message, self.error = app.t("mx_invalid"), True
            await self._show_outcome()
            return
        except OfficeError as exc:
            self.message, self.error = app.error_text(exc), True
            await self._show_outcome()
            return
        self.version = saved.version
        self.message, self.error = app.t("mx_saved", version=saved.version), False
        await self._show_outcome()
