"""Judging a catalogue's conditions for one subject: facts, rules, escalations and findings.

A *subject* is one person found at a control, or the premises on their own. It is judged on the visible premises
answers and, for a person, the person's own visible answers: so a premises route of a fact, or a premises rule,
counts for every person found there, and a person route only for that person. Facts are judged in the order the
catalogue lists them (a route may read a fact listed before it), once per subject; rules, escalations and
findings then read answers and facts alike. Whatever made a condition true is kept as evidence, so every
indicator hit can show the answers behind it, wherever they were recorded.

Pure code over pydantic models: the tablet and the server judge with exactly this.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from schemas.catalogue import Catalogue, Dimension, Predicate, Profile, Strength, evaluate_predicate
from schemas.templates import AnswerValue, EvidenceType, Scope, Template, Text, visible_questions


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_Frozen):
    question_id: str
    question: Text
    value: AnswerValue
    evidence_type: EvidenceType
    scope: Scope | None = None  # where it was recorded; None in flags stored before catalogue format 2


class IndicatorHit(_Frozen):
    code: str
    label: Text
    dimension: Dimension
    strength: dict[Profile, Strength]
    rule_id: str
    explanation: Text
    scope: Scope
    evidence: list[Evidence]


def visible_answers(template: Template, scope: Scope, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Answers to questions that are hidden by their conditions do not count."""
    shown = {q.id for q in visible_questions(template.questions(scope), answers)}
    return {k: v for k, v in answers.items() if k in shown}


class SubjectJudge:
    """The conditions of one catalogue judged for one subject; facts are judged once, on creation."""

    def __init__(self, template: Template, catalogue: Catalogue, premises: dict[str, AnswerValue],
                 person: dict[str, AnswerValue] | None) -> None:
        self.template = template
        self.catalogue = catalogue
        self.answers: dict[Scope, dict[str, AnswerValue]] = {Scope.PREMISES: premises, Scope.PERSON: person or {}}
        self.is_person = person is not None
        self._hits: list[IndicatorHit] | None = None
        self.facts: dict[str, list[Evidence]] = {}  # the facts that hold, each with its evidence
        for fact in catalogue.facts:
            for route in fact.routes:
                evidence = self.holds(route.when, route.scope)
                if evidence is not None:
                    self.facts[fact.id] = _merge(self.facts.get(fact.id, []), evidence)

    def holds(self, when: list[Predicate], scope: Scope | None) -> list[Evidence] | None:
        """The evidence when every condition holds, else None. Person answers are empty for the premises."""
        evidence: list[Evidence] = []
        for pred in when:
            found = self._condition(pred, scope)
            if found is None:
                return None
            evidence = _merge(evidence, found)
        return evidence

    def _condition(self, pred: Predicate, scope: Scope | None) -> list[Evidence] | None:
        if pred.fact is not None:
            held = pred.fact in self.facts
            if held != (pred.value is not False):
                return None
            return self.facts[pred.fact] if held else []
        if pred.control_type is not None:
            return [] if self.template.control_type in pred.control_type else None
        if scope is None or (scope is Scope.PERSON and not self.is_person):
            return None
        answers = self.answers[scope]
        if not evaluate_predicate(pred, answers, self.catalogue.norms):
            return None
        return [self._evidence(qid, scope) for qid in pred.question_ids()]

    def _evidence(self, qid: str, scope: Scope) -> Evidence:
        q = self.template.question(qid, scope)
        label = q.label if q is not None else Text(nl=qid, en=qid)
        kind = q.evidence if q is not None else EvidenceType.OBSERVED
        return Evidence(question_id=qid, question=label, value=self.answers[scope].get(qid), evidence_type=kind,
                        scope=scope)

    def hits(self) -> list[IndicatorHit]:
        """One hit per indicator of every rule that holds, with the evidence that made it hold."""
        if self._hits is None:
            self._hits = self._rule_hits()
        return self._hits

    def _rule_hits(self) -> list[IndicatorHit]:
        out: list[IndicatorHit] = []
        for rule in self.catalogue.rules:
            evidence = self.holds(rule.when, rule.scope)
            if evidence is None:
                continue
            scope = rule.scope or _scope_of(evidence)
            for code in rule.indicators:
                ind = self.catalogue.indicator(code)
                out.append(IndicatorHit(code=code, label=ind.label, dimension=ind.dimension, strength=ind.strength,
                                        rule_id=rule.id, explanation=rule.explanation, scope=scope,
                                        evidence=evidence))
        return out

    def escalations(self) -> list[tuple[str, Profile, Text]]:
        """(id, profile, reason) of every escalation for this kind of subject that holds."""
        kind = Scope.PERSON if self.is_person else Scope.PREMISES
        return [(e.id, e.profile, e.reason) for e in self.catalogue.escalations
                if e.scope is kind and self.holds(e.when, e.scope) is not None]

    def minor(self) -> bool:
        return self.is_person and self.holds(self.catalogue.minor_when, Scope.PERSON) is not None

    def context(self, profile: Profile) -> bool:
        """Whether ``profile`` may judge this subject: its context fact holds (format 2). Without one, sexual
        exploitation needs a sex business or a sex worker; criminal exploitation needs forced crime (CD6)."""
        fact = self.catalogue.profile_context.get(profile)
        if fact is not None:
            return fact in self.facts
        if profile is Profile.SEXUAL:
            role = self.answers[Scope.PERSON].get("P00_role")
            return self.template.control_type in SEX_BUSINESS_TYPES or role == "sex_worker"
        if profile is Profile.CRIMINAL:
            return any(h.code == "CD6" for h in self.hits())
        return True


SEX_BUSINESS_TYPES = ("seksinrichting_vergund", "seksinrichting_onvergund")


def _merge(a: list[Evidence], b: list[Evidence]) -> list[Evidence]:
    seen = {(e.question_id, e.scope) for e in a}
    return a + [e for e in b if (e.question_id, e.scope) not in seen]


def _scope_of(evidence: list[Evidence]) -> Scope:
    """A rule of facts counts as a person rule when any of its evidence was recorded at the person."""
    return Scope.PERSON if any(e.scope is Scope.PERSON for e in evidence) else Scope.PREMISES
