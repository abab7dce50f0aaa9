"""The beheerder's "Referentiecasussen" (issue 15 part B): the organisation's reference cases — fictional controls
with the level a careful team lead expects — with their source and state; add one, edit one, retire one (kept, no
longer run) or use it again. Answers are typed one per line as ``vraag = waarde`` (persons: ``Persoon 1: vraag =
waarde; vraag = waarde``), checked against the published checklists before anything is sent; the server checks the
whole case again as the CLI checks a file, and its Dutch problems are shown at the form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.office_catalogue import CatalogueClient, CatalogueError
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.beheer import catalogue_values as values
from inspectie_app.ui.office.beheer.catalogue import _tag, button
from inspectie_app.ui.widgets import heading
from schemas.catalogue_beheer import CASE_NAME_PATTERN, CaseRead, QuestionRef

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

LEVELS = ("0", "1", "2", "3")
ANY = "-"
PROFILES = (ANY, "none", "labour", "sexual", "criminal")


class CasesScreen:
    def __init__(self, app: Office) -> None:
        self.app = app
        self.api = CatalogueClient(app.client)
        self.editing: str | None = None  # a case name, "" for a new one
        self.questions: list[QuestionRef] = []
        self.known: dict[tuple[str, str], QuestionRef] = {}
        self.show_retired = True
        self.message = ft.Text("", key="cases-message", visible=False)

    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("case_title")
        cases = await self.api.cases()
        if not self.questions:
            self.questions = await self.api.questions()
            self.known = values.index(self.questions)
        active = sum(1 for c in cases if not c.retired)
        body: list[ft.Control] = [
            ft.Text(app.t("case_intro"), key="cases-intro"),
            ft.Text(app.t("case_counts", active=active, retired=len(cases) - active), key="cases-counts"),
            ft.Row([button(app, "case_add", "case-add", self._edit("")),
                    button(app, "case_back", "cases-back", self._back)], wrap=True)]
        self.message = ft.Text(self.message.value, key="cases-message", visible=bool(self.message.value),
                               color=self.message.color)
        body.append(self.message)
        if self.editing == "":
            body.append(CaseForm(self, None).control())
        for case in cases:
            body.append(self._row(case))
            if self.editing == case.name:
                body.append(CaseForm(self, case).control())
        app.body.controls = body

    def _row(self, c: CaseRead) -> ft.Control:
        app = self.app
        state = app.t("case_retired") if c.retired else app.t("case_active")
        source = app.t(f"case_source_{c.source}")
        text = ft.Text(app.t("case_line", name=c.name, description=c.description, expected=c.expected, state=state,
                             source=source), key=f"case-{c.name}", expand=True,
                       color=ft.Colors.GREY_700 if c.retired else None)
        toggle = ("case_restore", f"case-restore-{c.name}") if c.retired else ("case_retire", f"case-retire-{c.name}")
        return ft.Row([text, button(app, "case_edit", f"case-edit-{c.name}", self._edit(c.name),
                                    label=app.t("case_edit_label", name=c.name)),
                       button(app, toggle[0], toggle[1], self._toggle(c), label=app.t(f"{toggle[0]}_label",
                                                                                       name=c.name))])

    def say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.message.visible = bool(text)
        self.app.page.update()

    def _edit(self, name: str | None) -> Any:
        async def handler(_e: Any = None) -> None:
            self.editing = name
            self.message.value = ""
            await self.app.show(self.render)

        return handler

    async def _back(self, _e: Any = None) -> None:
        await self.app.show_catalogue()

    def _toggle(self, c: CaseRead) -> Any:
        async def handler(_e: Any = None) -> None:
            try:
                await self.api.retire_case(c.name, not c.retired)
            except OfficeError as exc:
                self.say(self.app.error_text(exc), error=True)
                return
            self.message.value = self.app.t("case_retired_done" if not c.retired else "case_restored_done",
                                            name=c.name)
            self.message.color = ft.Colors.GREEN_800
            await self.app.show(self.render)

        return handler


class CaseForm:
    def __init__(self, screen: CasesScreen, case: CaseRead | None) -> None:
        self.screen = screen
        self.app = screen.app
        self.case = case
        self.key = "case-form"

    def control(self) -> ft.Control:
        app, c = self.app, self.case
        content = c.content if c else {}
        expect = content.get("expect") or {}
        templates = sorted({t.split("@")[0] for q in self.screen.questions for t in q.templates})
        exact = str(content.get("template", ""))
        if "@" in exact and exact not in templates:
            templates.append(exact)  # a case written for one exact checklist version keeps it
        self.name = ft.TextField(key="case-name", label=app.t("case_name"), value=c.name if c else "", width=360,
                                 disabled=c is not None, on_change=self._check_name, hint_text="bijv. massage_schuld")
        self.description = ft.TextField(key="case-description", label=app.t("case_description"), width=700,
                                        value=str(content.get("description", "")))
        self.template = ft.Dropdown(key="case-template", label=app.t("case_template"), width=360,
                                    value=exact if "@" in exact else (exact or None),
                                    options=[ft.DropdownOption(key=t, text=t) for t in templates])
        low, high = self._band(expect)
        self.min_level = ft.Dropdown(key="case-min-level", label=app.t("case_min_level"), width=200, value=low,
                                     options=[ft.DropdownOption(key=v, text=app.t(f"level_{v}")) for v in LEVELS])
        self.max_level = ft.Dropdown(key="case-max-level", label=app.t("case_max_level"), width=200, value=high,
                                     options=[ft.DropdownOption(key=v, text=app.t(f"level_{v}")) for v in LEVELS])
        profile = ANY if "profile" not in expect else (expect["profile"] or "none")
        self.profile = ft.Dropdown(key="case-profile", label=app.t("case_profile"), width=300, value=profile,
                                   options=[ft.DropdownOption(key=p, text=app.t(f"case_profile_{p}"))
                                            for p in PROFILES])
        self.premises = ft.TextField(key="case-premises", label=app.t("case_premises"), multiline=True, min_lines=3,
                                     width=700, value=values.show_lines(content.get("premises") or {}),
                                     hint_text="A02_persons_found = 4", on_change=self._check_premises)
        self.persons = ft.TextField(key="case-persons", label=app.t("case_persons"), multiline=True, min_lines=3,
                                    width=700, value=values.show_persons(content.get("persons") or []),
                                    hint_text="Persoon 1: P12_debts = ja; P21_free_to_leave = nee",
                                    on_change=self._check_persons)
        self.error = ft.Text("", key="case-form-error", color=ft.Colors.RED_800, visible=False)
        return ft.Container(ft.Column([
            heading(app.t("case_form_title_edit" if c else "case_form_title_new"), 16),
            _tag(self.name), _tag(self.description), _tag(self.template),
            ft.Row([_tag(self.min_level), _tag(self.max_level), _tag(self.profile)], wrap=True),
            _tag(self.premises), _tag(self.persons), self.error,
            ft.Row([button(app, "case_save", "case-save", self.save, filled=True),
                    button(app, "cancel", "case-cancel", self.screen._edit(None))], wrap=True)], spacing=8),
            padding=8, border=ft.Border.all(1, ft.Colors.BLUE_GREY_100), key=self.key)

    @staticmethod
    def _band(expect: dict[str, Any]) -> tuple[str, str]:
        if expect.get("level") is not None:
            return str(expect["level"]), str(expect["level"])
        low = expect.get("min_level")
        high = expect.get("max_level")
        return str(low if low is not None else 0), str(high if high is not None else 3)

    def _issues_text(self, issues: list[values.Issue]) -> str | None:
        if not issues:
            return None
        texts = []
        for key, fmt in issues[:3]:
            fmt = {k: (self.app.t(v) if k == "where" else v) for k, v in fmt.items()}
            texts.append(self.app.t(key, **fmt))
        return " ".join(texts)

    def _check_name(self, e: Any) -> None:
        import re

        value = (e.control.value or "").strip()
        e.control.error = None if re.match(CASE_NAME_PATTERN, value) else self.app.t("case_name_invalid")
        e.control.update()

    def _check_premises(self, e: Any) -> None:
        _answers, issues = values.parse_lines(e.control.value or "", "premises", self.screen.known)
        e.control.error = self._issues_text(issues)
        e.control.update()

    def _check_persons(self, e: Any) -> None:
        _persons, issues = values.parse_persons(e.control.value or "", self.screen.known)
        e.control.error = self._issues_text(issues)
        e.control.update()

    def _fail(self, text: str) -> None:
        self.error.value = text
        self.error.visible = True
        self.screen.say(self.app.t("case_fix"), error=True)

    async def save(self, _e: Any = None) -> None:
        import re

        app = self.app
        name = (self.name.value or "").strip()
        if not re.match(CASE_NAME_PATTERN, name):
            self.name.error = app.t("case_name_invalid")
            self._fail(app.t("case_name_invalid"))
            return
        description = (self.description.value or "").strip()
        premises, p_issues = values.parse_lines(self.premises.value or "", "premises", self.screen.known)
        persons, q_issues = values.parse_persons(self.persons.value or "", self.screen.known)
        self.premises.error = self._issues_text(p_issues)
        self.persons.error = self._issues_text(q_issues)
        problems = [t for t in (None if description else app.t("case_description_needed"),
                                None if self.template.value else app.t("case_template_needed"),
                                self.premises.error, self.persons.error) if t]
        low, high = int(self.min_level.value or 0), int(self.max_level.value or 3)
        if low > high:
            problems.append(app.t("case_band_invalid"))
        if problems:
            self._fail(" ".join(problems))
            return
        old = self.case.content if self.case else {}
        ids = {p.get("label"): p.get("id") for p in old.get("persons") or []}
        for p in persons:  # a person keeps their id (an expectation may name it)
            p["id"] = ids.get(p["label"]) or p["id"]
        expect: dict[str, Any] = {k: v for k, v in (old.get("expect") or {}).items()
                                  if k not in ("level", "min_level", "max_level", "profile")}
        expect.update({"level": low} if low == high else {"min_level": low, "max_level": high})
        if self.profile.value and self.profile.value != ANY:
            expect["profile"] = None if self.profile.value == "none" else self.profile.value
        content = {"description": description, "template": self.template.value, "premises": premises,
                   "persons": persons, "expect": expect}
        try:
            if self.case is None:
                await self.screen.api.add_case(name, content)
            else:
                await self.screen.api.edit_case(name, content)
        except OfficeError as exc:
            detail = exc.detail if isinstance(exc, CatalogueError) else ""
            self._fail(" ".join(t for t in (app.error_text(exc), detail) if t))
            return
        self.screen.editing = None
        self.screen.message.value = app.t("case_saved", name=name)
        self.screen.message.color = ft.Colors.GREEN_800
        await app.show(self.screen.render)
