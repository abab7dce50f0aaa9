"""``docs/INDICATORS.md``, generated from the catalogue: how a level comes about (``method.md``), the escalations,
the legal frame, every fact with the routes by which each checklist records it, every indicator with its strength
per profile and the rules and questions that evidence it, the questions that deliberately do not score, and the
norms. ``inspectie-server catalogue docs`` writes it; a test checks the committed file equals what the published
catalogue generates, so the page never drifts from the data."""

from __future__ import annotations

from pathlib import Path

from schemas.catalogue import DIMENSION_LABELS, PROFILE_LABELS, Catalogue, Dimension, Predicate, Profile, Rule
from schemas.templates import Scope, Template

_STRENGTH = {"S": "sterk", "M": "middel", "W": "zwak"}
_SCOPE = {Scope.PREMISES: "pand", Scope.PERSON: "persoon"}
METHOD = Path(__file__).with_name("method.md")


def indicators_markdown(catalogue: Catalogue, templates: list[Template]) -> str:
    """The whole page as Markdown (Dutch labels with the English beside them; the method in English)."""
    lines = [
        f"# Indicatoren — {catalogue.key}",
        "",
        f"Gegenereerd uit `assets/catalogue/v{catalogue.version}.yaml` met `inspectie-server catalogue docs`; "
        "niet met de hand bewerken.",
        "",
        "Templates: " + ", ".join(f"`{t.key}`" for t in templates),
        "",
        METHOD.read_text(encoding="utf-8").rstrip(),
        "",
    ]
    lines += _escalations(catalogue)
    lines += _frame(catalogue)
    lines += _facts(catalogue, templates)
    for dim in Dimension:
        indicators = [i for i in catalogue.indicators if i.dimension is dim]
        if indicators:
            label = DIMENSION_LABELS[dim]
            lines += [f"## {dim.value} — {label.nl} ({label.en})", ""]
            for ind in indicators:
                lines += _indicator_section(catalogue, templates, ind.code)
    lines += _not_scoring(templates)
    lines += _norms(catalogue)
    return "\n".join(lines).rstrip() + "\n"


def _conditions(preds: list[Predicate], scope: Scope | None, templates: list[Template]) -> str:
    """A condition list in words: facts by name, control types, and the questions (with the checklists)."""
    parts: list[str] = []
    for p in preds:
        if p.fact is not None:
            parts.append(f"feit `{p.fact}`" if p.value is not False else f"niet feit `{p.fact}`")
        elif p.control_type is not None:
            parts.append("controle " + " of ".join(f"`{c}`" for c in p.control_type))
        else:
            parts.append(" / ".join(f"`{q}`" for q in p.question_ids()) + f" {p.op} {_operand(p)}")
    where = ""
    if scope is not None and any(p.on_answers for p in preds):
        keys = [t.key for t in templates
                if all(t.question(q, scope) is not None for p in preds for q in p.question_ids())]
        where = f" ({_SCOPE[scope]}; {', '.join(f'`{k}`' for k in keys) or 'alleen oudere checklistversies'})"
    return " en ".join(parts) + where


def _operand(p: Predicate) -> str:
    value = p.value
    if hasattr(value, "norm"):
        return f"norm `{value.norm}`"  # type: ignore[union-attr]
    return f"`{value}`"


def _escalations(catalogue: Catalogue) -> list[str]:
    out = ["## Escalaties (altijd niveau 3)", ""]
    for e in catalogue.escalations:
        out.append(f"- `{e.id}` ({_SCOPE[e.scope]}, {PROFILE_LABELS[e.profile].nl}): {e.reason.nl}")
    return [*out, ""]


