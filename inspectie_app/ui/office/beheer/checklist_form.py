"""The forms of the checklist draft editor: one question (code, texts, kind of answer, options, required, help text,
kind of evidence, the condition that shows it, premises or per person, whether it counts towards signals) or one
section (code, title). Every change goes straight into the draft's content (``Draft``); the screen then checks the
draft again and puts each problem, in Dutch, on the field it concerns (``show_errors``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft

from inspectie_app.ui.office.beheer.checklist_model import (
    OPS,
    Draft,
    Translate,
    form_field,
    parse_show_if_value,
    problem_text,
    set_text,
    show_if_op,
    show_if_value_text,
    text_of,
)
from inspectie_app.ui.widgets import TOUCH, heading, tagged
from schemas.checklist_drafts import PARTS
from schemas.identifiers import IdentifierKind
from schemas.templates import EvidenceType, NotScoring, QuestionType

Changed = Callable[[bool], Awaitable[None]]  # (rebuild the form?) -> None
ALWAYS = "__always__"
SCORING = "__scoring__"
CHOICE_TYPES = (QuestionType.CHOICE.value, QuestionType.MULTI_CHOICE.value)


class Form:
    """The controls of one form, with the field each problem is shown on."""

    def __init__(self, draft: Draft, t: Translate, changed: Changed, saved: Callable[[], Awaitable[Any]]) -> None:
        self.draft = draft
        self.t = t
        self.changed = changed  # after every change
        self.saved = saved  # when a text field is left: save the draft
        self.fields: dict[str, Any] = {}  # form field -> TextField/Dropdown (their own error) or Text (a group's)
        self.general = ft.Text("", key="cl-form-error", color=ft.Colors.RED_800, visible=False)

    # --- building blocks ------------------------------------------------------------------------------------------
    def text(self, name: str, key: str, label: str, value: str, on_value: Callable[[str], None], *,
             multiline: bool = False, width: int | None = None) -> ft.Control:
        async def change(e: Any) -> None:
            on_value(e.control.value or "")
            await self.changed(False)

        async def leave(_e: Any = None) -> None:
            await self.saved()

        field = ft.TextField(label=label, value=value, key=key, on_change=change, on_blur=leave, on_submit=leave,
                             multiline=multiline, min_lines=2 if multiline else None, max_lines=4 if multiline else 1,
                             width=width)
        self.fields[name] = field
        return tagged(field, key)

    def dropdown(self, name: str, key: str, label: str, value: str, options: list[tuple[str, str]],
                 on_value: Callable[[str], None], *, rebuild: bool = False, width: int = 420,
                 then: Callable[[], Awaitable[None]] | None = None) -> ft.Control:
        async def change(e: Any) -> None:
            on_value(str(e.control.value or ""))
            if then is not None:
                await then()
            else:
                await self.changed(rebuild)
            await self.saved()

        dd = ft.Dropdown(key=key, label=label, value=value, width=width, on_select=change,
                         options=[ft.DropdownOption(key=k, text=text) for k, text in options])
        self.fields[name] = dd
        return tagged(dd, key, label)

    def group_error(self, name: str) -> ft.Text:
        text = ft.Text("", key=f"cl-error-{name}", color=ft.Colors.RED_800, visible=False)
        self.fields[name] = text
        return text

    def button(self, key: str, text: str, on_click: Callable[[Any], Awaitable[None]], *, icon: Any = None,
               label: str | None = None) -> ft.Control:
        return tagged(ft.OutlinedButton(content=text, icon=icon, on_click=on_click, key=key, height=TOUCH,
                                        tooltip=label or text), key, label or text)

    # --- errors -----------------------------------------------------------------------------------------------------
    def show_errors(self, part: str, si: int, qi: int | None) -> None:
        """Each problem of this question or section on its field; those of no field above the form."""
        by_field: dict[str, list[str]] = {}
        for p in self.draft.problems_at(part, si, qi):
            name = form_field(p.field)
            by_field.setdefault(name if name in self.fields else "other", []).append(problem_text(p, self.t))
        for name, control in self.fields.items():
            message = " ".join(dict.fromkeys(by_field.get(name, []))) or None
            if isinstance(control, ft.TextField):
                control.error = message
            elif isinstance(control, ft.Dropdown):
                control.error_text = message
            else:
                control.value, control.visible = message or "", bool(message)
        other = by_field.get("other", [])
        self.general.value, self.general.visible = " ".join(dict.fromkeys(other)), bool(other)


def question_form(form: Form, part: str, si: int, qi: int, move: Callable[[str, int, int], Awaitable[None]]
                  ) -> list[ft.Control]:
    """The form of question ``qi`` of section ``si`` in ``part``."""
    t, draft = form.t, form.draft
    q = draft.question(part, si, qi)
    if q is None:
        return []
    qtype = str(q.get("type", ""))

    def setter(key: str) -> Callable[[str], None]:
        def put(value: str) -> None:
            q[key] = value

        return put

    def texter(key: str, lang: str, optional: bool = False) -> Callable[[str], None]:
        return lambda value: set_text(q, key, lang, value, optional=optional)

    def set_required(value: str) -> None:
        if value == "yes":
            q["required"] = True
        else:
            q.pop("required", None)

    def set_scoring(value: str) -> None:
        if value == SCORING:
            q.pop("not_scoring", None)
        else:
            q["not_scoring"] = value

    def set_type(value: str) -> None:
        q["type"] = value
        if value in CHOICE_TYPES and not isinstance(q.get("options"), list):
            q["options"] = []
        if value not in CHOICE_TYPES and not q.get("options"):
            q.pop("options", None)
        if value != QuestionType.IDENTIFIER.value:
            q.pop("identifier_kind", None)

    def set_kind(value: str) -> None:
        q["identifier_kind"] = value

    async def up(_e: Any = None) -> None:
        await move(*draft.move_question(part, si, qi, -1))

    async def down(_e: Any = None) -> None:
        await move(*draft.move_question(part, si, qi, +1))

    async def remove(_e: Any = None) -> None:
        draft.delete_question(part, si, qi)
        await move(part, si, -1)

    moved_to = [(part, si, qi)]

    def to_section(value: str) -> None:
        to_part, _, to_si = value.rpartition(":")
        if to_si.isdigit():
            moved_to[0] = draft.move_to_section(part, si, qi, to_part, int(to_si))

    async def moved() -> None:
        await move(*moved_to[0])

    sections = [(f"{p}:{i}", f"{t(f'cl_part_{p}')} — {text_of(s, 'title', 'nl') or s.get('id', '')}")
                for p in PARTS for i, s in enumerate(draft.sections(p))]
    controls: list[ft.Control] = [
        heading(t("cl_q_heading", id=str(q.get("id", ""))), 18, key="cl-q-heading"), form.general,
        form.text("id", "cl-q-id", t("cl_q_id"), str(q.get("id", "")), setter("id"), width=420),
        form.text("label_nl", "cl-q-label-nl", t("cl_q_label_nl"), text_of(q, "label", "nl"), texter("label", "nl")),
        form.text("label_en", "cl-q-label-en", t("cl_q_label_en"), text_of(q, "label", "en"), texter("label", "en")),
        form.dropdown("type", "cl-q-type", t("cl_q_type"), qtype,
                      [(k.value, t(f"cl_type_{k.value}")) for k in QuestionType], set_type, rebuild=True),
    ]
    if qtype in CHOICE_TYPES or q.get("options"):
        controls += _options(form, q)
    if qtype == QuestionType.NUMBER.value:
        controls += _number(form, q)
    if qtype == QuestionType.IDENTIFIER.value or q.get("identifier_kind"):
        controls.append(form.dropdown("identifier_kind", "cl-q-identifier-kind", t("cl_q_identifier_kind"),
                                      str(q.get("identifier_kind") or ""),
                                      [(k.value, t(f"cl_identifier_{k.value}")) for k in IdentifierKind], set_kind))
    controls += [
        form.dropdown("required", "cl-q-required", t("cl_q_required"), "yes" if q.get("required") else "no",
                      [("yes", t("yes")), ("no", t("no"))], set_required, width=200),
        form.dropdown("evidence", "cl-q-evidence", t("cl_q_evidence"), str(q.get("evidence", "")),
                      [(k.value, t(f"cl_evidence_{k.value}")) for k in EvidenceType], setter("evidence")),
        form.dropdown("not_scoring", "cl-q-not-scoring", t("cl_q_not_scoring"), str(q.get("not_scoring") or SCORING),
                      [(SCORING, t("cl_scoring_yes")), *[(k.value, t(f"cl_scoring_{k.value}")) for k in NotScoring]],
                      set_scoring),
        form.text("help_nl", "cl-q-help-nl", t("cl_q_help_nl"), text_of(q, "help", "nl"),
                  texter("help", "nl", optional=True), multiline=True),
        form.text("help_en", "cl-q-help-en", t("cl_q_help_en"), text_of(q, "help", "en"),
                  texter("help", "en", optional=True), multiline=True),
        *_show_if(form, part, q),
        form.dropdown("section", "cl-q-section", t("cl_q_section"), f"{part}:{si}", sections, to_section,
                      width=520, then=moved),
        ft.Row([form.button("cl-q-up", t("cl_q_up"), up, icon=ft.Icons.ARROW_UPWARD),
                form.button("cl-q-down", t("cl_q_down"), down, icon=ft.Icons.ARROW_DOWNWARD),
                form.button("cl-q-delete", t("cl_q_delete"), remove, icon=ft.Icons.DELETE_OUTLINE)], wrap=True),
    ]
    return controls


def _options(form: Form, q: dict[str, Any]) -> list[ft.Control]:
    t = form.t
    if not isinstance(q.get("options"), list):
        q["options"] = []
    options = q["options"]
    rows: list[ft.Control] = [ft.Text(t("cl_q_options"), weight=ft.FontWeight.W_500), form.group_error("options")]
    for i, option in enumerate(options):
        if not isinstance(option, dict):
            continue
        n = i + 1

        def put_value(value: str, o: dict[str, Any] = option) -> None:
            o["value"] = value

        def put_text(lang: str, o: dict[str, Any] = option) -> Callable[[str], None]:
            return lambda value: set_text(o, "label", lang, value)

        async def remove(_e: Any = None, i: int = i) -> None:
            del options[i]
            await form.changed(True)
            await form.saved()

        rows.append(ft.Row([
            form.text(f"option_{i}_value", f"cl-q-option-{n}-value", t("cl_q_option_value", n=n),
                      str(option.get("value", "")), put_value, width=200),
            form.text(f"option_{i}_nl", f"cl-q-option-{n}-nl", t("cl_q_option_nl", n=n),
                      text_of(option, "label", "nl"), put_text("nl"), width=280),
            form.text(f"option_{i}_en", f"cl-q-option-{n}-en", t("cl_q_option_en", n=n),
                      text_of(option, "label", "en"), put_text("en"), width=280),
            tagged(ft.IconButton(ft.Icons.REMOVE_CIRCLE_OUTLINE, tooltip=t("cl_q_option_remove", n=n),
                                 on_click=remove, key=f"cl-q-option-{n}-remove"),
                   f"cl-q-option-{n}-remove", t("cl_q_option_remove", n=n)),
        ], wrap=True))

    async def add(_e: Any = None) -> None:
        options.append({"value": f"optie_{len(options) + 1}", "label": {"nl": "", "en": ""}})
        await form.changed(True)

    rows.append(form.button("cl-q-option-add", t("cl_q_option_add"), add, icon=ft.Icons.ADD))
    return rows


def _number(form: Form, q: dict[str, Any]) -> list[ft.Control]:
    """Minimum, maximum, whole numbers only and the unit of a number question."""
    t = form.t

    def bound(key: str) -> Callable[[str], None]:
        def put(text: str) -> None:
            value = parse_show_if_value(text, "gt", QuestionType.NUMBER.value) if text.strip() else None
            if value is None:
                q.pop(key, None)
            else:
                q[key] = value  # text that is no number stays text: the check says so on the field

        return put

    def put_unit(text: str) -> None:
        if text.strip():
            q["unit"] = text
        else:
            q.pop("unit", None)

    def put_integer(value: str) -> None:
        if value == "yes":
            q["integer"] = True
        else:
            q.pop("integer", None)

    def shown(key: str) -> str:
        value = q.get(key)
        return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))

    return [ft.Row([
        form.text("min", "cl-q-min", t("cl_q_min"), shown("min"), bound("min"), width=200),
        form.text("max", "cl-q-max", t("cl_q_max"), shown("max"), bound("max"), width=200),
        form.dropdown("integer", "cl-q-integer", t("cl_q_integer"), "yes" if q.get("integer") else "no",
                      [("yes", t("yes")), ("no", t("no"))], put_integer, width=200),
        form.text("unit", "cl-q-unit", t("cl_q_unit"), str(q.get("unit") or ""), put_unit, width=200),
    ], wrap=True)]


def _show_if(form: Form, part: str, q: dict[str, Any]) -> list[ft.Control]:
    t, draft = form.t, form.draft
    cond = q.get("show_if") if isinstance(q.get("show_if"), dict) else None
    others = [(str(o.get("id", "")), f"{o.get('id', '')} — {text_of(o, 'label', 'nl')}")
              for o in draft.part_questions(part) if o is not q and o.get("id")]

    def target_type(qid: str) -> str | None:
        return next((str(o.get("type")) for o in draft.part_questions(part) if o.get("id") == qid and o is not q),
                    None)

    def rebuild(qid: str, op: str, text: str) -> None:
        if qid in ("", ALWAYS):
            q.pop("show_if", None)
        else:
            q["show_if"] = {"question": qid, op: parse_show_if_value(text, op, target_type(qid))}

    current_q = str(cond.get("question", "")) if cond else ALWAYS
    current_op = show_if_op(cond)
    current_text = show_if_value_text(cond)
    state = {"q": current_q, "op": current_op, "text": current_text}

    def set_q(value: str) -> None:
        state["q"] = value
        rebuild(state["q"], state["op"], state["text"])

    def set_op(value: str) -> None:
        state["op"] = value
        rebuild(state["q"], state["op"], state["text"])

    def set_value(value: str) -> None:
        state["text"] = value
        rebuild(state["q"], state["op"], state["text"])

    known = {k for k, _ in others}
    if current_q not in known and current_q != ALWAYS:  # a condition on a question that is gone: still shown
        others.append((current_q, current_q))
    controls: list[ft.Control] = [
        ft.Text(t("cl_q_show_if"), weight=ft.FontWeight.W_500), form.group_error("show_if"),
        form.dropdown("show_if_question", "cl-q-showif-question", t("cl_q_show_if_question"), current_q,
                      [(ALWAYS, t("cl_q_show_if_always")), *others], set_q, rebuild=True, width=520),
    ]
    if cond is not None:
        controls.append(ft.Row([
            form.dropdown("show_if_op", "cl-q-showif-op", t("cl_q_show_if_op"), current_op,
                          [(op, t(f"cl_op_{op}")) for op in OPS], set_op, width=220),
            form.text("show_if_value", "cl-q-showif-value", t("cl_q_show_if_value"), current_text, set_value,
                      width=420),
        ], wrap=True))
    return controls


def section_form(form: Form, part: str, si: int, deleted: Callable[[], Awaitable[None]]) -> list[ft.Control]:
    t, draft = form.t, form.draft
    sections = draft.sections(part)
    if not 0 <= si < len(sections):
        return []
    s = sections[si]

    def put_id(value: str) -> None:
        s["id"] = value

    async def remove(_e: Any = None) -> None:
        draft.delete_section(part, si)
        await deleted()

    return [
        heading(t("cl_s_heading", id=str(s.get("id", ""))), 18, key="cl-s-heading"), form.general,
        form.text("id", "cl-s-id", t("cl_s_id"), str(s.get("id", "")), put_id, width=420),
        form.text("title_nl", "cl-s-title-nl", t("cl_s_title_nl"), text_of(s, "title", "nl"),
                  lambda v: set_text(s, "title", "nl", v)),
        form.text("title_en", "cl-s-title-en", t("cl_s_title_en"), text_of(s, "title", "en"),
                  lambda v: set_text(s, "title", "en", v)),
        form.button("cl-s-delete", t("cl_s_delete"), remove, icon=ft.Icons.DELETE_OUTLINE),
    ]
