"""Template loading and validation, answer checks, visibility and required questions."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from schemas.catalogue import FORBIDDEN_INPUT_WORDS
from schemas.templates import (
    AnswerValue,
    Condition,
    Question,
    QuestionType,
    Scope,
    Template,
    TemplateError,
    check_answer,
    missing_required,
    parse_template,
    visible_questions,
)
from sync_server.assets import ASSETS_DIR, all_templates, load_template, published_templates

PANDENACTIE = ASSETS_DIR / "templates" / "pandenactie" / "v3.yaml"


def _q(qid: str, qtype: str = "yes_no", **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": qtype, "label": {"nl": f"Vraag {qid}", "en": f"Question {qid}"},
            "evidence": "observed", **extra}


def _opts(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"nl": v, "en": v}} for v in values]


def _template(*questions: dict[str, Any], person: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "proef", "version": 1, "control_type": "pandenactie",
        "title": {"nl": "Proef", "en": "Trial"},
        "sections": [{"id": "s1", "title": {"nl": "Deel", "en": "Part"}, "questions": list(questions)}],
    }
    if person is not None:
        data["person_module"] = [{"id": "p1", "title": {"nl": "Persoon", "en": "Person"}, "questions": person}]
    return data


def _write(tmp_path: Path, data: Any, name: str = "v1.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _load_error(tmp_path: Path, data: Any) -> TemplateError:
    path = _write(tmp_path, data)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value), "the message must name the file"
    return info.value


@pytest.fixture(scope="module")
def pandenactie() -> Template:
    return load_template(PANDENACTIE)


# --- the published file ---------------------------------------------------------------------------------------


def test_pandenactie_loads_and_is_published(pandenactie: Template) -> None:
    assert pandenactie.key == "pandenactie@3"
    assert pandenactie.control_type == "pandenactie"
    assert sorted(t.key for t in published_templates()) == [
        "flitsbezorger@1", "horeca@1", "massagesalon@2", "pandenactie@3", "seksinrichting_onvergund@2",
        "seksinrichting_vergund@2"]


def test_pandenactie_has_enough_questions_of_every_type(pandenactie: Template) -> None:
    premises = pandenactie.questions(Scope.PREMISES)
    person = pandenactie.questions(Scope.PERSON)
    assert len(premises) >= 25
    assert len(person) >= 25
    assert {q.type for q in premises + person} == set(QuestionType)
    assert all(q.label.nl and q.label.en and q.label.nl != q.label.en for q in premises + person)


def test_pandenactie_required_and_conditional_questions(pandenactie: Template) -> None:
    everything = pandenactie.questions(Scope.PREMISES) + pandenactie.questions(Scope.PERSON)
    required = {q.id for q in everything if q.required}
    assert {"A24_entry_basis", "A02_persons_found", "P01_age_band", "P02_own_id"} <= required
    assert 4 <= len(required) <= 12, "a handful, not everything"
    conditional = {q.id: q.show_if for q in everything if q.show_if}
    assert len(conditional) >= 6
    assert conditional["P03_id_held_by"] == Condition(question="P02_own_id", equals="no")


def test_pandenactie_person_module_has_the_brief_questions(pandenactie: Template) -> None:
    age = pandenactie.question("P01_age_band", Scope.PERSON)
    assert age is not None
    assert [o.value for o in age.options] == ["under_16", "age_16_17", "age_18_20", "age_21_plus", "unknown"]
    role = pandenactie.question("P00_role", Scope.PERSON)
    assert role is not None and {"resident", "worker", "sex_worker", "other"} <= {o.value for o in role.options}
    for qid, qtype in [("P14b_pay_week", "number"), ("P16c_hours_week", "number"), ("P16_hours_day", "number"),
                       ("P16b_days_week", "number"), ("P18_employer_provides", "multi_choice"),
                       ("P24_threats", "multi_choice"), ("P25_deceived_about", "multi_choice")]:
        q = pandenactie.question(qid, Scope.PERSON)
        assert q is not None and q.type == qtype, qid


def test_pandenactie_never_asks_about_nationality_or_origin(pandenactie: Template) -> None:
    for scope in Scope:
        for q in pandenactie.questions(scope):
            texts = [q.id, q.label.nl, q.label.en, *(t for o in q.options for t in (o.value, o.label.nl, o.label.en))]
            if q.help:
                texts += [q.help.nl, q.help.en]
            text = " ".join(texts).lower()
            assert not [w for w in FORBIDDEN_INPUT_WORDS if w in text], q.id


def test_template_round_trips_through_json(pandenactie: Template) -> None:
    """The server sends templates as JSON in pull changes; the tablet must parse them back identically."""
    again = parse_template(pandenactie.model_dump(mode="json"))
    assert again == pandenactie
    by_alias = parse_template(pandenactie.model_dump(mode="json", by_alias=True))
    assert by_alias == pandenactie


# --- broken files: each gives a clear TemplateError naming file and question --------------------------------


def test_duplicate_question_id(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1"), _q("A1")))
    assert "question A1: duplicate question id" in str(err)


def test_same_id_in_premises_and_person_module_is_allowed() -> None:
    parse_template(_template(_q("A1"), person=[_q("A1")]))


def test_duplicate_section_id(tmp_path: Path) -> None:
    data = _template(_q("A1"))
    data["sections"].append(copy.deepcopy(data["sections"][0]) | {"questions": [_q("A2")]})
    assert "section s1: duplicate section id" in str(_load_error(tmp_path, data))


def test_unknown_question_type(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1"), _q("A2", "slider")))
    assert "question A2 field type" in str(err)


def test_unknown_evidence_type(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", evidence="rumour")))
    assert "question A1 field evidence" in str(err)


@pytest.mark.parametrize("qtype", ["choice", "multi_choice"])
def test_choice_without_options(tmp_path: Path, qtype: str) -> None:
    err = _load_error(tmp_path, _template(_q("A1", qtype)))
    assert f"question A1: type {qtype} needs at least two options" in str(err)


def test_choice_with_one_option(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", "choice", options=_opts("a"))))
    assert "needs at least two options" in str(err)


def test_duplicate_option_value(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", "choice", options=_opts("a", "a"))))
    assert "question A1: duplicate option value" in str(err)


def test_options_on_a_yes_no_question(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", options=_opts("a", "b"))))
    assert "question A1: type yes_no takes no options" in str(err)


def test_show_if_pointing_forward(tmp_path: Path) -> None:
    data = _template(_q("A1", show_if={"question": "A2", "equals": True}), _q("A2"))
    err = _load_error(tmp_path, data)
    assert "question A1: show_if refers to 'A2', which is not an earlier question" in str(err)


def test_show_if_pointing_at_itself(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", show_if={"question": "A1", "equals": True})))
    assert "question A1: show_if refers to 'A1'" in str(err)


def test_show_if_pointing_at_unknown_question(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1"), _q("A2", show_if={"question": "A9", "equals": True})))
    assert "question A2: show_if refers to 'A9'" in str(err)


def test_show_if_across_scopes_is_refused(tmp_path: Path) -> None:
    """A person question cannot depend on a premises answer: they are answered separately."""
    data = _template(_q("A1"), person=[_q("P1", show_if={"question": "A1", "equals": True})])
    assert "question P1: show_if refers to 'A1'" in str(_load_error(tmp_path, data))


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"question": "A1", "equals": "maybe"}, "show_if value 'maybe' is not an option of A1"),
        ({"question": "A1", "in": ["a", "zz"]}, "show_if value 'zz' is not an option of A1"),
    ],
)
def test_show_if_value_not_an_option(tmp_path: Path, condition: dict[str, Any], message: str) -> None:
    data = _template(_q("A1", "choice", options=_opts("a", "b")), _q("A2", show_if=condition))
    err = _load_error(tmp_path, data)
    assert f"question A2: {message}" in str(err)


def test_show_if_contains_value_not_an_option(tmp_path: Path) -> None:
    data = _template(_q("A1", "multi_choice", options=_opts("a", "b")),
                     _q("A2", show_if={"question": "A1", "contains": "c"}))
    assert "show_if value 'c' is not an option of A1" in str(_load_error(tmp_path, data))


def test_show_if_yes_no_unknown_value_checked(tmp_path: Path) -> None:
    data = _template(_q("A1", "yes_no_unknown"), _q("A2", show_if={"question": "A1", "equals": "ja"}))
    assert "show_if value 'ja' is not an option of A1" in str(_load_error(tmp_path, data))


@pytest.mark.parametrize(
    ("target", "condition", "message"),
    [
        (_q("A1"), {"equals": "yes"}, "show_if value 'yes' does not fit yes_no question A1"),
        (_q("A1"), {"equals": 1}, "show_if value 1 does not fit yes_no question A1"),
        (_q("A1", "number"), {"equals": True}, "show_if value True does not fit number question A1"),
        (_q("A1", "number"), {"contains": "a"}, "show_if cannot use contains on number question A1"),
        (_q("A1", "choice", options=_opts("a", "b")), {"gt": 1}, "show_if cannot use gt on choice question A1"),
        (_q("A1", "choice", options=_opts("a", "b")), {"contains": "a"}, "show_if cannot use contains on choice"),
        (_q("A1", "multi_choice", options=_opts("a", "b")), {"equals": "a"}, "cannot use equals on multi_choice"),
        (_q("A1"), {"in": ["yes"]}, "show_if cannot use in on yes_no question A1"),
    ],
)
def test_show_if_comparison_must_fit_the_question_type(
    tmp_path: Path, target: dict[str, Any], condition: dict[str, Any], message: str
) -> None:
    """A condition that can never hold would silently hide a question forever."""
    data = _template(target, _q("A2", show_if={"question": "A1", **condition}))
    err = _load_error(tmp_path, data)
    assert "question A2" in str(err) and message in str(err)


def test_show_if_needs_exactly_one_comparison(tmp_path: Path) -> None:
    for cond in ({"question": "A1"}, {"question": "A1", "equals": True, "gt": 1}):
        err = _load_error(tmp_path, _template(_q("A1"), _q("A2", show_if=cond)))
        assert "question A2 field show_if" in str(err)
        assert "exactly one of equals, in, contains, gt, lt" in str(err)


def test_min_greater_than_max(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", "number", min=10, max=1)))
    assert "question A1: min is greater than max" in str(err)


@pytest.mark.parametrize("label", [{"nl": "Alleen Nederlands"}, {"nl": "Leeg", "en": ""}, {"en": "English only"}])
def test_missing_label_translation(tmp_path: Path, label: dict[str, str]) -> None:
    err = _load_error(tmp_path, _template(_q("A1"), _q("A2", label=label)))
    assert "question A2 field label" in str(err)


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    """A typo such as 'requird' must not silently make a question optional."""
    err = _load_error(tmp_path, _template(_q("A1", requird=True)))
    assert "question A1 field requird" in str(err)


def test_bad_question_id(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("1 bad id")))
    assert "question 1 bad id field id" in str(err)


def test_missing_top_level_field(tmp_path: Path) -> None:
    data = _template(_q("A1"))
    del data["control_type"]
    assert "control_type: Field required" in str(_load_error(tmp_path, data))


def test_unknown_control_type(tmp_path: Path) -> None:
    assert "control_type" in str(_load_error(tmp_path, _template(_q("A1")) | {"control_type": "horeca"}))


def test_several_problems_reported_together(tmp_path: Path) -> None:
    err = _load_error(tmp_path, _template(_q("A1", "choice"), _q("A1"), _q("A3", "number", min=2, max=1)))
    assert len(err.problems) == 3


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text("id: pandenactie\nsections: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value) and "not valid YAML" in str(info.value)


@pytest.mark.parametrize("content", ["", "- a\n- list\n", "just a string\n"])
def test_yaml_that_is_not_a_mapping(tmp_path: Path, content: str) -> None:
    path = tmp_path / "v1.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value)


def test_unreadable_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert str(path) in str(info.value) and "cannot read file" in str(info.value)


def test_unreadable_file_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read file"):
        load_template(tmp_path)


def test_unreadable_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "v1.yaml"
    path.write_bytes(b"id: \xff\xfe pandenactie\n")
    with pytest.raises(TemplateError, match="not UTF-8"):
        load_template(path)


def test_version_in_file_must_match_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "proef"
    folder.mkdir(parents=True)
    _write(folder, _template(_q("A1")), name="v2.yaml")
    with pytest.raises(TemplateError, match="file says proef@1, path says proef@2"):
        all_templates(tmp_path)


def test_newest_version_is_published(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "proef"
    folder.mkdir(parents=True)
    _write(folder, _template(_q("A1")), name="v1.yaml")
    _write(folder, _template(_q("A1"), _q("A2")) | {"version": 2}, name="v2.yaml")
    assert [t.key for t in published_templates(tmp_path)] == ["proef@2"]


# --- answers ----------------------------------------------------------------------------------------------------


def _question(qtype: str, **extra: Any) -> Question:
    if qtype in ("choice", "multi_choice"):
        extra.setdefault("options", _opts("a", "b"))
    return Question.model_validate(_q("Q1", qtype, **extra))


@pytest.mark.parametrize(
    ("qtype", "extra", "value"),
    [
        ("yes_no", {}, True),
        ("yes_no", {}, False),
        ("yes_no_unknown", {}, "unknown"),
        ("number", {}, 3.5),
        ("number", {"integer": True, "min": 0, "max": 10}, 10),
        ("number", {"integer": True}, 4.0),
        ("choice", {}, "a"),
        ("multi_choice", {}, ["a", "b"]),
        ("multi_choice", {}, []),
        ("text", {}, "Een opmerking"),
        ("date", {}, "2026-03-01"),
        ("text", {}, None),
    ],
)
def test_check_answer_accepts(qtype: str, extra: dict[str, Any], value: Any) -> None:
    assert check_answer(_question(qtype, **extra), value) is None


@pytest.mark.parametrize(
    ("qtype", "extra", "value", "problem"),
    [
        ("yes_no", {}, "yes", "expected yes or no"),
        ("yes_no", {}, 1, "expected yes or no"),
        ("yes_no_unknown", {}, True, "expected yes, no or unknown"),
        ("yes_no_unknown", {}, ["yes"], "expected yes, no or unknown"),
        ("number", {}, True, "expected a number"),
        ("number", {}, "3", "expected a number"),
        ("number", {}, float("nan"), "expected a number"),
        ("number", {}, float("inf"), "expected a number"),
        ("number", {"integer": True}, 2.5, "expected a whole number"),
        ("number", {"min": 0}, -1, "below the minimum 0"),
        ("number", {"max": 10}, 11, "above the maximum 10"),
        ("choice", {}, "c", "not one of the options"),
        ("choice", {}, ["a"], "not one of the options"),
        ("choice", {}, 1, "not one of the options"),
        ("multi_choice", {}, ["a", "c"], "not a list of options"),
        ("multi_choice", {}, "a", "not a list of options"),
        ("multi_choice", {}, [["a"]], "not a list of options"),
        ("text", {}, 5, "expected text"),
        ("text", {}, "x" * 4001, "expected text"),
        ("text", {}, "Fictief\x00", "a NUL character"),  # no database stores it (schemas.inputs), issue 12
        ("text", {}, "Fictief\ud800", "a lone surrogate"),
        ("text", {}, "bel\x07", "control character"),
        ("date", {}, "01-03-2026", "expected a date as YYYY-MM-DD"),
        ("date", {}, "2026-02-30", "expected a date as YYYY-MM-DD"),
        ("date", {}, 20260301, "expected a date"),
    ],
)
def test_check_answer_refuses(qtype: str, extra: dict[str, Any], value: Any, problem: str) -> None:
    result = check_answer(_question(qtype, **extra), value)
    assert result is not None and problem in result


# --- visibility and required -----------------------------------------------------------------------------------

CHAIN = parse_template(_template(
    _q("A1", required=True),
    _q("A2", "choice", options=_opts("a", "b"), show_if={"question": "A1", "equals": True}, required=True),
    _q("A3", "number", show_if={"question": "A2", "equals": "a"}, required=True),
    _q("A4", "text", show_if={"question": "A3", "gt": 2}),
    _q("A5", "multi_choice", options=_opts("x", "y")),
    _q("A6", show_if={"question": "A5", "contains": "y"}, required=True),
    _q("A7", show_if={"question": "A3", "lt": 0}),
))


def _ids(questions: list[Question]) -> list[str]:
    return [q.id for q in questions]


def test_visible_questions_start() -> None:
    assert _ids(visible_questions(CHAIN.questions(Scope.PREMISES), {})) == ["A1", "A5"]


def test_visible_questions_follow_the_chain() -> None:
    answers: dict[str, AnswerValue] = {"A1": True, "A2": "a", "A3": 5, "A5": ["y"]}
    assert _ids(visible_questions(CHAIN.questions(Scope.PREMISES), answers)) == ["A1", "A2", "A3", "A4", "A5", "A6"]


def test_hidden_question_hides_its_dependants() -> None:
    """A3 and A4 keep stale answers, but once A1 is 'no' the whole chain disappears."""
    answers: dict[str, AnswerValue] = {"A1": False, "A2": "a", "A3": 5, "A4": "stale"}
    assert _ids(visible_questions(CHAIN.questions(Scope.PREMISES), answers)) == ["A1", "A5"]


def test_hidden_middle_of_chain() -> None:
    answers: dict[str, AnswerValue] = {"A1": True, "A2": "b", "A3": 5}
    assert _ids(visible_questions(CHAIN.questions(Scope.PREMISES), answers)) == ["A1", "A2", "A5"]


def test_condition_does_not_treat_one_as_true() -> None:
    assert not Condition(question="A1", equals=True).holds(1)
    assert not Condition(question="A1", equals=1).holds(True)
    assert Condition(question="A1", equals=0).holds(0)
    assert not Condition(question="A1", gt=2).holds(True)
    assert not Condition(question="A1", gt=2).holds("5")
    assert not Condition(question="A1", in_=["a"]).holds(["a"])
    assert not Condition(question="A1", contains="a").holds("abc")
    assert not Condition(question="A1", equals=False).holds(None)


def test_missing_required_only_visible_ones() -> None:
    questions = CHAIN.questions(Scope.PREMISES)
    assert _ids(missing_required(questions, {})) == ["A1"]
    assert _ids(missing_required(questions, {"A1": True})) == ["A2"]
    assert _ids(missing_required(questions, {"A1": True, "A2": "a"})) == ["A3"]
    assert _ids(missing_required(questions, {"A1": True, "A2": "a", "A3": 0, "A5": ["y"]})) == ["A6"]


def test_missing_required_empty_answers_count_as_missing_but_false_and_zero_do_not() -> None:
    questions = CHAIN.questions(Scope.PREMISES)
    assert _ids(missing_required(questions, {"A1": True, "A2": ""})) == ["A2"]
    assert _ids(missing_required(questions, {"A1": False})) == []
    assert _ids(missing_required(questions, {"A1": True, "A2": "a", "A3": 0, "A5": ["y"], "A6": False})) == []


def test_pandenactie_required_on_an_empty_control(pandenactie: Template) -> None:
    premises = _ids(missing_required(pandenactie.questions(Scope.PREMISES), {}))
    assert premises == ["A24_entry_basis", "A01_premises_type", "A02_persons_found", "A22_minors_present"]
    person = _ids(missing_required(pandenactie.questions(Scope.PERSON), {}))
    assert person == ["P00_role", "P01_age_band", "P40_private_conversation", "P02_own_id"]
