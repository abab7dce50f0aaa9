"""Margins of a reference case: which single answer would move the control a level up or down.

A beheerder about to publish a catalogue wants to know how fragile each case's level is. Every change reported
here was judged by ``evaluate`` itself on the whole control, so the margins follow the engine rather than a
second copy of its rules. To stay fast, only answers that can matter are changed:

* questions the catalogue reads, and the questions their ``show_if`` hangs on (a hidden answer starts to count
  when its parent changes); only where they are visible, since a hidden answer counts for nothing;
* the premises once, and persons with identical answers once, through the first of them;
* per question only values that can cross a condition: every option, each option of a multiple choice toggled,
  and for a number the values just around each threshold it is compared with (directly, in a ratio or in a
  span of clock hours, or by a ``show_if``), plus 0; and removing the answer.

A control of fourteen persons costs fourteen judgements per try, so each change is first judged on a sample:
one person of every group of identical answers, the changed group twice (changed and unchanged). The engine
judges each person on the premises and their own answers and gives the control its worst subject's level, so
the sample has the control's level; only a change that moves the sample is judged on the whole control, and
that judgement is what is reported.

Pure code over pydantic models, like the engine it questions.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from schemas.cases import CaseError, ReferenceCase, case_problems
from schemas.catalogue import Catalogue, NormRef, Predicate, Profile
from schemas.engine import FlagResult, evaluate
from schemas.records import PersonRecord
from schemas.templates import (
    YES_NO_UNKNOWN_VALUES,
    AnswerValue,
    Question,
    QuestionType,
    Scope,
    Template,
    Text,
    check_answer,
    same_value,
    visible_questions,
)

VARIED_TYPES = (QuestionType.YES_NO, QuestionType.YES_NO_UNKNOWN, QuestionType.CHOICE, QuestionType.MULTI_CHOICE,
                QuestionType.NUMBER)
"""Identifier, text and date answers are never varied: no threshold or option tells which values matter."""

THRESHOLD_OPS = ("eq", "ne", "gt", "gte", "lt", "lte")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AnswerChange(_Frozen):
    """One changed answer and the level (and profile) the control gets with it."""

    scope: Scope
    subject_id: str  # "premises", or the id of the person whose answer changed
    subject_label: str  # "Pand", or the person's label
    group_size: int  # persons with exactly these answers, this one included (1 for the premises)
    question_id: str
    question_label: Text
    old: AnswerValue
    new: AnswerValue
    level: int
    profile: Profile | None


class MarginSide(_Frozen):
    """The changes that move the level one way: the strongest first, at most ``limit`` of ``total``."""

    changes: list[AnswerChange]
    total: int


class CaseMargins(_Frozen):
    level: int
    profile: Profile | None
    up: MarginSide
    down: MarginSide
    tried: int  # changed answers evaluated

    @property
    def fragile(self) -> bool:
        return bool(self.up.total or self.down.total)


@dataclass(frozen=True)
class _Subject:
    """The premises, or the first of a group of persons with identical answers."""

    scope: Scope
    subject_id: str
    label: str
    group_size: int
    answers: dict[str, AnswerValue]
    members: tuple[int, ...]  # positions in the case's persons; empty for the premises


def margins(case: ReferenceCase, template: Template, catalogue: Catalogue, *, limit: int = 5) -> CaseMargins:
    """Every single answer change that moves the case's level, per direction; raises ``CaseError`` for a broken
    case, as ``run_case`` does."""
    problems = case_problems(case, template)
    if problems:
        raise CaseError("; ".join(problems))
    base = evaluate(template, catalogue, case.premises, case.persons)
    ranked: list[tuple[tuple[int, ...], AnswerChange]] = []
    tried = 0
    subjects = _subjects(case)
    for subject_rank, subject in enumerate(subjects):
        sample = sorted({s.members[0] for s in subjects if s.members} | set(subject.members[1:2]))
        for question_rank, q, value in _changes(template, catalogue, subject):
            tried += 1
            result = _moved(template, catalogue, _changed(case, subject, q.id, value), sample, base.level)
            if result is not None:
                order = (-abs(result.level - base.level), subject.scope is Scope.PERSON, question_rank, subject_rank)
                ranked.append((order, _change(subject, q, value, result.level, result.profile)))
    ranked.sort(key=lambda item: item[0])
    up = [c for _o, c in ranked if c.level > base.level]
    down = [c for _o, c in ranked if c.level < base.level]
    return CaseMargins(level=base.level, profile=base.profile, tried=tried,
                       up=MarginSide(changes=up[:limit], total=len(up)),
                       down=MarginSide(changes=down[:limit], total=len(down)))


def _subjects(case: ReferenceCase) -> list[_Subject]:
    """The premises, then one subject per group of persons with identical answers, in the case's order."""
    groups: dict[str, list[int]] = {}
    for i, person in enumerate(case.persons):
        groups.setdefault(_answers_key(person.answers), []).append(i)
    subjects = [_Subject(Scope.PREMISES, "premises", "Pand", 1, case.premises, ())]
    for members in groups.values():
        first = case.persons[members[0]]
        subjects.append(_Subject(Scope.PERSON, first.id, first.label, len(members), first.answers, tuple(members)))
    return subjects


def _answers_key(answers: dict[str, AnswerValue]) -> str:
    return repr(sorted((k, type(v).__name__, v) for k, v in answers.items() if v is not None))


def _changes(template: Template, catalogue: Catalogue, subject: _Subject
             ) -> Iterator[tuple[int, Question, AnswerValue]]:
    """(question rank, question, new value) of every change worth evaluating for this subject."""
    questions = template.questions(subject.scope)
    wanted = _questions_that_matter(questions, catalogue, subject.scope)
    rank = {q.id: n for n, q in enumerate(questions)}
    for q in visible_questions(questions, subject.answers):
        if q.id in wanted and q.type in VARIED_TYPES:
            for value in _candidates(q, questions, catalogue, subject):
                yield rank[q.id], q, value


