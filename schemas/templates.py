"""Checklist templates: the questions an inspector is asked, as versioned data.

A template is loaded from a YAML file under ``assets/templates/`` and validated in two passes:
pydantic checks the shape of each field, then ``validate_template`` checks what pydantic cannot
(unique ids, conditions that point at earlier questions, options that exist). Every error names the
file, the question id and what is wrong, because a beheerder reads these messages, not a developer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.identifiers import IdentifierKind
from schemas.inputs import text_problem

AnswerValue = bool | int | float | str | list[str] | None

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
QuestionId = Annotated[str, Field(pattern=ID_PATTERN)]


class QuestionType(StrEnum):
    YES_NO = "yes_no"
    YES_NO_UNKNOWN = "yes_no_unknown"
    NUMBER = "number"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    DATE = "date"
    IDENTIFIER = "identifier"  # records a linking identifier (keyed hash + hint), never an answer


class NotScoring(StrEnum):
    """Why a question is deliberately read by no rule, finding or escalation (``Question.not_scoring``)."""

    PROXY = "proxy"  # could stand in for origin or ethnicity (language, time in NL, network): never scored
    PROCESS = "process"  # the legal basis, what was done, photos, notes
    CONTEXT = "context"  # helps the team lead read the control; not an indicator


class EvidenceType(StrEnum):
    OBSERVED = "observed"
    DOCUMENT = "document"
    SELF_REPORTED = "self_reported"
    THIRD_PARTY = "third_party"


class Scope(StrEnum):
    PREMISES = "premises"
    PERSON = "person"


YES_NO_UNKNOWN_VALUES = ("yes", "no", "unknown")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A UI string in Dutch with its English translation."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.nl


class Option(_Strict):
    value: QuestionId
    label: Text


class Condition(_Strict):
    """Shows a question only when an earlier answer in the same scope matches.

    Exactly one comparison is given: ``equals`` (a bool, number or option value), ``in_`` (any of),
    ``contains`` (a multi-choice answer includes the value), or ``gt``/``lt`` (numbers).
    """

    question: QuestionId
    equals: bool | int | float | str | None = None
    in_: list[str] | None = Field(default=None, alias="in")
    contains: str | None = None
    gt: float | None = None
    lt: float | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_comparison(self) -> Condition:
        given = [k for k in ("equals", "in_", "contains", "gt", "lt") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of equals, in, contains, gt, lt")
        return self

    def holds(self, value: AnswerValue) -> bool:
        """True when ``value`` (the answer to ``self.question``) satisfies this condition."""
        if value is None:
            return False
        if self.equals is not None:
            return same_value(value, self.equals)
        if self.in_ is not None:
            return isinstance(value, str) and value in self.in_
        if self.contains is not None:
            return isinstance(value, list) and self.contains in value
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.gt is not None:
            return value > self.gt
        return self.lt is not None and value < self.lt


def same_value(a: object, b: object) -> bool:
    """Equality that keeps booleans apart from numbers (``True == 1`` in Python, not in an answer)."""
    return isinstance(a, bool) == isinstance(b, bool) and a == b


class Question(_Strict):
    id: QuestionId
    type: QuestionType
    label: Text
    help: Text | None = None
    evidence: EvidenceType
    required: bool = False
    options: list[Option] = Field(default_factory=list)
    show_if: Condition | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    integer: bool = False
    not_scoring: NotScoring | None = None
    identifier_kind: IdentifierKind | None = None


class Section(_Strict):
    id: QuestionId
    title: Text
    questions: list[Question] = Field(min_length=1)


ControlType = Literal["pandenactie", "massagesalon", "seksinrichting_vergund", "seksinrichting_onvergund", "horeca",
                      "flitsbezorger"]

TEMPLATE_FORMAT_FEATURES = ("identifier questions", "not_scoring marks", "control types horeca and flitsbezorger")
"""What ``format: 2`` adds. A client that speaks an older sync schema never receives a format-2 template."""


class Template(_Strict):
    """A published, immutable checklist version for one control type."""

    id: QuestionId
    version: int = Field(ge=1)
    format: Literal[1, 2] = 1
    control_type: ControlType
    title: Text
    sections: list[Section] = Field(min_length=1)
    person_module: list[Section] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def questions(self, scope: Scope) -> list[Question]:
        sections = self.sections if scope is Scope.PREMISES else self.person_module
        return [q for s in sections for q in s.questions]

    def question(self, question_id: str, scope: Scope) -> Question | None:
        return next((q for q in self.questions(scope) if q.id == question_id), None)


class TemplateError(ValueError):
    """A template file that cannot be used; the message names file, question and problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


INCLUDE_PATTERN = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,63})@([1-9][0-9]{0,3})$")


def included_modules(data: Any) -> list[str]:
    """The ``id@version`` of every module a raw template includes (``- include: person@1`` in a section list)."""
    refs: list[str] = []
    if isinstance(data, dict):
        for part in ("sections", "person_module"):
            items = data.get(part)
            if isinstance(items, list):
                refs += [i["include"] for i in items if isinstance(i, dict) and isinstance(i.get("include"), str)]
    return refs


