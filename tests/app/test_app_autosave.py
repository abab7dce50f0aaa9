"""The autosave path (``inspectie_app/store/autosave.py``): an answer saved as plain SQL on the DBAPI connection is
read back by the session path, yields exactly one outbox mutation in its own transaction, leaves neither the answer
nor the mutation behind when it fails at any point, and is refused where the session path refused it. Every test
runs on the in-memory store (one shared connection) and on a file store (a pool of connections)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from app_fakes import template
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspectie_app.contract import AnswerError, AppError
from inspectie_app.store import SqliteStore
from inspectie_app.store.models import AnswerRow, OutboxRow
from schemas.records import Address

ADDRESS = Address(street="Voorbeeldstraat", house_number="1")


@pytest.fixture(params=["memory", "file"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqliteStore]:
    url = "sqlite://" if request.param == "memory" else f"sqlite:///{tmp_path / 'app.db'}"
    store = SqliteStore(url)
    yield store
    store.close()


def new_inspection(store: SqliteStore) -> uuid.UUID:
    inspection_id = uuid.uuid4()
    store.create_inspection(inspection_id=inspection_id, template=template(), address=ADDRESS,
                            planned_control_id=None, started_at=datetime.now(UTC))
    return inspection_id


def nothing_changed(store: SqliteStore, inspection_id: uuid.UUID, answers: dict[str, object], outbox: int,
                    next_id: int) -> None:
    record = store.inspection(inspection_id)
    assert record is not None and record.answers == answers
    assert store.outbox_count() == outbox
    assert store.meta().next_mutation_id == next_id


def test_a_saved_answer_reads_back_through_the_session_path(any_store: SqliteStore) -> None:
    inspection_id = new_inspection(any_store)
    person = any_store.add_person(inspection_id)
    any_store.set_answer(inspection_id, "bewoners", 12, None)
    any_store.set_answer(inspection_id, "bezoekdatum", "2026-12-03", None)
    any_store.set_answer(inspection_id, "paspoort_ingenomen", "yes", person.id)
    any_store.set_answer(inspection_id, "bewoners", 13, None)  # the same answer again: updated, not added
    record = any_store.inspection(inspection_id)
    assert record is not None
    assert record.answers == {"bewoners": 13, "bezoekdatum": "2026-12-03"}
    assert [p.answers for p in record.persons] == [{"paspoort_ingenomen": "yes"}]
    with Session(any_store.engine) as s:
        rows = s.scalars(select(AnswerRow).order_by(AnswerRow.question_id)).all()
        assert [(r.question_id, r.person_id, r.scope_key) for r in rows] == [
            ("bewoners", None, ""), ("bezoekdatum", None, ""), ("paspoort_ingenomen", person.id, person.id)]
        assert all(r.updated_at.tzinfo == UTC for r in rows)  # the column's own datetime text, read back aware
        stored = s.execute(text("SELECT value FROM answer")).scalars().all()
    assert all(json.loads(v).startswith("enc1:") for v in stored)  # sealed like the session path seals it


def test_each_save_yields_exactly_one_mutation_in_order(any_store: SqliteStore) -> None:
    inspection_id = new_inspection(any_store)
    any_store.apply_pull([], cursor=7, last_mutation_id=0)  # the server seq this tablet has seen
    person = any_store.add_person(inspection_id)
    any_store.set_answer(inspection_id, "bewoners", 4, None)
    any_store.set_answer(inspection_id, "paspoort_ingenomen", "no", person.id)
    any_store.set_answer(inspection_id, "bewoners", None, None)  # cleared: still one mutation
    pending = any_store.pending_mutations(10)
    assert [(m.id, m.name) for m in pending] == [(1, "inspection.create.v1"), (2, "person.create.v1"),
                                                 (3, "answer.set.v1"), (4, "answer.set.v1"), (5, "answer.set.v1")]
    answers = pending[2:]
    assert {m.entity_id for m in answers} == {inspection_id}
    assert {m.base_version for m in answers} == {7}
    assert [m.args for m in answers] == [
        {"person_id": None, "question_id": "bewoners", "value": 4},
        {"person_id": person.id, "question_id": "paspoort_ingenomen", "value": "no"},
        {"person_id": None, "question_id": "bewoners", "value": None}]
    assert any_store.meta().next_mutation_id == 6
    with Session(any_store.engine) as s:
        row = s.get(OutboxRow, 3)
        assert row is not None and row.attempts == 0 and row.acked_at is None and row.last_error is None
        assert row.created_at.tzinfo == UTC


@pytest.mark.parametrize("trigger", [
    "BEFORE INSERT ON answer",  # the first write
    "AFTER UPDATE ON sync_meta",  # the answer written, the mutation id taken
    "AFTER INSERT ON outbox",  # everything written, before the commit
])
def test_a_failure_mid_save_leaves_neither_answer_nor_mutation(any_store: SqliteStore, trigger: str) -> None:
    inspection_id = new_inspection(any_store)
    any_store.set_answer(inspection_id, "bewoners", 3, None)
    with any_store.engine.begin() as conn:
        conn.execute(text(f"CREATE TRIGGER fail_save {trigger} BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    for question, value in (("bewoners", 4), ("vergunning", True)):  # an update and a new answer
        with pytest.raises(IntegrityError, match="disk full"):
            any_store.set_answer(inspection_id, question, value, None)
        nothing_changed(any_store, inspection_id, {"bewoners": 3}, outbox=2, next_id=3)
    with any_store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER fail_save"))
    any_store.set_answer(inspection_id, "bewoners", 5, None)  # the connection was not left in a transaction
    assert [m.id for m in any_store.pending_mutations(10)] == [1, 2, 3]
    nothing_changed(any_store, inspection_id, {"bewoners": 5}, outbox=3, next_id=4)


def test_a_failed_save_hands_its_connection_back_outside_a_transaction(any_store: SqliteStore) -> None:
    """The writer rolls back itself: the pool's reset-on-return is a second line, not the one relied on."""
    inspection_id = new_inspection(any_store)
    with any_store.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER fail_save AFTER INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'x'); END"))
    handed_back: list[bool] = []

    def on_reset(dbapi_connection: Any, *_args: Any) -> None:
        handed_back.append(dbapi_connection.in_transaction)

    event.listen(any_store.engine, "reset", on_reset)
    try:
        with pytest.raises(IntegrityError):
            any_store.set_answer(inspection_id, "bewoners", 4, None)
    finally:
        event.remove(any_store.engine, "reset", on_reset)
    assert handed_back == [False]


