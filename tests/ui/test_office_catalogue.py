"""Office app, the beheerder's indicator catalogue, reference cases and handhavingsmatrix form (issue 15 part B), in
process: a draft, a weight changed so a reference case fails, its margins, publishing refused and then done with a
signed reason; a rule's question checked as it is typed (a question no checklist has, one marked not scoring); a
reference case added with a bad answer line (refused in Dutch), then added and retired; the matrix form refusing a
bad term in Dutch and saving a new version the planner reads. The plain helpers are tested without a page."""

from __future__ import annotations

import copy

import flet as ft
import pytest
import ui_fixtures
import yaml
from fastapi import FastAPI
from flet_harness import FletHarness
from ui_support import login, office

from inspectie_app.i18n import t
from inspectie_app.ui.office.beheer import catalogue_values as values
from inspectie_app.ui.office.beheer.matrix import CategoryForm, StepForm, problems_of
from schemas.catalogue_beheer import QuestionRef
from schemas.templates import parse_template
from sync_server.catalog import service as catalog
from sync_server.config import Settings
from sync_server.db import in_transaction

CASE = {"description": "Pand in slechte staat", "template": "pandenactie", "premises": {"staat": "slecht"},
        "expect": {"level": 1}}


@pytest.fixture(scope="module", autouse=True)
def cases_and_proxy(server_settings: Settings) -> None:
    """A reference case file to seed from, and a checklist version with a question marked not scoring."""
    folder = server_settings.assets_dir / "cases"
    folder.mkdir(exist_ok=True)
    (folder / "slecht_pand.yaml").write_text(yaml.safe_dump(CASE, allow_unicode=True), encoding="utf-8")
    v2 = copy.deepcopy(ui_fixtures.TEMPLATE_DATA)
    v2["version"], v2["format"] = 2, 2
    v2["sections"][0]["questions"].append({"id": "taal", "type": "text", "evidence": "observed",
                                           "label": {"nl": "Gesproken taal", "en": "Language"},
                                           "not_scoring": "proxy"})
    in_transaction(server_settings, lambda s: catalog.publish_template(session=s, template=parse_template(v2)))


def text_of(h: FletHarness, key: str) -> str:
    return str(h.find_one(ft.Text, key=key).value)


async def click(h: FletHarness, key: str) -> None:
    await h.click(h.find_one(key=key, predicate=lambda c: isinstance(c, ft.FilledButton | ft.OutlinedButton |
                                                                      ft.TextButton)))


async def open_catalogue(h: FletHarness) -> None:
    await login(h, "beheerder1")
    await click(h, "nav_catalogue")
    assert text_of(h, "screen-title") == "Indicatorcatalogus"


def test_values_typed_as_words() -> None:
    refs = [QuestionRef(scope="premises", id="staat", label="Staat", type="choice", options=["goed", "slecht"]),
            QuestionRef(scope="premises", id="bewoond", label="Bewoond", type="yes_no"),
            QuestionRef(scope="person", id="leeftijd", label="Leeftijd", type="number"),
            QuestionRef(scope="person", id="taal", label="Taal", type="text", not_scoring="proxy")]
    known = values.index(refs)
    assert values.question_issue("taal", "person", known) == ("cat_q_not_scoring", {"q": "taal", "why": "proxy"})
    assert values.question_issue("staat", "person", known)[0] == "cat_q_unknown"  # type: ignore[index]
    assert values.question_issue("staat", "premises", known) is None
    assert values.parse_value("12,5", "number", "gte") == (12.5, None)
    assert values.parse_value("achttien", "number", "lt")[1] == ("cat_value_number", {"value": "achttien"})
    assert values.parse_value("ja", "yes_no", "eq") == (True, None)
    assert values.parse_value("misschien", "yes_no", "eq")[1] is not None
    assert values.parse_value("norm:min_age", "number", "lt") == ({"norm": "min_age"}, None)
    assert values.parse_value("a, b", "choice", "in") == (["a", "b"], None)
    answers, issues = values.parse_lines("staat = slecht\nbewoond = ja\nfout\nonbekend = 3", "premises", known)
    assert answers == {"staat": "slecht", "bewoond": True}
    assert [i[0] for i in issues] == ["case_line_form", "cat_q_unknown"]
    persons, issues = values.parse_persons("Persoon 1: leeftijd = 16\nzonder dubbele punt", known)
    assert persons == [{"id": "p1", "label": "Persoon 1", "answers": {"leeftijd": 16}}]
    assert issues == [("case_person_form", {"line": "zonder dubbele punt"})]
    assert values.show_persons(persons) == "Persoon 1: leeftijd = 16"
    assert t("cat_q_unknown", q="x", where=t("cat_scope_premises")) == "Geen checklist stelt vraag x bij het pand."
    good = [CategoryForm(id="a", nl="A", en="A", steps=[StepForm(nl="s", en="s", term="14")])]
    assert problems_of("24", good) == {}
    bad = [CategoryForm(id="A b", nl="", en="A", steps=[StepForm(nl="s", en="", term="veertien")])]
    assert problems_of("0", bad) == {"matrix-lookback": "mx_lookback_invalid", "mx-0-id": "mx_id_invalid",
                                     "mx-0-nl": "mx_text_needed", "mx-0-0-en": "mx_text_needed",
                                     "mx-0-0-term": "mx_term_invalid"}


