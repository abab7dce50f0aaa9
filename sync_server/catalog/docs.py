"""``docs/INDICATORS.md``, generated from the catalogue: every indicator, its strength per profile, the questions
that evidence it per template, and its source. ``inspectie-server catalogue docs`` writes it; a test checks the
committed file equals what the published catalogue generates, so the page never drifts from the data."""

from __future__ import annotations

from schemas.catalogue import DIMENSION_LABELS, PROFILE_LABELS, Catalogue, Dimension, Profile, Rule
from schemas.templates import Scope, Template

_STRENGTH = {"S": "sterk", "M": "middel", "W": "zwak"}


def indicators_markdown(catalogue: Catalogue, templates: list[Template]) -> str:
    """The whole page as Markdown (Dutch, with the English label beside it)."""
    lines = [
        f"# Indicatoren — {catalogue.key}",
        "",
        f"Gegenereerd uit `assets/catalogue/v{catalogue.version}.yaml` met `inspectie-server catalogue docs`; "
        "niet met de hand bewerken.",
        "",
        "Sterkte per profiel volgens de ILO/EC-Delphi-methode (S sterk, M middel, W zwak; criminele uitbuiting "
        "gebruikt de lijst voor arbeid plus CD6). Een signaal is advies aan een mens, nooit een besluit; "
        "nationaliteit, etniciteit en herkomst zijn nooit invoer.",
        "",
        "Templates: " + ", ".join(f"`{t.key}`" for t in templates),
        "",
    ]
    for dim in Dimension:
        indicators = [i for i in catalogue.indicators if i.dimension is dim]
        if not indicators:
            continue
        label = DIMENSION_LABELS[dim]
        lines += [f"## {dim.value} — {label.nl} ({label.en})", ""]
        for ind in indicators:
            lines += _indicator_section(catalogue, templates, ind.code)
    lines += _norms(catalogue)
    return "\n".join(lines).rstrip() + "\n"


def _indicator_section(catalogue: Catalogue, templates: list[Template], code: str) -> list[str]:
    ind = catalogue.indicator(code)
    strengths = ", ".join(f"{PROFILE_LABELS[p].nl}: **{ind.strength[p].value}** ({_STRENGTH[ind.strength[p].value]})"
                          for p in Profile if p in ind.strength)
    out = [f"### {code} — {ind.label.nl}", "", f"*{ind.label.en}*", "", f"- Sterkte: {strengths}"]
    if not ind.verified:
        out.append("- **Gewicht nog niet geverifieerd** tegen de ILO-bron (DOMAIN_BRIEF §8).")
    if ind.ilo11:
        out.append("- ILO-11 forced-labour indicatoren: " + ", ".join(f"#{n}" for n in ind.ilo11))
    out.append(f"- Bron: {ind.source}")
    rules = [r for r in catalogue.rules if code in r.indicators]
    if not rules:
        out.append("- Nog geen regel die deze indicator vult.")
    for rule in rules:
        out.append(f"- Regel `{rule.id}` ({'pand' if rule.scope is Scope.PREMISES else 'persoon'}): "
                   f"{rule.explanation.nl}")
        out += [f"  - {line}" for line in _evidence_lines(rule, templates)]
    return [*out, ""]


def _evidence_lines(rule: Rule, templates: list[Template]) -> list[str]:
    lines: list[str] = []
    for t in templates:
        qids = list(dict.fromkeys(q for p in rule.when for q in p.question_ids()))
        questions = [t.question(q, rule.scope) for q in qids]
        if any(q is None for q in questions):
            continue
        asked = "; ".join(f"{q.id} “{q.label.nl}” ({q.evidence.value})" for q in questions if q is not None)
        lines.append(f"`{t.key}`: {asked}")
    return lines or ["(geen template stelt deze vragen)"]


def _norms(catalogue: Catalogue) -> list[str]:
    out = ["## Normen", "", "| norm | waarde |", "|---|---|"]
    out += [f"| `{name}` | {value:g} |" for name, value in catalogue.norms.items()]
    return [*out, ""]
