"""The autosave path: one answer and its outbox row, in one transaction, on the DBAPI connection.

Why not through the session like every other write: the inspector's every tap lands here, and measured with
``benchmarks/autosave.py`` (docs/PERFORMANCE.md, "Autosave on the DBAPI connection") the session path spent about
4 ms of CPU per save building the four statements, generating their cache keys (the ``ON CONFLICT``'s ``excluded``
alias rebuilt every call, the types' cache keys) and running the ORM's transaction, against 0.15 ms for the
statements themselves. The commit was not slower through SQLAlchemy: on the store's own connection it took as long
as on a fresh one, with the same pragmas; it only looked slower because a process that has just burned milliseconds
of CPU waits longer for a core after its fsync on a busy machine. So the save runs here as plain SQL on the pooled
connection, whose driver keeps the statements prepared (pysqlite's statement cache).

What it keeps from the normal path, and the tests prove (tests/app/test_app_autosave.py): the connection's pragmas
(WAL, ``synchronous=FULL``, foreign keys, from ``db._on_connect``); one transaction for the answer and its
``answer.set.v1`` mutation, whose id is taken from ``sync_meta`` in that transaction (gap-free; a failed save takes
it back); values sealed by the columns' own bind processors, so the normal path reads them back; the same domain
errors (``inspection_not_found``, ``inspection_finished``, ``answer_invalid``) before anything is written; and a
driver error raised as SQLAlchemy's exception (``IntegrityError``, ``OperationalError``…) like any other write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Column, Engine, Table
from sqlalchemy.exc import DBAPIError

from inspectie_app.contract import AnswerError, AppError
from inspectie_app.store.models import AnswerRow, OutboxRow, utcnow
from schemas.records import InspectionStatus
from schemas.sync import SCHEMA_VERSION
from schemas.templates import AnswerValue

MUTATION = "answer.set.v1"

_STATUS = "SELECT status FROM inspection WHERE id = ?"
_PERSON = "SELECT inspection_id FROM person WHERE id = ?"
_DELETE = "DELETE FROM answer WHERE inspection_id = ? AND scope_key = ? AND question_id = ?"
_UPSERT = ("INSERT INTO answer (inspection_id, person_id, scope_key, question_id, value, updated_at) "
           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (inspection_id, scope_key, question_id) "
           "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
_NEXT_ID = ("UPDATE sync_meta SET next_mutation_id = next_mutation_id + 1 WHERE id = 1 "
            "RETURNING next_mutation_id, pull_cursor")
_OUTBOX = ("INSERT INTO outbox (mutation_id, name, entity_id, base_version, args, schema_version, created_at, "
           "attempts, last_error, acked_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, NULL)")


class _Failed(Exception):
    """A driver error with the statement it came from (turned into SQLAlchemy's exception by ``save``)."""

    def __init__(self, statement: str, params: tuple[Any, ...], orig: Exception) -> None:
        super().__init__(statement)
        self.statement, self.params, self.orig = statement, params, orig


class AnswerWriter:
    """Saves answers with their outbox rows through ``engine``'s pool (the caller holds the store's lock)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        answer, outbox = cast(Table, AnswerRow.__table__), cast(Table, OutboxRow.__table__)
        self._seal_value = _bind_processor(answer.c.value, engine)
        self._updated_at = _bind_processor(answer.c.updated_at, engine)
        self._seal_args = _bind_processor(outbox.c.args, engine)
        self._created_at = _bind_processor(outbox.c.created_at, engine)

    def save(self, inspection_id: UUID, question_id: str, value: AnswerValue, person_id: str | None) -> int:
        """Save (or clear, for None) one answer with its ``answer.set.v1`` mutation; returns the mutation id."""
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            try:
                return self._in_transaction(raw, cursor, inspection_id, question_id, value, person_id)
            finally:
                cursor.close()
        except _Failed as failed:
            raise DBAPIError.instance(failed.statement, failed.params, failed.orig, self._driver_error,
                                      dialect=self._engine.dialect) from failed.orig
        finally:
            raw.close()

    def _in_transaction(self, raw: Any, cursor: Any, inspection_id: UUID, question_id: str, value: AnswerValue,
                        person_id: str | None) -> int:
        """BEGIN IMMEDIATE … COMMIT around the save; anything raised rolls the whole save back."""
        self._run(cursor, "BEGIN IMMEDIATE", ())
        try:
            mutation_id = self._write(cursor, str(inspection_id), question_id, value, person_id)
            self._run(cursor, "COMMIT", ())
        except BaseException:
            if raw.driver_connection.in_transaction:
                cursor.execute("ROLLBACK")
            raise
        return mutation_id

    def _write(self, cursor: Any, inspection_id: str, question_id: str, value: AnswerValue,
               person_id: str | None) -> int:
        """The four statements: the draft check (and the person's), the answer, the mutation id, the outbox row."""
        self._check(cursor, inspection_id, person_id)
        scope_key = person_id or ""
        if value is None:
            self._run(cursor, _DELETE, (inspection_id, scope_key, question_id))
        else:
            now = self._updated_at(utcnow())
            self._run(cursor, _UPSERT, (inspection_id, person_id, scope_key, question_id, self._seal_value(value),
                                        now))
        next_id, pull_cursor = self._run(cursor, _NEXT_ID, ()).fetchone()
        mutation_id = int(next_id) - 1
        args = {"person_id": person_id, "question_id": question_id, "value": value}
        self._run(cursor, _OUTBOX, (mutation_id, MUTATION, inspection_id, pull_cursor, self._seal_args(args),
                                    SCHEMA_VERSION, self._created_at(utcnow())))
        return mutation_id

    def _check(self, cursor: Any, inspection_id: str, person_id: str | None) -> None:
        """The errors the session path raises: an unknown or finished control, a person of another control."""
        row = self._run(cursor, _STATUS, (inspection_id,)).fetchone()
        if row is None:
            raise AppError("inspection_not_found", inspection_id)
        if row[0] != InspectionStatus.DRAFT.value:
            raise AnswerError("inspection_finished", inspection_id)
        if person_id is not None:
            owner = self._run(cursor, _PERSON, (person_id,)).fetchone()
            if owner is None or owner[0] != inspection_id:
                raise AnswerError("answer_invalid", f"unknown person {person_id}")

    def _run(self, cursor: Any, statement: str, params: tuple[Any, ...]) -> Any:
        try:
            return cursor.execute(statement, params)
        except self._driver_error as exc:
            raise _Failed(statement, params, exc) from exc


def _bind_processor(column: Column[Any], engine: Engine) -> Callable[[Any], Any]:
    """What the column's type does to a value before the driver gets it (sealing, the UTC datetime's text)."""
    processor = column.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    return processor if processor is not None else (lambda value: value)
