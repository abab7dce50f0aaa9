"""The indicator engine: answers -> indicator hits -> dimensions -> level, with its explanation.

It follows the ILO/EC Delphi method (DOMAIN_BRIEF §1.3). Each person is judged on their own answers
plus the premises answers (what the premises show counts for everyone found there), once per
exploitation profile; criminal exploitation uses the labour strengths. A dimension is positive with
2 strong, 1 strong + 1 other, 3 medium, or 2 medium + 1 weak indicators. Levels:

* L3 likely victim or acute: recruitment (DR/CR/AVR) + EX + destination (CD/AVD) all positive; for a
  minor, EX positive is enough; or an escalation rule (a minor in sex work, forced crime).
* L2 serious: EX or CD positive, or at least one strong indicator.
* L1 signal: at least one medium indicator.
* L0: nothing above (weak indicators alone are listed but do not raise the level).

When two profiles weigh the same, the context decides: a sex-business checklist, or a person whose role is
sex worker, reports sexual exploitation; otherwise criminal beats labour (it is the labour list plus forced
crime), and labour is the default.

The result is advice to a person, never a decision. Pure functions only: the tablet shows offline
exactly what the server later stores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from schemas.catalogue import (
    DIMENSION_LABELS,
    PROFILE_LABELS,
    Catalogue,
    Dimension,
    Predicate,
    Profile,
    Strength,
    evaluate_predicate,
)
from schemas.records import PersonRecord
from schemas.templates import AnswerValue, EvidenceType, Scope, Template, Text, visible_questions

RECRUITMENT = (Dimension.DR, Dimension.CR, Dimension.AVR)
SEX_BUSINESS_TYPES = ("seksinrichting_vergund", "seksinrichting_onvergund")
SEX_WORKER_ROLE = ("P00_role", "sex_worker")  # module P's role question, the same in every template
DESTINATION = (Dimension.CD, Dimension.AVD)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_Frozen):
    question_id: str
    question: Text
    value: AnswerValue
    evidence_type: EvidenceType


class IndicatorHit(_Frozen):
    code: str
    label: Text
    dimension: Dimension
    strength: dict[Profile, Strength]
    rule_id: str
    explanation: Text
    scope: Scope
    evidence: list[Evidence]


class Finding(_Frozen):
    id: str
    label: Text
    scope: Scope
    subject_id: str | None = None


class SubjectResult(_Frozen):
    """The judgement for one person, or for the premises on their own."""

    subject_id: str
    label: str
    level: int = Field(ge=0, le=3)
    profile: Profile | None
    hits: list[IndicatorHit]
    positive_dimensions: list[Dimension]
    reasons: list[Text]


class FlagResult(_Frozen):
    level: int = Field(ge=0, le=3)
    profile: Profile | None
    catalogue: str
    template: str
    subjects: list[SubjectResult]
    findings: list[Finding]
    urgent: bool
    # Set by the server only, when a newer catalogue re-evaluated a finished control and its level changed.
    previous_level: int | None = Field(default=None, ge=0, le=3)
    previous_catalogue: str | None = None
    level_changed: bool = False

    @property
    def worst(self) -> SubjectResult | None:
        return max(self.subjects, key=lambda s: s.level, default=None)


def evaluate(
    template: Template,
    catalogue: Catalogue,
    premises: Mapping[str, AnswerValue],
    persons: list[PersonRecord],
) -> FlagResult:
    """Judge one control: every person, the premises alone, and the administrative findings."""
    premises = _visible(template, Scope.PREMISES, premises)
    premises_hits = _hits(template, catalogue, Scope.PREMISES, premises)
    sex_business = template.control_type in SEX_BUSINESS_TYPES
    subjects = [_premises_result(catalogue, premises, premises_hits, sexual_context=sex_business)]
    for person in persons:
        answers = _visible(template, Scope.PERSON, person.answers)
        hits = premises_hits + _hits(template, catalogue, Scope.PERSON, answers)
        sexual = sex_business or answers.get(SEX_WORKER_ROLE[0]) == SEX_WORKER_ROLE[1]
        subjects.append(_person_result(catalogue, person, answers, hits, sexual_context=sexual))
    # A person's judgement includes the premises hits and knows the person's context: prefer it on a tie.
    worst = max(subjects, key=lambda s: (s.level, s.subject_id != "premises"))
    return FlagResult(
        level=worst.level,
        profile=worst.profile if worst.level else None,
        catalogue=catalogue.key,
        template=template.key,
        subjects=subjects,
        findings=_findings(catalogue, premises, persons, template),
        urgent=worst.level == 3,
    )


def _visible(template: Template, scope: Scope, answers: Mapping[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Answers to questions that are hidden by their conditions do not count."""
    shown = {q.id for q in visible_questions(template.questions(scope), answers)}
    return {k: v for k, v in answers.items() if k in shown}


