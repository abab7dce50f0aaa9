"""Margins of a reference case: which single answer moves the control's level up or down."""

from __future__ import annotations

from typing import Any

import pytest

from schemas.cases import CaseError, ReferenceCase
from schemas.catalogue import Profile, parse_catalogue
from schemas.margins import AnswerChange, margins
from schemas.templates import Scope, parse_template


def _q(qid: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"id": qid, "type": kind, "label": {"nl": f"Vraag {qid}", "en": f"Question {qid}"},
            "evidence": "observed", **extra}


def _options(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"nl": v.title(), "en": v}} for v in values]


TEMPLATE = parse_template({
    "id": "probe", "version": 1, "format": 2, "control_type": "pandenactie",
    "title": {"nl": "Proef", "en": "Probe"},
    "sections": [{"id": "s1", "title": {"nl": "Pand", "en": "Premises"}, "questions": [
        _q("A_locked", "yes_no"),
        _q("A_note", "text"),
        _q("A_phone", "identifier", not_scoring="context", identifier_kind="phone"),
    ]}],
    "person_module": [{"id": "p1", "title": {"nl": "Persoon", "en": "Person"}, "questions": [
        _q("P_age", "number", integer=True, min=0, max=120),
        _q("P_hours", "number", integer=True, min=0, max=168),
        _q("P_pay", "number", min=0),
        _q("P_start", "number", integer=True, min=0, max=24),
        _q("P_end", "number", integer=True, min=0, max=24),
        _q("P_free", "yes_no"),
        _q("P_debts", "yes_no_unknown"),
        _q("P_debt_to", "multi_choice", options=_options("agency", "family"),
           show_if={"question": "P_debts", "equals": "yes"}),
        _q("P_role", "choice", options=_options("worker", "visitor")),
        _q("P_remark", "text"),
    ]}],
})


def _indicator(code: str, dimension: str, strength: str) -> dict[str, Any]:
    return {"code": code, "dimension": dimension, "label": {"nl": code, "en": code},
            "strength": {"labour": strength}, "source": "test"}


def _rule(rid: str, scope: str, when: list[dict[str, Any]], code: str) -> dict[str, Any]:
    return {"id": rid, "scope": scope, "when": when, "indicators": [code],
            "explanation": {"nl": rid, "en": rid}}


CATALOGUE = parse_catalogue({
    "id": "probecat", "version": 1, "norms": {"min_age": 18, "max_hours": 60, "min_wage": 14},
    "indicators": [_indicator("CD1", "CD", "S"), _indicator("CD2", "CD", "S"), _indicator("CR1", "CR", "M"),
                   _indicator("EX1", "EX", "M"), _indicator("EX2", "EX", "M"), _indicator("EX3", "EX", "M")],
    "rules": [
        _rule("locked", "premises", [{"question": "A_locked", "op": "eq", "value": True}], "CD1"),
        _rule("note", "premises", [{"question": "A_note", "op": "eq", "value": "opgesloten"}], "CD1"),
        _rule("not_free", "person", [{"question": "P_free", "op": "eq", "value": False}], "CD2"),
        _rule("debt", "person", [{"question": "P_debt_to", "op": "contains", "value": "agency"}], "CR1"),
        _rule("hours", "person", [{"question": "P_hours", "op": "gt", "value": {"norm": "max_hours"}}], "EX1"),
        _rule("wage", "person", [{"ratio": ["P_pay", "P_hours"], "op": "lt", "value": {"norm": "min_wage"}}], "EX2"),
        _rule("night", "person", [{"span": ["P_start", "P_end"], "op": "gt", "value": 12}], "EX3"),
    ],
    "escalations": [{"id": "minor_not_free", "scope": "person", "profile": "labour",
                     "when": [{"question": "P_age", "op": "lt", "value": {"norm": "min_age"}},
                              {"question": "P_free", "op": "eq", "value": False}],
                     "reason": {"nl": "Minderjarig en niet vrij.", "en": "A minor, not free."}}],
    "minor_when": [{"question": "P_age", "op": "lt", "value": {"norm": "min_age"}}],
    "urgent_guidance": {"title": {"nl": "Bel 112", "en": "Call 112"}, "steps": [{"nl": "Bel 112.", "en": "Call."}]},
})


def _case(premises: dict[str, Any] | None, *persons: dict[str, Any]) -> ReferenceCase:
    """Persons w1, w2 … ("Persoon 1" …) with these answers."""
    return ReferenceCase.model_validate({
        "description": "probe", "template": "probe", "premises": premises or {},
        "persons": [{"id": f"w{n}", "label": f"Persoon {n}", "answers": answers}
                    for n, answers in enumerate(persons, 1)],
        "expect": {"min_level": 0}})


def _moves(changes: list[AnswerChange]) -> list[tuple[str, str, Any, int]]:
    return [(c.subject_id, c.question_id, c.new, c.level) for c in changes]


