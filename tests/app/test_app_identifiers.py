"""Identifiers on the tablet: asked by identifier questions (question id kept locally and in ``identifier.add.v2``),
validated with the shared normaliser before anything reaches the outbox, never an answer, never missing; the
store migration keeps old rows and old queued ``identifier.add.v1`` mutations intact."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic import command
from app_fakes import FakeServer
from sqlalchemy import text

from inspectie_app.contract import AnswerError, FinishError
from inspectie_app.i18n import t
from inspectie_app.services import InspectorService
from inspectie_app.store import SqliteStore, review_store
from inspectie_app.store.db import alembic_config, create_store_engine
from schemas.identifiers import IdentifierKind
from schemas.records import Address
from schemas.templates import parse_template

TEMPLATE_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "identifier_template.yaml").read_text(encoding="utf-8"))
TEMPLATE_ID = TEMPLATE_DATA["id"]


@pytest.fixture
def server() -> FakeServer:
    fake = FakeServer()
    fake.add_change("template", f"{TEMPLATE_ID}@1", TEMPLATE_DATA)
    return fake


async def start(svc: InspectorService) -> uuid.UUID:
    return await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Advertentieweg"))


def outbox(store: SqliteStore) -> list[tuple[str, dict[str, Any]]]:
    return [(m.name, m.args) for m in store.pending_mutations(100)]


def store_of(svc: InspectorService) -> SqliteStore:
    return svc._store  # type: ignore[return-value]


def test_store_keeps_the_question_and_queues_v2_in_one_transaction(store: SqliteStore) -> None:
    iid = uuid.uuid4()
    store.create_inspection(inspection_id=iid, template=parse_template(TEMPLATE_DATA),
                            address=Address(street="Teststraat"), planned_control_id=None, started_at=datetime.now(UTC))
    asked = review_store.add_identifier(store, iid, IdentifierKind.PHONE, " 06-12 34 56 78 ",
                                        question_id="advertentie_telefoon")
    free = review_store.add_identifier(store, iid, IdentifierKind.LANDLORD, "Voorbeeld Vastgoed")
    assert [(i.id, i.value, i.question_id) for i in review_store.identifiers(store, iid)] == [
        (asked.id, "06-12 34 56 78", "advertentie_telefoon"), (free.id, "Voorbeeld Vastgoed", None)]
    assert outbox(store)[1:] == [
        ("identifier.add.v2", {"identifier_id": str(asked.id), "kind": "phone", "value": "06-12 34 56 78",
                               "question_id": "advertentie_telefoon"}),
        ("identifier.add.v2", {"identifier_id": str(free.id), "kind": "landlord", "value": "Voorbeeld Vastgoed",
                               "question_id": None}),
    ]
    with pytest.raises(KeyError):  # an unknown control: neither the row nor its mutation
        review_store.add_identifier(store, uuid.uuid4(), IdentifierKind.PHONE, "0612345678")
    assert store.outbox_count() == 3


async def test_identifier_question_records_with_its_question_and_syncs(logged_in: InspectorService,
                                                                     server: FakeServer) -> None:
    svc = logged_in
    iid = await start(svc)
    recorded = await svc.add_identifier(iid, IdentifierKind.PHONE, "+31 6 12345678",
                                        question_id="advertentie_telefoon")
    assert recorded.question_id == "advertentie_telefoon"
    assert [(i.kind, i.value, i.question_id) for i in await svc.identifiers(iid)] == [
        (IdentifierKind.PHONE, "+31 6 12345678", "advertentie_telefoon")]
    status = await svc.sync_now()
    assert status.pending_changes == 0 and status.rejections == []
    [sent] = [m for m in server.applied if m.name.startswith("identifier.")]
    assert sent.name == "identifier.add.v2" and sent.entity_id == iid
    assert sent.args == {"identifier_id": str(recorded.id), "kind": "phone", "value": "+31 6 12345678",
                         "question_id": "advertentie_telefoon"}


async def test_person_scope_question_records_on_the_control(logged_in: InspectorService) -> None:
    svc = logged_in
    iid = await start(svc)
    person = await svc.add_person(iid)
    await svc.add_identifier(iid, IdentifierKind.VEHICLE, "ab-123-c", question_id="vervoer_kenteken")
    [ident] = await svc.identifiers(iid)
    assert (ident.kind, ident.question_id) == (IdentifierKind.VEHICLE, "vervoer_kenteken")
    state = await svc.inspection(iid)
    assert [p.answers for p in state.persons if p.id == person.id] == [{}]  # never an answer


async def test_works_offline(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    iid = await start(logged_in)
    await logged_in.add_identifier(iid, IdentifierKind.UITZENDBUREAU, "KvK 1234 5678", question_id="uitzendbureau_kvk")
    status = await logged_in.sync_now()
    assert status.last_error == "sync_offline" and status.pending_changes == 2
    server.offline = False
    assert (await logged_in.sync_now()).pending_changes == 0
    assert [m.args["question_id"] for m in server.applied if m.name == "identifier.add.v2"] == ["uitzendbureau_kvk"]


@pytest.mark.parametrize(("kind", "value", "code"), [
    (IdentifierKind.PHONE, "geen nummer", "identifier_empty"),
    (IdentifierKind.PHONE, "   ", "identifier_empty"),
    (IdentifierKind.UITZENDBUREAU, "KvK onbekend", "identifier_empty"),
    (IdentifierKind.URL, "https://", "identifier_empty"),
    (IdentifierKind.LANDLORD, "x" * 501, "identifier_too_long"),
])
async def test_unusable_value_is_refused_in_dutch_and_never_queued(logged_in: InspectorService,
                                                                   kind: IdentifierKind, value: str, code: str) -> None:
    svc = logged_in
    iid = await start(svc)
    before = outbox(store_of(svc))
    with pytest.raises(AnswerError) as err:
        await svc.add_identifier(iid, kind, value)
    assert err.value.code == code
    assert outbox(store_of(svc)) == before and await svc.identifiers(iid) == []
    assert t(code).endswith("Er is niets vastgelegd.")


def test_dutch_messages_say_what_is_wrong() -> None:
    assert t("identifier_empty").startswith("Hierin staat niets bruikbaars")
    assert t("identifier_too_long").startswith("Te lang: een kenmerk heeft hoogstens 500 tekens")
    assert t("identifier_empty", "en").startswith("There is nothing usable")


@pytest.mark.parametrize(("kind", "question_id"), [
    (IdentifierKind.PHONE, "leeftijd"),  # not an identifier question
    (IdentifierKind.VEHICLE, "advertentie_telefoon"),  # asks for another kind
    (IdentifierKind.PHONE, "bestaat_niet"),
])
async def test_question_must_be_an_identifier_question_of_that_kind(logged_in: InspectorService,
                                                                    kind: IdentifierKind, question_id: str) -> None:
    iid = await start(logged_in)
    with pytest.raises(AnswerError) as err:
        await logged_in.add_identifier(iid, kind, "0612345678", question_id=question_id)
    assert err.value.code == "answer_invalid"
    assert await logged_in.identifiers(iid) == []


async def test_identifier_question_is_no_answer_and_never_missing(logged_in: InspectorService) -> None:
    svc = logged_in
    iid = await start(svc)
    with pytest.raises(AnswerError) as err:
        await svc.set_answer(iid, "advertentie_telefoon", "0612345678")
    assert "takes no answer" in err.value.detail
    await svc.add_person(iid)
    with pytest.raises(FinishError) as missing:
        await svc.finish(iid)
    assert [q.id for _p, q in missing.value.missing] == ["advertentie_gevonden"]
    await svc.set_answer(iid, "advertentie_gevonden", True)  # shows the phone question; still nothing missing
    await svc.finish(iid)
    identifier_questions = {"advertentie_telefoon", "uitzendbureau_kvk", "vervoer_kenteken"}
    answers = [a["question_id"] for name, a in outbox(store_of(svc)) if name == "answer.set.v1"]
    assert answers == ["advertentie_gevonden"] and not identifier_questions & set(answers)


async def test_finished_control_refuses_identifiers(logged_in: InspectorService) -> None:
    iid = await start(logged_in)
    await logged_in.set_answer(iid, "advertentie_gevonden", False)
    await logged_in.finish(iid)
    with pytest.raises(AnswerError) as err:
        await logged_in.add_identifier(iid, IdentifierKind.PHONE, "0612345678", question_id="advertentie_telefoon")
    assert err.value.code == "inspection_finished"


def test_upgrade_keeps_old_identifiers_and_their_queued_v1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_store_engine(url)
    config = alembic_config()
    with engine.begin() as conn:  # the store as the app version before identifier questions left it
        config.attributes["connection"] = conn
        command.upgrade(config, "20261129_1400")
    iid, ident = str(uuid.uuid4()), str(uuid.uuid4())
    args = f'{{"identifier_id": "{ident}", "kind": "phone", "value": "0612345678"}}'
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO inspection (id, template_id, template_version, control_type, address, status, "
                          "note, started_at, person_counter) VALUES (:i, 't', 1, 'pandenactie', '{}', 'draft', '', "
                          "'2026-11-01 10:00:00', 0)"), {"i": iid})
        conn.execute(text("INSERT INTO control_identifier (id, inspection_id, kind, value, created_at) VALUES "
                          "(:d, :i, 'phone', '0612345678', '2026-11-01 10:00:00')"), {"d": ident, "i": iid})
        conn.execute(text("INSERT INTO outbox (mutation_id, name, entity_id, base_version, args, schema_version, "
                          "created_at, attempts) VALUES (1, 'identifier.add.v1', :i, NULL, :a, 2, "
                          "'2026-11-01 10:00:00', 0)"), {"i": iid, "a": args})
    engine.dispose()
    store = SqliteStore(url)  # migrates to head
    try:
        [old] = review_store.identifiers(store, uuid.UUID(iid))
        assert (str(old.id), old.value, old.question_id) == (ident, "0612345678", None)
        [queued] = store.pending_mutations(10)
        assert (queued.name, queued.args) == ("identifier.add.v1", {"identifier_id": ident, "kind": "phone",
                                                                    "value": "0612345678"})
    finally:
        store.close()
