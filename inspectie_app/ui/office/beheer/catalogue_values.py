"""Plain functions behind the catalogue and reference-case forms (no page needed, so tests call them directly):
answers and condition values typed as Dutch words (``ja``, ``nee``, ``onbekend``, ``12,5``, ``a, b``) turned into
the values the engine compares, and back; a rule's question checked as it is typed against what the published
checklists ask (a question no checklist has, or one marked not scoring, is refused); reference-case answers typed
one per line (``vraag = waarde``). Every refusal is an i18n key with its format values."""

from __future__ import annotations

import re
from typing import Any

from schemas.catalogue_beheer import QuestionRef

Issue = tuple[str, dict[str, Any]]  # an i18n key and its format values

YES = {"ja": True, "nee": False, "true": True, "false": False}
YNU = {"ja": "yes", "nee": "no", "onbekend": "unknown", "yes": "yes", "no": "no", "unknown": "unknown"}
YNU_SHOWN = {"yes": "ja", "no": "nee", "unknown": "onbekend"}
OPS = ("eq", "ne", "in", "contains", "contains_any", "count_gte", "gt", "gte", "lt", "lte")
LIST_OPS = ("in", "contains_any")
NUMBER_RE = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")
RULE_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
CODE_RE = re.compile(r"^[A-Z]{2,3}[0-9]{1,2}$")


def index(questions: list[QuestionRef]) -> dict[tuple[str, str], QuestionRef]:
    return {(q.scope, q.id): q for q in questions}


def question_issue(qid: str, scope: str, known: dict[tuple[str, str], QuestionRef]) -> Issue | None:
    """Why a rule may not read ``qid`` in ``scope``: no checklist asks it there, or it is marked not scoring."""
    qid = qid.strip()
    if not qid:
        return "cat_q_empty", {}
    ref = known.get((scope, qid))
    if ref is None:
        return "cat_q_unknown", {"q": qid, "where": f"cat_scope_{scope}"}
    if ref.not_scoring is not None:
        return "cat_q_not_scoring", {"q": qid, "why": ref.not_scoring}
    return None


def number(text: str) -> float | int | None:
    text = text.strip()
    if not NUMBER_RE.match(text):
        return None
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() and "," not in text and "." not in text else value


def parse_value(text: str, qtype: str, op: str) -> tuple[Any, Issue | None]:
    """The value a condition compares with, from what the beheerder typed; ``norm:naam`` names a norm."""
    text = text.strip()
    if not text:
        return None, ("cat_value_empty", {})
    if text.startswith("norm:"):
        return {"norm": text[5:].strip()}, None
    if op in LIST_OPS:
        items = [p.strip() for p in text.split(",") if p.strip()]
        return items, (None if items else ("cat_value_empty", {}))
    if op == "count_gte" or qtype == "number":
        n = number(text)
        return (n, None) if n is not None else (None, ("cat_value_number", {"value": text}))
    if qtype == "yes_no":
        low = text.lower()
        return (YES[low], None) if low in YES else (None, ("cat_value_yes_no", {"value": text}))
    if qtype == "yes_no_unknown":
        low = text.lower()
        return (YNU[low], None) if low in YNU else (None, ("cat_value_ynu", {"value": text}))
    return text, None


def show_value(value: Any) -> str:
    """A condition value or an answer as the beheerder types it."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, dict) and "norm" in value:
        return f"norm:{value['norm']}"
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str):
        return YNU_SHOWN.get(value, value)
    return "" if value is None else str(value)


def parse_answer(text: str, ref: QuestionRef) -> tuple[Any, Issue | None]:
    """One answer of a reference case, typed as words, for question ``ref``."""
    op = "contains_any" if ref.type == "multi_choice" else "eq"
    value, issue = parse_value(text, ref.type, op)
    if issue is None and isinstance(value, dict):
        return None, ("cat_value_number", {"value": text})
    return value, issue


def parse_lines(text: str, scope: str, known: dict[tuple[str, str], QuestionRef]) -> tuple[dict[str, Any],
                                                                                           list[Issue]]:
    """``vraag = waarde`` per line (or separated by ``;``) into answers; every line that cannot be read is named."""
    answers: dict[str, Any] = {}
    issues: list[Issue] = []
    for raw in re.split(r"[;\n]", text):
        line = raw.strip()
        if not line:
            continue
        qid, sep, value_text = line.partition("=")
        qid = qid.strip()
        if not sep or not qid:
            issues.append(("case_line_form", {"line": line}))
            continue
        ref = known.get((scope, qid))
        if ref is None:
            issues.append(("cat_q_unknown", {"q": qid, "where": f"cat_scope_{scope}"}))
            continue
        value, issue = parse_answer(value_text, ref)
        if issue is not None:
            issues.append((issue[0], {**issue[1], "q": qid}))
            continue
        answers[qid] = value
    return answers, issues


def show_lines(answers: dict[str, Any]) -> str:
    return "\n".join(f"{q} = {show_value(v)}" for q, v in answers.items())


def parse_persons(text: str, known: dict[tuple[str, str], QuestionRef]) -> tuple[list[dict[str, Any]], list[Issue]]:
    """One person per line: ``Persoon 1: vraag = waarde; vraag = waarde``."""
    persons: list[dict[str, Any]] = []
    issues: list[Issue] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        label, sep, rest = line.partition(":")
        if not sep or not label.strip():
            issues.append(("case_person_form", {"line": line}))
            continue
        answers, found = parse_lines(rest, "person", known)
        issues += found
        persons.append({"id": f"p{n}", "label": label.strip()[:40], "answers": answers})
    return persons, issues


def show_persons(persons: list[dict[str, Any]]) -> str:
    return "\n".join(f"{p.get('label', p.get('id'))}: " + "; ".join(f"{q} = {show_value(v)}"
                                                                   for q, v in (p.get("answers") or {}).items())
                     for p in persons)


def codes_issue(text: str, known_codes: set[str]) -> tuple[list[str], Issue | None]:
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        return [], ("cat_codes_empty", {})
    unknown = [c for c in codes if c not in known_codes]
    if unknown:
        return codes, ("cat_codes_unknown", {"codes": ", ".join(unknown)})
    return codes, None