def expand_includes(data: Any, modules: Mapping[str, Any], source: str = "<template>") -> Any:
    """Replace every ``{include: id@N}`` in the section lists by that module's sections.

    A module is shared question data (module P, the drugs/13b module): ``{id, version, sections: [...]}``.
    Published templates are stored expanded, so a tablet never needs the module files. Raises
    ``TemplateError`` naming the template file for an unknown or malformed include."""
    if not isinstance(data, dict):
        return data
    problems: list[str] = []
    out = dict(data)
    for part in ("sections", "person_module"):
        items = data.get(part)
        if not isinstance(items, list):
            continue
        expanded: list[Any] = []
        for item in items:
            ref = item.get("include") if isinstance(item, dict) else None
            if ref is None:
                expanded.append(item)
            elif not isinstance(ref, str) or not INCLUDE_PATTERN.match(ref) or len(item) != 1:
                problems.append(f"{part}: include must be the only key and look like id@version, got {item!r}")
            elif modules.get(ref) is None:
                problems.append(f"{part}: unknown module {ref}")
            else:
                expanded += _module_sections(modules[ref], ref, problems)
        out[part] = expanded
    if problems:
        raise TemplateError(source, problems)
    return out


def _module_sections(module: Any, ref: str, problems: list[str]) -> list[Any]:
    sections = module.get("sections") if isinstance(module, dict) else None
    if not isinstance(sections, list) or not sections:
        problems.append(f"module {ref}: needs a non-empty list of sections")
        return []
    return sections


def parse_template(data: Any, source: str = "<template>") -> Template:
    """Validate raw template data and return the template, or raise ``TemplateError``."""
    try:
        template = Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(source, [_describe(data, err) for err in exc.errors()]) from None
    problems = validate_template(template)
    if problems:
        raise TemplateError(source, problems)
    return template


def validate_template(template: Template) -> list[str]:
    """Cross-field checks pydantic cannot do; returns one message per problem."""
    problems: list[str] = []
    section_ids = [s.id for s in (*template.sections, *template.person_module)]
    problems += [f"section {sid}: duplicate section id" for sid in sorted(_duplicates(section_ids))]
    for scope in Scope:
        seen: dict[str, Question] = {}
        for q in template.questions(scope):
            problems += [f"question {q.id}: {p}" for p in _question_problems(q, seen)]
            seen[q.id] = q
    return problems + _format_problems(template)


def _format_problems(template: Template) -> list[str]:
    """A format-1 template must not use what format 2 added: an older tablet would misread it."""
    if template.format >= 2:
        return []
    questions = [*template.questions(Scope.PREMISES), *template.questions(Scope.PERSON)]
    used = [q.id for q in questions if q.type is QuestionType.IDENTIFIER or q.not_scoring is not None]
    problems = [f"question {qid}: needs format: 2 (identifier question or not_scoring mark)" for qid in used]
    if template.control_type in ("horeca", "flitsbezorger"):
        problems.append(f"control_type {template.control_type} needs format: 2")
    return problems


def _duplicates(ids: list[str]) -> set[str]:
    return {i for i in ids if ids.count(i) > 1}


def _question_problems(q: Question, earlier: dict[str, Question]) -> list[str]:
    problems: list[str] = []
    if q.id in earlier:
        problems.append("duplicate question id")
    problems += _identifier_problems(q)
    has_options = q.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE)
    if has_options and len(q.options) < 2:
        problems.append(f"type {q.type} needs at least two options")
    if not has_options and q.options:
        problems.append(f"type {q.type} takes no options")
    if len({o.value for o in q.options}) != len(q.options):
        problems.append("duplicate option value")
    if q.min is not None and q.max is not None and q.min > q.max:
        problems.append("min is greater than max")
    if q.show_if is not None:
        problems += _condition_problems(q.show_if, earlier)
    return problems


def _identifier_problems(q: Question) -> list[str]:
    if q.type is not QuestionType.IDENTIFIER:
        return ["identifier_kind is only for identifier questions"] if q.identifier_kind is not None else []
    problems = [] if q.identifier_kind is not None else ["an identifier question needs identifier_kind"]
    if q.required:
        problems.append("an identifier question cannot be required")
    if q.not_scoring is None:
        problems.append("an identifier question is read by no rule: mark it not_scoring (context)")
    return problems


# Which comparisons a show_if may make on each type of earlier question, and what ``equals`` may be.
_CONDITION_OPS: dict[QuestionType, tuple[set[str], tuple[type, ...]]] = {
    QuestionType.YES_NO: ({"equals"}, (bool,)),
    QuestionType.YES_NO_UNKNOWN: ({"equals", "in_"}, (str,)),
    QuestionType.CHOICE: ({"equals", "in_"}, (str,)),
    QuestionType.MULTI_CHOICE: ({"contains"}, ()),
    QuestionType.NUMBER: ({"equals", "gt", "lt"}, (int, float)),
    QuestionType.TEXT: ({"equals"}, (str,)),
    QuestionType.DATE: ({"equals"}, (str,)),
    QuestionType.IDENTIFIER: (set(), ()),
}


