"""The indicator engine: answers -> facts -> indicator hits -> elements and dimensions -> level, with its words.

Each person is judged on their own answers plus the premises answers (what the premises show counts for
everyone found there), the premises also on their own; the control's level is the worst subject's. A subject is
judged once per exploitation profile its context allows (labour always; sexual and criminal only where the
catalogue's context fact holds), criminal exploitation with the labour strengths. Two frames combine:

* **ILO/EC Delphi** (DOMAIN_BRIEF §1.3): a dimension is positive with 2 strong, 1 strong + 1 other, 3 medium, or
  2 medium + 1 weak indicators; recruitment (DR/CR/AVR) + EX + destination (CD/AVD) positive is level 3.
* **Art. 273f Sr** (DOMAIN_BRIEF §1.4): *handeling – middel – oogmerk*. The act is a fact (harbouring,
  transport, recruitment, putting someone to work); every EX indicator and the catalogue's purpose indicators
  (forced crime, forced tasks or clients; for sexual exploitation also a third party running the sex work and its
  money) evidence the purpose; every other indicator is a means. An element is
  *evidenced* when its indicators weigh at least 2, counting strong 2, medium 1, weak ½: one strong, two medium,
  or one medium and two weak.

Levels:

* L3 likely victim or acute: act + means + purpose evidenced; or the ILO rule; or a minor with a purpose
  evidenced; or an escalation rule of the catalogue (a minor who works, sleeps at a workplace, owes a debt, is
  in a sex business or at a crime site; a person who says they are forced to commit crimes ...).
* L2 serious: the means or the purpose is evidenced.
* L1 signal: the indicators together weigh at least 1: one medium, or two weak.
* L0: nothing above; a single weak indicator is listed but does not raise the level.

When several profiles reach the same level, the one an escalation names wins, then the subject's context
(sexual in a sex business or for a sex worker, criminal where crime is used), then the heavier evidence.

The result is advice to a person, never a decision. Pure functions only: the tablet shows offline exactly what
the server later stores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from schemas import explain
from schemas.catalogue import DIMENSION_LABELS, Catalogue, Dimension, Profile, Strength
from schemas.explain import Element, Frame
from schemas.facts import Evidence, IndicatorHit, SubjectJudge, visible_answers
from schemas.records import PersonRecord
from schemas.templates import AnswerValue, Scope, Template, Text
from schemas.texts import t

__all__ = ["Evidence", "Finding", "FlagResult", "IndicatorHit", "SubjectResult", "dimension_positive", "evaluate"]

RECRUITMENT = (Dimension.DR, Dimension.CR, Dimension.AVR)
DESTINATION = (Dimension.CD, Dimension.AVD)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


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
    reasons: list[Text]  # the level line first (``level_rule``), then the positive dimensions
    # Added with catalogue format 2; flags stored before keep the defaults.
    level_rule: Text | None = None
    frame: Frame | None = None
    escalation: str | None = None
    other_profiles: list[Profile] = Field(default_factory=list)  # also at this level


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
    premises: dict[str, AnswerValue] | None,
    persons: list[PersonRecord],
) -> FlagResult:
    """Judge one control: every person, the premises alone, and the administrative findings."""
    shown = visible_answers(template, Scope.PREMISES, premises or {})
    premises_judge = SubjectJudge(template, catalogue, shown, None)
    subjects = [_judge(catalogue, "premises", "Pand", premises_judge)]
    findings = _findings(catalogue, premises_judge, None)
    for person in persons:
        judge = SubjectJudge(template, catalogue, shown, visible_answers(template, Scope.PERSON, person.answers))
        subjects.append(_judge(catalogue, person.id, person.label, judge))
        findings += _findings(catalogue, judge, person.id)
    # A person's judgement includes the premises hits and knows the person's context: prefer it on a tie.
    worst = max(subjects, key=lambda s: (s.level, s.subject_id != "premises"))
    return FlagResult(level=worst.level, profile=worst.profile if worst.level else None, catalogue=catalogue.key,
                      template=template.key, subjects=subjects, findings=findings, urgent=worst.level == 3)


@dataclass(frozen=True)
class _Verdict:
    """One profile's judgement of one subject."""

    profile: Profile
    level: int
    positive: list[Dimension]
    line: Text
    frame: Frame
    escalation: str | None
    score: int


def _judge(catalogue: Catalogue, subject_id: str, label: str, judge: SubjectJudge) -> SubjectResult:
    hits = judge.hits()
    escalations = judge.escalations()
    minor = judge.minor()
    act = [f for f in (catalogue.legal_frame.act if catalogue.legal_frame else []) if f in judge.facts]
    escalated = {p for _i, p, _r in escalations}
    verdicts = [_verdict(catalogue, p, hits, act, minor, escalations) for p in Profile
                if p in escalated or judge.context(p)]
    preferred = _preferred(judge)
    best = max(verdicts, key=lambda v: (v.level, v.escalation is not None, v.profile is preferred, v.score))
    if best.level == 0:
        return SubjectResult(subject_id=subject_id, label=label, level=0, profile=None, hits=hits,
                             positive_dimensions=best.positive, reasons=[best.line], level_rule=best.line)
    relevant = [h for h in hits if _strength(h, best.profile) is not None]
    others = [v.profile for v in verdicts if v.level == best.level and v.profile is not best.profile]
    reasons = [best.line, *(_dimension_reason(d, _unique_strengths(hits, best.profile), hits) for d in best.positive)]
    return SubjectResult(subject_id=subject_id, label=label, level=best.level, profile=best.profile, hits=relevant,
                         positive_dimensions=best.positive, reasons=reasons, level_rule=best.line,
                         frame=best.frame if catalogue.legal_frame else None, escalation=best.escalation,
                         other_profiles=others)


