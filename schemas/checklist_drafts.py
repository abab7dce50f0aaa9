"""A beheerder's checklist draft (issue 15 part A): where each problem of a draft sits, and what a draft changes.

A draft is the content of a template (``Template`` dumped as JSON) that a beheerder edits in forms before it is
published as the next version. This module writes no second validator: ``draft_problems`` runs the checks of
``schemas.templates`` (pydantic's field checks, then ``_question_problems`` per question in order, exactly as
``validate_template`` does) and only says *where* each problem sits (part, section, question, field) and which kind
it is (a stable ``code`` the apps turn into Dutch), keeping the validator's own words in ``raw``. Any message of
``validate_template`` this module does not place is still reported (code ``other``), so a check added there later
cannot be lost here.

``compare`` lists what a draft adds, changes (which fields) and removes against the version it came from; it reads
plain dicts, so a draft that does not validate yet can be compared too.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, ValidationError

from schemas.inputs import InputModel
from schemas.templates import (
    Question,
    Template,
    _duplicates,
    _format_problems,
    _question_problems,
    validate_template,
)

PARTS: tuple[Literal["sections"], Literal["person_module"]] = ("sections", "person_module")
Part = Literal["sections", "person_module", "template"]


class DraftProblem(BaseModel):
    """One problem of a draft, on the field it concerns: ``section``/``question`` index into ``part``."""

    part: Part
    section: int | None = None
    question: int | None = None
    field: str = ""
    code: str
    params: dict[str, str] = {}
    raw: str  # the validator's own words (English), for the beheerder's details fold


# The messages of ``schemas.templates._question_problems`` -> (code, field); params are the regex groups.
_QUESTION_MESSAGES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"^duplicate question id$"), "question_duplicate", "id"),
    (re.compile(r"^type (?P<type>\S+) needs at least two options$"), "options_too_few", "options"),
    (re.compile(r"^type (?P<type>\S+) takes no options$"), "options_not_allowed", "options"),
    (re.compile(r"^duplicate option value$"), "option_duplicate", "options"),
    (re.compile(r"^min is greater than max$"), "min_above_max", "max"),
    (re.compile(r"^show_if refers to '(?P<target>.*)', which is not an earlier question in this part$"),
     "show_if_not_earlier", "show_if"),
    (re.compile(r"^show_if cannot use (?P<op>\S+) on (?P<type>\S+) question (?P<target>\S+)$"),
     "show_if_operator", "show_if"),
    (re.compile(r"^show_if value (?P<value>.*) does not fit (?P<type>\S+) question (?P<target>\S+)$"),
     "show_if_value", "show_if"),
    (re.compile(r"^show_if value (?P<value>.*) is not an option of (?P<target>\S+)$"), "show_if_option", "show_if"),
    (re.compile(r"^identifier_kind is only for identifier questions$"), "identifier_kind_not_allowed",
     "identifier_kind"),
    (re.compile(r"^an identifier question needs identifier_kind$"), "identifier_kind_missing", "identifier_kind"),
    (re.compile(r"^an identifier question cannot be required$"), "identifier_required", "required"),
    (re.compile(r"^an identifier question is read by no rule"), "identifier_not_scoring", "not_scoring"),
]

# pydantic error types -> code (the field comes from the error's location)
_SHAPE_CODES = {"missing": "missing", "string_too_short": "text_missing", "string_pattern_mismatch": "id_invalid",
                "too_short": "list_empty", "enum": "choice_invalid", "literal_error": "choice_invalid",
                "extra_forbidden": "unknown_field", "value_error": "show_if_incomplete"}


def draft_problems(content: Any) -> list[DraftProblem]:
    """Every problem of ``content`` (a template as JSON), placed on its part, section, question and field."""
    try:
        template = Template.model_validate(content)
    except ValidationError as exc:
        return [_shape_problem(err) for err in exc.errors()]
    problems = _section_problems(template)
    for part in PARTS:
        seen: dict[str, Question] = {}
        for si, section in enumerate(getattr(template, part)):
            for qi, q in enumerate(section.questions):
                problems += [_question_problem(part, si, qi, msg, seen, template) for msg in
                             _question_problems(q, seen)]
                seen[q.id] = q
    problems += [DraftProblem(part="template", code="format", raw=m) for m in _format_problems(template)]
    placed = Counter(p.raw if p.part == "template" or p.code == "section_duplicate" else
                     f"question {_question_at(template, p).id}: {p.raw}" for p in problems)
    for message in validate_template(template):  # anything validate_template says that was not placed above
        if placed[message] > 0:
            placed[message] -= 1
        else:
            problems.append(DraftProblem(part="template", code="other", raw=message))
    return problems


def _question_at(template: Template, p: DraftProblem) -> Question:
    assert p.section is not None and p.question is not None
    return getattr(template, p.part)[p.section].questions[p.question]  # type: ignore[no-any-return]


def _section_problems(template: Template) -> list[DraftProblem]:
    """A section id used twice (across both parts, as ``validate_template`` counts): the later ones."""
    found: list[DraftProblem] = []
    dups = _duplicates([s.id for part in PARTS for s in getattr(template, part)])
    first: set[str] = set()
    for part in PARTS:
        for si, s in enumerate(getattr(template, part)):
            if s.id in dups and s.id in first:
                found.append(DraftProblem(part=part, section=si, field="id", code="section_duplicate",
                                          params={"id": s.id}, raw=f"section {s.id}: duplicate section id"))
            first.add(s.id)
    return found


def _question_problem(part: Literal["sections", "person_module"], si: int, qi: int, message: str,
                      earlier: dict[str, Question], template: Template) -> DraftProblem:
    for pattern, code, field in _QUESTION_MESSAGES:
        m = pattern.match(message)
        if m is None:
            continue
        params = {k: v.strip("'\"") for k, v in m.groupdict().items()}
        if code == "show_if_not_earlier":
            later = {q.id for s in getattr(template, part) for q in s.questions} - set(earlier)
            code = "show_if_later" if params["target"] in later else "show_if_unknown"
        return DraftProblem(part=part, section=si, question=qi, field=field, code=code,
                            params=params, raw=message)
    return DraftProblem(part=part, section=si, question=qi, code="other", raw=message)


def _shape_problem(err: Any) -> DraftProblem:
    loc = list(err.get("loc", ()))
    code = _SHAPE_CODES.get(str(err.get("type", "")), "invalid")
    raw = f"{'.'.join(str(p) for p in loc) or 'template'}: {err.get('msg', '')}"
    if not loc or loc[0] not in PARTS:
        return DraftProblem(part="template", field=str(loc[0]) if loc else "", code=code, raw=raw)
    part = loc[0]
    section = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    if len(loc) > 3 and loc[2] == "questions" and isinstance(loc[3], int):
        field = ".".join(str(p) for p in loc[4:])
        if code == "list_empty" and field.startswith("options"):
            code = "options_too_few"
        return DraftProblem(part=part, section=section, question=loc[3], field=field, code=code, raw=raw)
    if code == "list_empty" and len(loc) == 3 and loc[2] == "questions":
        code = "section_empty"
    field = ".".join(str(p) for p in loc[2:]) if section is not None else ""
    return DraftProblem(part=part, section=section, field=field, code=code, raw=raw)


# --- compare ---------------------------------------------------------------------------------------------------

ChangeKind = Literal["added", "changed", "removed"]


class Change(BaseModel):
    """One difference between a draft and the version it came from."""

    kind: ChangeKind
    what: Literal["section", "question", "title"]
    part: Literal["sections", "person_module", "template"]
    id: str
    fields: list[str] = []  # for "changed": which fields differ ("section": the question moved to another section)


def compare(base: Any, draft: Any) -> list[Change]:
    """What ``draft`` adds, changes and removes against ``base`` (both templates as JSON dicts)."""
    changes: list[Change] = []
    if _get(base, "title") != _get(draft, "title"):
        changes.append(Change(kind="changed", what="title", part="template", id="title", fields=["title"]))
    for part in PARTS:
        old_sections, new_sections = _sections(base, part), _sections(draft, part)
        changes += _diff("section", part, {k: {f: v for f, v in s.items() if f != "questions"}
                                            for k, s in old_sections.items()},
                         {k: {f: v for f, v in s.items() if f != "questions"} for k, s in new_sections.items()})
        changes += _diff("question", part, _questions(old_sections), _questions(new_sections))
    return changes


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _sections(data: Any, part: str) -> dict[str, dict[str, Any]]:
    items = _get(data, part)
    out: dict[str, dict[str, Any]] = {}
    for s in items if isinstance(items, list) else []:
        if isinstance(s, dict):
            out.setdefault(str(s.get("id", "")), s)
    return out


def _questions(sections: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for sid, s in sections.items():
        qs = s.get("questions")
        for q in qs if isinstance(qs, list) else []:
            if isinstance(q, dict):
                out.setdefault(str(q.get("id", "")), {**q, "section": sid})
    return out


def _normal(value: Any) -> Any:
    """``None``, ``False``, ``[]`` and an absent field mean the same in a template (the defaults)."""
    return None if value is None or value is False or value in ([], {}, "") else value  # 0 is not False here


def _diff(what: Literal["section", "question"], part: Literal["sections", "person_module"],
          old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[Change]:
    changes = [Change(kind="added", what=what, part=part, id=k) for k in new if k not in old]
    for k, before in old.items():
        after = new.get(k)
        if after is None:
            changes.append(Change(kind="removed", what=what, part=part, id=k))
            continue
        fields = sorted(f for f in set(before) | set(after) if _normal(before.get(f)) != _normal(after.get(f)))
        if fields:
            changes.append(Change(kind="changed", what=what, part=part, id=k, fields=fields))
    return changes


# --- the API's wire models (``/api/v1/admin/checklists``) --------------------------------------------------------


class PublishedVersion(BaseModel):
    version: int
    published_at: datetime
    questions: int  # premises and per-person questions together


class DraftSummary(BaseModel):
    id: UUID
    base_version: int
    updated_at: datetime
    updated_by: str  # display name


class ChecklistRead(BaseModel):
    """One checklist (a template id) with its published versions, newest first, and the organisation's draft."""

    template_id: str
    control_type: str
    title: dict[str, str]
    versions: list[PublishedVersion]
    draft: DraftSummary | None = None


