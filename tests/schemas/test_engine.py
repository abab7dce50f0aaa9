"""The indicator engine: table-style cases (assets/cases/*.yaml) plus unit tests of its parts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas.cases import ReferenceCase, case_problems, pick_template, run_case
from schemas.catalogue import Catalogue, Dimension, Profile, Strength, parse_catalogue
from schemas.engine import FlagResult, SubjectResult, dimension_positive, evaluate
from schemas.records import PersonRecord
from schemas.templates import AnswerValue, EvidenceType, Scope, Template
from sync_server.assets import all_templates, published_catalogue, published_templates

Answers = dict[str, AnswerValue]

CASES = sorted((Path(__file__).resolve().parents[2] / "assets" / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return published_catalogue()


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    return {t.id: t for t in published_templates()}


@pytest.fixture(scope="module")
def all_template_versions() -> list[Template]:
    return all_templates()


@pytest.fixture(scope="module")
def pandenactie(templates: dict[str, Template]) -> Template:
    return templates["pandenactie"]


def _persons(raw: list[dict[str, Any]]) -> list[PersonRecord]:
    return [PersonRecord.model_validate(p) for p in raw]


def _subject(result: FlagResult, subject_id: str) -> SubjectResult:
    return next(s for s in result.subjects if s.subject_id == subject_id)


def _codes(subject: SubjectResult) -> set[str]:
    return {h.code for h in subject.hits}


# --- table-style cases ---------------------------------------------------------------------------------------


def _case(path: Path) -> ReferenceCase:
    return ReferenceCase.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_there_are_enough_cases_on_both_sides_of_level_2() -> None:
    """At least 120 reference stories: >= 40 that must reach their band and >= 40 that must not reach level 2,
    across every checklist, every profile among the serious ones, and minors in every control type."""
    cases = [_case(p) for p in CASES]
    assert len(cases) >= 120
    reaching = [c for c in cases if c.expect.band[0] >= 2]
    staying_low = [c for c in cases if c.expect.band[1] <= 1]
    assert len(reaching) >= 40 and len(staying_low) >= 40
    checklists = {t.id for t in published_templates()}
    for group in (reaching, staying_low):
        assert {c.template.partition("@")[0] for c in group} == checklists
    assert {c.expect.profile for c in reaching} >= set(Profile)


@pytest.mark.parametrize("case_file", CASES, ids=[p.stem for p in CASES])
def test_case(case_file: Path, catalogue: Catalogue, all_template_versions: list[Template]) -> None:
    outcome = run_case(case_file.stem, _case(case_file), all_template_versions, catalogue)
    assert outcome.mismatches == [], f"{outcome.description}: expected {outcome.expected}, got {outcome.actual}"


def test_case_files_use_only_template_questions_and_valid_answers(all_template_versions: list[Template]) -> None:
    """A typo in a case file would silently test nothing."""
    for path in CASES:
        case = _case(path)
        assert case_problems(case, pick_template(all_template_versions, case.template)) == [], path.name


# --- dimension_positive: the ILO/EC step 1 ------------------------------------------------------------------------

S, M, W = Strength.STRONG, Strength.MEDIUM, Strength.WEAK


@pytest.mark.parametrize(
    ("strengths", "positive"),
    [
        ([S, S], True),  # (a) two strong
        ([S, M], True),  # (b) one strong + one medium
        ([S, W], True),  # (b) one strong + one weak
        ([M, M, M], True),  # (c) three medium
        ([M, M, W], True),  # (d) two medium + one weak
        ([S, S, M, W], True),
        ([], False),
        ([S], False),  # near misses
        ([M, M], False),
        ([M, W, W], False),
        ([W, W, W, W], False),
        ([M], False),
        ([M, W], False),
    ],
)
def test_dimension_positive(strengths: list[Strength], positive: bool) -> None:
    assert dimension_positive(Counter(strengths)) is positive


# --- hidden answers, premises answers, explanation ----------------------------------------------------------------


def test_hidden_person_answer_does_not_count(catalogue: Catalogue, pandenactie: Template) -> None:
    """P03 (who holds the ID) is only asked when P02 is 'no'; a stale answer must not count."""
    person = PersonRecord(id="x", label="Persoon 1", answers={"P02_own_id": "yes", "P03_id_held_by": "landlord"})
    result = evaluate(pandenactie, catalogue, {}, [person])
    assert result.level == 0 and "CD1" not in _codes(_subject(result, "x"))
    person.answers["P02_own_id"] = "no"
    result = evaluate(pandenactie, catalogue, {}, [person])
    assert result.level == 2 and "CD1" in _codes(_subject(result, "x"))


def test_hidden_premises_answer_does_not_count(catalogue: Catalogue, pandenactie: Template) -> None:
    premises: Answers = {"A10_escape_routes_blocked": False, "A10b_blocking_confines_residents": "yes"}
    assert evaluate(pandenactie, catalogue, premises, []).level == 0
    premises["A10_escape_routes_blocked"] = True
    result = evaluate(pandenactie, catalogue, premises, [])
    assert result.level == 2 and {f.id for f in result.findings} == {"escape_routes_blocked"}


def test_hidden_answers_do_not_make_findings_or_escalations(catalogue: Catalogue, pandenactie: Template) -> None:
    """Chained: A14d depends on A14b, which depends on A14; with A14 = 0 nothing below it counts."""
    premises: Answers = {"A14_rooms_let": 0, "A14b_room_letting_permit": "no", "A14c_fire_safety_notice": "no"}
    assert evaluate(pandenactie, catalogue, premises, []).findings == []
    person = PersonRecord(id="x", label="P", answers={"P27_forced_offences": False, "P27b_offence_kind": ["theft"],
                                                     "P00_role": "worker", "P15_earnings_surrendered": True})
    assert evaluate(pandenactie, catalogue, {}, [person]).level == 0


def test_premises_answers_count_for_every_person(catalogue: Catalogue, pandenactie: Template) -> None:
    premises: Answers = {"A11_locked_in": True}
    people = _persons([{"id": "a", "label": "A"}, {"id": "b", "label": "B"}])
    result = evaluate(pandenactie, catalogue, premises, people)
    assert [s.level for s in result.subjects] == [2, 2, 2]
    hit = _subject(result, "b").hits[0]
    assert (hit.code, hit.scope) == ("CD3", Scope.PREMISES)


def test_each_indicator_counts_once(catalogue: Catalogue, pandenactie: Template) -> None:
    """Five premises answers all evidence EX2: still one medium indicator, not a positive dimension."""
    premises: Answers = {"A02_persons_found": 20, "A04_floor_area_m2": 60, "A05b_sleeping_places": 10, "A07_toilets": 1,
                "A07b_showers": 1, "A08_kitchen_adequate": False}
    result = evaluate(pandenactie, catalogue, premises, [])
    premises_result = _subject(result, "premises")
    assert [h.code for h in premises_result.hits].count("EX2") == 5
    assert premises_result.positive_dimensions == [] and result.level == 1


def test_explanation_carries_question_evidence_and_versions(catalogue: Catalogue, pandenactie: Template) -> None:
    person = PersonRecord(id="p", label="Persoon 1", answers={"P02_own_id": "no", "P03_id_held_by": "employer",
                                                             "P12_debts": "yes", "P12b_debt_to": ["agency"]})
    result = evaluate(pandenactie, catalogue, {}, [person])
    assert (result.catalogue, result.template) == (catalogue.key, pandenactie.key)
    subject = _subject(result, "p")
    assert subject.level == 2 and subject.profile is Profile.LABOUR
    assert subject.positive_dimensions == [Dimension.CD]
    cd1 = next(h for h in subject.hits if h.code == "CD1")
    assert cd1.rule_id == "documents_held"
    assert cd1.strength[Profile.LABOUR] is Strength.STRONG and cd1.dimension is Dimension.CD
    assert [(e.question_id, e.value, e.evidence_type, e.scope) for e in cd1.evidence] == [
        ("P03_id_held_by", "employer", EvidenceType.SELF_REPORTED, Scope.PERSON)]
    assert cd1.evidence[0].question.nl == "Wie heeft het identiteitsbewijs?"
    assert cd1.explanation.nl and cd1.explanation.en
    cd2 = next(h for h in subject.hits if h.code == "CD2")
    assert [e.question_id for e in cd2.evidence] == ["P12_debts", "P12b_debt_to"]
    # the positive dimension in words: each indicator's label and strength, no codes ("CD1 (S)")
    [dimension] = subject.reasons[1:]
    assert dimension.nl.startswith("Dimensie Dwang op de bestemming positief: ") and "CD1" not in dimension.nl
    assert f"{cd1.label.nl} (sterk)" in dimension.nl and f"{cd2.label.nl} (sterk)" in dimension.nl
    assert f"{cd1.label.en} (strong)" in dimension.en
    assert subject.reasons[0] == subject.level_rule
    assert subject.reasons[0].en.startswith("Level 2 (labour exploitation): means shown by the strong indicators "
                                            f"{cd1.label.en}, {cd2.label.en}")  # in words, not "CD1, CD2"
    missing = subject.reasons[0].nl.split("Voor niveau 3 ontbreekt: ")[1]
    assert missing.startswith("een handeling") and "een uitbuitingsdoel" in missing and "een middel:" not in missing


def test_ratio_evidence_names_both_questions(catalogue: Catalogue, pandenactie: Template) -> None:
    result = evaluate(pandenactie, catalogue, {"A04_floor_area_m2": 40, "A02_persons_found": 8}, [])
    hit = next(h for h in _subject(result, "premises").hits if h.rule_id == "overcrowded_dwelling")
    assert [(e.question_id, e.value) for e in hit.evidence] == [("A04_floor_area_m2", 40), ("A02_persons_found", 8)]
    assert all(e.evidence_type is not None for e in hit.evidence)


def test_no_signal_reason_when_level_zero(catalogue: Catalogue, pandenactie: Template) -> None:
    result = evaluate(pandenactie, catalogue, {}, [])
    assert result.level == 0 and result.profile is None and not result.urgent
    assert result.subjects[0].reasons[0].en == "Level 0: no significant indicators found."


def test_findings_never_raise_the_level(catalogue: Catalogue, pandenactie: Template) -> None:
    premises: Answers = {"A09_smoke_detectors": "none", "A13_electrical_overload": True, "A14_rooms_let": 6,
                "A14b_room_letting_permit": "no", "A14c_fire_safety_notice": "no", "A19_benefit_signs": True,
                "A02_persons_found": 6, "A02b_persons_registered": 0, "A03_registered_not_living": 2}
    result = evaluate(pandenactie, catalogue, premises, [])
    assert len(result.findings) == 7
    assert result.level == 0


def test_person_findings_name_the_person(catalogue: Catalogue, pandenactie: Template) -> None:
    people = _persons([{"id": "a", "label": "A", "answers": {"P04_brp": "not_registered"}},
                       {"id": "b", "label": "B", "answers": {"P04_brp": "this_address"}}])
    findings = evaluate(pandenactie, catalogue, {}, people).findings
    assert [(f.id, f.subject_id, f.scope) for f in findings] == [("brp_person_not_registered", "a", Scope.PERSON)]


# --- levels and profiles -------------------------------------------------------------------------------------------


def test_medium_indicator_alone_is_level_one(catalogue: Catalogue, pandenactie: Template) -> None:
    person = PersonRecord(id="p", label="P", answers={"P17_fines_deductions": True})
    result = evaluate(pandenactie, catalogue, {}, [person])
    assert (result.level, result.profile) == (1, Profile.LABOUR)
    [ex8] = [h for h in result.subjects[1].hits if h.code == "EX8"]
    line = result.subjects[1].reasons[0].nl
    assert f"middelsterke indicator {ex8.label.nl}." in line and "EX8" not in line  # named in words


def test_minor_in_exploitative_labour_is_level_three(catalogue: Catalogue, pandenactie: Template) -> None:
    """For a minor the means element is not needed: work is enough (escalation); the same adult is level 2."""
    answers: Answers = {"P00_role": "worker", "P01_age_band": "age_16_17", "P16_hours_day": 13,
                        "P16b_days_week": 7, "P14_pay_model": "unpaid"}
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert (result.level, result.profile) == (3, Profile.LABOUR)
    assert result.subjects[1].reasons[0].nl.startswith("Niveau 3 (arbeidsuitbuiting) — acuut: Minderjarige")
    answers["P01_age_band"] = "age_21_plus"
    assert evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)]).level == 2


def test_minor_by_id_in_sex_work_escalates(catalogue: Catalogue, pandenactie: Template) -> None:
    answers = {"P00_role": "sex_worker", "P01_age_band": "age_18_20", "P01b_age_from_id": 17}
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert (result.level, result.profile, result.urgent) == (3, Profile.SEXUAL, True)
    assert {f.id for f in result.findings} == {"sex_worker_under_21", "sex_worker_under_min_age_by_id"}


def test_young_adult_sex_worker_is_a_finding_not_a_signal(catalogue: Catalogue, pandenactie: Template) -> None:
    answers = {"P00_role": "sex_worker", "P01_age_band": "age_18_20", "P01b_age_from_id": 19}
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert result.level == 0
    assert {f.id for f in result.findings} == {"sex_worker_under_21", "sex_worker_under_min_age_by_id"}


def test_criminal_beats_labour_at_the_same_level(catalogue: Catalogue, pandenactie: Template) -> None:
    """Labour (L3 by the legal frame) and forced crime (L3 criminal): report the escalation's profile, and say the
    other one reaches the same level."""
    answers: Answers = {"P16_hours_day": 14, "P14_pay_model": "unpaid", "P02_own_id": "no",
                        "P03_id_held_by": "exploiter", "P21_free_to_leave": False,
                        "P27a_offences_for_other": "yes", "P27c_under_pressure": "yes"}
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert (result.level, result.profile) == (3, Profile.CRIMINAL)
    assert result.subjects[1].reasons[0].nl.startswith("Niveau 3 (criminele uitbuiting) — acuut")
    assert result.subjects[1].other_profiles == [Profile.LABOUR]


def test_sexual_exploitation_needs_a_sexual_context(catalogue: Catalogue, pandenactie: Template) -> None:
    """Forced tasks weigh strong on the sexual list: without a sex business or a sex worker the person is judged on
    the labour list only; with the role sex worker the sexual list applies (v2 labelled this person 'sexual')."""
    answers: Answers = {"P00_role": "worker", "P02_own_id": "no", "P03_id_held_by": "partner_or_friend",
                        "P26_forced_tasks": True}
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert (result.level, result.profile) == (2, Profile.LABOUR)
    answers["P00_role"] = "sex_worker"
    result = evaluate(pandenactie, catalogue, {}, [PersonRecord(id="p", label="P", answers=answers)])
    assert (result.level, result.profile) == (3, Profile.SEXUAL)


def test_control_level_is_the_worst_subject(catalogue: Catalogue, pandenactie: Template) -> None:
    people = _persons([{"id": "a", "label": "A", "answers": {"P17_fines_deductions": True}},
                       {"id": "b", "label": "B", "answers": {"P23_injuries": True}},
                       {"id": "c", "label": "C"}])
    result = evaluate(pandenactie, catalogue, {}, people)
    assert [s.level for s in result.subjects] == [0, 1, 2, 0]
    assert result.level == 2 and result.worst is not None and result.worst.subject_id == "b"


def test_wrong_answer_types_do_not_crash(catalogue: Catalogue, pandenactie: Template) -> None:
    """Data from an old or buggy client: nonsense values never count and never raise."""
    premises: Answers = {"A02_persons_found": "veel", "A04_floor_area_m2": None, "A07_toilets": True,
                "A06_sleeping_arrangements": "mattresses_on_floor", "Z99_unknown": 1}
    answers = {"P24_threats": "violence", "P18_employer_provides": 3, "P16_hours_day": "14",
               "P03_id_held_by": ["landlord"], "P02_own_id": False}
    result = evaluate(pandenactie, catalogue, premises, [PersonRecord(id="p", label="P", answers=answers)])
    assert result.level == 0


def test_evaluate_is_pure(catalogue: Catalogue, pandenactie: Template) -> None:
    answers = {"P02_own_id": "no", "P03_id_held_by": "employer"}
    person = PersonRecord(id="p", label="P", answers=dict(answers))
    premises: Answers = {"A11_locked_in": True, "A10b_blocking_confines_residents": "yes"}
    first = evaluate(pandenactie, catalogue, premises, [person])
    second = evaluate(pandenactie, catalogue, premises, [person])
    assert first == second
    assert person.answers == answers and premises == {"A11_locked_in": True, "A10b_blocking_confines_residents": "yes"}
    assert FlagResult.model_validate_json(first.model_dump_json()) == first


# --- a small synthetic catalogue for the engine's own rules --------------------------------------------------------


def _synthetic(catalogue: Catalogue, **changes: Any) -> Catalogue:
    data = catalogue.model_dump(mode="json")
    data.update(changes)
    return parse_catalogue(data)


def test_weak_indicator_alone_is_level_zero(catalogue: Catalogue, pandenactie: Template) -> None:
    """CD15 is weak on the labour list; with no sexual weight it raises nothing, but is listed."""
    data = catalogue.model_dump(mode="json")
    for ind in data["indicators"]:
        if ind["code"] == "CD15":
            ind["strength"] = {"labour": "W"}
    weak = parse_catalogue(data)
    person = PersonRecord(id="p", label="P", answers={"P24_threats": ["telling_family"]})
    result = evaluate(pandenactie, weak, {}, [person])
    assert result.level == 0 and [h.code for h in result.subjects[1].hits] == ["CD15"]


def test_premises_escalation_applies(catalogue: Catalogue, pandenactie: Template) -> None:
    escalations = [*catalogue.model_dump(mode="json")["escalations"], {
        "id": "probe_escalation", "scope": "premises", "profile": "labour",
        "reason": {"nl": "Proef.", "en": "Probe."},
        "when": [{"question": "A28_no_own_keys", "op": "eq", "value": True},
                 {"question": "A27_spoken_for_residents", "op": "eq", "value": True}]}]
    custom = _synthetic(catalogue, escalations=escalations)
    premises: Answers = {"A28_no_own_keys": True, "A27_spoken_for_residents": True}
    result = evaluate(pandenactie, custom, premises, [])
    assert (result.level, result.profile, result.urgent) == (3, Profile.LABOUR, True)
    assert result.subjects[0].reasons[0].en == "Level 3 (labour exploitation) — acute: Probe."
    assert result.subjects[0].escalation == "probe_escalation"
    assert evaluate(pandenactie, custom, {"A28_no_own_keys": True}, []).level < 3


def test_person_escalation_does_not_fire_on_premises_answers(catalogue: Catalogue, pandenactie: Template) -> None:
    result = evaluate(pandenactie, catalogue, {"P27a_offences_for_other": "yes", "P27c_under_pressure": "yes",
                                               "P01_age_band": "under_16"}, [])
    assert result.level == 0
