"""Answers that make one route of a fact hold, as an inspector would give them in a real checklist.

For each condition on an answer it picks a value that satisfies it (an option, a number just past a threshold, a
ratio or a clock span that crosses it), then answers the ``show_if`` parents the question needs to be visible, so
the engine really counts it. Facts a route reads are satisfied through their first route that fits the template.
"""

from __future__ import annotations

import math
from typing import Any

from schemas.catalogue import Catalogue, Fact, NormRef, Predicate, Route
from schemas.templates import AnswerValue, Condition, Question, QuestionType, Scope, Template

Answers = dict[Scope, dict[str, AnswerValue]]


class Unreachable(Exception):
    """The route cannot hold for this template (a question it lacks, a control type it is not)."""


def route_answers(catalogue: Catalogue, template: Template, route: Route) -> Answers:
    """Answers (premises and person) under which ``route`` holds for a person of a control of ``template``."""
    answers: Answers = {Scope.PREMISES: {}, Scope.PERSON: {}}
    _satisfy(catalogue, template, route, answers, depth=0)
    return answers


def fits(template: Template, route: Route) -> bool:
    """Whether every question the route reads is in the template (facts it reads are checked when solving)."""
    return all(route.scope is not None and template.question(qid, route.scope) is not None
               for p in route.when for qid in p.question_ids())


def _satisfy(catalogue: Catalogue, template: Template, route: Route, answers: Answers, depth: int) -> None:
    if depth > 10:
        raise Unreachable("facts nested too deep")
    for pred in route.when:
        if pred.control_type is not None:
            if template.control_type not in pred.control_type:
                raise Unreachable(f"control type {template.control_type}")
        elif pred.fact is not None:
            if pred.value is not False:
                _satisfy_fact(catalogue, template, catalogue.fact(pred.fact), answers, depth + 1)
        else:
            assert route.scope is not None
            for qid, value in _values(catalogue, template, route.scope, pred).items():
                answers[route.scope][qid] = value
                _make_visible(template, route.scope, qid, answers[route.scope])


def _satisfy_fact(catalogue: Catalogue, template: Template, fact: Fact, answers: Answers, depth: int) -> None:
    for route in fact.routes:
        trial: Answers = {s: dict(a) for s, a in answers.items()}
        try:
            if fits(template, route):
                _satisfy(catalogue, template, route, trial, depth)
                answers.update(trial)
                return
        except Unreachable:
            continue
    raise Unreachable(f"fact {fact.id}")


def _question(template: Template, scope: Scope, qid: str) -> Question:
    q = template.question(qid, scope)
    if q is None:
        raise Unreachable(f"{template.key} has no {scope} question {qid}")
    return q


def _threshold(catalogue: Catalogue, pred: Predicate) -> float:
    value = pred.value
    if isinstance(value, NormRef):
        return catalogue.norms[value.norm]
    assert isinstance(value, int | float) and not isinstance(value, bool)
    return float(value)


def _values(catalogue: Catalogue, template: Template, scope: Scope, pred: Predicate) -> dict[str, AnswerValue]:
    if pred.ratio is not None:
        num, den = pred.ratio
        t = _threshold(catalogue, pred)
        if pred.op in ("lt", "lte"):
            return {num: max(0, math.ceil(t * 10) - 1), den: 10}
        return {num: math.floor(t) + 1, den: 1}
    if pred.span is not None:
        start, end = pred.span
        t = _threshold(catalogue, pred)
        return {start: 8, end: (8 + math.floor(t) + 1) % 24}
    assert pred.question is not None
    q = _question(template, scope, pred.question)
    return {q.id: _value(catalogue, q, pred)}


def _value(catalogue: Catalogue, q: Question, pred: Predicate) -> AnswerValue:
    op, value = pred.op, pred.value
    if op == "eq":
        return _plain(value)
    if op == "in" and isinstance(value, list):
        return value[0]
    if op == "contains":
        return [_plain(value)]  # type: ignore[list-item]
    if op == "contains_any" and isinstance(value, list):
        return [value[0]]
    if op == "count_gte":
        n = int(_threshold(catalogue, pred))
        return [o.value for o in q.options[:n]]
    if op == "ne":
        return _other(q, value)
    t = _threshold(catalogue, pred)
    return {"gt": t + 1, "gte": t, "lt": t - 1, "lte": t}[op or "eq"]


def _plain(value: Any) -> AnswerValue:
    assert not isinstance(value, NormRef)
    return value  # type: ignore[no-any-return]


def _other(q: Question, value: Any) -> AnswerValue:
    if q.type is QuestionType.YES_NO:
        return not value
    return next(o.value for o in q.options if o.value != value)


def _make_visible(template: Template, scope: Scope, qid: str, answers: dict[str, AnswerValue]) -> None:
    """Answer the chain of show_if parents so that ``qid`` is shown."""
    cond = _question(template, scope, qid).show_if
    if cond is None:
        return
    parent = _question(template, scope, cond.question)
    if not cond.holds(answers.get(parent.id)):
        answers[parent.id] = _satisfying(cond, parent)
    _make_visible(template, scope, parent.id, answers)


def _satisfying(cond: Condition, parent: Question) -> AnswerValue:
    if cond.equals is not None:
        return cond.equals
    if cond.in_:
        return cond.in_[0]
    if cond.contains is not None:
        return [cond.contains]
    if cond.gt is not None:
        return cond.gt + 1
    assert cond.lt is not None
    return max(parent.min or 0, cond.lt - 1)
