"""What the checklist screens compute without a page: the draft's content as the forms edit it (plain dicts, so a draft
with problems can be edited and nothing typed is lost), its problems in Dutch on the field they concern, and the
compare in words. The checks themselves are ``schemas.checklist_drafts.draft_problems`` (those of
``schemas.templates``); nothing here validates on its own."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schemas.checklist_drafts import PARTS, Change, DraftProblem, draft_problems
from schemas.templates import QuestionType

Translate = Callable[..., str]
OPS = ("equals", "in", "contains", "gt", "lt")

# a problem's field (pydantic location or validator field) -> the form field it is shown on
FORM_FIELDS = {"id": "id", "label": "label_nl", "label.nl": "label_nl", "label.en": "label_en", "type": "type",
               "evidence": "evidence", "required": "required", "help": "help_nl", "help.nl": "help_nl",
               "help.en": "help_en", "not_scoring": "not_scoring", "identifier_kind": "identifier_kind",
               "options": "options", "show_if": "show_if", "title": "title_nl", "title.nl": "title_nl",
               "title.en": "title_en", "max": "max", "min": "min", "integer": "integer", "unit": "unit"}


def form_field(problem_field: str) -> str:
    """The form field a problem is shown on (``other``: above the form)."""
    if problem_field in FORM_FIELDS:
        return FORM_FIELDS[problem_field]
    head = problem_field.split(".", 1)[0]
    return {"options": "options", "show_if": "show_if", "label": "label_nl", "help": "help_nl",
            "title": "title_nl"}.get(head, "other")


def problem_text(p: DraftProblem, t: Translate) -> str:
    """The problem in the user's words (the validator's own words stay in ``p.raw``, for the details fold)."""
    params = {k: v for k, v in p.params.items()}
    params.setdefault("target", "")
    params.setdefault("value", "")
    return t(f"clp_{p.code}", **params)


@dataclass
class Draft:
    """The content of a draft as the forms edit it, with its problems recomputed after every change."""

    content: dict[str, Any]
    problems: list[DraftProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.content = copy.deepcopy(self.content)
        for part in PARTS:
            if not isinstance(self.content.get(part), list):
                self.content[part] = []
        self.revalidate()

    def revalidate(self) -> None:
        self.problems = draft_problems(self.content)

    # --- reading ------------------------------------------------------------------------------------------------
    def sections(self, part: str) -> list[dict[str, Any]]:
        items = self.content.get(part)
        return [s for s in items if isinstance(s, dict)] if isinstance(items, list) else []

    def questions(self, part: str, si: int) -> list[dict[str, Any]]:
        sections = self.sections(part)
        qs = sections[si].get("questions") if si < len(sections) else None
        return [q for q in qs if isinstance(q, dict)] if isinstance(qs, list) else []

    def question(self, part: str, si: int, qi: int) -> dict[str, Any] | None:
        qs = self.questions(part, si)
        return qs[qi] if 0 <= qi < len(qs) else None

    def part_questions(self, part: str) -> list[dict[str, Any]]:
        return [q for si in range(len(self.sections(part))) for q in self.questions(part, si)]

    def problems_at(self, part: str, si: int | None, qi: int | None) -> list[DraftProblem]:
        return [p for p in self.problems if p.part == part and p.section == si and p.question == qi]

    # --- changing -----------------------------------------------------------------------------------------------
    def add_question(self, part: str, si: int, lang_new: str) -> int:
        qs = self.sections(part)[si].setdefault("questions", [])
        qs.append({"id": self._free_id("vraag"), "type": "yes_no", "label": {"nl": lang_new, "en": "New question"},
                   "evidence": "observed"})
        self.revalidate()
        return len(qs) - 1

    def add_section(self, part: str, title_nl: str) -> int:
        sections = self.content.setdefault(part, [])
        sections.append({"id": self._free_id("onderdeel", sections=True),
                         "title": {"nl": title_nl, "en": "New section"},
                         "questions": [{"id": self._free_id("vraag"), "type": "yes_no",
                                        "label": {"nl": "Nieuwe vraag", "en": "New question"},
                                        "evidence": "observed"}]})
        self.revalidate()
        return len(sections) - 1

    def delete_question(self, part: str, si: int, qi: int) -> None:
        qs = self.sections(part)[si].get("questions")
        if isinstance(qs, list) and 0 <= qi < len(qs):
            del qs[qi]
        self.revalidate()

    def delete_section(self, part: str, si: int) -> None:
        sections = self.content.get(part)
        if isinstance(sections, list) and 0 <= si < len(sections):
            del sections[si]
        self.revalidate()

    def move_question(self, part: str, si: int, qi: int, step: int) -> tuple[str, int, int]:
        """Up or down within the section; returns the question's new place."""
        qs = self.sections(part)[si].get("questions")
        if not isinstance(qs, list) or not 0 <= qi + step < len(qs):
            return part, si, qi
        qs[qi], qs[qi + step] = qs[qi + step], qs[qi]
        self.revalidate()
        return part, si, qi + step

    def move_to_section(self, part: str, si: int, qi: int, to_part: str, to_si: int) -> tuple[str, int, int]:
        """To the end of another section, possibly in the other part (premises <-> per person)."""
        q = self.question(part, si, qi)
        target = self.sections(to_part)
        if q is None or not 0 <= to_si < len(target) or (part, si) == (to_part, to_si):
            return part, si, qi
        self.sections(part)[si]["questions"].remove(q)
        target[to_si].setdefault("questions", []).append(q)
        self.revalidate()
        return to_part, to_si, len(target[to_si]["questions"]) - 1

    def _free_id(self, stem: str, sections: bool = False) -> str:
        taken = {str(s.get("id")) for part in PARTS for s in self.sections(part)} if sections else {
            str(q.get("id")) for part in PARTS for q in self.part_questions(part)}
        n = 1
        while f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"