def _frame(catalogue: Catalogue) -> list[str]:
    frame = catalogue.legal_frame
    if frame is None:
        return []
    acts = ", ".join(f"`{f}` ({catalogue.fact(f).label.nl})" for f in frame.act)
    purpose = sorted(catalogue.purpose_codes())
    contexts = "; ".join(f"{PROFILE_LABELS[p].nl}: feit `{f}`" for p, f in catalogue.profile_context.items())
    return ["## Art. 273f Sr: handeling, middel, oogmerk", "",
            f"- Handeling (een van deze feiten): {acts}",
            f"- Uitbuitingsdoel (oogmerk): {', '.join(purpose)}",
            "- Middel: elke andere indicator",
            f"- Context per profiel (arbeidsuitbuiting altijd): {contexts}", ""]


def _facts(catalogue: Catalogue, templates: list[Template]) -> list[str]:
    out = ["## Feiten en de routes waarlangs ze worden vastgelegd", "",
           "Een feit geldt als een van zijn routes geldt; een route op het pand telt voor iedereen die er is "
           "aangetroffen. Regels lezen feiten, dus elke route geeft dezelfde indicator met dezelfde sterkte.", ""]
    for fact in catalogue.facts:
        rules = [r.id for r in catalogue.rules if any(p.fact == fact.id for p in r.when)]
        used = f" — regels: {', '.join(f'`{r}`' for r in rules)}" if rules else ""
        out.append(f"### `{fact.id}` — {fact.label.nl}{used}")
        out.append("")
        out += [f"- {_conditions(route.when, route.scope, templates)}" for route in fact.routes]
        out.append("")
    return out


def _indicator_section(catalogue: Catalogue, templates: list[Template], code: str) -> list[str]:
    ind = catalogue.indicator(code)
    strengths = ", ".join(f"{PROFILE_LABELS[p].nl}: **{ind.strength[p].value}** ({_STRENGTH[ind.strength[p].value]})"
                          for p in Profile if p in ind.strength)
    element = "uitbuitingsdoel" if code in catalogue.purpose_codes() else "middel"
    out = [f"### {code} — {ind.label.nl}", "", f"*{ind.label.en}*", "", f"- Sterkte: {strengths}",
           f"- Art. 273f: {element}"]
    if not ind.verified:
        out.append("- **Gewicht nog niet geverifieerd** tegen de ILO-bron (DOMAIN_BRIEF §8).")
    if ind.ilo11:
        out.append("- ILO-11 forced-labour indicatoren: " + ", ".join(f"#{n}" for n in ind.ilo11))
    out.append(f"- Bron: {ind.source}")
    rules = [r for r in catalogue.rules if code in r.indicators]
    if not rules:
        out.append("- Nog geen regel die deze indicator vult.")
    for rule in rules:
        out.append(f"- Regel `{rule.id}`: {rule.explanation.nl}")
        out.append(f"  - wanneer: {_rule_conditions(rule, templates)}")
    return [*out, ""]


def _rule_conditions(rule: Rule, templates: list[Template]) -> str:
    return _conditions(rule.when, rule.scope, templates)


def _not_scoring(templates: list[Template]) -> list[str]:
    out = ["## Vragen die niet meetellen", "",
           "proxy: kan voor herkomst staan, telt nooit mee · process: grondslag, wat er is gedaan, foto's, "
           "aantekeningen · context: helpt de teamleider lezen, geen indicator.", "",
           "| vraag | soort | checklists |", "|---|---|---|"]
    marked: dict[tuple[str, str, str], list[str]] = {}
    for t in templates:
        for scope in Scope:
            for q in t.questions(scope):
                if q.not_scoring is not None:
                    marked.setdefault((q.id, q.label.nl, q.not_scoring.value), []).append(t.key)
    for (qid, label, why), keys in sorted(marked.items(), key=lambda kv: (kv[0][2] != "proxy", kv[0][0])):
        out.append(f"| `{qid}` {label} | {why} | {', '.join(keys)} |")
    return [*out, ""]


def _norms(catalogue: Catalogue) -> list[str]:
    out = ["## Normen", "", "| norm | waarde |", "|---|---|"]
    out += [f"| `{name}` | {value:g} |" for name, value in catalogue.norms.items()]
    return [*out, ""]