def _holds(preds: list[Predicate], answers: dict[str, AnswerValue], catalogue: Catalogue) -> bool:
    return all(evaluate_predicate(p, answers, catalogue.norms) for p in preds)


def _hits(
    template: Template, catalogue: Catalogue, scope: Scope, answers: dict[str, AnswerValue]
) -> list[IndicatorHit]:
    hits: list[IndicatorHit] = []
    for rule in catalogue.rules:
        if rule.scope is not scope or not _holds(rule.when, answers, catalogue):
            continue
        evidence = _evidence(template, scope, rule.when, answers)
        for code in rule.indicators:
            ind = catalogue.indicator(code)
            hits.append(IndicatorHit(code=code, label=ind.label, dimension=ind.dimension, strength=ind.strength,
                                     rule_id=rule.id, explanation=rule.explanation, scope=scope, evidence=evidence))
    return hits


def _evidence(template: Template, scope: Scope, preds: list[Predicate],
              answers: dict[str, AnswerValue]) -> list[Evidence]:
    out: list[Evidence] = []
    for qid in dict.fromkeys(q for p in preds for q in p.question_ids()):
        q = template.question(qid, scope)
        if q is not None:
            out.append(Evidence(question_id=qid, question=q.label, value=answers.get(qid), evidence_type=q.evidence))
    return out


def _premises_result(catalogue: Catalogue, answers: dict[str, AnswerValue],
                     hits: list[IndicatorHit], *, sexual_context: bool) -> SubjectResult:
    return _judge(catalogue, "premises", "Pand", hits, minor=False, sexual_context=sexual_context,
                  escalations=_escalations(catalogue, Scope.PREMISES, answers))


def _person_result(catalogue: Catalogue, person: PersonRecord, answers: dict[str, AnswerValue],
                   hits: list[IndicatorHit], *, sexual_context: bool) -> SubjectResult:
    minor = _holds(catalogue.minor_when, answers, catalogue)
    return _judge(catalogue, person.id, person.label, hits, minor=minor, sexual_context=sexual_context,
                  escalations=_escalations(catalogue, Scope.PERSON, answers))


def _escalations(catalogue: Catalogue, scope: Scope, answers: dict[str, AnswerValue]) -> list[tuple[Profile, Text]]:
    return [(e.profile, e.reason) for e in catalogue.escalations
            if e.scope is scope and _holds(e.when, answers, catalogue)]


def _judge(catalogue: Catalogue, subject_id: str, label: str, hits: list[IndicatorHit], *, minor: bool,
           sexual_context: bool, escalations: list[tuple[Profile, Text]]) -> SubjectResult:
    best: tuple[int, Profile | None, list[Dimension], list[Text]] = (0, None, [], [])
    best_rank: _Rank = (0, False, False, 0, False)
    for candidate in Profile:
        level, positive, reasons = _judge_profile(hits, candidate, minor)
        escalated = False
        for esc_profile, reason in escalations:
            if esc_profile is candidate:
                level, reasons, escalated = 3, [*reasons, reason], True
        rank = _profile_rank(hits, candidate, level, escalated, sexual_context)
        if level > 0 and rank > best_rank:
            best, best_rank = (level, candidate, positive, reasons), rank
    level, profile, positive, reasons = best
    relevant = [h for h in hits if profile is None or _strength(h, profile) is not None]
    return SubjectResult(subject_id=subject_id, label=label, level=level, profile=profile,
                         hits=relevant if profile else hits, positive_dimensions=positive,
                         reasons=reasons or [_NO_SIGNAL])


_Rank = tuple[int, bool, bool, int, bool]


def _profile_rank(hits: list[IndicatorHit], profile: Profile, level: int, escalated: bool,
                  sexual_context: bool) -> _Rank:
    """Which profile to report when several reach a level: the higher level, then the one an escalation
    names, then the context (sexual in a sex business or for a sex worker), then the heavier evidence
    (S=3, M=2, W=1 per indicator); criminal wins a remaining tie with labour, since it is the labour list
    plus forced crime."""
    points = {Strength.STRONG: 3, Strength.MEDIUM: 2, Strength.WEAK: 1}
    score = sum(points[s] for _d, s in _unique_strengths(hits, profile).values())
    return level, escalated, sexual_context and profile is Profile.SEXUAL, score, profile is Profile.CRIMINAL


