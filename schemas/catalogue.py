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
    AnswerValue,
    QuestionId,
    Scope,
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


Op = Literal["eq", "ne", "in", "contains", "contains_any", "count_gte", "gt", "gte", "lt", "lte"]


class Predicate(_Strict):
    """One condition. On answers: a comparison of one answer (``question``), of the ratio of two numeric answers
    (``ratio``), or of the clock hours from a start hour to an end hour, over midnight (``span``), all in the
    scope of the rule or route. Or on the judgement so far: a ``fact`` that holds (``value: false``: does not
    hold), or the ``control_type`` of the control being one of a list."""

    question: QuestionId | None = None
    ratio: tuple[QuestionId, QuestionId] | None = None
    span: tuple[QuestionId, QuestionId] | None = None
    fact: QuestionId | None = None
    control_type: list[str] | None = None
    op: Op | None = None
    value: Operand | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Predicate:
        subjects = [k for k in ("question", "ratio", "span", "fact", "control_type") if getattr(self, k) is not None]
        if len(subjects) != 1:
            raise ValueError("a predicate needs exactly one of question, ratio, span, fact or control_type")
        if self.on_answers and (self.op is None or self.value is None):
            raise ValueError(f"a {subjects[0]} predicate needs op and value")
        if self.fact is not None and (self.op is not None or not isinstance(self.value, bool | None)):
            raise ValueError("a fact predicate takes no op; value may be true (default) or false")
        if self.control_type is not None and (self.op is not None or self.value is not None):
            raise ValueError("a control_type predicate takes no op or value")
        return self

    @property
    def on_answers(self) -> bool:
        return self.question is not None or self.ratio is not None or self.span is not None

    def question_ids(self) -> list[str]:
        if self.ratio:
            return list(self.ratio)
        if self.span:
            return list(self.span)
        return [self.question] if self.question else []


def _scope_problem(scope: Scope | None, when: list[Predicate]) -> str | None:
    if scope is None and any(p.on_answers for p in when):
        return "conditions on answers need a scope (premises or person)"
    return None


class Route(_Strict):
    """One way a fact can be recorded: every condition holds, answers read in ``scope``."""

    scope: Scope | None = None
    when: list[Predicate] = Field(min_length=1)

    @model_validator(mode="after")
    def _scope_given(self) -> Route:
        if (problem := _scope_problem(self.scope, self.when)) is not None:
            raise ValueError(problem)
        return self


class Fact(_Strict):
    """Something an inspector can record in more than one place (at the person, at the premises, through two
    questions): it holds when any route holds. A premises route counts for every person found there. Rules,
    escalations and findings read facts, so the same fact gets the same judgement however it was recorded."""

    id: QuestionId
    label: Text
    routes: list[Route] = Field(min_length=1)


class Rule(_Strict):
    """When every condition holds, the indicators are hit. Conditions on answers read ``scope`` (a premises rule
    counts for everyone found there); a rule of facts needs no scope."""

    id: QuestionId
    scope: Scope | None = None
    when: list[Predicate] = Field(min_length=1)
    indicators: list[str] = Field(min_length=1)
    explanation: Text

    @model_validator(mode="after")
    def _scope_given(self) -> Rule:
        if (problem := _scope_problem(self.scope, self.when)) is not None:
            raise ValueError(problem)
        return self


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


class LegalFrame(_Strict):
    """Art. 273f Sr: *handeling – middel – oogmerk* (DOMAIN_BRIEF §1.4). ``act`` lists the facts that evidence an
    act (harbouring, transport, recruitment, putting someone to work); every indicator of the EX dimension and
    those in ``purpose_indicators`` evidence the purpose (exploitation); every other indicator is a means."""

    act: list[QuestionId] = Field(min_length=1)
    purpose_indicators: list[str] = Field(default_factory=list)
    # Further purpose indicators for one profile: for sexual exploitation, a third party running the sex work and its
    # money (CD8, CD14) is the exploitation of another's prostitution itself, not only a means.
    purpose_by_profile: dict[Profile, list[str]] = Field(default_factory=dict)


class Guidance(_Strict):
    title: Text
    steps: list[Text] = Field(min_length=1)