def _condition_problems(cond: Condition, earlier: dict[str, Question]) -> list[str]:
    target = earlier.get(cond.question)
    if target is None:
        return [f"show_if refers to {cond.question!r}, which is not an earlier question in this part"]
    ops, equals_types = _CONDITION_OPS[target.type]
    op = next(k for k in ("equals", "in_", "contains", "gt", "lt") if getattr(cond, k) is not None)
    if op not in ops:
        return [f"show_if cannot use {op.rstrip('_')} on {target.type} question {target.id}"]
    bad_equals = isinstance(cond.equals, bool) and bool not in equals_types
    if cond.equals is not None and (bad_equals or not isinstance(cond.equals, equals_types)):
        return [f"show_if value {cond.equals!r} does not fit {target.type} question {target.id}"]
    values = [cond.equals] if isinstance(cond.equals, str) else []
    values += (cond.in_ or []) + ([cond.contains] if cond.contains else [])
    allowed = _allowed_values(target)
    if allowed is not None:
        return [f"show_if value {v!r} is not an option of {target.id}" for v in values if v not in allowed]
    return []


def _allowed_values(q: Question) -> set[str] | None:
    if q.type is QuestionType.YES_NO_UNKNOWN:
        return set(YES_NO_UNKNOWN_VALUES)
    if q.options:
        return {o.value for o in q.options}
    return None


def _describe(data: Any, err: Any) -> str:
    loc = list(err["loc"])
    where = _question_id_at(data, loc) or ".".join(str(p) for p in loc) or "template"
    return f"{where}: {err['msg']}"


def _question_id_at(data: Any, loc: list[Any]) -> str | None:
    """Name the question an error location points into, for a readable message."""
    if "questions" not in loc:
        return None
    i = max(idx for idx, part in enumerate(loc) if part == "questions")
    node = data
    for part in loc[: i + 2]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    qid = node.get("id", f"#{loc[i + 1]}") if isinstance(node, dict) else f"#{loc[i + 1]}"
    rest = ".".join(str(p) for p in loc[i + 2 :])
    return f"question {qid}" + (f" field {rest}" if rest else "")


def check_answer(q: Question, value: AnswerValue) -> str | None:
    """Return a problem with ``value`` as an answer to ``q`` (in English, for logs), or None if valid."""
    if value is None:
        return None
    kind = q.type
    if kind is QuestionType.YES_NO:
        return None if isinstance(value, bool) else "expected yes or no"
    if kind is QuestionType.YES_NO_UNKNOWN:
        ok = isinstance(value, str) and value in YES_NO_UNKNOWN_VALUES
        return None if ok else "expected yes, no or unknown"
    if kind is QuestionType.NUMBER:
        return _number_problem(q, value)
    if kind is QuestionType.CHOICE:
        ok = isinstance(value, str) and value in {o.value for o in q.options}
        return None if ok else "not one of the options"
    if kind is QuestionType.MULTI_CHOICE:
        options = {o.value for o in q.options}
        ok = isinstance(value, list) and all(isinstance(v, str) and v in options for v in value)
        return None if ok else "not a list of options"
    if kind is QuestionType.DATE:
        return _date_problem(value)
    if kind is QuestionType.IDENTIFIER:
        return "an identifier question takes no answer: record the identifier instead"
    if not isinstance(value, str) or len(value) > 4000:
        return "expected text of at most 4000 characters"
    return text_problem(value)  # a NUL or control character: no database stores it (schemas.inputs)


def _number_problem(q: Question, value: AnswerValue) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "expected a number"
    if q.integer and not float(value).is_integer():
        return "expected a whole number"
    if q.min is not None and value < q.min:
        return f"below the minimum {q.min:g}"
    if q.max is not None and value > q.max:
        return f"above the maximum {q.max:g}"
    return None


def _date_problem(value: AnswerValue) -> str | None:
    if not isinstance(value, str):
        return "expected a date"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "expected a date as YYYY-MM-DD"
    return None


def visible_questions(questions: list[Question], answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions shown for these answers: a hidden question hides those that depend on it."""
    shown: list[Question] = []
    visible_ids: set[str] = set()
    for q in questions:
        cond = q.show_if
        if cond is None or (cond.question in visible_ids and cond.holds(answers.get(cond.question))):
            shown.append(q)
            visible_ids.add(q.id)
    return shown


def missing_required(questions: list[Question], answers: Mapping[str, AnswerValue]) -> list[Question]:
    """Visible required questions without an answer."""
    return [
        q
        for q in visible_questions(questions, answers)
        if q.required and answers.get(q.id) in (None, "", [])
    ]
