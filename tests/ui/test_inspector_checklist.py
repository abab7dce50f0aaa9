"""Inspector app: the checklist — every question type saved at once, conditions, persons, photos, finish, L3."""

from __future__ import annotations

from typing import Any

import flet as ft
import pytest
from flet_harness import FletHarness
from ui_support import harness, jpeg_bytes

from schemas.records import Address


@pytest.fixture
async def inspection_id(logged_in: Any) -> Any:
    return await logged_in.start_inspection(template_id="pandenactie",
                                            address=Address(street="Kerkstraat", house_number="5"))


async def open_checklist(h: FletHarness, iid: Any) -> None:
    await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
    assert h.find_one(ft.FilledButton, key="finish")


async def answers(service: Any, iid: Any) -> dict[str, Any]:
    return (await service.inspection(iid)).answers


async def test_each_question_type_is_saved_at_once(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.change(h.find_one(ft.RadioGroup, key="q-bewoond"), "yes")
        assert (await answers(svc, iid))["bewoond"] is True
        await h.type_text(h.find_one(ft.TextField, key="q-aantal_bewoners"), "7", submit=True)
        assert (await answers(svc, iid))["aantal_bewoners"] == 7
        await h.change(h.find_one(ft.RadioGroup, key="q-vergunning"), "unknown")
        assert (await answers(svc, iid))["vergunning"] == "unknown"
        await h.change(h.find_one(ft.RadioGroup, key="q-staat"), "matig")
        assert (await answers(svc, iid))["staat"] == "matig"
        await h.change(h.find_one(ft.Checkbox, key="q-gebreken-vocht"), True)
        await h.change(h.find_one(ft.Checkbox, key="q-gebreken-brand"), True)
        assert sorted((await answers(svc, iid))["gebreken"]) == ["brand", "vocht"]
        text = h.find_one(ft.TextField, key="q-opmerking")
        await h.type_text(text, "Matrassen in de woonkamer")
        await h.fire(text, "blur")
        assert (await answers(svc, iid))["opmerking"] == "Matrassen in de woonkamer"
        await h.type_text(h.find_one(ft.TextField, key="q-datum_contract"), "01-02-2025", submit=True)
        assert (await answers(svc, iid))["datum_contract"] == "2025-02-01"
        assert h.errors() == []
    # reopening shows the saved answers
    async with harness(svc) as h:
        await open_checklist(h, iid)
        assert h.find_one(ft.RadioGroup, key="q-bewoond").value == "yes"
        assert h.find_one(ft.TextField, key="q-aantal_bewoners").value == "7"
        assert h.find_one(ft.TextField, key="q-datum_contract").value == "01-02-2025"
        assert h.find_one(ft.Checkbox, key="q-gebreken-vocht").value is True


async def test_conditional_question_appears_and_disappears(logged_in: Any, inspection_id: Any) -> None:
    async with harness(logged_in) as h:
        await open_checklist(h, inspection_id)
        assert h.find(ft.TextField, key="q-aantal_bewoners") == []
        await h.change(h.find_one(ft.RadioGroup, key="q-bewoond"), "yes")
        assert h.find_one(ft.TextField, key="q-aantal_bewoners")
        await h.change(h.find_one(ft.RadioGroup, key="q-bewoond"), "no")
        assert h.find(ft.TextField, key="q-aantal_bewoners") == []


async def test_invalid_number_shows_error_and_keeps_input(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.change(h.find_one(ft.RadioGroup, key="q-bewoond"), "yes")
        field = h.find_one(ft.TextField, key="q-aantal_bewoners")
        await h.type_text(field, "veel", submit=True)
        assert h.find_one(ft.Text, key="error-aantal_bewoners").value == "Vul een getal in."
        assert field.value == "veel"
        assert "aantal_bewoners" not in await answers(svc, iid)
        # a number the template refuses: the service's message, input kept
        await h.type_text(field, "500", submit=True)
        assert h.find_one(ft.Text, key="error-aantal_bewoners").value.startswith("Ongeldig antwoord")
        assert field.value == "500"
        assert "aantal_bewoners" not in await answers(svc, iid)
        await h.type_text(field, "4", submit=True)
        assert h.find_one(ft.Text, key="error-aantal_bewoners").visible is False
        assert (await answers(svc, iid))["aantal_bewoners"] == 4


async def test_invalid_date_shows_error(logged_in: Any, inspection_id: Any) -> None:
    async with harness(logged_in) as h:
        await open_checklist(h, inspection_id)
        await h.type_text(h.find_one(ft.TextField, key="q-datum_contract"), "31-02-2025", submit=True)
        assert h.find_one(ft.Text, key="error-datum_contract").value == "Gebruik een datum als dd-mm-jjjj."
    assert "datum_contract" not in await answers(logged_in, inspection_id)


async def test_add_answer_and_remove_person(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(iid)).persons
        field = h.find_one(ft.TextField, key=f"q-{person.id}-leeftijd")
        await h.type_text(field, "34", submit=True)
        [person] = (await svc.inspection(iid)).persons
        assert person.answers["leeftijd"] == 34

        await h.click(h.find_one(ft.IconButton, key=f"remove-person-{person.id}"))
        [dialog] = [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)]
        assert dialog.key == "remove-person-dialog"
        await h.click(h.find_one(ft.TextButton, key="remove-cancel"))
        assert len((await svc.inspection(iid)).persons) == 1

        await h.click(h.find_one(ft.IconButton, key=f"remove-person-{person.id}"))
        await h.click(h.find_one(ft.FilledButton, key="remove-confirm"))
        assert (await svc.inspection(iid)).persons == []
        assert h.find(ft.Card, key=f"person-{person.id}") == []
        assert h.errors() == []


async def test_add_photo_shows_thumbnail(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc, picked=[jpeg_bytes()]) as h:
        await open_checklist(h, iid)
        await h.click(h.find_one(ft.FilledButton, key="add-photo"))
        [photo] = (await svc.inspection(iid)).photos
        assert h.find_one(ft.Column, key=f"photo-{photo.id}")
        assert h.find(ft.Image)
        assert h.find_one(ft.Text, key="photo-error").visible is False
        assert h.errors() == []


async def test_add_photo_that_is_not_an_image_shows_error(logged_in: Any, inspection_id: Any) -> None:
    async with harness(logged_in, picked=[b"not a picture at all"]) as h:
        await open_checklist(h, inspection_id)
        await h.click(h.find_one(ft.FilledButton, key="add-photo"))
        error = h.find_one(ft.Text, key="photo-error")
        assert error.visible and error.value == "Dit bestand is geen foto (JPEG of PNG)."
    assert (await logged_in.inspection(inspection_id)).photos == []


async def test_photo_picker_failure_is_shown_not_swallowed(logged_in: Any, inspection_id: Any) -> None:
    h = harness(logged_in)

    def broken_picker(c: Any, ctrl: Any, args: Any) -> Any:
        raise RuntimeError("camera unavailable")

    h.method_fakes[("FilePicker", "pick_files")] = broken_picker
    async with h:
        await open_checklist(h, inspection_id)
        await h.click(h.find_one(ft.FilledButton, key="add-photo"))
        error = h.find_one(ft.Text, key="photo-error")
        assert error.visible and error.value == "De foto kon niet worden gekozen. Probeer het opnieuw."
        assert h.errors() == []
    assert (await logged_in.inspection(inspection_id)).photos == []


async def test_finish_blocked_by_missing_required_then_allowed(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.click(h.find_one(ft.FilledButton, key="finish"))
        assert h.find_one(ft.Column, key="finish-missing").visible
        assert h.find_one(ft.TextButton, key="missing-bewoond")
        assert h.find_one(ft.Text, key="error-bewoond").value == "Verplicht veld."
        scrolls = [m for m in h.client.messages if getattr(m.body, "name", None) == "scroll_to"]
        assert scrolls and scrolls[-1].body.args["scroll_key"] == "qbox-bewoond"

        await h.change(h.find_one(ft.RadioGroup, key="q-bewoond"), "yes")
        await h.click(h.find_one(ft.FilledButton, key="finish"))
        assert h.find_one(ft.TextButton, key="missing-aantal_bewoners")

        await h.type_text(h.find_one(ft.TextField, key="q-aantal_bewoners"), "3", submit=True)
        await h.click(h.find_one(ft.FilledButton, key="finish"))
        result = h.find_one(ft.Text, key="finish-result").value
        assert result == "De controle is afgerond. Signaalniveau: L0 geen signaal."
        await h.click(h.find_one(ft.FilledButton, key="finish-close"))
        assert h.find_one(ft.Text, key="screen-title").value == "Mijn controles"
        assert h.errors() == []
    [item] = await svc.inspections()
    assert item.status == "finished"


async def test_urgent_banner_at_level_3(logged_in: Any, inspection_id: Any) -> None:
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        assert h.find_one(ft.Container, key="urgent-banner").visible is False
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(iid)).persons
        await h.type_text(h.find_one(ft.TextField, key=f"q-{person.id}-leeftijd"), "16", submit=True)
        await h.change(h.find_one(ft.RadioGroup, key=f"q-{person.id}-sekswerk"), "yes")
        assert h.find_one(ft.Container, key="urgent-banner").visible is True
        assert h.find_one(ft.Text, key="urgent-title").value == "Acuut: mogelijk slachtoffer"
        assert h.find_one(ft.Text, key="urgent-step-1").value == "1. Bel 112 bij direct gevaar."
        assert [d.key for d in h.dialogs() if isinstance(d, ft.AlertDialog)] == ["urgent-dialog"]
        assert h.find_one(ft.Text, key="flag-level").value == "L3 acuut"
        # the subject the level comes from, and its level line first
        assert h.find_one(ft.Text, key="flag-subject").value == f"Niveau van: {person.label}"
        assert h.find_one(ft.Text, key="flag-reason-0").value == \
            "Niveau 3 (seksuele uitbuiting) — acuut: Minderjarige in de seksbranche."
        await h.click(h.find_one(ft.FilledButton, key="urgent-ack"))
        assert [d for d in h.dialogs() if isinstance(d, ft.AlertDialog)] == []
        assert h.errors() == []


async def test_every_subject_with_a_signal_is_shown(logged_in: Any, inspection_id: Any) -> None:
    """The level comes from one subject; the panel still shows every other subject with a signal."""
    svc, iid = logged_in, inspection_id
    async with harness(svc) as h:
        await open_checklist(h, iid)
        await h.change(h.find_one(ft.RadioGroup, key="q-staat"), "slecht")
        assert h.find(ft.Row, key="flag-other-premises") == []  # the premises are the source: nothing else
        await h.click(h.find_one(ft.FilledButton, key="add-person"))
        [person] = (await svc.inspection(iid)).persons
        await h.type_text(h.find_one(ft.TextField, key=f"q-{person.id}-leeftijd"), "16", submit=True)
        await h.change(h.find_one(ft.RadioGroup, key=f"q-{person.id}-sekswerk"), "yes")
        assert h.find_one(ft.Text, key="flag-subject").value == f"Niveau van: {person.label}"
        state = await svc.inspection(iid)
        premises = next(s for s in state.flag.subjects if s.subject_id == "premises")
        assert premises.level > 0
        assert h.find_one(ft.Row, key="flag-other-premises")
        assert "Ook een signaal: Pand" in h.all_text()
        assert h.find_one(ft.Text, key="flag-other-level-premises").value.startswith(f"L{premises.level}")
        assert any(t.startswith("• Slechte woonomstandigheden") for t in h.all_text())
        assert h.errors() == []


async def test_local_flag_explains_hits(logged_in: Any, inspection_id: Any) -> None:
    async with harness(logged_in) as h:
        await open_checklist(h, inspection_id)
        await h.change(h.find_one(ft.RadioGroup, key="q-staat"), "slecht")
        assert h.find_one(ft.Text, key="flag-level").value == "L1 signaal"
        assert h.find_one(ft.Text, key="flag-subject").value == "Niveau van: Pand"
        assert h.find_one(ft.Text, key="flag-reason-0").value.startswith("Niveau 1 (arbeidsuitbuiting)")
        assert any("Het pand is in slechte staat." in t for t in h.all_text())
