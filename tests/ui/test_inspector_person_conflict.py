"""A person deleted on the tablet after the team lead corrected that person (the tablet had not pulled it):
the delete stands on both sides, the tablet's checklist and sync bar name the person and the kept correction,
the office client parses the conflict, and once the team lead accepts it the tablet's panel closes."""

from __future__ import annotations

from typing import Any

import flet as ft
import pytest
from ui_support import harness

from inspectie_app.office_client import OfficeClient, OfficeError
from inspectie_app.services import InspectorService
from schemas.conflicts import FindingCorrection
from schemas.records import Address


async def _deleted_after_correction(svc: InspectorService, lead: OfficeClient) -> tuple[Any, str]:
    iid = await svc.start_inspection(template_id="pandenactie",
                                     address=Address(street="Verwijderstraat", house_number="9"))
    await svc.set_answer(iid, "bewoond", True)
    first, second = await svc.add_person(iid), await svc.add_person(iid)
    await svc.set_answer(iid, "leeftijd", 30, person_id=first.id)
    await svc.set_answer(iid, "leeftijd", 35, person_id=second.id)
    assert (await svc.sync_now()).pending_changes == 0
    await lead.correct_finding(iid, FindingCorrection(question_id="leeftijd", person_id=second.id, value=16))
    await svc.remove_person(iid, second.id)  # offline: the tablet has not pulled the correction
    status = await svc.sync_now()
    assert status.pending_changes == 0 and status.last_error is None, status
    return iid, second.id


async def test_checklist_and_sync_bar_show_the_deleted_person(logged_in: InspectorService,
                                                              lead: OfficeClient) -> None:
    svc = logged_in
    iid, gone = await _deleted_after_correction(svc, lead)
    state = await svc.inspection(iid)
    assert [p.label for p in state.persons] == ["Persoon 1"]  # the delete stood on the tablet too
    [c] = await lead.conflicts(iid)
    assert (c.field, c.person_id, c.winner, c.status) == ("person", gone, "device", "open")
    dropped = c.dropped_person()
    assert dropped is not None and dropped.label == "Persoon 2" and dropped.answers["leeftijd"].value == 16
    with pytest.raises(OfficeError) as refused:
        await lead.correct_finding(iid, FindingCorrection(question_id="leeftijd", person_id=gone, value=17))
    assert refused.value.code == "person_deleted"
    async with harness(svc) as h:
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        assert h.find_one(ft.Container, key="checklist-conflicts").visible
        assert h.find_one(ft.Text, key="checklist-conflict-0").value == (
            "Persoon 2 verwijderd op deze tablet; de correctie van de teamleider (Geschatte leeftijd: 16) is "
            "bewaard in dit conflict")
        sync_text = str(h.find_one(ft.Text, key="sync-conflicts").value)
        assert "Persoon 2 verwijderd; correctie teamleider bewaard: leeftijd: 16" in sync_text
        assert h.errors() == []
    with pytest.raises(OfficeError) as restore:
        await lead.resolve_conflict(c.id, "office")
    assert restore.value.code == "person_not_restorable"
    accepted = await lead.resolve_conflict(c.id, "device")
    assert accepted.status == "resolved"
    async with harness(svc) as h:
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        await h.settle()
        assert not h.find_one(ft.Container, key="checklist-conflicts").visible
        assert h.errors() == []
