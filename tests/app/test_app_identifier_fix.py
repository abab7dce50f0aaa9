"""Correcting and removing identifiers on the tablet, and rejections on the item they concern (issue 14): a correction
is a remove and an add queued in one transaction, checked by the server's own rule first (nothing changes for a value
it would refuse); a refused identifier carries its code until it is corrected or removed (also on a finished
control), a refused answer until it is answered again, anything else until it is seen; a fixed rejection pulled
again stays fixed; the store migration keeps existing rejections."""

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

from inspectie_app.contract import AnswerError, AppError
from inspectie_app.i18n import EN, NL, t
from inspectie_app.services import InspectorService
from inspectie_app.store import SqliteStore, rejections, review_store
from inspectie_app.store.db import alembic_config, create_store_engine
from schemas.identifiers import PROBLEMS, IdentifierKind
from schemas.records import Address
from schemas.sync import Change
from schemas.templates import parse_template
from schemas.texts.identifiers import rejected_key
from sync_server.errors import REJECTIONS

TEMPLATE_DATA: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parents[1] / "data" / "identifier_template.yaml").read_text(encoding="utf-8"))
TEMPLATE_ID = TEMPLATE_DATA["id"]


@pytest.fixture
def server() -> FakeServer:
    fake = FakeServer()
    fake.add_change("template", f"{TEMPLATE_ID}@1", TEMPLATE_DATA)
    return fake


def store_of(svc: InspectorService) -> SqliteStore:
    return svc._store  # type: ignore[return-value]


def outbox(svc: InspectorService) -> list[tuple[str, dict[str, Any]]]:
    return [(m.name, m.args) for m in store_of(svc).pending_mutations(100)]


async def start(svc: InspectorService) -> uuid.UUID:
    return await svc.start_inspection(template_id=TEMPLATE_ID, address=Address(street="Correctieweg",
                                                                                 house_number="5"))


async def test_correct_queues_remove_and_add_and_refuses_what_the_server_would(logged_in: InspectorService,
                                                                             server: FakeServer) -> None:
    svc = logged_in
    server.offline = True
    iid = await start(svc)
    old = await svc.add_identifier(iid, IdentifierKind.UITZENDBUREAU, "KvK 1111 2222",
                                   question_id="uitzendbureau_kvk")
    before = outbox(svc)
    for bad, code in (("abc 😀", "identifier_empty"), ("KvK 123", "identifier_kvk_invalid"),
                      ("9" * 501, "identifier_too_long")):
        with pytest.raises(AnswerError) as err:
            await svc.correct_identifier(iid, old.id, bad)
        assert err.value.code == code and code in PROBLEMS
        assert outbox(svc) == before and [i.id for i in await svc.identifiers(iid)] == [old.id]  # nothing changed

    new = await svc.correct_identifier(iid, old.id, " 3333 4444 ")
    assert (new.kind, new.value, new.question_id) == (IdentifierKind.UITZENDBUREAU, "3333 4444", "uitzendbureau_kvk")
    assert [(i.id, i.value) for i in await svc.identifiers(iid)] == [(new.id, "3333 4444")]
    assert outbox(svc)[len(before):] == [
        ("identifier.remove.v1", {"identifier_id": str(old.id)}),
        ("identifier.add.v2", {"identifier_id": str(new.id), "kind": "uitzendbureau", "value": "3333 4444",
                               "question_id": "uitzendbureau_kvk"})]

    await svc.remove_identifier(iid, new.id)
    assert await svc.identifiers(iid) == []
    assert outbox(svc)[-1] == ("identifier.remove.v1", {"identifier_id": str(new.id)})
    with pytest.raises(AppError) as err:
        await svc.remove_identifier(iid, new.id)
    assert err.value.code == "identifier_not_found" and t("identifier_not_found").startswith("Dit kenmerk")

    server.offline = False
    status = await svc.sync_now()
    assert status.pending_changes == 0 and status.refused == []
    assert [m.name for m in server.applied if m.name.startswith("identifier.")] == [
        "identifier.add.v2", "identifier.remove.v1", "identifier.add.v2", "identifier.remove.v1"]