def _preferred(judge: SubjectJudge) -> Profile:
    """The profile the subject's context points to: a sex business or sex worker, then crime, else labour."""
    for profile in (Profile.SEXUAL, Profile.CRIMINAL):
        if judge.context(profile):
            return profile
    return Profile.LABOUR


def _verdict(catalogue: Catalogue, profile: Profile, hits: list[IndicatorHit], act: list[str], minor: bool,
             escalations: list[tuple[str, Profile, Text]]) -> _Verdict:
    strengths = _unique_strengths(hits, profile)
    positive = [d for d in Dimension if dimension_positive(Counter(s for (dim, s) in strengths.values() if dim is d))]
    frame = _frame(catalogue, profile, strengths, act)
    points = {Strength.STRONG: 3, Strength.MEDIUM: 2, Strength.WEAK: 1}
    score = sum(points[s] for _d, s in strengths.values())

    names = {h.code: h.label for h in hits}  # the lines name indicators in words

    def verdict(level: int, line: Text, escalation: str | None = None) -> _Verdict:
        return _Verdict(profile, level, positive, line, frame, escalation, score)

    for esc_id, esc_profile, reason in escalations:
        if esc_profile is profile:
            return verdict(3, explain.escalated_line(profile, reason), esc_id)
    has = set(positive)
    ilo_full = bool(has & set(RECRUITMENT)) and Dimension.EX in has and bool(has & set(DESTINATION))
    has_frame = catalogue.legal_frame is not None
    frame_full = has_frame and frame.act.evidenced and frame.means.evidenced and frame.purpose.evidenced
    if frame_full or ilo_full or (minor and frame.purpose.evidenced):
        shown = frame if has_frame else None
        return verdict(3, explain.level_three_line(profile, shown, ilo_full=ilo_full, minor=minor,
                                                             names=names))
    if frame.means.evidenced or frame.purpose.evidenced:
        return verdict(2, explain.level_two_line(profile, frame, minor=minor, has_frame=has_frame,
                                                           names=names))
    medium = sorted(c for c, (_d, s) in strengths.items() if s is Strength.MEDIUM)
    weak = sorted(c for c, (_d, s) in strengths.items() if s is Strength.WEAK)
    if weight(Counter(s for _d, s in strengths.values())) >= 1:
        return verdict(1, explain.level_one_line(profile, medium, weak, names))
    return verdict(0, explain.level_zero_line(weak, names))


def _frame(catalogue: Catalogue, profile: Profile, strengths: dict[str, tuple[Dimension, Strength]],
           act: list[str]) -> Frame:
    """Sort the indicators into means and purpose, and say which elements are evidenced."""
    purpose_codes = catalogue.purpose_codes(profile)

    def element(codes: list[str]) -> Element:
        found = [strengths[c][1] for c in codes]
        return Element(evidenced=element_evidenced(Counter(found)), codes=codes, strengths=found)

    means = sorted(c for c in strengths if c not in purpose_codes)
    purpose = sorted(c for c in strengths if c in purpose_codes)
    labels = [catalogue.fact(f).label for f in act]
    return Frame(act=Element(evidenced=bool(act), codes=act), means=element(means), purpose=element(purpose),
                 act_labels=labels)


WEIGHT = {Strength.STRONG: 2.0, Strength.MEDIUM: 1.0, Strength.WEAK: 0.5}


def weight(counts: Counter[Strength]) -> float:
    """Strong 2, medium 1, weak ½: the ILO/EC ranks as one scale, so indicators of several dimensions can add up."""
    return sum(WEIGHT[s] * n for s, n in counts.items())


def element_evidenced(counts: Counter[Strength]) -> bool:
    """An element of the legal frame is evidenced when its indicators weigh at least 2: one strong, two medium, or
    one medium and two weak."""
    return weight(counts) >= 2


def _strength(hit: IndicatorHit, profile: Profile) -> Strength | None:
    """Criminal exploitation uses the labour list (DOMAIN_BRIEF §1.3)."""
    return hit.strength.get(Profile.LABOUR if profile is Profile.CRIMINAL else profile)


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


def _dimension_reason(d: Dimension, strengths: dict[str, tuple[Dimension, Strength]],
                      hits: list[IndicatorHit]) -> Text:
    """"Dimensie Dwang positief: Paspoort ingehouden (sterk), …" — the indicators in words with their strength, no
    codes (an inspector and a team lead read this; the beheerder finds the codes in the office's details)."""
    labels = {h.code: h.label for h in hits}
    label = DIMENSION_LABELS[d]

    def line(lang: str) -> str:
        named = ", ".join(f"{labels[c].get(lang)} ({t(f'strength_{s.value}', lang)})"
                          for c, (dim, s) in sorted(strengths.items()) if dim is d)
        return t("dimension_positive", lang, dimension=label.get(lang), indicators=named)

    return Text(nl=line("nl"), en=line("en"))


def _findings(catalogue: Catalogue, judge: SubjectJudge, person_id: str | None) -> list[Finding]:
    """Premises findings for the premises (``person_id`` None), person findings for that person."""
    kind = Scope.PERSON if person_id is not None else Scope.PREMISES
    return [Finding(id=f.id, label=f.label, scope=f.scope, subject_id=person_id) for f in catalogue.findings
            if f.scope is kind and judge.holds(f.when, f.scope) is not None]
