"""A draft catalogue's problems in Dutch (with the English beside them), for the beheerder in the office app.

The checks are the ones the CLI runs (``parse_catalogue``'s validation and ``assets.template_warnings``, the fit
check behind "the catalogue does not fit the checklists"); this module only puts their findings into words a
functioneel beheerder reads, naming the rule, fact or indicator they are about. A finding no pattern here knows is
still shown, with a general Dutch sentence and the checker's own words in ``detail``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from schemas.catalogue import Catalogue, validate_catalogue
from schemas.catalogue_beheer import Problem
from schemas.templates import Template
from sync_server import assets

_SCOPE = {"premises": ("het pand", "the premises"), "person": ("een persoon", "a person")}

Maker = Callable[[re.Match[str]], tuple[str, str, str]]


def _scope(s: str) -> tuple[str, str]:
    return _SCOPE.get(s, (s, s))


PATTERNS: list[tuple[re.Pattern[str], Maker]] = [
    (re.compile(r"^rule (?P<g>\S+): no template has a (?P<s>\w+) question (?P<q>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']} leest vraag {m['q']} bij {_scope(m['s'])[0]}, maar geen checklist stelt die "
                        "vraag. Kies een vraag die een checklist heeft.",
                f"Rule {m['g']} reads question {m['q']} at {_scope(m['s'])[1]}, but no checklist asks it.")),
    (re.compile(r"^rule (?P<g>\S+): reads (?P<q>\S+), which (?P<t>\S+) marks not scoring \((?P<w>\w+)\)$"),
     lambda m: (m["g"], f"Regel {m['g']} leest vraag {m['q']}, die in checklist {m['t']} als niet meetellend is "
                        f"gemarkeerd ({m['w']}). Zo'n vraag mag nooit een indicator vullen.",
                f"Rule {m['g']} reads question {m['q']}, which checklist {m['t']} marks as not scoring ({m['w']}).")),
    (re.compile(r"^rule (?P<g>\S+): (?P<t>\S+) has no (?P<s>\w+) question (?P<q>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']} leest vraag {m['q']}, maar checklist {m['t']} heeft die vraag niet bij "
                        f"{_scope(m['s'])[0]} (wel andere vragen van deze regel).",
                f"Rule {m['g']} reads question {m['q']}, which checklist {m['t']} lacks at {_scope(m['s'])[1]}.")),
    (re.compile(r"^rule (?P<g>\S+): (?P<v>.+) is not an option of (?P<q>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']}: {m['v']} is geen antwoordmogelijkheid van vraag {m['q']}.",
                f"Rule {m['g']}: {m['v']} is not an option of question {m['q']}.")),
    (re.compile(r"^rule (?P<g>\S+): (?P<q>\S+) is a number, compared with (?P<v>.+)$"),
     lambda m: (m["g"], f"Regel {m['g']}: vraag {m['q']} is een getal; vergelijk met een getal, niet met {m['v']}.",
                f"Rule {m['g']}: question {m['q']} is a number, compared with {m['v']}.")),
    (re.compile(r"^rule (?P<g>\S+): (?P<q>\S+) is yes/no, compared with (?P<v>.+)$"),
     lambda m: (m["g"], f"Regel {m['g']}: vraag {m['q']} is ja/nee; vergelijk met ja of nee, niet met {m['v']}.",
                f"Rule {m['g']}: question {m['q']} is yes/no, compared with {m['v']}.")),
    (re.compile(r"^rule (?P<g>\S+): (?P<k>ratio|span) needs number questions, (?P<q>\S+) is (?P<t>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']}: een verhouding of tijdsduur kan alleen met getalvragen; {m['q']} is geen "
                        "getal.", f"Rule {m['g']}: a {m['k']} needs number questions; {m['q']} is {m['t']}.")),
    (re.compile(r"^rule (?P<g>\S+): unknown indicator (?P<c>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']} noemt indicator {m['c']}, die de catalogus niet kent.",
                f"Rule {m['g']} names indicator {m['c']}, which the catalogue does not have.")),
    (re.compile(r"^rule (?P<g>\S+): unknown norm (?P<n>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']} gebruikt norm {m['n']}, die de catalogus niet kent.",
                f"Rule {m['g']} uses norm {m['n']}, which the catalogue does not have.")),
    (re.compile(r"^rule (?P<g>\S+): unknown fact (?P<f>\S+)$"),
     lambda m: (m["g"], f"Regel {m['g']} leest feit {m['f']}, dat de catalogus niet kent.",
                f"Rule {m['g']} reads fact {m['f']}, which the catalogue does not have.")),
    (re.compile(r"^rule (?P<g>\S+): refers to a forbidden input \((?P<w>[^)]+)\)$"),
     lambda m: (m["g"], f"Regel {m['g']} verwijst naar herkomst, nationaliteit of afkomst ({m['w']}). Dat mag nooit "
                        "meetellen.", f"Rule {m['g']} refers to origin, nationality or ethnicity ({m['w']}).")),
    (re.compile(r"^(?P<k>rule|finding|escalation|fact) (?P<g>\S+): duplicate id$"),
     lambda m: (m["g"], f"De naam {m['g']} komt twee keer voor; geef elke regel een eigen naam.",
                f"The id {m['g']} is used twice.")),
    (re.compile(r"^duplicate indicator code$"),
     lambda m: ("catalogue", "Twee indicatoren hebben dezelfde code.", "Two indicators share a code.")),
    (re.compile(r"^indicator (?P<c>\S+): no strength for any profile$"),
     lambda m: (m["c"], f"Indicator {m['c']} heeft voor geen enkel soort uitbuiting een sterkte.",
                f"Indicator {m['c']} has no strength for any profile.")),
    (re.compile(r"^fact (?P<f>\S+): reads fact (?P<o>\S+), which is not listed before it$"),
     lambda m: (m["f"], f"Feit {m['f']} leest feit {m['o']}, dat pas later in de lijst staat.",
                f"Fact {m['f']} reads fact {m['o']}, which is listed after it.")),
]


def translate(text: str) -> Problem:
    """One checker finding in Dutch; unknown ones keep their words in ``detail``."""
    for pattern, make in PATTERNS:
        m = pattern.match(text)
        if m is not None:
            where, nl, en = make(m)
            return Problem(where=where, message=nl, message_en=en, detail=text)
    where = text.split(":", 1)[0].split(" ")[-1] if ":" in text else "catalogue"
    return Problem(where=where, message="De catalogus heeft een fout die eerst opgelost moet worden (zie details).",
                   message_en="The catalogue has a problem to fix first (see details).", detail=text)


def structure_problems(exc: ValidationError) -> list[Problem]:
    """A draft whose fields do not have the right form (a missing explanation, a strength that is no S/M/W)."""
    out: list[Problem] = []
    for e in exc.errors()[:50]:
        loc = ".".join(str(p) for p in e["loc"]) or "catalogue"
        out.append(Problem(where=loc, message=f"Het veld {loc} ontbreekt of heeft niet de goede vorm.",
                           message_en=f"The field {loc} is missing or malformed.", detail=str(e["msg"])))
    return out


def draft_problems(content: dict[str, Any], templates: list[Template]) -> tuple[Catalogue | None, list[Problem]]:
    """The draft as a catalogue when its form is right, and every problem: form, consistency, and the fit with the
    published checklists (the CLI's checks)."""
    try:
        catalogue = Catalogue.model_validate(content)
    except ValidationError as exc:
        return None, structure_problems(exc)
    findings = validate_catalogue(catalogue)
    if templates:
        findings += assets.template_warnings(catalogue, templates)
    return catalogue, [translate(f) for f in dict.fromkeys(findings)]
