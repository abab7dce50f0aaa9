"""The beheerder's "Indicatorcatalogus" (issue 15 part B): the published versions; a draft of the next version made
from the current one; its weights (strength per indicator and profile), norms and rules edited in forms, each change
stored at once with the draft's problems listed in Dutch; the reference cases run against the draft, with the
margins of a case on request; what the draft would change for the open controls (a dry run); and publishing — only
when every reference case passes, or with a reason the beheerder signs.

A rule's questions are checked as they are typed against what the published checklists ask (``catalogue_values``);
the server checks the whole draft again on every save with the CLI's checks."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import flet as ft

from inspectie_app.i18n import fmt_datetime
from inspectie_app.office_catalogue import CatalogueClient, CatalogueError
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.office.beheer import catalogue_values as values
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.catalogue_beheer import REASON_MIN_LENGTH, CaseRunRead, DraftRead, DryRunRead, Problem, QuestionRef

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office

PROFILES = ("labour", "sexual", "criminal")
STRENGTHS = ("S", "M", "W")
NONE = "-"


def button(app: Office, text_key: str, key: str, on_click: Any, *, filled: bool = False,
           label: str | None = None, icon: Any = None, **fmt: Any) -> ft.Control:
    cls = ft.FilledButton if filled else ft.OutlinedButton
    text = app.t(text_key, **fmt)
    return tagged(cls(content=text, on_click=on_click, key=key, height=TOUCH, tooltip=label or text, icon=icon),
                  key, label)


def _tag(control: ft.Control) -> ft.Control:
    """A field a browser test (and a screen reader's tree) finds by its key."""
    return tagged(control, str(control.key))


def problem_view(app: Office, problems: list[Problem], key: str) -> ft.Control:
    """The draft's problems in the user's language; the checker's own words in a fold for the beheerder."""
    if not problems:
        return ft.Text(app.t("cat_no_problems"), key=key, color=ft.Colors.GREEN_800)
    rows: list[ft.Control] = [ft.Text(app.t("cat_problems", n=len(problems)), key=key, color=ft.Colors.RED_800,
                                      weight=ft.FontWeight.BOLD)]
    rows += [ft.Text(p.message_en if app.lang == "en" else p.message, key=f"{key}-{n}", color=ft.Colors.RED_800)
             for n, p in enumerate(problems)]
    details: list[ft.Control] = [ft.Text(p.detail, selectable=True, size=12) for p in problems if p.detail]
    if details:
        rows.append(ft.ExpansionTile(title=ft.Text(app.t("cat_details")), controls=details, key=f"{key}-details"))
    return ft.Column(rows, spacing=4)


class CatalogueScreen:
    def __init__(self, app: Office, notice: str = "") -> None:
        self.app = app
        self.api = CatalogueClient(app.client)
        self.notice = notice
        self.draft: DraftRead | None = None
        self.questions: list[QuestionRef] = []
        self.known: dict[tuple[str, str], QuestionRef] = {}
        self.editing: tuple[str, str] | None = None  # ("rule" | "indicator", id)
        self.rule_editor: RuleEditor | None = None
        self.run: CaseRunRead | None = None
        self.dry: DryRunRead | None = None
        self.margins: dict[str, list[str]] = {}
        self.show_passed = False  # a run lists the cases that fail; those that pass on request
        self.reason_text = ""  # what was typed as the signed reason, kept across redraws
        self.reason_error: str | None = None
        self.message = ft.Text("", key="catalogue-message", visible=False)

    # --- drawing ---------------------------------------------------------------------------------
    async def render(self) -> None:
        app = self.app
        app.title.value = app.t("cat_title")
        versions = await self.api.versions()
        self.draft = await self.api.draft()
        if self.draft is not None and not self.questions:
            self.questions = await self.api.questions()
            self.known = values.index(self.questions)
        body: list[ft.Control] = [ft.Text(app.t("cat_intro"), key="catalogue-intro")]
        if self.notice:
            body.append(ft.Text(self.notice, key="catalogue-notice", color=ft.Colors.GREEN_800))
        body.append(heading(app.t("cat_versions"), 16))
        for v in versions:
            line = app.t("cat_version_line", version=v.version, when=fmt_datetime(v.published_at))
            if v.current:
                line += " · " + app.t("cat_version_current")
            if v.published_by:
                line += " · " + app.t("cat_version_by", user=v.published_by)
            body.append(ft.Text(line, key=f"catalogue-version-{v.version}"))
            if v.reason:
                body.append(ft.Text(app.t("cat_version_reason", n=v.cases_failed, reason=v.reason),
                                    key=f"catalogue-version-{v.version}-reason", italic=True))
        body.append(button(app, "cat_cases_open", "catalogue-open-cases", self._open_cases))
        if self.draft is None:
            body.append(button(app, "cat_new_draft", "catalogue-new-draft", self.new_draft, filled=True))
        else:
            body += self._draft_view(self.draft)
        self.message = ft.Text(self.message.value, key="catalogue-message", visible=bool(self.message.value),
                               color=self.message.color)
        body.insert(1, self.message)
        app.body.controls = body

    def _draft_view(self, d: DraftRead) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [
            heading(app.t("cat_draft_title", version=d.content.get("version"), base=d.base_version), 18,
                    key="catalogue-draft-title"),
            ft.Text(app.t("cat_draft_saved", user=d.updated_by, when=fmt_datetime(d.updated_at)),
                    key="catalogue-draft-saved"),
            problem_view(app, d.problems, "catalogue-problems"),
        ]
        out += self._weights(d)
        out += self._norms(d)
        out += self._rules(d)
        out += self._checks()
        return out

    def _weights(self, d: DraftRead) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("cat_weights"), 16), ft.Text(app.t("cat_weights_intro"))]
        for ind in d.content.get("indicators", []):
            code = str(ind.get("code"))
            strength = ind.get("strength") or {}
            shown = ", ".join(f"{app.t(f'cat_profile_{p}')}: {app.t(f'cat_strength_{strength[p]}')}"
                              for p in PROFILES if p in strength) or app.t("cat_strength_none")
            label = (ind.get("label") or {}).get(app.lang, code)
            row: list[ft.Control] = [ft.Text(f"{code} — {label}: {shown}", key=f"indicator-{code}", expand=True),
                                     button(app, "cat_change", f"indicator-edit-{code}", self._edit("indicator", code),
                                            label=app.t("cat_change_indicator", code=code))]
            out.append(ft.Row(row))
            if self.editing == ("indicator", code):
                out.append(self._indicator_editor(code, strength))
        return out

    def _indicator_editor(self, code: str, strength: dict[str, str]) -> ft.Control:
        app = self.app
        self.strength_fields = {
            p: ft.RadioGroup(key=f"strength-{code}-{p}", value=strength.get(p, NONE), content=ft.Row(
                [ft.Radio(value=v, label=app.t("cat_strength_none") if v == NONE else app.t(f"cat_strength_{v}"))
                 for v in (*STRENGTHS, NONE)], wrap=True))
            for p in PROFILES}
        save = button(app, "cat_apply", f"indicator-save-{code}", self._save_indicator(code), filled=True)
        cancel = button(app, "cancel", f"indicator-cancel-{code}", self._edit(None, ""))
        fields: list[ft.Control] = [ft.Column([ft.Text(app.t(f"cat_profile_{p}"), weight=ft.FontWeight.BOLD),
                                               tagged(f, str(f.key), app.t(f"cat_profile_{p}"))], spacing=2)
                                    for p, f in self.strength_fields.items()]
        return ft.Container(ft.Column([*fields, ft.Row([save, cancel])]),
                            padding=8, border=ft.Border.all(1, ft.Colors.BLUE_GREY_100), key=f"indicator-editor-{code}")

    def _norms(self, d: DraftRead) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("cat_norms"), 16)]
        self.norm_fields: dict[str, ft.TextField] = {}
        for name, value in (d.content.get("norms") or {}).items():
            field = ft.TextField(key=f"norm-{name}", label=name, value=values.show_value(value), width=220,
                                 on_change=self._check_norm)
            self.norm_fields[name] = field
        out.append(ft.Row([tagged(f, str(f.key)) for f in self.norm_fields.values()], wrap=True))
        out.append(button(app, "cat_norms_save", "norms-save", self.save_norms))
        return out

    def _rules(self, d: DraftRead) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("cat_rules"), 16), ft.Text(app.t("cat_rules_intro"))]
        for rule in d.content.get("rules", []):
            rid = str(rule.get("id"))
            explanation = (rule.get("explanation") or {}).get(app.lang, "")
            codes = ", ".join(rule.get("indicators") or [])
            out.append(ft.Row([ft.Text(f"{rid} ({codes}): {explanation}", key=f"rule-{rid}", expand=True),
                               button(app, "cat_change", f"rule-edit-{rid}", self._edit("rule", rid),
                                      label=app.t("cat_change_rule", rule=rid))]))
            if self.editing == ("rule", rid):
                out.append(self._editor(rule).control())
        out.append(button(app, "cat_rule_add", "rule-add", self._edit("rule", "")))
        if self.editing == ("rule", ""):
            out.append(self._editor(None).control())
        return out

    def _editor(self, rule: dict[str, Any] | None) -> RuleEditor:
        """The open rule form; kept across redraws, so what was typed stays."""
        if self.rule_editor is None:
            self.rule_editor = RuleEditor(self, rule)
        return self.rule_editor

    def _checks(self) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [heading(app.t("cat_checks"), 16), ft.Row([
            button(app, "cat_run_cases", "catalogue-run-cases", self.run_cases, icon=ft.Icons.PLAYLIST_ADD_CHECK),
            button(app, "cat_dry_run", "catalogue-dry-run", self.dry_run, icon=ft.Icons.PREVIEW)], wrap=True)]
        if self.run is not None:
            out += self._run_view(self.run)
        if self.dry is not None:
            out += self._dry_view(self.dry)
        self.reason = ft.TextField(key="catalogue-reason", label=app.t("cat_reason"), multiline=True, min_lines=2,
                                   max_length=2000, width=700, helper=app.t("cat_reason_help", n=REASON_MIN_LENGTH),
                                   value=self.reason_text, error=self.reason_error)
        out += [heading(app.t("cat_publish_title"), 16), ft.Text(app.t("cat_publish_intro")),
                tagged(self.reason, "catalogue-reason"),
                ft.Row([button(app, "cat_publish", "catalogue-publish", self.publish, filled=True,
                               icon=ft.Icons.PUBLISH),
                        button(app, "cat_discard", "catalogue-discard", self.discard, icon=ft.Icons.DELETE)],
                       wrap=True)]
        return out

    def _run_view(self, run: CaseRunRead) -> list[ft.Control]:
        app = self.app
        if run.problems:
            return [problem_view(app, run.problems, "catalogue-run-problems")]
        colour = ft.Colors.GREEN_800 if not run.failed else ft.Colors.RED_800
        out: list[ft.Control] = [ft.Text(app.t("cat_run_summary", passed=run.passed, failed=run.failed,
                                               retired=run.retired), key="catalogue-run-summary", color=colour,
                                         weight=ft.FontWeight.BOLD)]
        out += [ft.Text(app.t("cat_run_broken", problem=b), color=ft.Colors.RED_800) for b in run.broken]
        passed = sum(1 for r in run.results if r.passed)
        if passed:
            out.append(button(app, "cat_hide_passed" if self.show_passed else "cat_show_passed",
                              "catalogue-toggle-passed", self._toggle_passed, n=passed))
        for r in sorted(run.results, key=lambda r: r.passed):
            if r.passed and not self.show_passed:
                continue
            verdict = app.t("cat_case_ok") if r.passed else app.t("cat_case_fail")
            line = app.t("cat_case_line", name=r.name, description=r.description, expected=r.expected,
                         actual=r.actual, verdict=verdict)
            row = ft.Row([ft.Text(line, key=f"case-result-{r.name}", expand=True,
                                  color=None if r.passed else ft.Colors.RED_800),
                          button(app, "cat_margins", f"case-margins-{r.name}", self._margins(r.name),
                                 label=app.t("cat_margins_of", name=r.name))])
            out.append(row)
            out += [ft.Text(line, key=f"case-margins-{r.name}-{n}", size=13)
                    for n, line in enumerate(self.margins.get(r.name, []))]
        return out

    def _dry_view(self, dry: DryRunRead) -> list[ft.Control]:
        app = self.app
        out: list[ft.Control] = [ft.Text(app.t("cat_dry_summary", checked=dry.checked, changed=len(dry.changed)),
                                         key="catalogue-dry-summary", weight=ft.FontWeight.BOLD)]
        for r in dry.changed:
            before = app.t("level_none") if r.from_level is None else app.t(f"level_{r.from_level}")
            out.append(ft.Text(app.t("cat_dry_line", address=r.address, before=before,
                                     after=app.t(f"level_{r.to_level}")), key=f"dry-{r.inspection_id}"))
        return out

    # --- acts ------------------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        self.message.value = text
        self.message.color = ft.Colors.RED_800 if error else ft.Colors.GREEN_800
        self.message.visible = bool(text)
        self.app.page.update()

    def _fail(self, exc: OfficeError) -> None:
        text = self.app.error_text(exc)
        if isinstance(exc, CatalogueError) and exc.detail and exc.code != "catalogue_cases_failed":
            text += " " + exc.detail
        self._say(text, error=True)

    async def _again(self) -> None:
        await self.app.show(self.render)

    async def _open_cases(self, _e: Any = None) -> None:
        await self.app.show_cases()

    async def new_draft(self, _e: Any = None) -> None:
        try:
            await self.api.create_draft()
        except OfficeError as exc:
            self._fail(exc)
            return
        self.message.value = self.app.t("cat_draft_made")
        await self._again()

    def _edit(self, kind: str | None, ident: str) -> Any:
        async def handler(_e: Any = None) -> None:
            self.editing = (kind, ident) if kind else None
            self.rule_editor = None
            await self._again()

        return handler

    async def store(self, content: dict[str, Any], done_key: str) -> bool:
        """Save the whole draft; the answer carries its problems, shown at once."""
        try:
            self.draft = await self.api.save_draft(content)
        except OfficeError as exc:
            self._fail(exc)
            return False
        self.editing = None
        self.rule_editor = None
        self.run = self.dry = None
        self.message.value, self.message.color = self.app.t(done_key), ft.Colors.GREEN_800
        await self._again()
        return True

    def _content(self) -> dict[str, Any]:
        assert self.draft is not None
        return copy.deepcopy(self.draft.content)

    def _save_indicator(self, code: str) -> Any:
        async def handler(_e: Any = None) -> None:
            content = self._content()
            chosen = {p: f.value for p, f in self.strength_fields.items() if f.value and f.value != NONE}
            if not chosen:
                self._say(self.app.t("cat_strength_needed"), error=True)
                return
            for ind in content.get("indicators", []):
                if ind.get("code") == code:
                    ind["strength"] = chosen
            await self.store(content, "cat_saved")

        return handler

    def _check_norm(self, e: Any) -> None:
        field = e.control
        ok = values.number(field.value or "") is not None
        field.error = None if ok else self.app.t("cat_value_number", value=field.value or "")
        field.update()

    async def save_norms(self, _e: Any = None) -> None:
        content = self._content()
        norms: dict[str, Any] = {}
        for name, field in self.norm_fields.items():
            n = values.number(field.value or "")
            if n is None:
                field.error = self.app.t("cat_value_number", value=field.value or "")
                self._say(self.app.t("cat_fix_fields"), error=True)
                return
            norms[name] = n
        content["norms"] = norms
        await self.store(content, "cat_saved")

    async def run_cases(self, _e: Any = None) -> None:
        try:
            self.run = await self.api.run_cases()
        except OfficeError as exc:
            self._fail(exc)
            return
        self.message.value = ""
        await self._again()

    def _margins(self, name: str) -> Any:
        async def handler(_e: Any = None) -> None:
            try:
                found = await self.api.margins(name)
            except OfficeError as exc:
                self._fail(exc)
                return
            self.margins[name] = found.lines
            await self._again()

        return handler

    async def _toggle_passed(self, _e: Any = None) -> None:
        self.show_passed = not self.show_passed
        await self._again()

    async def dry_run(self, _e: Any = None) -> None:
        try:
            self.dry = await self.api.dry_run()
        except OfficeError as exc:
            self._fail(exc)
            return
        self.message.value = ""
        await self._again()

    async def publish(self, _e: Any = None) -> None:
        self.reason_text = self.reason.value or ""
        reason = self.reason_text.strip()
        self.reason_error = None
        if reason and len(reason) < REASON_MIN_LENGTH:
            self.reason_error = self.app.t("cat_reason_short", n=REASON_MIN_LENGTH)
            self.message.value, self.message.color = self.reason_error, ft.Colors.RED_800
            await self._again()
            return
        try:
            published = await self.api.publish(reason or None)
        except OfficeError as exc:
            if exc.code == "catalogue_cases_failed":
                self.run = await self.api.run_cases()
                self.message.value = self.app.t("catalogue_cases_failed")
                self.message.color = ft.Colors.RED_800
                await self._again()
                return
            self._fail(exc)
            return
        self.run = self.dry = None
        self.reason_text = ""
        self.notice = self.app.t("cat_published", version=published.version)
        self.message.value = ""
        await self._again()

    async def discard(self, _e: Any = None) -> None:
        app = self.app

        async def confirm(_e: Any = None) -> None:
            app.page.pop_dialog()
            try:
                await self.api.discard_draft()
            except OfficeError as exc:
                self._fail(exc)
                return
            self.run = self.dry = None
            self.message.value = app.t("cat_discarded")
            await self._again()

        app.page.show_dialog(ft.AlertDialog(
            key="catalogue-discard-confirm", modal=True, title=ft.Text(app.t("cat_discard_title")),
            content=ft.Text(app.t("cat_discard_text")),
            actions=[ft.OutlinedButton(content=app.t("cancel"), on_click=lambda _e: app.page.pop_dialog(),
                                       key="catalogue-discard-cancel", height=TOUCH),
                     ft.FilledButton(content=app.t("cat_discard"), on_click=confirm,
                                     key="catalogue-discard-yes", height=TOUCH)]))


