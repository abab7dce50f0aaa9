"""The indicator catalogue: ILO/EC indicators, the rules that map answers to them, and the norms.

Everything the engine judges by is in this data: indicator strengths per exploitation profile,
thresholds (minimum wage, m² per person, working hours, minimum age), escalation rules and the
urgent guidance shown on the tablet. Changing any of it means publishing a new catalogue version;
an inspection records the version it was judged by.

Nationality, ethnicity and country of origin are never inputs (DESIGN §4): ``forbidden_inputs``
lets a test and the loader refuse any rule that refers to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from schemas.templates import (
    YES_NO_UNKNOWN_VALUES,
    AnswerValue,
    Question,
    QuestionId,
    QuestionType,
    Scope,
    Template,
    TemplateError,
    Text,
    same_value,
)


class Dimension(StrEnum):
    """The six Palermo elements of the ILO/EC Delphi lists."""

    DR = "DR"  # deceptive recruitment
    CR = "CR"  # coercive recruitment
    AVR = "AVR"  # recruitment by abuse of vulnerability
    EX = "EX"  # exploitative conditions
    CD = "CD"  # coercion at destination
    AVD = "AVD"  # abuse of vulnerability at destination


class Strength(StrEnum):
    STRONG = "S"
    MEDIUM = "M"
    WEAK = "W"


class Profile(StrEnum):
    LABOUR = "labour"
    SEXUAL = "sexual"
    CRIMINAL = "criminal"


DIMENSION_LABELS: dict[Dimension, Text] = {
    Dimension.DR: Text(nl="Misleidende werving", en="Deceptive recruitment"),
    Dimension.CR: Text(nl="Werving onder dwang", en="Coercive recruitment"),
    Dimension.AVR: Text(nl="Misbruik van kwetsbaarheid bij werving", en="Abuse of vulnerability at recruitment"),
    Dimension.EX: Text(nl="Uitbuitende omstandigheden", en="Exploitative conditions"),
    Dimension.CD: Text(nl="Dwang op de bestemming", en="Coercion at destination"),
    Dimension.AVD: Text(nl="Misbruik van kwetsbaarheid op de bestemming", en="Abuse of vulnerability at destination"),
}

PROFILE_LABELS: dict[Profile, Text] = {
    Profile.LABOUR: Text(nl="arbeidsuitbuiting", en="labour exploitation"),
    Profile.SEXUAL: Text(nl="seksuele uitbuiting", en="sexual exploitation"),
    Profile.CRIMINAL: Text(nl="criminele uitbuiting", en="criminal exploitation"),
}

FORBIDDEN_INPUT_WORDS = ("nationality", "nationaliteit", "ethnic", "etnic", "etnisch", "origin", "herkomst",
                         "country", "geboorteland", "afkomst", "citizenship", "burgerschap", "birthplace",
                         "geboorteplaats")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    code: str = Field(pattern=r"^[A-Z]{2,3}[0-9]{1,2}$")
    dimension: Dimension
    label: Text
    strength: dict[Profile, Strength]
    ilo11: list[int] = Field(default_factory=list)
    source: str
    verified: bool = True


class NormRef(_Strict):
    norm: str


Operand = bool | int | float | str | list[str] | NormRef


class Predicate(_Strict):
    """One comparison on an answer, or on the ratio of two numeric answers in the same scope."""

    question: QuestionId | None = None
    ratio: tuple[QuestionId, QuestionId] | None = None
    op: Literal["eq", "ne", "in", "contains", "contains_any", "count_gte", "gt", "gte", "lt", "lte"]
    value: Operand

    @model_validator(mode="after")
    def _one_subject(self) -> Predicate:
        if (self.question is None) == (self.ratio is None):
            raise ValueError("a predicate needs exactly one of question or ratio")
        return self

    def question_ids(self) -> list[str]:
        return list(self.ratio) if self.ratio else [self.question or ""]


class Rule(_Strict):
    """When every predicate holds for one scope's answers, the indicators are hit."""

    id: QuestionId
    scope: Scope
    when: list[Predicate] = Field(min_length=1)
    indicators: list[str] = Field(min_length=1)
    explanation: Text


