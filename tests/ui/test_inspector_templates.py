"""Inspector app with the real checklists and catalogue: each of the six control types can be started from the
home screen, its required questions (premises and one person) filled in through the UI, and finished; a case
that reaches level 3 shows the catalogue's urgent guidance at once, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness
from ui_support import harness

from schemas.templates import AnswerValue, Question, QuestionType, Scope, Template, missing_required
from sync_server import assets
from sync_server.catalog.service import publish_assets
from sync_server.cli import in_transaction
from sync_server.config import Settings
from sync_server.migrate import upgrade
from sync_server.seed import seed_demo

# A plausible answer for each required question; anything not listed gets the first option, "no" or 1.
STORY: dict[str, AnswerValue] = {
    "A24_entry_basis": "consent", "A01_premises_type": "single_family", "A02_persons_found": 3,
    "M00_control_kind": "unannounced", "M04_masseuses_present": 2,
    "SV00_control_kind": "annual", "SV01_licence_valid": True, "SV01b_manager_present": True,
    "SV07_workers_present": 4, "SV03_register_present": True, "SV04_age_check": "all_above_min_age",
    "SV14_private_conversations": True,
    "SO00_entry_basis": "consent", "SO01_detected_via": "ad_monitoring", "SO07_sex_workers_present": 1,
    "H00_branche": "restaurant_cafe", "H00b_control_kind": "routine", "H01_operator_present": True,
    "H02_staff_present": 2, "F00_kind": "dark_store", "F01_manager_present": True, "F02_riders_present": 3,
    "P00_role": "worker", "P01_age_band": "age_21_plus", "P40_private_conversation": True, "P02_own_id": "yes",
}
TYPES = ["pandenactie", "massagesalon", "seksinrichting_vergund", "seksinrichting_onvergund", "horeca",
         "flitsbezorger"]


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Overrides the UI conftest: the server publishes the real asset files (every checklist, the newest catalogue)."""
    root: Path = tmp_path_factory.mktemp("ui-real-assets")
    s = Settings(data_dir=root, database_url=f"sqlite:///{(root / 'server.db').as_posix()}",
                 assets_dir=assets.ASSETS_DIR)
    upgrade(s)
    in_transaction(s, lambda session: publish_assets(session=session, assets_dir=assets.ASSETS_DIR))
    in_transaction(s, lambda session: seed_demo(session=session))
    return s


def _value(q: Question) -> AnswerValue:
    if q.id in STORY:
        return STORY[q.id]
    if q.type is QuestionType.YES_NO:
        return False
    if q.type is QuestionType.YES_NO_UNKNOWN:
        return "no"
    if q.type is QuestionType.NUMBER:
        return 1
    assert q.options, q.id
    return q.options[0].value


async def answer(h: FletHarness, key: str, q: Question, value: AnswerValue) -> None:
    """Answer one question the way an inspector does: tap a radio button or type a number."""
    if q.type in (QuestionType.YES_NO, QuestionType.YES_NO_UNKNOWN, QuestionType.CHOICE):
        radio = "yes" if value is True else "no" if value is False else value
        await h.change(h.find_one(ft.RadioGroup, key=key), radio)
    elif q.type is QuestionType.NUMBER:
        await h.type_text(h.find_one(ft.TextField, key=key), str(value), submit=True)
    else:
        raise AssertionError(f"no filler for required {q.type} question {q.id}")


async def start(h: FletHarness, control_type: str, street: str) -> None:
    await h.click(h.find_one(ft.FilledButton, key="new-inspection"))
    group = h.find_one(ft.RadioGroup, key="new-type")
    assert group.value == "pandenactie"  # the default: most controls are pandenacties
    labels = [r.label for r in h.find(ft.Radio) if str(r.key).startswith("new-type-")]
    assert labels == ["Pandenactie", "Massagesalon", "Seksinrichting (vergund)",
                      "Seksinrichting (onvergund) / thuisprostitutie",
                      "Horeca, nagelstudio, autowasstraat of distributie", "Flitsbezorger"]
    await h.change(group, control_type)
    await h.type_text(h.find_one(ft.TextField, key="addr-street"), street)
    await h.type_text(h.find_one(ft.TextField, key="addr-number"), "7")
    await h.click(h.find_one(ft.FilledButton, key="addr-create"))
    assert h.find_one(ft.FilledButton, key="finish")


@pytest.mark.parametrize("control_type", TYPES)
async def test_each_control_type_can_be_started_filled_and_finished(logged_in: Any, control_type: str) -> None:
    svc = logged_in
    async with harness(svc) as h:
        await start(h, control_type, f"Proefstraat {control_type}")
        [item] = await svc.inspections()
        state = await svc.inspection(item.id)
        template: Template = state.template
        assert template.control_type == control_type and item.control_type == control_type
        premises = missing_required(template.questions(Scope.PREMISES), {})
        assert premises, "every checklist has required premises questions"
        for q in premises:
            await answer(h, f"q-{q.id}", q, _value(q))
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(item.id)).persons
        for q in missing_required(template.questions(Scope.PERSON), {}):
            await answer(h, f"q-{person.id}-{q.id}", q, _value(q))
        state = await svc.inspection(item.id)
        assert missing_required(template.questions(Scope.PREMISES), state.answers) == []
        assert missing_required(template.questions(Scope.PERSON), state.persons[0].answers) == []
        await h.click(h.find_one(ft.FilledButton, key="finish"))
        assert h.find_one(ft.Text, key="finish-result").value.startswith("De controle is afgerond.")
        await h.click(h.find_one(ft.FilledButton, key="finish-close"))
        assert h.errors() == []
    [item] = await svc.inspections()
    assert item.status == "finished"


async def test_minor_in_home_prostitution_shows_the_catalogue_urgent_guidance(logged_in: Any) -> None:
    svc = logged_in
    async with harness(svc) as h:
        await start(h, "seksinrichting_onvergund", "Spoedstraat")
        [item] = await svc.inspections()
        template: Template = (await svc.inspection(item.id)).template
        assert h.find_one(ft.Container, key="urgent-banner").visible is False
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(item.id)).persons
        for qid, value in (("P00_role", "sex_worker"), ("P01_age_band", "age_16_17")):
            q = template.question(qid, Scope.PERSON)
            assert q is not None
            await answer(h, f"q-{person.id}-{qid}", q, value)
        assert h.find_one(ft.Container, key="urgent-banner").visible is True
        assert h.find_one(ft.Text, key="urgent-title").value == "Acuut: handel nu"
        assert h.find_one(ft.Text, key="urgent-step-1").value == "1. Is iemand in direct gevaar? Bel 112."
        assert [d.key for d in h.dialogs() if isinstance(d, ft.AlertDialog)] == ["urgent-dialog"]
        assert h.errors() == []