async def test_a_refused_identifier_is_shown_on_it_until_fixed_also_when_finished(logged_in: InspectorService,
                                                                                 server: FakeServer) -> None:
    svc = logged_in
    iid = await start(svc)
    kept = await svc.add_identifier(iid, IdentifierKind.PHONE, "06 1234 5678", question_id="advertentie_telefoon")
    await svc.set_answer(iid, "advertentie_gevonden", True)
    assert (await svc.sync_now()).pending_changes == 0
    refused = await svc.add_identifier(iid, IdentifierKind.VEHICLE, "AB-12-CD", question_id="vervoer_kenteken")
    await svc.finish(iid)
    server.reject_names = {"identifier.add.v2"}
    status = await svc.sync_now()
    server.reject_names = set()
    [notice] = status.refused
    assert notice.code == "forbidden" and notice.mutation_name == "identifier.add.v2"
    assert notice.inspection_id == iid and notice.identifier_id == refused.id
    assert notice.where.startswith("Correctieweg")
    by_id = {i.id: i.refused for i in await svc.identifiers(iid)}
    assert by_id == {kept.id: None, refused.id: "forbidden"}

    with pytest.raises(AnswerError) as err:  # finished: only the refused one may change
        await svc.remove_identifier(iid, kept.id)
    assert err.value.code == "inspection_finished"
    await svc.correct_identifier(iid, refused.id, "XY-99-ZZ")
    status = await svc.sync_status()
    assert status.refused == [] and status.rejections == []
    assert [i.value for i in await svc.identifiers(iid)] == ["06 1234 5678", "XY-99-ZZ"]
    assert (await svc.sync_now()).pending_changes == 0


def _control(store: SqliteStore) -> uuid.UUID:
    iid = uuid.uuid4()
    store.create_inspection(inspection_id=iid, template=parse_template(TEMPLATE_DATA),
                            address=Address(street="Trekweg", house_number="9"), planned_control_id=None,
                            started_at=datetime.now(UTC))
    return iid


def _rejection_change(seq: int, mutation_id: int, code: str, **extra: Any) -> Change:
    return Change(seq=seq, entity="rejection", entity_id=f"c:{mutation_id}", op="put",
                  data={"mutation_id": mutation_id, "code": code, "message": REJECTIONS[code][0], **extra})


def test_a_rejection_that_arrives_only_by_pull_finds_its_identifier_and_stays_fixed(store: SqliteStore) -> None:
    iid = _control(store)
    ident = review_store.add_identifier(store, iid, IdentifierKind.UITZENDBUREAU, "12345")
    [mutation] = [m for m in store.pending_mutations(10) if m.name == "identifier.add.v2"]
    store.ack(mutation.id, [])  # acknowledged without its rejection (the reply was lost): the outbox row is gone
    change = _rejection_change(1, mutation.id, "identifier_kvk_invalid", mutation_name="identifier.add.v2",
                               inspection_id=str(iid))
    store.apply_pull([change], 1, mutation.id)
    [listed] = review_store.identifiers(store, iid)
    assert listed.refused == "identifier_kvk_invalid"
    [notice] = rejections.notices(store)
    assert notice.identifier_id == ident.id and notice.where == "Trekweg 9, Arnhem"

    review_store.remove_identifier(store, iid, ident.id)
    assert rejections.notices(store) == [] and store.rejections() == []
    store.apply_pull([change], 1, mutation.id)  # the same rejection again (a reset): it stays fixed
    assert rejections.notices(store) == []


