"""Non-discrimination as structure, not a word list (DESIGN §4, DOMAIN_BRIEF §0.4 and §5).

Every checklist question that could stand in for origin — the language spoken, whether the person can talk without
an interpreter, since when in the Netherlands, having nobody here to fall back on — is marked ``not_scoring: proxy``,
and no rule, fact route, finding or escalation may read a marked question. Where a legal status must score (no right
to stay or work), the options do not record nationality or EU membership. Every other question is either read by the
catalogue or marked (process or context): nothing is asked that silently counts for nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from schemas.cases import pick_template
from schemas.catalogue import FORBIDDEN_INPUT_WORDS, Catalogue
from schemas.engine import evaluate
from schemas.records import PersonRecord
from schemas.templates import NotScoring, Question, Scope, Template
from sync_server.assets import all_templates, published_catalogue, published_templates
from sync_server.catalog.casetest import load_case

CATALOGUE = published_catalogue()
NEWEST = published_templates()
CASES = sorted((Path(__file__).resolve().parents[2] / "assets" / "cases").glob("*.yaml"))
PROXIES = {"P06_communicates_alone", "P06b_language_needs", "P08_in_nl_since", "P36b_no_network"}
MEMBERSHIP = re.compile(r"free_movement|vrij verkeer|free movement|\b(eu|eer|eea|europ\w*|schengen)\b")
ALL_TEMPLATES = all_templates()


def _read(catalogue: Catalogue, template: Template) -> set[tuple[Scope, str]]:
    """The questions the catalogue reads in this template, and the show_if parents that make them visible."""
    read = set(catalogue.questions_read())
    todo = list(read)
    while todo:
        scope, qid = todo.pop()
        q = template.question(qid, scope)
        if q is not None and q.show_if is not None and (scope, q.show_if.question) not in read:
            read.add((scope, q.show_if.question))
            todo.append((scope, q.show_if.question))
    return read


def _questions(template: Template) -> list[tuple[Scope, Question]]:
    return [(scope, q) for scope in Scope for q in template.questions(scope)]


@pytest.mark.parametrize("template", ALL_TEMPLATES, ids=lambda t: t.key)
def test_no_rule_fact_finding_or_escalation_reads_a_not_scoring_question(template: Template) -> None:
    marked = {(scope, q.id): q.not_scoring for scope, q in _questions(template) if q.not_scoring is not None}
    readers = [(gid, qid, marked[(scope, qid)]) for gid, scope, pred in CATALOGUE.predicates()
               for qid in pred.question_ids() if (scope, qid) in marked]
    assert readers == []


@pytest.mark.parametrize("template", NEWEST, ids=lambda t: t.key)
def test_every_question_is_read_or_marked_not_scoring(template: Template) -> None:
    """A question asked but read by no rule is either scored or marked (and documented) as not scoring."""
    read = _read(CATALOGUE, template)
    silent = [f"{scope}:{q.id}" for scope, q in _questions(template)
              if q.not_scoring is None and (scope, q.id) not in read]
    assert silent == []


@pytest.mark.parametrize("template", NEWEST, ids=lambda t: t.key)
def test_questions_that_could_stand_in_for_origin_are_marked_proxy(template: Template) -> None:
    marks = {q.id: q.not_scoring for q in template.questions(Scope.PERSON)}
    assert {qid: marks.get(qid) for qid in PROXIES} == dict.fromkeys(PROXIES, NotScoring.PROXY)


@pytest.mark.parametrize("template", NEWEST, ids=lambda t: t.key)
def test_no_option_records_nationality_origin_or_eu_membership(template: Template) -> None:
    """The right to work scores (AVD5); where it comes from does not, so no option may record it."""
    texts = [f" {o.value} {o.label.nl} {o.label.en} ".lower() for _s, q in _questions(template) for o in q.options]
    bad = [t.strip() for t in texts if MEMBERSHIP.search(t) or any(w in t for w in FORBIDDEN_INPUT_WORDS)]
    assert bad == []
    right = template.question("P29_right_to_work", Scope.PERSON)
    assert right is not None and {o.value for o in right.options} == {
        "right_to_work", "permit_without_work", "no_permit", "unknown"}


PROXY_VALUES = [
    {"P06_communicates_alone": False, "P06b_language_needs": "tolk nodig", "P08_in_nl_since": "2026-11-20",
     "P36b_no_network": True},
    {"P06_communicates_alone": True, "P06b_language_needs": "", "P08_in_nl_since": "1990-01-01",
     "P36b_no_network": False},
]


def _marked(case_file: Path) -> bool:
    template = pick_template(ALL_TEMPLATES, load_case(case_file).template)
    return all(template.question(qid, Scope.PERSON) for qid in PROXIES)


MARKED_CASES = [p for p in CASES if _marked(p)]  # cases pinned to a checklist from before the marks are left out


@pytest.mark.parametrize("case_file", MARKED_CASES, ids=[p.stem for p in MARKED_CASES])
def test_proxy_answers_never_change_a_judgement(case_file: Path) -> None:
    """Any answer to a proxy question, for every person of every reference case: the same level, profile and
    indicators per subject as without it."""
    case = load_case(case_file)
    template = pick_template(ALL_TEMPLATES, case.template)
    plain = [PersonRecord(id=p.id, label=p.label, answers={k: v for k, v in p.answers.items() if k not in PROXIES})
             for p in case.persons]

    def judged(persons: list[PersonRecord]) -> list[tuple[str, int, object, list[str]]]:
        result = evaluate(template, CATALOGUE, case.premises, persons)
        return [(s.subject_id, s.level, s.profile, sorted(h.code for h in s.hits)) for s in result.subjects]

    expected = judged(plain)
    for values in PROXY_VALUES:
        with_proxies = [PersonRecord(id=p.id, label=p.label, answers={**p.answers, **values}) for p in plain]
        assert judged(with_proxies) == expected


def test_no_network_in_an_old_control_no_longer_scores() -> None:
    """pandenactie@2 still offers 'no social network' among the vulnerabilities; catalogue v3 ignores it."""
    old = next(t for t in ALL_TEMPLATES if t.key == "pandenactie@2")
    person = PersonRecord(id="p", label="P", answers={"P36_vulnerability": ["no_network"]})
    result = evaluate(old, CATALOGUE, {}, [person])
    assert result.level == 0 and result.subjects[1].hits == []
