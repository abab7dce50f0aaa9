"""The same fact, the same judgement, however it is recorded.

A fact of the catalogue lists every route by which an inspector can record it: at the person (module P) or at the
premises (the control type's checklist), through either of two questions. These tests build, for every route, the
answers an inspector would give (``route_answers``) and prove that the fact holds, that a premises route counts for
the person found there, and that every route gives that person the same indicators with the same strengths.
"""

from __future__ import annotations

import pytest

from schemas.catalogue import Catalogue, Fact, Profile, Route
from schemas.engine import evaluate
from schemas.facts import SubjectJudge, visible_answers
from schemas.records import PersonRecord
from schemas.templates import Scope, Template
from sync_server.assets import all_templates, published_catalogue, published_templates
from tests.schemas.route_answers import Unreachable, fits, route_answers

CATALOGUE = published_catalogue()
ALL_TEMPLATES = all_templates()
NEWEST = published_templates()


def _routes() -> list[tuple[Fact, int, Route]]:
    return [(f, n, r) for f in CATALOGUE.facts for n, r in enumerate(f.routes, 1)]


def _judges(template: Template, catalogue: Catalogue, route: Route) -> tuple[SubjectJudge, SubjectJudge]:
    answers = route_answers(catalogue, template, route)
    premises = visible_answers(template, Scope.PREMISES, answers[Scope.PREMISES])
    person = visible_answers(template, Scope.PERSON, answers[Scope.PERSON])
    return SubjectJudge(template, catalogue, premises, None), SubjectJudge(template, catalogue, premises, person)


def _holds_somewhere(fact: Fact, route: Route, templates: list[Template]) -> list[str]:
    """The templates in which answering this route makes the fact hold for a person."""
    found: list[str] = []
    for template in templates:
        if not fits(template, route):
            continue
        try:
            _premises, person = _judges(template, CATALOGUE, route)
        except Unreachable:
            continue
        if fact.id in person.facts:
            found.append(template.key)
    return found


@pytest.mark.parametrize(("fact", "n", "route"), _routes(), ids=[f"{f.id}#{n}" for f, n, _r in _routes()])
def test_every_route_of_every_fact_can_be_recorded(fact: Fact, n: int, route: Route) -> None:
    """Each route holds in at least one checklist version when an inspector gives its answers (a route whose
    question is never visible, or needs a control type no checklist has, would silently never count)."""
    assert _holds_somewhere(fact, route, ALL_TEMPLATES), f"fact {fact.id} route {n} holds in no checklist"


def _fact_rules(fact: Fact) -> list[str]:
    """Indicators of the rules that read nothing but this fact."""
    return sorted({c for r in CATALOGUE.rules if [p.fact for p in r.when] == [fact.id] for c in r.indicators})


PAIRED = [f for f in CATALOGUE.facts
          if {r.scope for r in f.routes} >= {Scope.PERSON, Scope.PREMISES} and _fact_rules(f)]


def test_the_facts_the_issue_names_can_be_recorded_both_ways() -> None:
    """Escorted or brought by someone, someone speaking for the workers, keys held by another, working days and
    hours, papers held, locked in, the quota, money held by another, no control of the ad: at the person and at the
    premises alike."""
    paired = {f.id for f in PAIRED}
    assert {"escorted_or_guarded", "brought_by_driver", "spoken_for", "no_own_key", "excessive_hours",
            "id_held_by_other", "confined", "daily_quota", "no_access_to_money", "no_control_of_ad_or_phone",
            "sleeps_at_workplace", "debt_to_controller", "cannot_refuse", "no_right_to_work"} <= paired


@pytest.mark.parametrize("fact", PAIRED, ids=[f.id for f in PAIRED])
def test_both_recordings_give_the_person_the_same_indicators(fact: Fact) -> None:
    """Every route, in every newest checklist it fits, gives the person found there the fact's indicators with the
    same strength per profile; a premises route gives them to the premises too."""
    expected = _fact_rules(fact)
    strengths = {c: CATALOGUE.indicator(c).strength for c in expected}
    tried = 0
    for route in fact.routes:
        for template in NEWEST:
            if route.scope is None or not fits(template, route):
                continue
            try:
                answers = route_answers(CATALOGUE, template, route)
            except Unreachable:
                continue
            person = PersonRecord(id="p", label="Persoon 1", answers=answers[Scope.PERSON])
            result = evaluate(template, CATALOGUE, answers[Scope.PREMISES], [person])
            subjects = {s.subject_id: s for s in result.subjects}
            got = {h.code: h.strength for h in subjects["p"].hits if h.code in expected}
            raw = SubjectJudge(template, CATALOGUE, answers[Scope.PREMISES], answers[Scope.PERSON]).hits()
            got |= {h.code: h.strength for h in raw if h.code in expected}
            assert got == strengths, f"{fact.id} via {route.scope} route in {template.key}: {sorted(got)}"
            if route.scope is Scope.PREMISES:
                premises_hits = SubjectJudge(template, CATALOGUE, answers[Scope.PREMISES], None).hits()
                assert {h.code for h in premises_hits} >= set(expected), f"{fact.id} premises in {template.key}"
            tried += 1
    assert tried >= 2, f"{fact.id}: fewer than two recordings could be tried"


def test_straw_man_recorded_either_way_gives_the_same_level() -> None:
    """The plan's man with an intellectual disability: 'names used by others' from the registers (P37) or told as an
    offence for someone else (P27a/P27b straw man) — the same fact, the same level and profile (v2: L2 or L3)."""
    template = next(t for t in NEWEST if t.id == "pandenactie")
    story = {"P00_role": "worker", "P01_age_band": "age_21_plus", "P14_pay_model": "board_and_lodging",
             "P16_hours_day": 16, "P16b_days_week": 7, "P21_free_to_leave": False, "P23_injuries": True,
             "P36_vulnerability": ["intellectual_disability"], "P18_employer_provides": ["housing", "food"]}
    by_register = {**story, "P37_name_used_by_others": "yes"}
    by_account = {**story, "P27a_offences_for_other": "yes", "P27b_offence_kind": ["straw_man"]}
    results = [evaluate(template, CATALOGUE, {}, [PersonRecord(id="p", label="P", answers=a)])
               for a in (by_register, by_account)]
    assert [(r.level, r.profile) for r in results] == [(3, Profile.CRIMINAL)] * 2
    codes = [sorted({h.code for h in r.subjects[1].hits}) for r in results]
    assert codes[0] == codes[1]
