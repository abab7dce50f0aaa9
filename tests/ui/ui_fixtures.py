"""A small template and catalogue that exercise every question type, a condition, persons and level 3."""

from __future__ import annotations

from typing import Any

from schemas.catalogue import Catalogue, parse_catalogue
from schemas.templates import Template, parse_template


def _t(nl: str, en: str | None = None) -> dict[str, str]:
    return {"nl": nl, "en": en or nl}


TEMPLATE_DATA: dict[str, Any] = {
    "id": "pandenactie",
    "version": 1,
    "control_type": "pandenactie",
    "title": _t("Pandenactie (test)", "Premises inspection (test)"),
    "sections": [
        {
            "id": "pand",
            "title": _t("Pand", "Premises"),
            "questions": [
                {"id": "bewoond", "type": "yes_no", "label": _t("Is het pand bewoond?", "Is it occupied?"),
                 "evidence": "observed", "required": True},
                {"id": "aantal_bewoners", "type": "number", "label": _t("Aantal bewoners", "Occupants"),
                 "evidence": "observed", "required": True, "unit": "personen", "min": 0, "max": 200,
                 "integer": True, "show_if": {"question": "bewoond", "equals": True}},
                {"id": "vergunning", "type": "yes_no_unknown", "label": _t("Kamerverhuurvergunning aanwezig?"),
                 "evidence": "document"},
                {"id": "staat", "type": "choice", "label": _t("Staat van het pand"), "evidence": "observed",
                 "options": [{"value": "goed", "label": _t("Goed", "Good")},
                             {"value": "matig", "label": _t("Matig", "Fair")},
                             {"value": "slecht", "label": _t("Slecht", "Poor")}]},
                {"id": "gebreken", "type": "multi_choice", "label": _t("Gebreken"), "evidence": "observed",
                 "options": [{"value": "brand", "label": _t("Brandveiligheid", "Fire safety")},
                             {"value": "vocht", "label": _t("Vocht", "Damp")},
                             {"value": "sanitair", "label": _t("Sanitair", "Sanitation")}]},
                {"id": "opmerking", "type": "text", "label": _t("Opmerking pand"), "evidence": "observed"},
                {"id": "datum_contract", "type": "date", "label": _t("Datum huurcontract"), "evidence": "document"},
            ],
        }
    ],
    "person_module": [
        {
            "id": "persoon",
            "title": _t("Persoon", "Person"),
            "questions": [
                {"id": "leeftijd", "type": "number", "label": _t("Geschatte leeftijd", "Estimated age"),
                 "evidence": "observed", "required": True, "min": 0, "max": 120, "integer": True},
                {"id": "sekswerk", "type": "yes_no", "label": _t("Werkt in de seksbranche?"),
                 "evidence": "self_reported"},
            ],
        }
    ],
}

CATALOGUE_DATA: dict[str, Any] = {
    "id": "test_catalogue",
    "version": 1,
    "norms": {"minimum_age": 18},
    "indicators": [
        {"code": "EX1", "dimension": "EX", "label": _t("Slechte woonomstandigheden", "Poor housing"),
         "strength": {"labour": "M", "sexual": "M"}, "source": "test"},
    ],
    "rules": [
        {"id": "slechte_staat", "scope": "premises",
         "when": [{"question": "staat", "op": "eq", "value": "slecht"}], "indicators": ["EX1"],
         "explanation": _t("Het pand is in slechte staat.", "The premises are in poor condition.")},
    ],
    "escalations": [
        {"id": "minderjarige_sekswerk", "scope": "person", "profile": "sexual",
         "when": [{"question": "leeftijd", "op": "lt", "value": {"norm": "minimum_age"}},
                  {"question": "sekswerk", "op": "eq", "value": True}],
         "reason": _t("Minderjarige in de seksbranche.", "A minor in sex work.")},
    ],
    "minor_when": [{"question": "leeftijd", "op": "lt", "value": {"norm": "minimum_age"}}],
    "urgent_guidance": {
        "title": _t("Acuut: mogelijk slachtoffer", "Acute: possible victim"),
        "steps": [_t("Bel 112 bij direct gevaar.", "Call 112 in immediate danger."),
                  _t("Bel de AVIM.", "Call the AVIM."),
                  _t("Informeer de teamleider.", "Inform the team lead.")],
    },
}


def template() -> Template:
    return parse_template(TEMPLATE_DATA, "tests/ui/fixtures.py")


def catalogue() -> Catalogue:
    return parse_catalogue(CATALOGUE_DATA, "tests/ui/fixtures.py")