class DraftRead(BaseModel):
    id: UUID
    template_id: str
    control_type: str
    base_version: int
    newest_version: int  # the newest published version now: above base_version, the draft is out of date
    revision: int  # send it back with the next save
    content: dict[str, Any]
    problems: list[DraftProblem]
    updated_at: datetime
    updated_by: str


class ChecklistDraftSave(InputModel):
    """A draft's new content (the template as JSON). ``id``, ``version``, ``format`` and ``control_type`` are the
    server's: whatever is sent for them is replaced. ``revision`` is the one read: when someone saved in between,
    the save is refused (409 ``checklist_draft_changed``) instead of overwriting their work."""

    content: dict[str, Any]
    revision: int = Field(ge=1, le=2**31 - 1)


class CatalogueConflict(BaseModel):
    """A reason the current indicator catalogue refuses the draft: a rule reads a question the draft removes
    (``removed``) or marks not scoring (``not_scoring``), or another misfit (``other``, the check's own words)."""

    code: Literal["removed", "not_scoring", "other"]
    rule: str = ""
    question: str = ""
    raw: str


class DraftCheck(BaseModel):
    """Everything that decides whether a draft may be published, and what it changes."""

    problems: list[DraftProblem]
    conflicts: list[CatalogueConflict]
    changes: list[Change]
    outdated: bool  # another version was published after the draft was made
    next_version: int
    publishable: bool


class PublishResult(BaseModel):
    template_id: str
    version: int
    published_at: datetime