class Catalogue(_Strict):
    id: QuestionId
    version: int = Field(ge=1)
    format: Literal[1, 2] = 1
    norms: dict[str, float]
    indicators: list[Indicator] = Field(min_length=1)
    facts: list[Fact] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)
    findings: list[FindingRule] = Field(default_factory=list)
    escalations: list[Escalation] = Field(default_factory=list)
    minor_when: list[Predicate] = Field(min_length=1)
    # The fact that must hold before a profile other than labour may judge a person (format 2); without it,
    # sexual exploitation needs a sex business or a sex worker, criminal exploitation an indicator CD6.
    profile_context: dict[Profile, QuestionId] = Field(default_factory=dict)
    legal_frame: LegalFrame | None = None
    urgent_guidance: Guidance

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.code == code)

    def fact(self, fact_id: str) -> Fact:
        return next(f for f in self.facts if f.id == fact_id)

    def purpose_codes(self, profile: Profile | None = None) -> set[str]:
        """The indicators that evidence the purpose element of the legal frame for ``profile``: EX, the listed ones,
        and those listed for that profile."""
        frame = self.legal_frame
        extra = set(frame.purpose_indicators) if frame else {"CD6", "CD7"}
        if frame is not None and profile is not None:
            extra |= set(frame.purpose_by_profile.get(profile, []))
        return {i.code for i in self.indicators if i.dimension is Dimension.EX} | extra

    def condition_groups(self) -> list[tuple[str, Scope | None, list[Predicate]]]:
        """Every list of conditions with a name (``fact:<id>#<n>`` for a fact's n-th route) and the scope its
        answers are read in."""
        return [
            *((f"fact:{f.id}#{n}", r.scope, r.when) for f in self.facts for n, r in enumerate(f.routes, 1)),
            *((r.id, r.scope, r.when) for r in self.rules),
            *((f.id, f.scope, f.when) for f in self.findings),
            *((e.id, e.scope, e.when) for e in self.escalations),
            ("minor_when", Scope.PERSON, self.minor_when),
        ]

    def predicates(self) -> list[tuple[str, Scope, Predicate]]:
        """Every condition on answers, with the name and scope of the group it belongs to."""
        return [(gid, scope, p) for gid, scope, preds in self.condition_groups() for p in preds
                if p.on_answers and scope is not None]

    def questions_read(self) -> set[tuple[Scope, str]]:
        """(scope, question id) of every answer any rule, fact, finding or escalation reads."""
        return {(scope, qid) for _gid, scope, p in self.predicates() for qid in p.question_ids()}


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
    problems += _fact_problems(catalogue)
    problems += [f"rule {rid}: refers to a forbidden input ({word})" for rid, word in forbidden_inputs(catalogue)]
    return problems


def _fact_problems(catalogue: Catalogue) -> list[str]:
    """Facts are judged in the order they are listed: a route may only read facts listed before it, so the
    judgement can never go round in a circle. Everything else may read any fact."""
    problems: list[str] = []
    fact_ids = [f.id for f in catalogue.facts]
    problems += [f"fact {i}: duplicate id" for i in sorted({i for i in fact_ids if fact_ids.count(i) > 1})]
    for n, fact in enumerate(catalogue.facts):
        earlier = set(fact_ids[:n])
        for route in fact.routes:
            problems += [f"fact {fact.id}: reads fact {p.fact}, which is not listed before it"
                         for p in route.when if p.fact is not None and p.fact not in earlier]
    known = set(fact_ids)
    for gid, _scope, preds in catalogue.condition_groups():
        if not gid.startswith("fact:"):
            problems += [f"rule {gid}: unknown fact {p.fact}" for p in preds
                         if p.fact is not None and p.fact not in known]
    for profile, fact_id in catalogue.profile_context.items():
        if fact_id not in known:
            problems.append(f"profile_context {profile}: unknown fact {fact_id}")
    frame = catalogue.legal_frame
    if frame is not None:
        problems += [f"legal_frame: unknown act fact {f}" for f in frame.act if f not in known]
        codes = {i.code for i in catalogue.indicators}
        listed = [*frame.purpose_indicators, *(c for cs in frame.purpose_by_profile.values() for c in cs)]
        problems += [f"legal_frame: unknown indicator {c}" for c in listed if c not in codes]
    if catalogue.format < 2 and (catalogue.facts or catalogue.profile_context or frame is not None):
        problems.append("facts, profile_context and legal_frame need format: 2")
    return problems


def forbidden_inputs(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(rule id, word) for every rule, fact, finding or escalation that refers to nationality, ethnicity or
    origin, by its name, the questions it reads or the values it compares with."""
    found: list[tuple[str, str]] = []
    for gid, _scope, preds in catalogue.condition_groups():
        for pred in preds:
            text = " ".join([gid, *pred.question_ids(), str(pred.value), pred.fact or ""]).lower()
            found += [(gid, w) for w in FORBIDDEN_INPUT_WORDS if w in text]
    return sorted(set(found))


def evaluate_predicate(pred: Predicate, answers: Mapping[str, AnswerValue], norms: dict[str, float]) -> bool:
    """True when a predicate on answers holds; a missing or unusable answer never holds. Fact and control-type
    predicates are judged by the engine, not here: they never hold on answers alone."""
    left = _subject(pred, answers)
    if left is None or pred.op is None or pred.value is None:
        return False
    right: Operand = norms[pred.value.norm] if isinstance(pred.value, NormRef) else pred.value
    return _compare(pred.op, left, right)


def _subject(pred: Predicate, answers: Mapping[str, AnswerValue]) -> AnswerValue:
    if pred.question is not None:
        return answers.get(pred.question)
    pair = pred.ratio or pred.span
    if pair is None:
        return None
    a, b = (answers.get(q) for q in pair)
    if not _is_number(a) or not _is_number(b):
        return None
    assert isinstance(a, int | float) and isinstance(b, int | float)
    if pred.span is not None:
        return span_hours(a, b)
    return None if b == 0 else a / b


def span_hours(start: float, end: float) -> float:
    """Clock hours from ``start`` to ``end`` (0-24), over midnight: 10 to 2 is 16 hours; equal means 24."""
    hours = (end - start) % 24
    return hours or 24.0


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
