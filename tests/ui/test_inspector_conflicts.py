"""The tablet's checklist shows the conflicts of that control: field, the tablet's value, the office value and
which one stands; other controls show none, and a resolved conflict disappears after the next sync."""

from __future__ import annotations

from typing import Any

import flet as ft
from ui_support import harness

from inspectie_app.office_client import OfficeClient
from inspectie_app.services import InspectorService
from schemas.conflicts import FindingCorrection
from schemas.records import Address


async def _conflict(svc: InspectorService, lead: OfficeClient) -> Any:
    """The tablet syncs 4 occupants and 2 persons' worth of answers; the team lead corrects to 8; the tablet,
    not having pulled that, changes it to 5 and syncs: the correction stands, a conflict keeps the 5."""
    iid = await svc.start_inspection(template_id="pandenactie",
                                     address=Address(street="Conflictstraat", house_number="3"))
    await svc.set_answer(iid, "bewoond", True)
    await svc.set_answer(iid, "aantal_bewoners", 4)
    person = await svc.add_person(iid)
    await svc.set_answer(iid, "leeftijd", 30, person_id=person.id)
    assert (await svc.sync_now()).pending_changes == 0
    await lead.correct_finding(iid, FindingCorrection(question_id="aantal_bewoners", value=8))
    await lead.correct_finding(iid, FindingCorrection(question_id="leeftijd", person_id=person.id, value=25))
    await svc.set_answer(iid, "aantal_bewoners", 5)
    await svc.set_answer(iid, "leeftijd", 31, person_id=person.id)
    status = await svc.sync_now()
    assert status.pending_changes == 0, status
    assert len([c for c in status.conflicts if c.inspection_id == iid]) == 2, status  # other tests' too: same user
    return iid


async def test_checklist_lists_the_conflicts_of_this_control(logged_in: InspectorService,
                                                             lead: OfficeClient) -> None:
    svc = logged_in
    iid = await _conflict(svc, lead)
    calm = await svc.start_inspection(template_id="pandenactie", address=Address(street="Rustlaan", house_number="1"))
    async with harness(svc) as h:
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        panel = h.find_one(ft.Container, key="checklist-conflicts")
        assert panel.visible
        assert h.find_one(ft.Text, key="checklist-conflicts-title").value == \
            "Door de teamleider gecorrigeerd terwijl u het ook wijzigde"
        lines = sorted(h.find_one(ft.Text, key=f"checklist-conflict-{n}").value for n in range(2))
        assert lines == [
            "Aantal bewoners: uw waarde 5 personen · kantoor 8 personen · geldt: 8 personen (correctie kantoor)",
            "Persoon 1 — Geschatte leeftijd: uw waarde 31 · kantoor 25 · geldt: 25 (correctie kantoor)",
        ]
        # the checklist itself holds the value that stands
        assert h.find_one(ft.TextField, key="q-aantal_bewoners").value == "8"
        await h.click(h.find_one(ft.OutlinedButton, key="checklist-back"))
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{calm}"))
        assert not h.find_one(ft.Container, key="checklist-conflicts").visible
        assert h.errors() == []


async def test_english_and_resolved_conflicts_disappear(logged_in: InspectorService, lead: OfficeClient) -> None:
    svc = logged_in
    iid = await _conflict(svc, lead)
    conflicts = await lead.conflicts(iid)
    for c in conflicts:
        await lead.resolve_conflict(c.id, "device" if c.question_id == "aantal_bewoners" else "office")
    async with harness(svc) as h:
        await h.click(h.find_one(ft.TextButton, key="lang-toggle"))
        await h.click(h.find_one(ft.ListTile, key=f"inspection-{iid}"))
        assert h.find_one(ft.Container, key="checklist-conflicts").visible  # not synced yet: still open here
        lines = sorted(h.find_one(ft.Text, key=f"checklist-conflict-{n}").value for n in range(2))
        assert lines[0] == ("Occupants: your value 5 personen · office 8 personen · stands: 8 personen "
                            "(office correction)")
        await h.click(h.find_one(ft.OutlinedButton, key="sync-now"))
        await h.settle()
        assert not h.find_one(ft.Container, key="checklist-conflicts").visible
        assert h.find_one(ft.TextField, key="q-aantal_bewoners").value == "5"  # the tablet's value was taken
        assert h.errors() == []
