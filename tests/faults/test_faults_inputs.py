"""A note with a NUL character never blocks a tablet's outbox (issue 12, finding 1), with a real server process and
the real tablet store, on SQLite and PostgreSQL. Before: every retry answered 500 and rolled the whole batch back,
the tablet's later changes (another control too) stayed stuck and logout was refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fault_support import ServerProcess, server_view

from schemas.records import Address

BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
PASSWORD = "demo-wachtwoord"


@BOTH
async def test_a_nul_note_is_rejected_and_the_outbox_drains(server: ServerProcess, tablets: Any) -> None:
    svc = tablets(server.url)
    user = await svc.login("inspecteur1", PASSWORD)
    first = await svc.start_inspection(template_id="pandenactie", address=Address(street="Voorbeeldstraat"))
    await svc.set_answer(first, "q01", 3)
    await svc.set_note(first, "Fictieve\x00notitie")  # pasted: the app keeps it, the server cannot
    person = await svc.add_person(first)
    await svc.set_answer(first, "leeftijd", 30, person_id=person.id)
    second = await svc.start_inspection(template_id="pandenactie", address=Address(street="Proefweg"))
    await svc.set_answer(second, "opgesloten", True)

    status = await svc.sync_now()
    assert (status.last_error, status.pending_changes) == (None, 0)
    [rejection] = status.rejections
    assert "niet kan worden opgeslagen" in rejection

    await svc.set_note(first, "Fictieve notitie")  # the inspector types it again: a later push applies
    status = await svc.sync_now()
    assert (status.last_error, status.pending_changes) == (None, 0)
    held = server_view(server.settings, uuid.UUID(str(user.id)))
    assert held[str(first)]["note"] == "Fictieve notitie"
    assert held[str(first)]["answers"] == {("", "q01"): 3, (person.id, "leeftijd"): 30}
    assert held[str(second)]["answers"] == {("", "opgesloten"): True}
    await svc.logout()  # nothing is stuck, so logout is not refused
    assert await svc.current_user() is None
