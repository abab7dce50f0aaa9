"""The local store: durable pragmas, atomic change + outbox, gap-free ids, pull application."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from app_fakes import CATALOGUE_DATA, TEMPLATE_DATA, planned_control, template
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from inspectie_app.contract import AnswerError, AppError
from inspectie_app.store import PullDataError, SqliteStore
from inspectie_app.store.models import Base
from schemas.records import Address
from schemas.sync import Change, Rejection

ADDRESS = Address(street="Voorbeeldstraat", house_number="1")


def file_store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(f"sqlite:///{tmp_path / 'app.db'}")


def new_inspection(store: SqliteStore) -> uuid.UUID:
    inspection_id = uuid.uuid4()
    store.create_inspection(inspection_id=inspection_id, template=template(), address=ADDRESS,
                            planned_control_id=None, started_at=datetime.now(UTC))
    return inspection_id


def change(seq: int, entity: str, entity_id: str, data: dict | None, op: str = "put") -> Change:
    return Change.model_validate({"seq": seq, "entity": entity, "entity_id": entity_id, "op": op, "data": data})


def test_file_store_sets_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    store = file_store(tmp_path)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()


def test_migrations_match_the_models(store: SqliteStore) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_reopening_a_migrated_file_keeps_client_id(tmp_path: Path) -> None:
    first = file_store(tmp_path)
    client_id = first.meta().client_id
    first.close()
    second = file_store(tmp_path)
    assert second.meta().client_id == client_id
    second.close()


def test_change_and_outbox_row_are_one_transaction(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    with store.engine.begin() as conn:  # make the outbox insert fail after the answer was written
        conn.execute(text("CREATE TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'x'); END"))
    with pytest.raises(IntegrityError):
        store.set_answer(inspection_id, "bewoners", 4, None)
    record = store.inspection(inspection_id)
    assert record is not None and record.answers == {}
    assert store.outbox_count() == 1  # only the create
    assert store.meta().next_mutation_id == 2  # the failed change took its id back


def test_mutation_ids_are_gap_free_across_restarts(tmp_path: Path) -> None:
    store = file_store(tmp_path)
    inspection_id = new_inspection(store)
    store.set_answer(inspection_id, "bewoners", 3, None)
    with pytest.raises(AppError):
        store.set_answer(uuid.uuid4(), "bewoners", 3, None)  # unknown inspection: no id consumed
    store.close()
    store = file_store(tmp_path)
    store.set_note(inspection_id, "Fictieve notitie")
    store.ack(2, [])
    store.close()
    store = file_store(tmp_path)
    store.add_person(inspection_id)
    assert [m.id for m in store.pending_mutations(10)] == [3, 4]
    assert store.meta().last_acked_mutation_id == 2
    store.close()


def test_answers_and_persons_survive_reopen(tmp_path: Path) -> None:
    store = file_store(tmp_path)
    inspection_id = new_inspection(store)
    person = store.add_person(inspection_id)
    store.set_answer(inspection_id, "bewoners", 12, None)
    store.set_answer(inspection_id, "paspoort_ingenomen", "yes", person.id)
    store.set_answer(inspection_id, "bewoners", 13, None)  # an update, not a second row
    store.close()
    store = file_store(tmp_path)
    record = store.inspection(inspection_id)
    assert record is not None
    assert record.answers == {"bewoners": 13}
    assert [(p.label, p.answers) for p in record.persons] == [("Persoon 1", {"paspoort_ingenomen": "yes"})]
    store.close()


def test_clearing_an_answer_removes_it_but_still_syncs(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    store.set_answer(inspection_id, "bewoners", 3, None)
    store.set_answer(inspection_id, "bewoners", None, None)
    record = store.inspection(inspection_id)
    assert record is not None and record.answers == {}
    assert store.pending_mutations(10)[-1].args == {"person_id": None, "question_id": "bewoners", "value": None}


def test_removing_a_person_removes_their_answers_and_labels_continue(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    first = store.add_person(inspection_id)
    store.set_answer(inspection_id, "paspoort_ingenomen", "no", first.id)
    store.remove_person(inspection_id, first.id)
    second = store.add_person(inspection_id)
    record = store.inspection(inspection_id)
    assert record is not None and [p.id for p in record.persons] == [second.id]
    assert second.label == "Persoon 2"
    with pytest.raises(AnswerError) as err:
        store.set_answer(inspection_id, "paspoort_ingenomen", "no", first.id)
    assert err.value.code == "answer_invalid"


def test_finished_inspection_refuses_changes(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    store.finish(inspection_id, datetime.now(UTC))
    for attempt in (lambda: store.set_answer(inspection_id, "bewoners", 1, None),
                    lambda: store.add_person(inspection_id), lambda: store.set_note(inspection_id, "x")):
        with pytest.raises(AnswerError) as err:
            attempt()
        assert err.value.code == "inspection_finished"
    assert store.outbox_count() == 2


def test_mutation_args_follow_the_protocol(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    created = store.pending_mutations(1)[0]
    assert created.name == "inspection.create.v1" and created.entity_id == inspection_id
    assert set(created.args) == {"template_id", "template_version", "control_type", "address",
                                 "planned_control_id", "started_at"}
    assert datetime.fromisoformat(created.args["started_at"]).tzinfo is not None


def test_ack_drops_only_acknowledged_rows_and_keeps_rejections(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    store.set_note(inspection_id, "a")
    store.set_note(inspection_id, "b")
    assert store.ack(2, [Rejection(mutation_id=2, code="forbidden", message="Geweigerd")]) == 2
    assert [m.id for m in store.pending_mutations(10)] == [3]
    assert store.rejections() == [Rejection(mutation_id=2, code="forbidden", message="Geweigerd")]


def test_pull_applies_server_entities(store: SqliteStore) -> None:
    inspection_id = new_inspection(store)
    pc = planned_control()
    store.apply_pull([
        change(1, "template", "pandenactie@1", TEMPLATE_DATA),
        change(2, "catalogue", "ilo_ec@1", CATALOGUE_DATA),
        change(3, "planned_control", pc["id"], pc),
        change(4, "inspection_flag", str(inspection_id), {"level": 2, "flag": {}, "photos_expected": 1,
                                                           "photos_present": 0}),
        change(5, "rejection", "1", {"mutation_id": 1, "code": "forbidden", "message": "Niet toegestaan"}),
        change(6, "comment", "c1", {"text": "ignored for now"}),
    ], cursor=6, last_mutation_id=1)
    assert [t.key for t in store.templates()] == ["pandenactie@1"]
    cat = store.catalogue()
    assert cat is not None and cat.key == "ilo_ec@1"
    assert [str(p.id) for p, _ in store.planned_controls()] == [pc["id"]]
    flag = store.server_flag(inspection_id)
    assert flag is not None and (flag.level, flag.photos_expected) == (2, 1)
    assert store.rejections()[0].message == "Niet toegestaan"
    assert store.meta().pull_cursor == 6
    assert store.outbox_count() == 0  # pull's last_mutation_id acknowledges too
    store.apply_pull([change(7, "planned_control", pc["id"], None, op="delete")], cursor=7, last_mutation_id=1)
    assert store.planned_controls() == []


def test_newest_template_version_wins(store: SqliteStore) -> None:
    v2 = {**TEMPLATE_DATA, "version": 2}
    pages = [change(1, "template", "pandenactie@2", v2), change(2, "template", "pandenactie@1", TEMPLATE_DATA)]
    store.apply_pull(pages, cursor=2, last_mutation_id=0)
    assert [t.version for t in store.templates()] == [2]
    old = store.template("pandenactie", 1)
    assert old is not None and old.version == 1


def test_unreadable_pulled_page_changes_nothing(store: SqliteStore) -> None:
    broken = {**TEMPLATE_DATA, "sections": []}
    with pytest.raises(PullDataError):
        store.apply_pull([change(1, "catalogue", "ilo_ec@1", CATALOGUE_DATA),
                          change(2, "template", "pandenactie@1", broken)], cursor=2, last_mutation_id=0)
    assert store.catalogue() is None
    assert store.meta().pull_cursor == 0


def test_put_without_data_is_refused(store: SqliteStore) -> None:
    with pytest.raises(PullDataError):
        store.apply_pull([change(1, "planned_control", str(uuid.uuid4()), None)], cursor=1, last_mutation_id=0)


def test_forget_user_purges_data_and_mints_a_new_identity(store: SqliteStore) -> None:
    old = store.meta()
    new_inspection(store)
    store.ack(1, [])
    files = store.forget_user()
    meta = store.meta()
    assert files == [] and store.list_inspections() == []
    assert meta.client_id != old.client_id
    assert (meta.next_mutation_id, meta.pull_cursor, meta.token) == (1, 0, None)