def test_a_rejection_of_another_device_of_the_same_user_is_not_ours(store: SqliteStore) -> None:
    iid = _control(store)
    review_store.add_identifier(store, iid, IdentifierKind.UITZENDBUREAU, "12345")
    [mutation] = [m for m in store.pending_mutations(10) if m.name == "identifier.add.v2"]
    other = _rejection_change(1, mutation.id, "forbidden", client_id=str(uuid.uuid4()),
                              mutation_name="person.create.v1", inspection_id=str(uuid.uuid4()))
    store.apply_pull([other], 1, 0)  # the pull scope is the user's: a tablet also sees its other tablets' rejections
    assert rejections.notices(store) == []
    mine = _rejection_change(2, mutation.id, "identifier_kvk_invalid", client_id=str(store.meta().client_id),
                             mutation_name="identifier.add.v2", inspection_id=str(iid))
    store.apply_pull([mine], 2, 0)
    assert [n.code for n in rejections.notices(store)] == ["identifier_kvk_invalid"]


def test_a_refused_answer_is_fixed_by_answering_again_and_others_by_seeing_them(store: SqliteStore) -> None:
    iid = _control(store)
    store.set_answer(iid, "advertentie_gevonden", True, None)
    store.add_person(iid)
    answer, person = [m for m in store.pending_mutations(10) if m.name in ("answer.set.v1", "person.create.v1")]
    store.ack(person.id, [Rejection(answer.id, "invalid_answer"), Rejection(person.id, "forbidden")])
    by_id = {n.mutation_id: n for n in rejections.notices(store)}
    assert by_id[answer.id].question_id == "advertentie_gevonden" and by_id[answer.id].person_id is None
    assert by_id[person.id].mutation_name == "person.create.v1" and by_id[person.id].question_id is None

    rejections.resolve_answer(store, iid, "advertentie_gevonden", "iemand")  # another person's answer: not this one
    assert len(rejections.notices(store)) == 2
    rejections.resolve_answer(store, iid, "advertentie_gevonden", None)
    rejections.resolve(store, person.id)
    assert rejections.notices(store) == []


def Rejection(mutation_id: int, code: str) -> Any:  # noqa: N802 - reads like the model it builds
    from schemas.sync import Rejection as Model

    return Model(mutation_id=mutation_id, code=code, message=REJECTIONS[code][0])


async def test_answering_a_refused_question_again_clears_it(logged_in: InspectorService, server: FakeServer) -> None:
    svc = logged_in
    iid = await start(svc)
    server.reject_names = {"answer.set.v1"}
    await svc.set_answer(iid, "advertentie_gevonden", True)
    [notice] = (await svc.sync_now()).refused
    assert notice.question_id == "advertentie_gevonden"
    server.reject_names = set()
    await svc.set_answer(iid, "advertentie_gevonden", False)
    status = await svc.sync_now()
    assert status.refused == [] and status.pending_changes == 0


def test_every_rejection_code_and_rule_has_words_in_both_languages() -> None:
    for code in REJECTIONS:
        assert rejected_key(code, frozenset(NL)) == f"rejected_{code}", code
        assert NL[f"rejected_{code}"] and EN[f"rejected_{code}"]
    for code in PROBLEMS:
        assert code in NL and code in EN
    assert rejected_key("iets_nieuws", frozenset(NL)) == "rejected_other"
    assert t("identifier_refused", reason=t("rejected_identifier_kvk_invalid")) == (
        "Geweigerd door de server: een KvK-nummer heeft 8 cijfers (een vestigingsnummer 12). Corrigeer of verwijder "
        "dit kenmerk.")


def test_migration_is_additive_both_ways_and_keeps_rejections(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = SqliteStore(url)
    store.ack(0, [Rejection(7, "forbidden")])  # a rejection whose mutation this store no longer has
    store.close()
    engine = create_store_engine(url)
    config = alembic_config()
    with engine.begin() as conn:  # back to the store before this revision: the rejection stays
        config.attributes["connection"] = conn
        command.downgrade(config, "20261204_1100")
        assert conn.execute(text("SELECT mutation_id, code FROM rejection")).all() == [(7, "forbidden")]
    engine.dispose()
    store = SqliteStore(url)  # migrates to head again
    try:
        [notice] = rejections.notices(store)
        assert (notice.mutation_id, notice.code, notice.inspection_id, notice.control_known) == (
            7, "forbidden", None, False)
    finally:
        store.close()