async def test_draft_a_failing_weight_margins_and_publishing_with_a_signed_reason(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_catalogue(h)
        assert text_of(h, "catalogue-version-1").startswith("Versie 1 — gepubliceerd") and \
            "in gebruik" in text_of(h, "catalogue-version-1")
        await click(h, "catalogue-new-draft")
        assert text_of(h, "catalogue-draft-title") == "Concept voor versie 2 (gemaakt van versie 1)"
        assert text_of(h, "catalogue-problems") == "Het concept heeft geen fouten."

        await click(h, "rule-edit-slechte_staat")  # a rule's question, checked as it is typed
        field = h.find_one(ft.TextField, key="rule-editor-slechte_staat-c0-question")
        await h.type_text(field, "staatt")
        assert field.error == "Geen checklist stelt vraag staatt bij het pand."
        await h.type_text(field, "taal")
        assert field.error == "Vraag taal telt niet mee (proxy): een regel mag die vraag niet lezen."
        await click(h, "rule-editor-slechte_staat-save")
        assert text_of(h, "catalogue-message") == t("cat_fix_fields")
        await h.type_text(field, "staat")
        assert field.error is None
        await click(h, "rule-editor-slechte_staat-cancel")

        await click(h, "norms-save")  # norms: a number, typed the Dutch way
        norm = h.find_one(ft.TextField, key="norm-minimum_age")
        await h.type_text(norm, "achttien")
        assert norm.error == "Vul een getal in, bijvoorbeeld 18 of 12,5 (niet: achttien)."
        await click(h, "norms-save")
        assert text_of(h, "catalogue-message") == t("cat_fix_fields")

        await click(h, "indicator-edit-EX1")  # weaken EX1: the reference case "slecht_pand" no longer passes
        await h.change(h.find_one(ft.RadioGroup, key="strength-EX1-labour"), "W")
        await h.change(h.find_one(ft.RadioGroup, key="strength-EX1-sexual"), "W")
        await click(h, "indicator-save-EX1")
        assert text_of(h, "catalogue-message") == "Opgeslagen in het concept."
        assert "Arbeidsuitbuiting: zwak" in text_of(h, "indicator-EX1")

        await click(h, "catalogue-run-cases")
        assert text_of(h, "catalogue-run-summary") == "0 geslaagd, 1 niet geslaagd (0 buiten gebruik, niet gedraaid)."
        assert text_of(h, "case-result-slecht_pand").endswith("verwacht L1, uitkomst L0 -: NIET GESLAAGD")
        await click(h, "case-margins-slecht_pand")
        assert text_of(h, "case-margins-slecht_pand-0") == "Geen enkel antwoord verandert het niveau."

        await click(h, "catalogue-dry-run")
        assert "open controles beoordeeld" in text_of(h, "catalogue-dry-summary")

        await click(h, "catalogue-publish")  # refused: a case fails and no reason is signed
        assert text_of(h, "catalogue-message") == t("catalogue_cases_failed")
        await h.type_text(h.find_one(ft.TextField, key="catalogue-reason"), "kort")
        await click(h, "catalogue-publish")
        assert text_of(h, "catalogue-message") == "Schrijf een reden van minstens 10 tekens."
        reason = "Zwakker gewicht voor slechte staat, afgesproken met de teamleider."
        await h.type_text(h.find_one(ft.TextField, key="catalogue-reason"), reason)
        await click(h, "catalogue-publish")
        assert text_of(h, "catalogue-notice") == ("Versie 2 is gepubliceerd. Tablets krijgen hem bij hun volgende "
                                                  "synchronisatie.")
        assert text_of(h, "catalogue-version-2-reason").endswith(f"Ondertekende reden: {reason}")
        assert h.find(key="catalogue-new-draft")  # the draft became the version
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))  # and in English
        assert text_of(h, "screen-title") == "Indicator catalogue"
        assert text_of(h, "catalogue-version-2-reason").startswith("Published while 1 reference case failed.")
        assert h.errors() == []


