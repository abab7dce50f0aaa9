"""How a catalogue fits the checklists it serves: which rules can fire for a template, and the problems a beheerder
must fix before publishing — a rule that asks some of its questions here but not all, a typo in an option, a
comparison of the wrong type, a question no checklist has, or a rule that reads a question a checklist marks as not
scoring (a proxy for origin, a process question). One catalogue serves every version of every template, so a question
or option that another version of the same template has is not a typo where this version lacks it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.catalogue import Catalogue, NormRef, Predicate
from schemas.templates import YES_NO_UNKNOWN_VALUES, Question, QuestionType, Scope, Template


class TemplateFit(BaseModel):
    """How one catalogue fits one template: which rules can fire there, which belong to other templates, and
    the problems a beheerder must fix (a rule that asks some of its questions here but not all, a typo in an
    option, a comparison of the wrong type)."""

    model_config = ConfigDict(frozen=True)

    template: str
    applies: list[str]
    other_templates: list[str]
    problems: list[str]


class TemplateVersions(BaseModel):
    """What every version of the templates asks: a catalogue serves them all, so a question or an option that a
    newer version of the same template added is not a typo where an older version lacks it."""

    model_config = ConfigDict(frozen=True)

    options: dict[str, set[str]] = Field(default_factory=dict)  # "scope:question" -> option values, any template
    questions: set[str] = Field(default_factory=set)  # "template id:scope:question" in any version


def template_versions(templates: list[Template]) -> TemplateVersions:
    """Collect the questions and options of every template version in ``templates``."""
    options: dict[str, set[str]] = {}
    questions: set[str] = set()
    for t in templates:
        for scope in Scope:
            for q in t.questions(scope):
                options.setdefault(f"{scope}:{q.id}", set()).update(o.value for o in q.options)
                questions.add(f"{t.id}:{scope}:{q.id}")
    return TemplateVersions(options=options, questions=questions)


def template_fit(catalogue: Catalogue, template: Template, versions: TemplateVersions | None = None) -> TemplateFit:
    """Sort every rule, fact route, finding and escalation of ``catalogue`` by whether it can fire for
    ``template``; a group that reads no answers (only facts) applies everywhere. ``versions`` (of all template
    versions) keeps a question or option that another version of the template has from counting as a typo."""
    known = versions or TemplateVersions()
    applies: list[str] = []
    others: list[str] = []
    problems: list[str] = []
    for gid, scope, preds in catalogue.condition_groups():
        on_answers = [p for p in preds if p.on_answers]
        if scope is None or not on_answers:
            applies.append(gid)
            continue
        asked = [(qid, template.question(qid, scope)) for p in on_answers for qid in p.question_ids()]
        absent = [qid for qid, q in asked if q is None]
        missing = [f"rule {gid}: {template.key} has no {scope} question {qid}" for qid in absent
                   if f"{template.id}:{scope}:{qid}" not in known.questions]
        if len(absent) == len(asked) or (absent and not missing):
            others.append(gid)  # for another template, or for another version of this one
            continue
        applies.append(gid)
        problems += missing
        problems += [f"rule {gid}: reads {q.id}, which {template.key} marks not scoring ({q.not_scoring})"
                     for _qid, q in asked if q is not None and q.not_scoring is not None]
        for pred in on_answers:
            found = [template.question(qid, scope) for qid in pred.question_ids()]
            if all(q is not None for q in found):
                extra = known.options.get(f"{scope}:{pred.question}", set())
                problems += [f"rule {gid}: {p}" for p in _operand_problems(pred, [q for q in found if q], extra)]
    return TemplateFit(template=template.key, applies=applies, other_templates=others,
                       problems=list(dict.fromkeys(problems)))


def check_against_template(catalogue: Catalogue, template: Template,
                           versions: TemplateVersions | None = None) -> list[str]:
    """Problems of the rules that apply to ``template``. A rule none of whose questions the template has is
    meant for another template and is not a problem here (one catalogue serves every template); a question
    that no template has at all is caught by ``unused_questions`` across all templates."""
    return template_fit(catalogue, template, versions).problems


def unused_questions(catalogue: Catalogue, templates: list[Template]) -> list[str]:
    """Rules asking a question that none of ``templates`` has in that scope: almost always a typo."""
    problems: list[str] = []
    for rid, scope, pred in catalogue.predicates():
        for qid in pred.question_ids():
            if all(t.question(qid, scope) is None for t in templates):
                problems.append(f"rule {rid}: no template has a {scope} question {qid}")
    return sorted(set(problems))


def _operand_problems(pred: Predicate, questions: list[Question], known: set[str] | None = None) -> list[str]:
    """A predicate that can never hold for these questions' answers (a typo in an option, a wrong type)."""
    if pred.ratio is not None or pred.span is not None:
        kind = "ratio" if pred.ratio is not None else "span"
        return [f"{kind} needs number questions, {q.id} is {q.type}" for q in questions
                if q.type is not QuestionType.NUMBER]
    q = questions[0]
    value = pred.value
    if pred.op == "count_gte" or isinstance(value, NormRef):
        return []
    if q.type is QuestionType.NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
        return [f"{q.id} is a number, compared with {value!r}"]
    if q.type is QuestionType.YES_NO and not isinstance(value, bool):
        return [f"{q.id} is yes/no, compared with {value!r}"]
    allowed = set(YES_NO_UNKNOWN_VALUES) if q.type is QuestionType.YES_NO_UNKNOWN else {o.value for o in q.options}
    allowed |= known or set()
    if not allowed:
        return []
    values = value if isinstance(value, list) else [value]
    return [f"{v!r} is not an option of {q.id}" for v in values if v not in allowed]