class RuleEditor:
    """One rule's form: its id, scope, the conditions on answers (question, comparison, value — other conditions,
    on facts or the control type, are kept as they are and can be removed), the indicators it fills and its
    explanation. Each question is checked as it is typed."""

    def __init__(self, screen: CatalogueScreen, rule: dict[str, Any] | None) -> None:
        self.screen = screen
        self.app = screen.app
        self.original = rule
        self.rule: dict[str, Any] = copy.deepcopy(rule) if rule else {
            "id": "", "scope": "person", "when": [], "indicators": [], "explanation": {"nl": "", "en": ""}}
        self.key = f"rule-editor-{rule.get('id') if rule else 'new'}"

    def control(self) -> ft.Control:
        app, r = self.app, self.rule
        self.id_field = ft.TextField(key=f"{self.key}-id", label=app.t("cat_rule_id"), value=str(r.get("id", "")),
                                     width=260, on_change=self._check_id)
        self.scope = ft.Dropdown(key=f"{self.key}-scope", label=app.t("cat_rule_scope"), width=220,
                                 value=r.get("scope") or "person",
                                 options=[ft.DropdownOption(key=s, text=app.t(f"cat_scope_{s}"))
                                          for s in ("person", "premises")])
        self.rows: list[tuple[dict[str, Any], ft.TextField | None, ft.Dropdown | None, ft.TextField | None]] = []
        conditions: list[ft.Control] = []
        for n, pred in enumerate(r.get("when") or []):
            conditions.append(self._condition(n, pred))
        self.extra = 0
        self.indicators = ft.TextField(key=f"{self.key}-indicators", label=app.t("cat_rule_indicators"),
                                       value=", ".join(r.get("indicators") or []), width=300,
                                       on_change=self._check_codes)
        expl = r.get("explanation") or {}
        self.expl_nl = ft.TextField(key=f"{self.key}-nl", label=app.t("cat_rule_explanation_nl"),
                                    value=expl.get("nl", ""), width=700, multiline=True)
        self.expl_en = ft.TextField(key=f"{self.key}-en", label=app.t("cat_rule_explanation_en"),
                                    value=expl.get("en", ""), width=700, multiline=True)
        self.conditions = ft.Column(conditions, key=f"{self.key}-conditions")
        actions = [button(app, "cat_condition_add", f"{self.key}-add-condition", self._add_condition),
                   button(app, "cat_apply", f"{self.key}-save", self.save, filled=True),
                   button(app, "cancel", f"{self.key}-cancel", self.screen._edit(None, ""))]
        if self.original is not None:
            actions.append(button(app, "cat_rule_remove", f"{self.key}-remove", self.remove))
        return ft.Container(ft.Column([ft.Row([_tag(self.id_field), _tag(self.scope)], wrap=True),
                                       ft.Text(app.t("cat_conditions")), self.conditions, _tag(self.indicators),
                                       _tag(self.expl_nl), _tag(self.expl_en), ft.Row(actions, wrap=True)],
                                      spacing=8),
                            padding=8, border=ft.Border.all(1, ft.Colors.BLUE_GREY_100), key=self.key)

    def _condition(self, n: int, pred: dict[str, Any]) -> ft.Control:
        app = self.app
        key = f"{self.key}-c{n}"
        remove = button(app, "remove", f"{key}-remove", self._remove_condition(n),
                        label=app.t("cat_condition_remove", n=n + 1))
        if "question" not in pred:
            self.rows.append((pred, None, None, None))
            return ft.Row([ft.Text(self._other_text(pred), key=f"{key}-text", expand=True), remove])
        qid = ft.TextField(key=f"{key}-question", label=app.t("cat_condition_question"),
                           value=str(pred.get("question") or ""),
                           width=300, on_change=self._check_question)
        op = ft.Dropdown(key=f"{key}-op", label=app.t("cat_condition_op"), value=pred.get("op") or "eq", width=220,
                         options=[ft.DropdownOption(key=o, text=app.t(f"cat_op_{o}")) for o in values.OPS])
        value = ft.TextField(key=f"{key}-value", label=app.t("cat_condition_value"),
                             value=values.show_value(pred.get("value")), width=240, hint_text=app.t("cat_value_hint"))
        self.rows.append((pred, qid, op, value))
        return ft.Row([_tag(qid), _tag(op), _tag(value), remove], wrap=True)

    def _other_text(self, pred: dict[str, Any]) -> str:
        app = self.app
        if "fact" in pred:
            return app.t("cat_condition_fact" if pred.get("value", True) is not False else "cat_condition_not_fact",
                         fact=pred["fact"])
        if "control_type" in pred:
            return app.t("cat_condition_control_type", types=", ".join(pred["control_type"]))
        pair = pred.get("ratio") or pred.get("span") or []
        return app.t("cat_condition_pair", kind=app.t("cat_ratio" if "ratio" in pred else "cat_span"),
                     a=pair[0] if pair else "", b=pair[1] if len(pair) > 1 else "",
                     op=app.t(f"cat_op_{pred.get('op')}"),
                     value=values.show_value(pred.get("value")))

    def _scope(self) -> str:
        return self.scope.value or "person"

    def _check_question(self, e: Any) -> None:
        field = e.control
        issue = values.question_issue(field.value or "", self._scope(), self.screen.known)
        field.error = self._issue_text(issue) if issue else None
        field.update()

    def _issue_text(self, issue: values.Issue) -> str:
        key, fmt = issue
        fmt = {k: (self.app.t(v) if k == "where" else v) for k, v in fmt.items()}
        return self.app.t(key, **fmt)

    def _check_id(self, e: Any) -> None:
        field = e.control
        field.error = self._id_problem(field.value or "")
        field.update()

    def _id_problem(self, rid: str) -> str | None:
        if not values.RULE_ID_RE.match(rid.strip()):
            return self.app.t("cat_rule_id_invalid")
        assert self.screen.draft is not None
        others = [str(r.get("id")) for r in self.screen.draft.content.get("rules", []) if r is not self.original
                  and (self.original is None or r.get("id") != self.original.get("id"))]
        return self.app.t("cat_rule_id_taken", rule=rid.strip()) if rid.strip() in others else None

    def _codes(self) -> set[str]:
        assert self.screen.draft is not None
        return {str(i.get("code")) for i in self.screen.draft.content.get("indicators", [])}

    def _check_codes(self, e: Any) -> None:
        field = e.control
        _codes, issue = values.codes_issue(field.value or "", self._codes())
        field.error = self._issue_text(issue) if issue else None
        field.update()

    def _read_conditions(self) -> tuple[list[dict[str, Any]], bool]:
        out: list[dict[str, Any]] = []
        ok = True
        for pred, qid, op, value in self.rows:
            if qid is None or op is None or value is None:
                out.append(pred)
                continue
            issue = values.question_issue(qid.value or "", self._scope(), self.screen.known)
            qid.error = self._issue_text(issue) if issue else None
            ref = self.screen.known.get((self._scope(), (qid.value or "").strip()))
            parsed, vissue = values.parse_value(value.value or "", ref.type if ref else "text", op.value or "eq")
            value.error = self._issue_text(vissue) if vissue else None
            ok = ok and issue is None and vissue is None
            out.append({"question": (qid.value or "").strip(), "op": op.value or "eq", "value": parsed})
        return out, ok

    async def _add_condition(self, _e: Any = None) -> None:
        self._keep_typed()
        self.rule.setdefault("when", []).append({"question": "", "op": "eq", "value": None})
        await self._redraw()

    def _remove_condition(self, n: int) -> Any:
        async def handler(_e: Any = None) -> None:
            self._keep_typed()
            del self.rule["when"][n]
            await self._redraw()

        return handler

    def _keep_typed(self) -> None:
        """What was typed so far stays when the form is drawn again."""
        self.rule["id"] = self.id_field.value or ""
        self.rule["scope"] = self._scope()
        self.rule["indicators"] = [c.strip() for c in (self.indicators.value or "").split(",") if c.strip()]
        self.rule["explanation"] = {"nl": self.expl_nl.value or "", "en": self.expl_en.value or ""}
        when: list[dict[str, Any]] = []
        for pred, qid, op, value in self.rows:
            if qid is None or op is None or value is None:
                when.append(pred)
            else:
                ref = self.screen.known.get((self._scope(), (qid.value or "").strip()))
                parsed, issue = values.parse_value(value.value or "", ref.type if ref else "text", op.value or "eq")
                when.append({"question": qid.value or "", "op": op.value or "eq",
                             "value": parsed if issue is None else value.value})
        self.rule["when"] = when

    async def _redraw(self) -> None:
        await self.screen._again()

    async def save(self, _e: Any = None) -> None:
        app = self.app
        when, ok = self._read_conditions()
        id_problem = self._id_problem(self.id_field.value or "")
        self.id_field.error = id_problem
        codes, codes_issue = values.codes_issue(self.indicators.value or "", self._codes())
        self.indicators.error = self._issue_text(codes_issue) if codes_issue else None
        nl, en = (self.expl_nl.value or "").strip(), (self.expl_en.value or "").strip()
        self.expl_nl.error = None if nl else app.t("cat_explanation_needed")
        self.expl_en.error = None if en else app.t("cat_explanation_needed")
        if not when:
            ok = False
            self.screen._say(app.t("cat_conditions_needed"), error=True)
        if not ok or id_problem or codes_issue or not nl or not en:
            self.screen._say(app.t("cat_fix_fields"), error=True)
            return
        rule = {**self.rule, "id": (self.id_field.value or "").strip(), "scope": self._scope(), "when": when,
                "indicators": codes, "explanation": {"nl": nl, "en": en}}
        content = self.screen._content()
        rules = content.setdefault("rules", [])
        if self.original is None:
            rules.append(rule)
        else:
            rules[:] = [rule if r.get("id") == self.original.get("id") else r for r in rules]
        await self.screen.store(content, "cat_saved")

    async def remove(self, _e: Any = None) -> None:
        assert self.original is not None
        content = self.screen._content()
        content["rules"] = [r for r in content.get("rules", []) if r.get("id") != self.original.get("id")]
        await self.screen.store(content, "cat_rule_removed")