def test_a_value_that_cannot_be_stored_is_rolled_back(any_store: SqliteStore) -> None:
    inspection_id = new_inspection(any_store)
    with pytest.raises(TypeError):  # the service validates first; the store still writes nothing
        any_store.set_answer(inspection_id, "bewoners", {1, 2}, None)  # type: ignore[arg-type]
    nothing_changed(any_store, inspection_id, {}, outbox=1, next_id=2)
    any_store.set_answer(inspection_id, "bewoners", 2, None)
    nothing_changed(any_store, inspection_id, {"bewoners": 2}, outbox=2, next_id=3)


def test_a_finished_control_refuses_a_save_as_before(any_store: SqliteStore) -> None:
    inspection_id = new_inspection(any_store)
    any_store.set_answer(inspection_id, "bewoners", 3, None)
    any_store.finish(inspection_id, datetime.now(UTC))
    for value in (4, None):
        with pytest.raises(AnswerError) as err:
            any_store.set_answer(inspection_id, "bewoners", value, None)
        assert err.value.code == "inspection_finished"
    nothing_changed(any_store, inspection_id, {"bewoners": 3}, outbox=3, next_id=4)


def test_an_unknown_control_or_a_person_of_another_control_is_refused(any_store: SqliteStore) -> None:
    inspection_id, other = new_inspection(any_store), new_inspection(any_store)
    stranger = any_store.add_person(other)
    with pytest.raises(AppError) as unknown:
        any_store.set_answer(uuid.uuid4(), "bewoners", 1, None)
    assert unknown.value.code == "inspection_not_found"
    for person_id in (stranger.id, "no-such-person"):
        with pytest.raises(AnswerError) as err:
            any_store.set_answer(inspection_id, "paspoort_ingenomen", "yes", person_id)
        assert err.value.code == "answer_invalid"
    nothing_changed(any_store, inspection_id, {}, outbox=3, next_id=4)


def test_saves_from_worker_threads_keep_ids_gap_free(any_store: SqliteStore) -> None:
    inspection_id = new_inspection(any_store)
    errors: list[BaseException] = []

    def save(start: int) -> None:
        try:
            for n in range(start, start + 25):
                any_store.set_answer(inspection_id, "bewoners", n, None)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(start,)) for start in (0, 100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [m.id for m in any_store.pending_mutations(100)] == list(range(1, 77))
    record = any_store.inspection(inspection_id)
    last = any_store.pending_mutations(1, after=75)[0]
    assert record is not None and record.answers == {"bewoners": last.args["value"]}