def set_text(node: dict[str, Any], key: str, lang: str, value: str, *, optional: bool = False) -> None:
    """``node[key][lang] = value``; an optional text (help) with both languages empty is removed."""
    old = node.get(key)
    text = {**(old if isinstance(old, dict) else {}), lang: value}
    if optional and not any(str(v).strip() for v in text.values()):
        node.pop(key, None)
    else:
        node[key] = text


def text_of(node: dict[str, Any], key: str, lang: str) -> str:
    value = node.get(key)
    return str(value.get(lang, "")) if isinstance(value, dict) else ""


def show_if_op(cond: Any) -> str:
    if not isinstance(cond, dict):
        return "equals"
    return next((op for op in OPS if op in cond), "equals")


def show_if_value_text(cond: Any) -> str:
    """The condition's value as the form shows it: ja/nee, a code, a number, codes separated by commas."""
    if not isinstance(cond, dict):
        return ""
    value = cond.get(show_if_op(cond))
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def parse_show_if_value(text: str, op: str, target_type: str | None) -> Any:
    """What the typed value means for ``op`` on a question of ``target_type``; text that fits nothing stays text,
    and the validator says what is wrong with it."""
    text = text.strip()
    if op == "in":
        return [v.strip() for v in text.split(",") if v.strip()]
    if target_type == QuestionType.YES_NO and op == "equals":
        lowered = text.lower()
        if lowered in ("ja", "yes", "true", "waar"):
            return True
        if lowered in ("nee", "no", "false", "onwaar"):
            return False
        return text
    if target_type == QuestionType.NUMBER or op in ("gt", "lt"):
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return text
        if not math.isfinite(number):
            return text
        return int(number) if number.is_integer() and op == "equals" else number
    return text


def change_text(c: Change, labels: dict[tuple[str, str], str], t: Translate) -> str:
    """One line of the compare: what, which fields, and for a removed question that its answers stay readable."""
    if c.what == "title":
        return t("cl_change_title")
    label = labels.get((c.part, c.id), "")
    key = "cl_change_question" if c.what == "question" else "cl_change_section"
    head = t(key, id=c.id, label=f" — {label}" if label else "")
    if c.kind == "changed":
        fields = ", ".join(dict.fromkeys(_field_word(f, t) for f in c.fields))
        return f"{head}: {t('cl_change_fields', fields=fields)}"
    if c.kind == "removed" and c.what == "question":
        return f"{head}: {t('cl_removed_readable')}"
    return head


def _field_word(name: str, t: Translate) -> str:
    known = {"id", "label", "title", "type", "options", "required", "help", "evidence", "show_if", "not_scoring",
             "section", "identifier_kind", "min", "max", "integer", "unit"}
    return t(f"cl_field_{name}") if name in known else t("cl_field_other")


def labels_of(*contents: Any) -> dict[tuple[str, str], str]:
    """(part, id) -> the Dutch question or section text, from the draft and the published version."""
    out: dict[tuple[str, str], str] = {}
    for content in contents:
        draft = Draft(content if isinstance(content, dict) else {})
        for part in PARTS:
            for s in draft.sections(part):
                out.setdefault((part, str(s.get("id"))), text_of(s, "title", "nl"))
            for q in draft.part_questions(part):
                out.setdefault((part, str(q.get("id"))), text_of(q, "label", "nl"))
    return out