class FindingRule(_Strict):
    """An administrative finding (permit, fire safety, BRP): feeds enforcement, never the level."""

    id: QuestionId
    scope: Scope
    when: list[Predicate] = Field(min_length=1)
    label: Text


class Escalation(_Strict):
    """A situation that is level 3 on its own, whatever the indicator counts say."""

    id: QuestionId
    scope: Scope
    when: list[Predicate] = Field(min_length=1)
    profile: Profile
    reason: Text


class Guidance(_Strict):
    title: Text
    steps: list[Text] = Field(min_length=1)


class Catalogue(_Strict):
    id: QuestionId
    version: int = Field(ge=1)
    norms: dict[str, float]
    indicators: list[Indicator] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)
    findings: list[FindingRule] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    minor_when: list[Predicate] = Field(min_length=1)
    urgent_guidance: Guidance

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)

    def predicates(self) -> list[tuple[str, Scope, Predicate]]:
        """Every predicate with the id and scope of the rule it belongs to."""
        groups: list[tuple[str, Scope, list[Predicate]]] = [
            *((r.id, r.scope, r.when) for r in self.rules),
            *((f.id, f.scope, f.when) for f in self.findings),
            *((e.id, e.scope, e.when) for e in self.escalations),
            ("minor_when", Scope.PERSON, self.minor_when),
        ]
        return [(rid, scope, p) for rid, scope, preds in groups for p in preds]


def parse_catalogue(data: Any, source: str = "<catalogue>") -> Catalogue:
    """Validate raw catalogue data, or raise ``TemplateError`` naming the file and the field."""
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise TemplateError(source, problems) from None
    problems = validate_catalogue(catalogue)
    if problems:
        raise TemplateError(source, problems)
    return catalogue