_NO_SIGNAL = Text(nl="Geen indicatoren van betekenis gevonden.", en="No significant indicators found.")


def _strength(hit: IndicatorHit, profile: Profile) -> Strength | None:
    """Criminal exploitation uses the labour list (DOMAIN_BRIEF §1.3)."""
    return hit.strength.get(Profile.LABOUR if profile is Profile.CRIMINAL else profile)


def _judge_profile(hits: list[IndicatorHit], profile: Profile,
                   minor: bool) -> tuple[int, list[Dimension], list[Text]]:
    strengths = _unique_strengths(hits, profile)
    if profile is Profile.CRIMINAL and "CD6" not in strengths:
        return 0, [], []
    positive = [d for d in Dimension if dimension_positive(Counter(s for (dim, s) in strengths.values() if dim is d))]
    reasons = [_dimension_reason(d, strengths) for d in positive]
    pname = PROFILE_LABELS[profile]
    has = {d: d in positive for d in Dimension}
    full = any(has[d] for d in RECRUITMENT) and has[Dimension.EX] and any(has[d] for d in DESTINATION)
    if full or (minor and has[Dimension.EX]):
        why = "minderjarige met uitbuitende omstandigheden" if not full else "werving, uitbuiting en dwang positief"
        why_en = "a minor in exploitative conditions" if not full else "recruitment, exploitation and coercion positive"
        return 3, positive, [*reasons, Text(nl=f"Niveau 3 ({pname.nl}): {why}.", en=f"Level 3 ({pname.en}): {why_en}.")]
    strong = sorted(c for c, (_d, s) in strengths.items() if s is Strength.STRONG)
    if has[Dimension.EX] or has[Dimension.CD] or strong:
        basis = ", ".join(strong) if strong else "dimensie positief"
        return 2, positive, [*reasons, Text(nl=f"Niveau 2 ({pname.nl}): {basis}.",
                                            en=f"Level 2 ({pname.en}): {basis if strong else 'dimension positive'}.")]
    medium = sorted(c for c, (_d, s) in strengths.items() if s is Strength.MEDIUM)
    if medium:
        codes = ", ".join(medium)
        return 1, positive, [Text(nl=f"Niveau 1 ({pname.nl}): middelsterke indicatoren {codes}.",
                                  en=f"Level 1 ({pname.en}): medium indicators {codes}.")]
    return 0, positive, []


def _unique_strengths(hits: list[IndicatorHit], profile: Profile) -> dict[str, tuple[Dimension, Strength]]:
    """Each indicator counts once, however many answers evidence it."""
    out: dict[str, tuple[Dimension, Strength]] = {}
    for h in hits:
        s = _strength(h, profile)
        if s is not None:
            out[h.code] = (h.dimension, s)
    return out


def dimension_positive(counts: Counter[Strength]) -> bool:
    """ILO/EC step 1: 2 strong, 1 strong + 1 other, 3 medium, or 2 medium + 1 weak."""
    s, m, w = counts[Strength.STRONG], counts[Strength.MEDIUM], counts[Strength.WEAK]
    return s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)


def _dimension_reason(d: Dimension, strengths: dict[str, tuple[Dimension, Strength]]) -> Text:
    codes = ", ".join(f"{c} ({s.value})" for c, (dim, s) in sorted(strengths.items()) if dim is d)
    label = DIMENSION_LABELS[d]
    return Text(nl=f"Dimensie {label.nl} ({d.value}) positief: {codes}.",
                en=f"Dimension {label.en} ({d.value}) positive: {codes}.")


def _findings(catalogue: Catalogue, premises: dict[str, AnswerValue], persons: list[PersonRecord],
              template: Template) -> list[Finding]:
    out: list[Finding] = []
    for f in catalogue.findings:
        if f.scope is Scope.PREMISES and _holds(f.when, premises, catalogue):
            out.append(Finding(id=f.id, label=f.label, scope=f.scope))
        if f.scope is Scope.PERSON:
            for p in persons:
                if _holds(f.when, _visible(template, Scope.PERSON, p.answers), catalogue):
                    out.append(Finding(id=f.id, label=f.label, scope=f.scope, subject_id=p.id))
    return out