def _questions_that_matter(questions: list[Question], catalogue: Catalogue, scope: Scope) -> set[str]:
    """The questions the catalogue reads in ``scope``, and those their ``show_if`` depends on (transitively)."""
    by_id = {q.id: q for q in questions}
    wanted = {qid for s, qid in catalogue.questions_read() if s is scope}
    pending = list(wanted)
    while pending:
        q = by_id.get(pending.pop())
        if q is not None and q.show_if is not None and q.show_if.question not in wanted:
            wanted.add(q.show_if.question)
            pending.append(q.show_if.question)
    return wanted


def _candidates(q: Question, questions: list[Question], catalogue: Catalogue, subject: _Subject) -> list[AnswerValue]:
    """New values for ``q``: valid answers that differ from the current one, each once."""
    current = subject.answers.get(q.id)
    values: list[AnswerValue]
    if q.type is QuestionType.YES_NO:
        values = [True, False]
    elif q.type is QuestionType.YES_NO_UNKNOWN:
        values = list(YES_NO_UNKNOWN_VALUES)
    elif q.type is QuestionType.CHOICE:
        values = [o.value for o in q.options]
    elif q.type is QuestionType.MULTI_CHOICE:
        chosen = set(current) if isinstance(current, list) else set()
        values = [[o.value for o in q.options if (o.value in chosen) != (o.value == toggled.value)]
                  for toggled in q.options]
    else:
        values = list(_number_points(q, questions, catalogue, subject))
    if current is not None:
        values.append(None)
    out: list[AnswerValue] = []
    for value in values:
        if check_answer(q, value) is None and not any(_same(value, v) for v in [current, *out]):
            out.append(value)
    return out


def _same(a: AnswerValue, b: AnswerValue) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    return same_value(a, b)


def _number_points(q: Question, questions: list[Question], catalogue: Catalogue, subject: _Subject) -> list[int]:
    """0, and the values just around every threshold the catalogue or a ``show_if`` compares ``q`` with."""
    points = [0]
    for _gid, scope, pred in catalogue.predicates():
        threshold = _threshold(pred, catalogue.norms)
        if scope is subject.scope and threshold is not None and q.id in pred.question_ids():
            crossing = _crossing(pred, q.id, threshold, subject.answers)
            if crossing is not None:
                points += [p % 24 for p in _around(crossing)] if pred.span else _around(crossing)
    for other in questions:
        cond = other.show_if
        if cond is not None and cond.question == q.id:
            numbers = [n for n in map(_number, (cond.equals, cond.gt, cond.lt)) if n is not None]
            points += [p for n in numbers for p in _around(n)]
    return points


def _threshold(pred: Predicate, norms: dict[str, float]) -> float | None:
    if pred.op not in THRESHOLD_OPS:
        return None
    return _number(norms.get(pred.value.norm) if isinstance(pred.value, NormRef) else pred.value)


def _crossing(pred: Predicate, qid: str, threshold: float, answers: dict[str, AnswerValue]) -> float | None:
    """The value of ``qid`` at which the predicate's subject meets its threshold, given the other answers."""
    if pred.question is not None:
        return threshold
    pair = pred.ratio or pred.span
    assert pair is not None
    first, second = pair
    other = _number(answers.get(second if qid == first else first))
    if other is None:
        return None
    if pred.span is not None:  # hours from start to end over midnight
        return (other + threshold) % 24 if qid == second else (other - threshold) % 24
    if qid == first:
        return threshold * other
    return other / threshold if threshold else None


def _around(x: float) -> list[int]:
    """Whole numbers just around ``x``: t-1, t and t+1 for a whole t, else the two on each side. Whole numbers
    cross any threshold and read well; a fraction of an hour or a euro tells a beheerder nothing more."""
    low, high = math.floor(x), math.ceil(x)
    return [low - 1, low, high, high + 1]


def _number(v: object) -> float | None:
    """``v`` as a float when it is a number (a boolean is not)."""
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _changed(case: ReferenceCase, subject: _Subject, qid: str, value: AnswerValue
             ) -> tuple[dict[str, AnswerValue], list[PersonRecord]]:
    """The case's premises and persons with one answer of ``subject`` changed (None: removed)."""
    answers = {k: v for k, v in subject.answers.items() if k != qid}
    if value is not None:
        answers[qid] = value
    if not subject.members:
        return answers, case.persons
    persons = list(case.persons)
    persons[subject.members[0]] = persons[subject.members[0]].model_copy(update={"answers": answers})
    return case.premises, persons


def _moved(template: Template, catalogue: Catalogue, control: tuple[dict[str, AnswerValue], list[PersonRecord]],
           sample: list[int], level: int) -> FlagResult | None:
    """The judgement of the changed control when its level is not ``level``; the persons at ``sample`` are
    judged first and the whole control only when they move the level (see the module's docstring)."""
    premises, persons = control
    sampled = [persons[i] for i in sample]
    if len(sampled) < len(persons) and evaluate(template, catalogue, premises, sampled).level == level:
        return None
    result = evaluate(template, catalogue, premises, persons)
    return result if result.level != level else None


def _change(subject: _Subject, q: Question, value: AnswerValue, level: int, profile: Profile | None) -> AnswerChange:
    return AnswerChange(scope=subject.scope, subject_id=subject.subject_id, subject_label=subject.label,
                        group_size=subject.group_size, question_id=q.id, question_label=q.label,
                        old=subject.answers.get(q.id), new=value, level=level, profile=profile)
