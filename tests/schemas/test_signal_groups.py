"""Indicators once with all their evidence, identical persons grouped, and the level line of old and new flags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from schemas.cases import ReferenceCase, pick_template
from schemas.catalogue import Dimension, Profile, Strength
from schemas.engine import FlagResult, SubjectResult, evaluate
from schemas.facts import Evidence, IndicatorHit
from schemas.signal_groups import (
    group_subjects,
    indicator_summaries,
    level_line,
    other_reasons,
    profile_strength,
    source_subject,
    stated_level,
)
from schemas.templates import EvidenceType, Scope, Text
from sync_server.assets import all_templates, published_catalogue

FOURTEEN = Path(__file__).resolve().parents[2] / "assets" / "cases" / "labour_migrants_passports_kept.yaml"

S, M, W = Strength.STRONG, Strength.MEDIUM, Strength.WEAK


def _t(nl: str) -> Text:
    return Text(nl=nl, en=f"EN {nl}")


def ev(qid: str, value: object = True, scope: Scope | None = Scope.PERSON,
       kind: EvidenceType = EvidenceType.OBSERVED) -> Evidence:
    return Evidence.model_validate({"question_id": qid, "question": _t(f"Vraag {qid}"), "value": value,
                                    "evidence_type": kind, "scope": scope})


def hit(code: str, rule: str, evidence: list[Evidence], *, labour: Strength | None = M,
        sexual: Strength | None = None, dimension: Dimension = Dimension.EX, scope: Scope = Scope.PERSON
        ) -> IndicatorHit:
    strength = {p: s for p, s in ((Profile.LABOUR, labour), (Profile.SEXUAL, sexual)) if s is not None}
    return IndicatorHit(code=code, label=_t(f"Indicator {code}"), dimension=dimension, strength=strength,
                        rule_id=rule, explanation=_t(f"Regel {rule}."), scope=scope, evidence=evidence)


def person(sid: str, hits: list[IndicatorHit], *, level: int = 2, profile: Profile | None = Profile.LABOUR,
           rule: str | None = "Niveau 2 (arbeidsuitbuiting): middel aangetoond door de sterke indicator CD1.",
           reasons: list[Text] | None = None, escalation: str | None = None,
           others: list[Profile] | None = None) -> SubjectResult:
    line = _t(rule) if rule else None
    return SubjectResult(subject_id=sid, label="Pand" if sid == "premises" else f"Persoon {sid[1:]}", level=level,
                         profile=profile, hits=hits, positive_dimensions=[],
                         reasons=reasons if reasons is not None else ([line] if line else []), level_rule=line,
                         escalation=escalation, other_profiles=others or [])


def flag(*subjects: SubjectResult) -> FlagResult:
    worst = max(subjects, key=lambda s: s.level)
    return FlagResult(level=worst.level, profile=worst.profile, catalogue="cat-v3", template="pand-v2",
                      subjects=list(subjects), findings=[], urgent=worst.level == 3)


def test_each_indicator_once_with_all_its_evidence_strongest_first() -> None:
    premises_ev = ev("A10_locked", scope=Scope.PREMISES)
    subject = person("p1", [
        hit("EX2", "r_rooms", [ev("A05_rooms", 9, Scope.PREMISES)], labour=W, scope=Scope.PREMISES),
        hit("CD1", "r_id", [ev("P02_own_id", False), ev("P03_id_held_by", "landlord")], labour=S),
        hit("EX2", "r_locked", [premises_ev, ev("A05_rooms", 9, Scope.PREMISES)], labour=W, scope=Scope.PREMISES),
        hit("CD1", "r_debt", [ev("P02_own_id", False), ev("P20_debt", True, kind=EvidenceType.SELF_REPORTED)],
            labour=S),
        hit("AVR1", "r_recruit", [ev("P30_recruited")], labour=M, dimension=Dimension.AVR),
    ])
    summaries = indicator_summaries(subject)
    assert [s.code for s in summaries] == ["CD1", "AVR1", "EX2"]
    cd1, _avr1, ex2 = summaries
    assert cd1.strength is S and cd1.rule_ids == ["r_id", "r_debt"]
    assert [e.nl for e in cd1.explanations] == ["Regel r_id.", "Regel r_debt."]
    assert [(e.question_id, e.scope) for e in cd1.evidence] == [
        ("P02_own_id", Scope.PERSON), ("P03_id_held_by", Scope.PERSON), ("P20_debt", Scope.PERSON)]
    assert cd1.evidence[2].evidence_type is EvidenceType.SELF_REPORTED
    assert [e.question_id for e in ex2.evidence] == ["A05_rooms", "A10_locked"]
    assert ex2.dimension is Dimension.EX and ex2.label.nl == "Indicator EX2"


def test_same_question_in_two_scopes_stays_twice() -> None:
    subject = person("p1", [hit("EX1", "a", [ev("q", scope=Scope.PREMISES)]),
                            hit("EX1", "b", [ev("q", scope=Scope.PERSON)])])
    [ex1] = indicator_summaries(subject)
    assert [e.scope for e in ex1.evidence] == [Scope.PREMISES, Scope.PERSON]


def test_strength_follows_the_profile_criminal_uses_labour() -> None:
    h = hit("CD6", "crime", [], labour=M, sexual=S)
    assert profile_strength(h, Profile.CRIMINAL) is M and profile_strength(h, Profile.LABOUR) is M
    assert profile_strength(h, Profile.SEXUAL) is S
    assert profile_strength(h, None) is S  # no profile (level 0): the strongest
    [summary] = indicator_summaries(person("p1", [h], profile=Profile.CRIMINAL))
    assert summary.strength is M
    [summary] = indicator_summaries(person("p1", [hit("X", "r", [], labour=None, sexual=W)],
                                           profile=Profile.LABOUR))
    assert summary.strength is None


def test_old_evidence_without_scope_takes_the_rule_scope() -> None:
    subject = person("p1", [hit("EX1", "r", [ev("staat", "slecht", None)], scope=Scope.PREMISES),
                            hit("EX1", "r2", [ev("staat", "slecht", None)], scope=Scope.PREMISES)])
    [ex1] = indicator_summaries(subject)
    assert [(e.question_id, e.scope) for e in ex1.evidence] == [("staat", Scope.PREMISES)]


def _same_hits() -> list[IndicatorHit]:
    return [hit("CD1", "r_id", [ev("P02_own_id", False)], labour=S), hit("EX1", "r_rooms", [ev("A05", 9)])]


def test_identical_persons_form_one_group_in_order_of_first_appearance() -> None:
    people = [person(f"p{n}", _same_hits()) for n in range(1, 15)]
    odd = person("p15", [hit("CD1", "r_id", [ev("P02_own_id", False)], labour=S)])
    calm = [person(f"p{n}", [], level=0, profile=None, rule="Niveau 0: geen indicatoren van betekenis gevonden.")
            for n in (16, 17)]
    premises = person("premises", [hit("EX1", "r_rooms", [ev("A05", 9)])], level=1,
                      rule="Niveau 1 (arbeidsuitbuiting): middelsterke indicator EX1.")
    groups = group_subjects(flag(premises, people[0], odd, *people[1:], *calm))
    assert [g.subject_ids for g in groups] == [["premises"], [f"p{n}" for n in range(1, 15)], ["p15"],
                                               ["p16", "p17"]]
    pand, many, single, zero = groups
    assert pand.is_premises and pand.title.nl == "Pand" and pand.title.en == "Premises"
    assert many.title.nl == "14 personen met dezelfde signalen" and many.title.en == "14 persons with the same signals"
    assert many.labels[:2] == ["Persoon 1", "Persoon 2"] and many.key == "p1" and not many.is_premises
    assert many.level == 2 and many.profile is Profile.LABOUR and many.codes == ["CD1", "EX1"]
    assert [i.code for i in many.indicators] == ["CD1", "EX1"]
    assert [e.question_id for e in many.indicators[0].evidence] == ["P02_own_id"]  # the same answer once
    assert single.title.nl == "Persoon 15"
    assert zero.level == 0 and zero.title.nl == "2 personen met dezelfde signalen"


def test_premises_never_group_with_a_person_with_the_same_signals() -> None:
    hits = [hit("EX1", "r", [ev("A05", 9, Scope.PREMISES)], scope=Scope.PREMISES)]
    rule = "Niveau 1 (arbeidsuitbuiting): middelsterke indicator EX1."
    groups = group_subjects(flag(person("premises", hits, level=1, rule=rule), person("p1", hits, level=1, rule=rule)))
    assert [g.subject_ids for g in groups] == [["premises"], ["p1"]]


def test_level_profile_escalation_codes_and_level_line_all_split_groups() -> None:
    base = person("p1", _same_hits())
    variants = [
        person("p2", _same_hits(), level=3, rule="Niveau 3 (arbeidsuitbuiting): …"),
        person("p3", _same_hits(), profile=Profile.CRIMINAL),
        person("p4", _same_hits(), escalation="minor_work"),
        person("p5", [*_same_hits(), hit("EX9", "r9", [])]),
        person("p6", _same_hits(), rule="Niveau 2 (arbeidsuitbuiting): … Voor niveau 3 ontbreekt: een handeling"),
        person("p7", list(reversed(_same_hits()))),  # the same codes in another order: same group
    ]
    groups = group_subjects(flag(base, *variants))
    assert [g.subject_ids for g in groups] == [["p1", "p7"], ["p2"], ["p3"], ["p4"], ["p5"], ["p6"]]


def test_group_lists_every_differing_answer_of_its_members() -> None:
    a = person("p1", [hit("EX1", "r", [ev("P01_age", 30)])])
    b = person("p2", [hit("EX1", "r", [ev("P01_age", 40)])])
    [group] = group_subjects(flag(a, b))
    assert [e.value for e in group.indicators[0].evidence] == [30, 40]
    assert group.subject is a


def test_level_line_of_a_new_flag_is_the_level_rule() -> None:
    rule = "Niveau 3 (seksuele uitbuiting) — acuut: minderjarige in de seksbranche."
    subject = person("p1", [], level=3, profile=Profile.SEXUAL, rule=rule,
                     reasons=[_t(rule), _t("Dimensie Uitbuiting (EX) positief: EX1 (M), EX2 (M), EX3 (W).")])
    assert level_line(subject) == _t(rule)
    assert [r.nl for r in other_reasons(subject)] == ["Dimensie Uitbuiting (EX) positief: EX1 (M), EX2 (M), EX3 (W)."]


def test_old_escalated_flag_never_shows_the_lower_level_line() -> None:
    dim = _t("Dimensie Dwang (CD) positief: CD1 (S), CD2 (M).")
    lower = Text(nl="Niveau 2 (seksuele uitbuiting): CD1.", en="Level 2 (sexual exploitation): CD1.")
    escalation = _t("Minderjarige in de seksbranche.")
    subject = person("p1", [], level=3, profile=Profile.SEXUAL, rule=None, reasons=[dim, lower, escalation])
    assert level_line(subject) == escalation
    assert other_reasons(subject) == [dim]


def test_old_flag_level_line_is_the_reason_that_states_its_level() -> None:
    dim = _t("Dimensie Dwang (CD) positief: CD1 (S), CD2 (M).")
    own = _t("Niveau 2 (arbeidsuitbuiting): CD1.")
    subject = person("p1", [], level=2, rule=None, reasons=[dim, own])
    assert level_line(subject) == own and other_reasons(subject) == [dim]
    calm = person("p2", [], level=0, profile=None, rule=None, reasons=[_t("Geen indicatoren van betekenis gevonden.")])
    assert level_line(calm) == _t("Geen indicatoren van betekenis gevonden.") and other_reasons(calm) == []
    assert level_line(person("p3", [], level=1, rule=None, reasons=[])) is None


def test_source_subject_prefers_a_person_on_a_tie() -> None:
    premises = person("premises", [], level=2)
    p1 = person("p1", [], level=2)
    assert source_subject(flag(premises, p1)) is p1
    worse = person("premises", [], level=3)
    assert source_subject(flag(worse, p1)) is worse
    assert source_subject(FlagResult(level=0, profile=None, catalogue="c", template="t", subjects=[], findings=[],
                                     urgent=False)) is None


def test_published_assets_fourteen_workers_alike() -> None:
    """Real assets (they change: structure only, no levels): the fourteen workers of the reference case fold
    into few groups, and every subject states its level line first."""
    if not FOURTEEN.exists():
        pytest.skip(f"{FOURTEEN.name} is gone")
    case = ReferenceCase.model_validate(yaml.safe_load(FOURTEEN.read_text(encoding="utf-8")))
    result = evaluate(pick_template(all_templates(), case.template), published_catalogue(), case.premises,
                      case.persons)
    groups = group_subjects(result)
    assert groups[0].is_premises and not any(g.is_premises for g in groups[1:])
    assert sorted(i for g in groups[1:] for i in g.subject_ids) == sorted(p.id for p in case.persons)
    biggest = max(groups, key=lambda g: len(g.subject_ids))
    n = len(biggest.subject_ids)
    assert n >= 2 and biggest.title.nl == f"{n} personen met dezelfde signalen"
    for subject in result.subjects:
        assert subject.level_rule is not None and subject.reasons[0] == subject.level_rule
        assert level_line(subject) == subject.level_rule and stated_level(subject.level_rule) == subject.level
        codes = [s.code for s in indicator_summaries(subject)]
        assert sorted(codes) == sorted({h.code for h in subject.hits})
