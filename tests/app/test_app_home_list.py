"""The home list (issue 14: 3.57 s at 500 unsynced controls): the tablet keeps its own level of each control with
a fingerprint of what it was computed from, so the list reads in a fixed number of queries — and it never shows a
stale level: every kind of change (answer, person, a correction pulled from the office, a new catalogue) makes the
control count again."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from app_fakes import CATALOGUE_DATA, FakeServer
from sqlalchemy import event

from inspectie_app.services import InspectorService
from inspectie_app.store import SqliteStore
from schemas.records import Address
from schemas.sync import Change

ADDRESS = Address(street="Voorbeeldstraat", house_number="3")


async def _listed(service: InspectorService, inspection_id: uuid.UUID) -> int | None:
    return next(i.level for i in await service.inspections() if i.id == inspection_id)


async def _evaluated(service: InspectorService, inspection_id: uuid.UUID) -> int:
    return (await service.inspection(inspection_id)).flag.level


def _store(service: InspectorService) -> SqliteStore:
    store = service._store  # noqa: SLF001 - the test looks at the store the service uses
    assert isinstance(store, SqliteStore)
    return store


async def test_the_list_follows_every_change(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True  # nothing syncs: every level is the tablet's own
    iid = await logged_in.start_inspection(template_id="pandenactie", address=ADDRESS)
    person = await logged_in.add_person(iid)
    seen = []

    async def check() -> None:
        listed = await _listed(logged_in, iid)
        assert listed == await _evaluated(logged_in, iid)
        seen.append(listed)

    await check()
    await logged_in.set_answer(iid, "paspoort_ingenomen", "yes", person_id=person.id)
    await check()
    await logged_in.set_answer(iid, "paspoort_ingenomen", "no", person_id=person.id)
    await check()
    await logged_in.set_answer(iid, "paspoort_ingenomen", "yes", person_id=person.id)
    await check()
    await logged_in.remove_person(iid, person.id)
    await check()
    second = await logged_in.add_person(iid)
    await logged_in.set_answer(iid, "paspoort_ingenomen", "yes", person_id=second.id)
    await check()
    store = _store(logged_in)
    correction = {"inspection_id": str(iid), "field": "answer", "person_id": second.id,
                  "question_id": "paspoort_ingenomen", "value": "no"}
    meta = store.meta()
    store.apply_pull([Change(seq=meta.pull_cursor + 1, entity="correction", entity_id=str(uuid.uuid4()), op="put",
                             data=correction)], cursor=meta.pull_cursor + 1,
                     last_mutation_id=meta.last_acked_mutation_id)
    await check()  # the team lead's correction, pulled from the office
    assert seen == [0, 2, 0, 2, 0, 2, 0]


async def test_a_new_catalogue_counts_every_control_again(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    iid = await logged_in.start_inspection(template_id="pandenactie", address=ADDRESS)
    await logged_in.set_answer(iid, "bewoners", 7)
    assert await _listed(logged_in, iid) == 0
    stricter: dict[str, Any] = copy.deepcopy(CATALOGUE_DATA)
    stricter["version"] = 2
    stricter["rules"].append({"id": "many", "scope": "premises",
                              "when": [{"question": "bewoners", "op": "gte", "value": 5}],
                              "indicators": ["CD1"], "explanation": {"nl": "Veel bewoners", "en": "Many residents"}})
    store = _store(logged_in)
    meta = store.meta()
    store.apply_pull([Change(seq=meta.pull_cursor + 1, entity="catalogue", entity_id="ilo_ec@2", op="put",
                             data=stricter)], cursor=meta.pull_cursor + 1, last_mutation_id=meta.last_acked_mutation_id)
    listed = await _listed(logged_in, iid)
    assert listed == await _evaluated(logged_in, iid) and listed is not None and listed > 0


async def test_the_list_reads_in_a_fixed_number_of_queries(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    store = _store(logged_in)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    async def queries_for_list() -> int:
        await logged_in.inspections()  # the first list after a change evaluates what changed, once
        statements.clear()
        event.listen(store.engine, "before_cursor_execute", count)
        try:
            await logged_in.inspections()
        finally:
            event.remove(store.engine, "before_cursor_execute", count)
        return len(statements)

    async def add_controls(n: int) -> None:
        for _ in range(n):
            iid = await logged_in.start_inspection(template_id="pandenactie", address=ADDRESS)
            person = await logged_in.add_person(iid)
            await logged_in.set_answer(iid, "paspoort_ingenomen", "yes", person_id=person.id)

    await add_controls(2)
    few = await queries_for_list()
    await add_controls(20)
    many = await queries_for_list()
    assert few == many, (few, many)
    assert len(await logged_in.inspections()) == 22