def test_an_answer_that_moves_the_level_up_and_one_that_moves_it_down() -> None:
    found = margins(_case({"A_locked": False}, {"P_age": 30, "P_free": False}), TEMPLATE, CATALOGUE)
    assert (found.level, found.profile) == (2, Profile.LABOUR)
    # A minor who is not free escalates; the age just under the norm (and 0) does it, 18 and 19 do not.
    assert _moves(found.up.changes) == [("w1", "P_age", 0, 3), ("w1", "P_age", 17, 3)]
    assert found.up.changes[0].profile is Profile.LABOUR and found.up.changes[0].old == 30
    assert _moves(found.down.changes) == [("w1", "P_free", True, 0), ("w1", "P_free", None, 0)]
    assert found.down.changes[0].question_label.nl == "Vraag P_free"
    assert found.down.changes[0].scope is Scope.PERSON and found.down.changes[0].subject_label == "Persoon 1"
    assert found.fragile


def test_persons_with_identical_answers_are_tried_once_and_counted() -> None:
    worker = {"P_age": 30, "P_free": False}
    found = margins(_case(None, worker, dict(worker), worker, {"P_age": 30, "P_free": True}), TEMPLATE, CATALOGUE)
    assert _moves(found.up.changes) == [("w1", "P_age", 0, 3), ("w1", "P_age", 17, 3)]
    assert [c.group_size for c in found.up.changes] == [3, 3]
    # Freeing one of three leaves the other two at level 2: nothing moves the level down.
    assert found.down.total == 0 and found.down.changes == []
    single = margins(_case(None, worker, {"P_age": 30, "P_free": True}), TEMPLATE, CATALOGUE)
    assert found.tried == single.tried


def test_a_hidden_answer_counts_once_its_parent_changes() -> None:
    """P_debts is read by no rule, but P_debt_to (read) only shows when P_debts is yes."""
    found = margins(_case(None, {"P_debts": "no", "P_debt_to": ["agency"]}), TEMPLATE, CATALOGUE)
    debt = [c for c in found.up.changes if c.question_id.startswith("P_debt")]
    assert _moves(debt) == [("w1", "P_debts", "yes", 1)] and debt[0].old == "no"


def test_multi_choice_options_are_toggled() -> None:
    found = margins(_case(None, {"P_debts": "yes", "P_debt_to": ["agency", "family"]}), TEMPLATE, CATALOGUE,
                    limit=50)
    down = {(c.question_id, repr(c.new)) for c in found.down.changes}
    assert down == {("P_debt_to", "['family']"), ("P_debt_to", "None"), ("P_debts", "'no'"),
                    ("P_debts", "'unknown'"), ("P_debts", "None")}


def test_numbers_just_around_a_norm_and_a_ratio_are_found() -> None:
    """Hours above the norm of 60, or pay per hour under the norm of 14: 800 / 14 = 57.1 hours; 40 * 14 = 560."""
    found = margins(_case(None, {"P_hours": 40, "P_pay": 800}), TEMPLATE, CATALOGUE, limit=50)
    numbers = {(c.question_id, c.new) for c in found.up.changes if c.question_id in ("P_hours", "P_pay")}
    assert numbers == {("P_hours", 58), ("P_hours", 59), ("P_hours", 60), ("P_hours", 61),
                       ("P_pay", 559), ("P_pay", 0)}
    levels = {(c.question_id, c.new): c.level for c in found.up.changes if c.question_id in ("P_hours", "P_pay")}
    # 61 hours is both too long and under the wage per hour (800 / 61 = 13.1): two medium indicators make level 2
    assert levels.pop(("P_hours", 61)) == 2 and set(levels.values()) == {1}


def test_clock_hours_over_midnight_are_found() -> None:
    """From 20 to 6 is 10 hours; more than 12 is a signal: ending at 9 or starting at 17 crosses it."""
    found = margins(_case(None, {"P_start": 20, "P_end": 6}), TEMPLATE, CATALOGUE, limit=50)
    assert {(c.question_id, c.new) for c in found.up.changes if c.question_id in ("P_start", "P_end")} == {
        ("P_start", 17), ("P_end", 9)}


def test_identifier_and_text_answers_are_never_varied() -> None:
    """Removing the note would lower the level, but a text answer is not varied (nor an identifier, which takes no
    answer at all)."""
    found = margins(_case({"A_note": "opgesloten"}, {"P_remark": "rustig"}), TEMPLATE, CATALOGUE, limit=100)
    assert found.level == 2 and found.down.total == 0
    assert not {c.question_id for c in found.up.changes} & {"A_note", "A_phone", "P_remark"}


def test_the_strongest_changes_come_first_up_to_the_limit_with_the_total() -> None:
    found = margins(_case(None, {}), TEMPLATE, CATALOGUE, limit=2)
    assert found.level == 0 and found.up.total > 2 and len(found.up.changes) == 2
    # Two levels before one (not free before the hours the checklist asks earlier), the premises first.
    assert _moves(found.up.changes) == [("premises", "A_locked", True, 2), ("w1", "P_free", False, 2)]
    assert found.up.changes[0].group_size == 1 and found.up.changes[0].subject_label == "Pand"
    everything = margins(_case(None, {}), TEMPLATE, CATALOGUE, limit=1000)
    assert everything.up.total == found.up.total == len(everything.up.changes)
    assert everything.up.changes[:2] == found.up.changes


def test_a_case_that_does_not_fit_the_template_is_refused() -> None:
    with pytest.raises(CaseError, match="has no person question P_typo"):
        margins(_case(None, {"P_typo": True}), TEMPLATE, CATALOGUE)
    with pytest.raises(CaseError, match="P_age = 'old'"):
        margins(_case(None, {"P_age": "old"}), TEMPLATE, CATALOGUE)
