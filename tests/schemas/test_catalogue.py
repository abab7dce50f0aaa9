"""The indicator catalogue: validation, forbidden inputs, rule checks against a template, predicates."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from schemas.catalogue import (
    FORBIDDEN_INPUT_WORDS,
    Catalogue,
    Predicate,
    Profile,
    Strength,
    evaluate_predicate,
    forbidden_inputs,
    parse_catalogue,
)
from schemas.catalogue_fit import check_against_template, template_fit, unused_questions
from schemas.templates import Scope, Template, TemplateError
from sync_server.assets import (
    ASSETS_DIR,
    all_templates,
    load_catalogue,
    published_catalogue,
    published_templates,
    read_data_file,
)

CATALOGUE_FILES = sorted((ASSETS_DIR / "catalogue").glob("v*.yaml"))
CATALOGUE_FILE = CATALOGUE_FILES[-1]


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    data = read_data_file(CATALOGUE_FILE)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return published_catalogue()


@pytest.fixture(scope="module")
def template() -> Template:
    return next(t for t in published_templates() if t.id == "pandenactie")


def _refused(data: dict[str, Any], fragment: str) -> TemplateError:
    with pytest.raises(TemplateError) as info:
        parse_catalogue(data, "test-catalogue.yaml")
    assert "test-catalogue.yaml" in str(info.value)
    assert fragment in str(info.value), str(info.value)
    return info.value


# --- nationality, ethnicity and origin are never inputs (DESIGN §4) -------------------------------------------


def _rule_texts(catalogue: Catalogue, template: Template) -> list[tuple[str, str]]:
    """Everything a rule looks at: its id, its question ids and values, and the wording of those questions."""
    out: list[tuple[str, str]] = []
    for rid, scope, pred in catalogue.predicates():
        out += [(rid, rid), (rid, str(pred.value))]
        for qid in pred.question_ids():
            out.append((rid, qid))
            q = template.question(qid, scope)
            if q is not None:
                out += [(rid, t) for t in (q.label.nl, q.label.en)]
                out += [(rid, t) for o in q.options for t in (o.value, o.label.nl, o.label.en)]
    return out


def test_there_are_several_catalogue_versions() -> None:
    assert [p.name for p in CATALOGUE_FILES][:2] == ["v1.yaml", "v2.yaml"]


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=[p.stem for p in CATALOGUE_FILES])
@pytest.mark.parametrize("template", all_templates(), ids=lambda t: t.key)
def test_no_rule_refers_to_nationality_ethnicity_or_origin(path: Any, template: Template) -> None:
    """Reads every catalogue version whole: rules, findings, escalations and minor_when, plus the questions they
    read in every template version. Fails if any of it is about nationality, ethnicity or country of origin."""
    catalogue = load_catalogue(path)
    assert forbidden_inputs(catalogue) == []
    offending = [(rid, text) for rid, text in _rule_texts(catalogue, template)
                 if any(w in text.lower() for w in FORBIDDEN_INPUT_WORDS)]
    assert offending == []


@pytest.mark.parametrize("template", all_templates(), ids=lambda t: t.key)
def test_no_template_asks_for_nationality_ethnicity_or_origin(template: Template) -> None:
    """No question id, label, help text or option of any checklist is about them."""
    texts = [t for scope in Scope for q in template.questions(scope)
             for t in (q.id, q.label.nl, q.label.en, *(x for o in q.options for x in (o.value, o.label.nl, o.label.en)),
                       *((q.help.nl, q.help.en) if q.help else ()))]
    assert [t for t in texts if any(w in t.lower() for w in FORBIDDEN_INPUT_WORDS)] == []


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=[p.stem for p in CATALOGUE_FILES])
def test_no_forbidden_word_anywhere_in_the_catalogue_data(path: Any) -> None:
    """Belt and braces: not even a label or an explanation mentions them (comments aside)."""
    def strings(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [s for k, v in node.items() for s in [str(k), *strings(v)]]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return [str(node)]

    hits = [s for s in strings(read_data_file(path)) if any(w in s.lower() for w in FORBIDDEN_INPUT_WORDS)]
    assert hits == []


@pytest.mark.parametrize(
    ("section", "entry"),
    [
        ("rules", {"id": "risky_origin", "scope": "person", "indicators": ["CD1"],
                   "when": [{"question": "P03_id_held_by", "op": "eq", "value": "landlord"}],
                   "explanation": {"nl": "x", "en": "x"}}),
        ("rules", {"id": "r_x", "scope": "person", "indicators": ["CD1"],
                   "when": [{"question": "P50_nationality", "op": "eq", "value": "xx"}],
                   "explanation": {"nl": "x", "en": "x"}}),
        ("rules", {"id": "r_y", "scope": "person", "indicators": ["CD1"],
                   "when": [{"question": "P50_background", "op": "in", "value": ["ethnic_minority"]}],
                   "explanation": {"nl": "x", "en": "x"}}),
        ("rules", {"id": "r_z", "scope": "person", "indicators": ["CD1"],
                   "when": [{"ratio": ["P14b_pay_week", "P50_birth_country_code"], "op": "gt", "value": 1}],
                   "explanation": {"nl": "x", "en": "x"}}),
        ("findings", {"id": "f_x", "scope": "person", "label": {"nl": "x", "en": "x"},
                      "when": [{"question": "P50_herkomst", "op": "eq", "value": "x"}]}),
        ("escalations", {"id": "e_x", "scope": "person", "profile": "labour", "reason": {"nl": "x", "en": "x"},
                         "when": [{"question": "P50_geboorteland", "op": "eq", "value": "x"}]}),
        ("minor_when", {"question": "P50_nationaliteit", "op": "eq", "value": "x"}),
    ],
)
def test_parse_catalogue_refuses_a_rule_on_nationality(raw: dict[str, Any], section: str,
                                                       entry: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data.setdefault(section, []).append(entry)
    _refused(data, "refers to a forbidden input")


# --- validation ---------------------------------------------------------------------------------------------------


def test_unknown_indicator_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["rules"][0]["indicators"] = ["EX2", "ZZ9"]
    _refused(data, f"rule {data['rules'][0]['id']}: unknown indicator ZZ9")


def _first_answer_condition(items: list[dict[str, Any]]) -> dict[str, Any]:
    return next(p for item in items for p in item["when"] if "question" in p or "ratio" in p)


def test_unknown_norm_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    _first_answer_condition(data["rules"])["value"] = {"norm": "snf_m2_per_goat"}
    _refused(data, "unknown norm snf_m2_per_goat")


def test_unknown_norm_in_an_escalation_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    _first_answer_condition(data["escalations"])["value"] = {"norm": "adult_age_typo"}
    _refused(data, "unknown norm adult_age_typo")


def test_unknown_norm_in_a_fact_route_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    _first_answer_condition([r for f in data["facts"] for r in f["routes"]])["value"] = {"norm": "max_goats"}
    _refused(data, "unknown norm max_goats")


def test_unknown_fact_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["rules"][0]["when"] = [{"fact": "no_such_fact"}]
    _refused(data, f"rule {data['rules'][0]['id']}: unknown fact no_such_fact")


def test_fact_that_reads_a_later_fact_refused(raw: dict[str, Any]) -> None:
    """Facts are judged in order: reading a fact listed later could go round in a circle."""
    data = copy.deepcopy(raw)
    first, last = data["facts"][0], data["facts"][-1]
    first["routes"].append({"when": [{"fact": last["id"]}]})
    _refused(data, f"fact {first['id']}: reads fact {last['id']}, which is not listed before it")


def test_answer_conditions_without_a_scope_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["rules"].append({"id": "probe", "indicators": ["CD1"], "explanation": {"nl": "x", "en": "x"},
                          "when": [{"question": "P21_free_to_leave", "op": "eq", "value": False}]})
    _refused(data, "conditions on answers need a scope")


@pytest.mark.parametrize("change, fragment", [
    (lambda d: d["profile_context"].update(sexual="no_such_fact"), "profile_context sexual: unknown fact"),
    (lambda d: d["legal_frame"]["act"].append("no_such_fact"), "legal_frame: unknown act fact no_such_fact"),
    (lambda d: d["legal_frame"]["purpose_indicators"].append("ZZ1"), "legal_frame: unknown indicator ZZ1"),
    (lambda d: d.update(format=1), "need format: 2"),
])
def test_frame_and_context_refer_to_known_things(raw: dict[str, Any], change: Any, fragment: str) -> None:
    data = copy.deepcopy(raw)
    change(data)
    _refused(data, fragment)


def test_duplicate_indicator_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))
    _refused(data, "duplicate indicator code")


def test_duplicate_rule_id_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["rules"].append(copy.deepcopy(data["rules"][0]))
    _refused(data, f"rule {data['rules'][0]['id']}: duplicate id")


def test_indicator_without_strength_refused(raw: dict[str, Any]) -> None:
    data = copy.deepcopy(raw)
    data["indicators"][0]["strength"] = {}
    _refused(data, "no strength for any profile")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda d: d["indicators"][0].update(strength={"labour": "X"}), "indicators.0.strength.labour"),
        (lambda d: d["indicators"][0].update(code="cd-1"), "indicators.0.code"),
        (lambda d: d["indicators"][0].update(dimension="ZZ"), "indicators.0.dimension"),
        (lambda d: d["rules"][0]["when"][0].update(question="A01_premises_type"),
         "exactly one of question, ratio, span, fact or control_type"),
        (lambda d: d["rules"][0]["when"][0].update(op="approx"), "rules.0.when.0.op"),
        (lambda d: d["rules"][0].update(when=[]), "rules.0.when"),
        (lambda d: d["rules"][0].update(indicators=[]), "rules.0.indicators"),
        (lambda d: d["rules"][0].update(scope="street"), "rules.0.scope"),
        (lambda d: d["rules"][0].update(weight=3), "rules.0.weight"),
        (lambda d: d["escalations"][0].update(profile="financial"), "escalations.0.profile"),
        (lambda d: d.pop("urgent_guidance"), "urgent_guidance"),
        (lambda d: d["norms"].update(max_hours_day="twelve"), "norms.max_hours_day"),
        (lambda d: d.update(minor_when=[]), "minor_when"),
    ],
)
def test_malformed_catalogue_names_the_field(raw: dict[str, Any], change: Any, fragment: str) -> None:
    data = copy.deepcopy(raw)
    change(data)
    _refused(data, fragment)


def test_catalogue_not_a_mapping() -> None:
    with pytest.raises(TemplateError, match="x.yaml"):
        parse_catalogue(["not", "a", "mapping"], "x.yaml")


def test_newest_catalogue_version_must_match_file_name(tmp_path: Any, raw: dict[str, Any]) -> None:
    import yaml

    (tmp_path / "catalogue").mkdir()
    newer = raw["version"] + 1
    (tmp_path / "catalogue" / f"v{newer}.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(TemplateError, match=f"file says version {raw['version']}, name says {newer}"):
        published_catalogue(tmp_path)


def test_no_catalogue_file(tmp_path: Any) -> None:
    (tmp_path / "catalogue").mkdir()
    with pytest.raises(TemplateError, match="no catalogue file"):
        published_catalogue(tmp_path)


# --- the published content ----------------------------------------------------------------------------------------


def test_norms(catalogue: Catalogue) -> None:
    n = catalogue.norms
    assert n["min_wage_hour_21plus"] == 14.71
    assert n["snf_m2_per_person_dwelling"] == 12
    assert n["snf_m2_per_sleeper"] == 3.5
    assert n["persons_per_toilet_max"] == n["persons_per_shower_max"] == 8
    assert (n["max_hours_day"], n["max_hours_week"]) == (12, 60)
    assert n["min_age_sex_work"] == 21


def test_well_known_strong_indicators(catalogue: Catalogue) -> None:
    for code in ("DR1", "CR1", "EX1", "CD1", "CD2", "CD3", "CD4"):
        assert catalogue.indicator(code).strength[Profile.LABOUR] is Strength.STRONG, code
    # the sexual list has no strong indicator in the exploitation dimension (DOMAIN_BRIEF §1.2)
    assert catalogue.indicator("EX1").strength[Profile.SEXUAL] is Strength.MEDIUM
    assert catalogue.indicator("CD7").strength[Profile.SEXUAL] is Strength.STRONG


def test_unverified_weights_are_marked(catalogue: Catalogue) -> None:
    """Sexual weights that differ from the labour list come from recollection [K]: marked unverified."""
    for ind in catalogue.indicators:
        labour, sexual = ind.strength.get(Profile.LABOUR), ind.strength.get(Profile.SEXUAL)
        if sexual is not None and sexual != labour:
            assert not ind.verified, ind.code
    assert not catalogue.indicator("AVR14").verified


def test_every_indicator_has_a_source_and_ilo11_tags_are_valid(catalogue: Catalogue) -> None:
    for ind in catalogue.indicators:
        assert ind.source and ind.label.nl and ind.label.en
        assert all(1 <= tag <= 11 for tag in ind.ilo11), ind.code
    assert catalogue.indicator("CD1").ilo11 == [7]


def test_every_indicator_is_used_by_a_rule_or_well_known_strong(catalogue: Catalogue) -> None:
    used = {c for r in catalogue.rules for c in r.indicators}
    unused = {i.code for i in catalogue.indicators} - used
    assert unused <= {"DR1", "CR1", "EX1", "CD1", "CD2", "CD3", "CD4"}


def test_findings_and_escalations_present(catalogue: Catalogue) -> None:
    findings = {f.id for f in catalogue.findings}
    assert {"room_letting_without_permit", "smoke_detectors_missing", "brp_more_found_than_registered",
            "escape_routes_blocked"} <= findings
    escalations = {e.id: e.profile for e in catalogue.escalations}
    assert escalations["minor_in_sex_business"] is Profile.SEXUAL
    assert escalations["minor_used_for_crime"] is Profile.CRIMINAL
    assert escalations["minor_working_or_indebted"] is Profile.LABOUR
    assert escalations["forced_into_crime"] is Profile.CRIMINAL


def test_urgent_guidance_is_bilingual_and_says_112(catalogue: Catalogue) -> None:
    steps = catalogue.urgent_guidance.steps
    assert len(steps) >= 5
    assert any("112" in s.nl and "112" in s.en for s in steps)
    assert any("ketenregisseur" in s.nl for s in steps)
    assert all(s.nl != s.en for s in steps)


# --- rules checked against a template -----------------------------------------------------------------------------


def test_published_rules_fit_the_template(catalogue: Catalogue, template: Template) -> None:
    assert check_against_template(catalogue, template) == []


def _with_rule(catalogue: Catalogue, *preds: dict[str, Any]) -> Catalogue:
    data = catalogue.model_dump(mode="json")
    data["rules"].append({"id": "probe", "scope": "person", "indicators": ["CD1"], "when": list(preds),
                          "explanation": {"nl": "x", "en": "x"}})
    return parse_catalogue(data)


@pytest.mark.parametrize(
    ("pred", "warning"),
    [
        ([{"question": "P99_missing", "op": "eq", "value": True},
          {"question": "P00_role", "op": "eq", "value": "worker"}], "has no person question P99_missing"),
        ([{"question": "A02_persons_found", "op": "gt", "value": 1},
          {"question": "P00_role", "op": "eq", "value": "worker"}], "has no person question A02_persons_found"),
        ({"question": "P03_id_held_by", "op": "in", "value": ["landlord", "huisbaas"]},
         "'huisbaas' is not an option of P03_id_held_by"),
        ({"question": "P02_own_id", "op": "eq", "value": "nee"}, "'nee' is not an option of P02_own_id"),
        ({"question": "P21_free_to_leave", "op": "eq", "value": "no"},
         "P21_free_to_leave is yes/no, compared with 'no'"),
        ({"question": "P16_hours_day", "op": "gt", "value": "12"}, "P16_hours_day is a number, compared with '12'"),
        ({"question": "P24_threats", "op": "contains", "value": "geweld"}, "'geweld' is not an option of P24_threats"),
        ({"ratio": ["P14b_pay_week", "P14_pay_model"], "op": "lt", "value": 1},
         "ratio needs number questions, P14_pay_model is choice"),
    ],
)
def test_rule_that_cannot_fit_the_template_is_reported(catalogue: Catalogue, template: Template,
                                                       pred: Any, warning: str) -> None:
    preds = pred if isinstance(pred, list) else [pred]
    warnings = check_against_template(_with_rule(catalogue, *preds), template)
    probe = [w for w in warnings if w.startswith("rule probe:")]
    assert probe in ([f"rule probe: {warning}"], [f"rule probe: {template.key} {warning}"]), probe


def test_rule_for_another_template_is_explained_not_reported(catalogue: Catalogue, template: Template) -> None:
    """One catalogue serves every template: a rule asking only questions this template lacks is not a problem here,
    but it is listed as belonging to other templates; a question no template has at all is reported."""
    data = catalogue.model_dump(mode="json")
    data["rules"].append({"id": "probe", "scope": "premises", "indicators": ["CD8"],
                          "explanation": {"nl": "x", "en": "x"},
                          "when": [{"question": "SV01c_third_party_in_charge", "op": "eq", "value": True}]})
    probe = parse_catalogue(data)
    fit = template_fit(probe, template)
    assert "probe" in fit.other_templates and "probe" not in fit.applies and fit.problems == []
    assert unused_questions(probe, all_templates()) == []
    typo = _with_rule(catalogue, {"question": "P99_missing", "op": "eq", "value": True})
    assert check_against_template(typo, template) == []
    assert unused_questions(typo, all_templates()) == ["rule probe: no template has a person question P99_missing"]


@pytest.mark.parametrize("template", published_templates(), ids=lambda t: t.key)
def test_published_catalogue_fits_every_template(catalogue: Catalogue, template: Template) -> None:
    fit = template_fit(catalogue, template)
    assert fit.problems == []
    assert len(fit.applies) >= 60  # module P rules apply everywhere, plus the template's own premises rules


# --- predicates -----------------------------------------------------------------------------------------------------

NORMS = {"n": 10.0}


@pytest.mark.parametrize(
    ("pred", "answers", "expected"),
    [
        ({"question": "q", "op": "eq", "value": True}, {"q": True}, True),
        ({"question": "q", "op": "eq", "value": True}, {"q": 1}, False),
        ({"question": "q", "op": "eq", "value": 1}, {"q": True}, False),
        ({"question": "q", "op": "eq", "value": 0}, {"q": 0}, True),
        ({"question": "q", "op": "ne", "value": "yes"}, {"q": "no"}, True),
        ({"question": "q", "op": "ne", "value": "yes"}, {}, False),
        ({"question": "q", "op": "in", "value": ["a", "b"]}, {"q": "b"}, True),
        ({"question": "q", "op": "in", "value": ["a", "b"]}, {"q": ["a"]}, False),
        ({"question": "q", "op": "contains", "value": "a"}, {"q": ["a", "c"]}, True),
        ({"question": "q", "op": "contains", "value": "a"}, {"q": "a"}, False),
        ({"question": "q", "op": "contains_any", "value": ["x", "c"]}, {"q": ["a", "c"]}, True),
        ({"question": "q", "op": "contains_any", "value": ["x"]}, {"q": ["a", "c"]}, False),
        ({"question": "q", "op": "count_gte", "value": 2}, {"q": ["a", "c"]}, True),
        ({"question": "q", "op": "count_gte", "value": 3}, {"q": ["a", "c"]}, False),
        ({"question": "q", "op": "gt", "value": {"norm": "n"}}, {"q": 10.5}, True),
        ({"question": "q", "op": "gt", "value": {"norm": "n"}}, {"q": 10}, False),
        ({"question": "q", "op": "gte", "value": {"norm": "n"}}, {"q": 10}, True),
        ({"question": "q", "op": "lt", "value": 3}, {"q": 2}, True),
        ({"question": "q", "op": "lte", "value": 3}, {"q": 3}, True),
        ({"question": "q", "op": "gt", "value": 3}, {"q": "12"}, False),
        ({"question": "q", "op": "gt", "value": 0}, {"q": True}, False),
        ({"question": "q", "op": "lt", "value": 3}, {"q": None}, False),
        ({"ratio": ["a", "b"], "op": "lt", "value": {"norm": "n"}}, {"a": 60, "b": 10}, True),
        ({"ratio": ["a", "b"], "op": "lt", "value": {"norm": "n"}}, {"a": 120, "b": 10}, False),
        ({"ratio": ["a", "b"], "op": "gt", "value": 1}, {"a": 5, "b": 0}, False),
        ({"ratio": ["a", "b"], "op": "gt", "value": 1}, {"a": 5}, False),
        ({"ratio": ["a", "b"], "op": "gt", "value": 1}, {"a": 5, "b": "2"}, False),
        ({"ratio": ["a", "b"], "op": "gt", "value": 1}, {"a": True, "b": 1}, False),
    ],
)
def test_evaluate_predicate(pred: dict[str, Any], answers: dict[str, Any], expected: bool) -> None:
    assert evaluate_predicate(Predicate.model_validate(pred), answers, NORMS) is expected


def test_condition_groups_list_every_rule_fact_route_finding_and_escalation(catalogue: Catalogue) -> None:
    ids = {gid for gid, _scope, _preds in catalogue.condition_groups()}
    assert "minor_when" in ids
    assert {r.id for r in catalogue.rules} | {f.id for f in catalogue.findings} <= ids
    assert {e.id for e in catalogue.escalations} <= ids
    assert {f"fact:{f.id}#{n}" for f in catalogue.facts for n in range(1, len(f.routes) + 1)} <= ids
    assert all(scope in Scope for _r, scope, _p in catalogue.predicates())
    assert all(p.on_answers for _r, _s, p in catalogue.predicates())


def test_catalogue_round_trips_through_json(catalogue: Catalogue) -> None:
    """The server sends the catalogue as JSON in pull changes; the tablet must judge with the same rules."""
    import json

    again = parse_catalogue(json.loads(json.dumps(catalogue.model_dump(mode="json"))))
    assert again == catalogue
    pred = next(p for rid, _s, p in again.predicates() if rid == "no_toilet")
    assert pred.value == 0 and not isinstance(pred.value, bool)