async def test_reference_cases_added_refused_in_dutch_and_retired(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await open_catalogue(h)
        await click(h, "catalogue-open-cases")
        assert text_of(h, "screen-title") == "Referentiecasussen"
        assert "meegeleverd" in text_of(h, "case-slecht_pand")
        await click(h, "case-add")
        await h.type_text(h.find_one(ft.TextField, key="case-name"), "Goed Pand!")
        assert h.find_one(ft.TextField, key="case-name").error == t("case_name_invalid")
        await h.type_text(h.find_one(ft.TextField, key="case-name"), "goed_pand")
        await h.type_text(h.find_one(ft.TextField, key="case-description"), "Pand in goede staat")
        await h.change(h.find_one(ft.Dropdown, key="case-template"), "pandenactie")
        await h.change(h.find_one(ft.Dropdown, key="case-max-level"), "0")
        premises = h.find_one(ft.TextField, key="case-premises")
        await h.type_text(premises, "staat = goed\nbewoond = misschien")
        assert premises.error == "Vul ja of nee in (niet: misschien)."
        await click(h, "case-save")
        assert text_of(h, "cases-message") == t("case_fix")
        await h.type_text(premises, "staat = uitstekend\nbewoond = ja")  # not an option: the server says so
        await h.type_text(h.find_one(ft.TextField, key="case-persons"), "Persoon 1: leeftijd = 30")
        await click(h, "case-save")
        error = text_of(h, "case-form-error")
        assert error.startswith("De referentiecasus klopt niet: Pand: het antwoord 'uitstekend' past niet bij vraag "
                                "staat"), error
        await h.type_text(premises, "staat = goed\nbewoond = ja")
        await click(h, "case-save")
        assert text_of(h, "cases-message") == "Casus goed_pand is opgeslagen."
        assert "toegevoegd in de app" in text_of(h, "case-goed_pand")
        await click(h, "case-retire-goed_pand")
        assert text_of(h, "cases-message").startswith("Casus goed_pand is buiten gebruik gesteld")
        assert "buiten gebruik" in text_of(h, "case-goed_pand")
        assert h.find(key="case-restore-goed_pand")
        await click(h, "case-edit-slecht_pand")  # a shipped case edited: its answers read back as typed words
        assert h.find_one(ft.TextField, key="case-premises").value == "staat = slecht"
        assert h.find_one(ft.Dropdown, key="case-min-level").value == "1"
        await h.type_text(h.find_one(ft.TextField, key="case-description"), "Pand in zeer slechte staat")
        await click(h, "case-save")
        assert text_of(h, "cases-message") == "Casus slecht_pand is opgeslagen."
        assert "Pand in zeer slechte staat — verwacht L1" in text_of(h, "case-slecht_pand")
        assert h.errors() == []


async def test_the_matrix_form_refuses_a_bad_term_in_dutch_and_saves_a_version(server_app: FastAPI) -> None:
    async with office(server_app) as h:
        await login(h, "beheerder1")
        await click(h, "nav_matrix")
        assert text_of(h, "screen-title").startswith("Handhavingsmatrix bewerken")
        await h.type_text(h.find_one(ft.TextField, key="mx-0-0-term"), "veertien")
        await click(h, "matrix-form-save")
        assert text_of(h, "matrix-form-message") == ("Niet opgeslagen: De termijn is een heel aantal dagen van 0 tot "
                                                     "365.")
        assert h.find_one(ft.TextField, key="mx-0-0-term").error == "De termijn is een heel aantal dagen van 0 tot 365."
        await h.type_text(h.find_one(ft.TextField, key="mx-0-0-term"), "14")
        await click(h, "mx-0-1-up")  # the second step escalates first now
        first = str(h.find_one(ft.TextField, key="mx-0-0-nl").value)
        await click(h, "matrix-form-save")
        saved = text_of(h, "matrix-form-message")
        assert saved.startswith("Opgeslagen als versie ")
        assert h.errors() == []
    async with office(server_app) as h:
        await login(h, "planner1")
        assert h.find(key="nav_matrix") == [] and h.find(key="nav_catalogue") == []
        await click(h, "nav_planner")
        await click(h, "planner-tab-matrix")
        assert text_of(h, "matrix-vergunningvoorschriften-1") == f"Stap 1: {first}"
        assert text_of(h, "matrix-vergunningvoorschriften-2").endswith("(termijn 14 dagen)")