def validate_catalogue(catalogue: Catalogue) -> list[str]:
    """Internal consistency: known indicators, known norms, no forbidden inputs."""
    problems: list[str] = []
    codes = {i.code for i in catalogue.indicators}
    if len(codes) != len(catalogue.indicators):
        problems.append("duplicate indicator code")
    problems += [f"indicator {i.code}: no strength for any profile" for i in catalogue.indicators if not i.strength]
    for kind, ids in (("rule", [r.id for r in catalogue.rules]), ("finding", [f.id for f in catalogue.findings]),
                      ("escalation", [e.id for e in catalogue.escalations])):
        problems += [f"{kind} {i}: duplicate id" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for rule in catalogue.rules:
        problems += [f"rule {rule.id}: unknown indicator {c}" for c in rule.indicators if c not in codes]
    for rid, _scope, pred in catalogue.predicates():
        if isinstance(pred.value, NormRef) and pred.value.norm not in catalogue.norms:
            problems.append(f"rule {rid}: unknown norm {pred.value.norm}")
    problems += [f"rule {rid}: refers to a forbidden input ({word})" for rid, word in forbidden_inputs(catalogue)]
    return problems


def forbidden_inputs(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(rule id, word) for every rule that refers to nationality, ethnicity or origin."""
    found: list[tuple[str, str]] = []
    for rid, _scope, pred in catalogue.predicates():
        text = " ".join([rid, *pred.question_ids(), str(pred.value)]).lower()
        found += [(rid, w) for w in FORBIDDEN_INPUT_WORDS if w in text]
    return found


class TemplateFit(BaseModel):
    """How one catalogue fits one template: which rules can fire there, which belong to other templates, and
    the problems a beheerder must fix (a rule that asks some of its questions here but not all, a typo in an
    option, a comparison of the wrong type)."""

    model_config = ConfigDict(frozen=True)

    template: str
    applies: list[str]
    other_templates: list[str]
    problems: list[str]


def template_fit(catalogue: Catalogue, template: Template) -> TemplateFit:
    """Sort every rule, finding and escalation of ``catalogue`` by whether it can fire for ``template``."""
    groups: dict[str, list[tuple[Scope, Predicate]]] = {}
    for rid, scope, pred in catalogue.predicates():
        groups.setdefault(rid, []).append((scope, pred))
    applies: list[str] = []
    others: list[str] = []
    problems: list[str] = []
    for rid, preds in groups.items():
        asked = [(scope, qid, template.question(qid, scope)) for scope, p in preds for qid in p.question_ids()]
        missing = [f"rule {rid}: {template.key} has no {scope} question {qid}" for scope, qid, q in asked if q is None]
        if len(missing) == len(asked):
            others.append(rid)
            continue
        applies.append(rid)
        problems += missing
        for scope, pred in preds:
            found = [template.question(qid, scope) for qid in pred.question_ids()]
            if all(q is not None for q in found):
                problems += [f"rule {rid}: {p}" for p in _operand_problems(pred, [q for q in found if q])]
    return TemplateFit(template=template.key, applies=applies, other_templates=others, problems=problems)


def check_against_template(catalogue: Catalogue, template: Template) -> list[str]:
    """Problems of the rules that apply to ``template``. A rule none of whose questions the template has is
    meant for another template and is not a problem here (one catalogue serves every template); a question
    that no template has at all is caught by ``unused_questions`` across all templates."""
    return template_fit(catalogue, template).problems


def unused_questions(catalogue: Catalogue, templates: list[Template]) -> list[str]:
    """Rules asking a question that none of ``templates`` has in that scope: almost always a typo."""
    problems: list[str] = []
    for rid, scope, pred in catalogue.predicates():
        for qid in pred.question_ids():
            if all(t.question(qid, scope) is None for t in templates):
                problems.append(f"rule {rid}: no template has a {scope} question {qid}")
    return sorted(set(problems))


def _operand_problems(pred: Predicate, questions: list[Question]) -> list[str]:
    """A predicate that can never hold for these questions' answers (a typo in an option, a wrong type)."""
    if pred.ratio is not None:
        return [f"ratio needs number questions, {q.id} is {q.type}" for q in questions
                if q.type is not QuestionType.NUMBER]
    q = questions[0]
    value = pred.value
    if pred.op == "count_gte" or isinstance(value, NormRef):
        return []
    if q.type is QuestionType.NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
        return [f"{q.id} is a number, compared with {value!r}"]
    if q.type is QuestionType.YES_NO and not isinstance(value, bool):
        return [f"{q.id} is yes/no, compared with {value!r}"]
    allowed = set(YES_NO_UNKNOWN_VALUES) if q.type is QuestionType.YES_NO_UNKNOWN else {o.value for o in q.options}
    if not allowed:
        return []
    values = value if isinstance(value, list) else [value]
    return [f"{v!r} is not an option of {q.id}" for v in values if v not in allowed]


def evaluate_predicate(pred: Predicate, answers: Mapping[str, AnswerValue], norms: dict[str, float]) -> bool:
    """True when the predicate holds; a missing or unusable answer never holds."""
    left = _subject(pred, answers)
    if left is None:
        return False
    right: Operand = norms[pred.value.norm] if isinstance(pred.value, NormRef) else pred.value
    return _compare(pred.op, left, right)


def _subject(pred: Predicate, answers: Mapping[str, AnswerValue]) -> AnswerValue:
    if pred.ratio is None:
        return answers.get(pred.question or "")
    num, den = (answers.get(q) for q in pred.ratio)
    if not _is_number(num) or not _is_number(den) or den == 0:
        return None
    assert isinstance(num, int | float) and isinstance(den, int | float)
    return num / den


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _compare(op: str, left: AnswerValue, right: Operand) -> bool:
    if op == "eq":
        return same_value(left, right)
    if op == "ne":
        return not same_value(left, right)
    if op == "in":
        return isinstance(right, list) and left in right
    if op == "contains":
        return isinstance(left, list) and right in left
    if op == "contains_any":
        return isinstance(left, list) and isinstance(right, list) and bool(set(left) & set(right))
    if op == "count_gte":
        return isinstance(left, list) and _is_number(right) and len(left) >= right  # type: ignore[operator]
    if not (_is_number(left) and _is_number(right)):
        return False
    a, b = float(left), float(right)  # type: ignore[arg-type]
    return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[op]
