"""The store interface the service and sync client use, and its SQLite implementation.

Every method is synchronous and short; callers on the event loop wrap them in ``asyncio.to_thread``.
Each local change is written with its outbox row in one transaction (``_tx``), and the mutation id
comes from ``sync_meta.next_mutation_id`` in that same transaction, so ids stay gap-free: a failed
change takes its id back with it. One lock serialises store calls from worker threads (an in-memory
store shares one connection; a file store has one writer anyway).

Each mutation records as ``base_version`` the pull cursor at the moment it was made: the server seq up to
which this tablet had seen the server's changes (corrections included), so the server can tell a deliberate
overwrite from a conflict without trusting any clock. Acknowledged mutations are deleted at once (the default), or
kept as history for ``history_days``: a server restored from a backup reports a lower ``last_mutation_id`` and gets
them again (docs/SYNC.md; a trade-off against keeping sent work on the tablet, docs/SECURITY.md).

Sensitive values and photo files are sealed with the store's key (``crypto``; the key from ``keys``). ``wipe``
deletes the database file, its WAL and the key, and starts an empty store with a new key.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, cast
from uuid import UUID

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from inspectie_app.contract import AnswerError, AppError, LocalUser, PhotoItem
from inspectie_app.store.autosave import AnswerWriter
from inspectie_app.store.crypto import StoreCipher, StoreKeyError, attach, new_key
from inspectie_app.store.db import MEMORY_URL, create_store_engine, migrate
from inspectie_app.store.home_list import InspectionSummary, save_levels, summaries
from inspectie_app.store.keys import KeyStore, key_store_for
from inspectie_app.store.models import (
    AnswerRow,
    CatalogueRow,
    ConflictRow,
    InspectionRow,
    LocalUserRow,
    OutboxRow,
    PersonRow,
    PhotoRow,
    PlannedControlRow,
    RejectionRow,
    ServerFlagRow,
    SyncMeta,
    TemplateRow,
    utcnow,
)
from inspectie_app.store.pulled import apply_change, put_rejection
from schemas.catalogue import Catalogue
from schemas.records import Address, InspectionStatus, PersonRecord, PlannedControlRead
from schemas.sync import SCHEMA_VERSION, Change, Mutation, Rejection
from schemas.templates import AnswerValue, Template

# the tables behind the rows, for ``_enqueue``'s statements that load no objects
_OUTBOX = cast(Table, OutboxRow.__table__)
_SYNC_META = cast(Table, SyncMeta.__table__)
_TAKE_MUTATION_ID = (update(_SYNC_META).where(_SYNC_META.c.id == 1)
                     .values(next_mutation_id=_SYNC_META.c.next_mutation_id + 1)
                     .returning(_SYNC_META.c.next_mutation_id, _SYNC_META.c.pull_cursor))
_ADD_MUTATION = insert(_OUTBOX)


@dataclass(frozen=True)
class SyncMetaView:
    client_id: UUID
    device_id: str | None
    token: str | None
    server_url: str
    pull_cursor: int
    next_mutation_id: int
    last_acked_mutation_id: int
    last_success_at: datetime | None
    last_error: str | None
    scope_epoch: int | None = None
    revoked_at: datetime | None = None  # the server revoked this device: hand over, then wipe


@dataclass(frozen=True)
class InspectionRecord:
    id: UUID
    template_id: str
    template_version: int
    control_type: str
    address: Address
    planned_control_id: UUID | None
    status: InspectionStatus
    note: str
    started_at: datetime
    finished_at: datetime | None
    answers: dict[str, AnswerValue]
    persons: list[PersonRecord]
    photos: list[PhotoItem]


@dataclass(frozen=True)
class ServerFlag:
    level: int
    flag: dict[str, Any]
    photos_expected: int
    photos_present: int


@dataclass(frozen=True)
class NewPhoto:
    id: UUID
    sha256: str
    size: int
    width: int
    height: int
    caption: str
    local_path: str
    thumbnail_path: str


@dataclass(frozen=True)
class PendingPhoto:
    sha256: str
    size: int
    local_path: str
    started: bool = True  # an upload may have begun before: ask the server for the offset first


@dataclass(frozen=True)
class LocalConflict:
    """A finding the team lead corrected while this tablet changed it too (see ``schemas.conflicts``)."""

    id: UUID
    inspection_id: UUID
    field: str
    person_id: str | None
    question_id: str | None
    device_value: Any
    winner: str
    winner_value: Any
    status: str
    office_value: Any = None  # for field "person": the dropped corrections (``schemas.conflicts.DroppedPerson``)


class InspectorStore(Protocol):
    """What the service and the sync client need from local storage."""

    def meta(self) -> SyncMetaView: ...
    def local_user(self) -> LocalUser | None: ...
    def save_login(self, user: LocalUser, *, token: str, device_id: str) -> None: ...
    def forget_user(self) -> list[str]: ...
    def record_sync(self, *, error: str | None) -> None: ...
    def templates(self) -> list[Template]: ...
    def template(self, template_id: str, version: int | None = None) -> Template | None: ...
    def catalogue(self) -> Catalogue | None: ...
    def planned_controls(self) -> list[tuple[PlannedControlRead, UUID | None]]: ...
    def server_flag(self, inspection_id: UUID) -> ServerFlag | None: ...
    def rejections(self) -> list[Rejection]: ...
    def apply_pull(self, changes: list[Change], cursor: int, last_mutation_id: int, *, reset: bool = False,
                   scope_epoch: int | None = None) -> None: ...
    def conflicts(self, inspection_id: UUID | None = None) -> list[LocalConflict]: ...
    def create_inspection(self, *, inspection_id: UUID, template: Template, address: Address,
                          planned_control_id: UUID | None, started_at: datetime) -> None: ...
    def inspection(self, inspection_id: UUID) -> InspectionRecord | None: ...
    def list_inspections(self) -> list[InspectionRecord]: ...
    def inspection_summaries(self) -> list[InspectionSummary]: ...
    def save_levels(self, levels: dict[UUID, tuple[str, int | None]]) -> None: ...
    def unsynced_inspection_ids(self) -> set[UUID]: ...
    def set_answer(self, inspection_id: UUID, question_id: str, value: AnswerValue,
                   person_id: str | None) -> None: ...
    def add_person(self, inspection_id: UUID) -> PersonRecord: ...
    def remove_person(self, inspection_id: UUID, person_id: str) -> None: ...
    def set_note(self, inspection_id: UUID, text: str) -> None: ...
    def add_photo(self, inspection_id: UUID, photo: NewPhoto) -> PhotoItem: ...
    def finish(self, inspection_id: UUID, finished_at: datetime) -> None: ...
    def pending_mutations(self, limit: int, after: int = 0) -> list[Mutation]: ...
    def mark_attempt(self, mutation_ids: list[int], error: str | None) -> None: ...
    def ack(self, last_mutation_id: int, rejections: list[Rejection]) -> int: ...
    def outbox_count(self) -> int: ...
    def photos_to_upload(self) -> list[PendingPhoto]: ...
    def mark_upload_started(self, sha256s: list[str]) -> None: ...
    def mark_photo_uploaded(self, sha256: str) -> None: ...
    def mark_photos_uploaded(self, sha256s: list[str]) -> None: ...
    def pending_photo_count(self) -> int: ...
    def purge_photos(self, confirmed_before: datetime) -> list[str]: ...
    def seal_file(self, data: bytes) -> bytes: ...
    def open_file(self, path: str) -> bytes: ...
    def mark_revoked(self) -> None: ...
    def purge_synced(self) -> list[str]: ...
    def purge_finished(self, finished_before: datetime) -> list[str]: ...
    def wipe(self) -> None: ...
    def close(self) -> None: ...


KEY_CHECK = "inspectie-store-key"


class SqliteStore:
    """``InspectorStore`` over SQLite; ``url`` may be ``sqlite://`` for a fast in-memory store.

    ``history_days``: keep acknowledged mutations this long (0: delete them once acknowledged). ``key_store``: where
    the store key lives (default: ``keys.key_store_for`` the database file)."""

    def __init__(self, url: str, *, history_days: float = 0.0, key_store: KeyStore | None = None) -> None:
        self._url = url
        self._history = timedelta(days=history_days)
        self._path = database_path(url)
        self._keys = key_store or key_store_for(self._path)
        self._lock = threading.RLock()
        self._parsed: dict[tuple[str, str, int], Any] = {}  # (kind, id, version) -> Template | Catalogue
        self._open()

    def _open(self) -> None:
        """Open (and migrate) the database with its key; a new store gets a new key, saved before any data is
        sealed with it. ``StoreKeyError`` when the key does not open the data (missing or wrong)."""
        self._parsed.clear()
        key = self._keys.load()
        if key is None:
            key = new_key()
            self._keys.save(key)
        self._cipher = StoreCipher(key)
        self._engine = create_store_engine(self._url)
        attach(self._engine, self._cipher)
        migrate(self._engine)
        self._answers = AnswerWriter(self._engine)
        with self._tx() as s:
            meta = s.get(SyncMeta, 1)
            if meta is None:
                s.add(_fresh_meta())
            elif meta.key_check is None:
                meta.key_check = KEY_CHECK
            elif meta.key_check != KEY_CHECK:
                raise StoreKeyError("the store key does not fit this store")

    @property
    def engine(self) -> Any:
        return self._engine

    @property
    def key_location(self) -> str:
        """Where the key is kept (for the log and the docs)."""
        return self._keys.description

    def seal_file(self, data: bytes) -> bytes:
        """``data`` encrypted for a photo file."""
        return self._cipher.seal_file(data)

    def open_file(self, path: str) -> bytes:
        """A photo file's bytes, decrypted."""
        return self._cipher.open_file(Path(path).read_bytes())

    def wipe(self) -> None:
        """Delete the database (its WAL too) and the key, then start an empty store with a new key: what was in it
        cannot be read back, not even from the disk's free blocks, since its key is gone."""
        with self._lock:
            self._engine.dispose()
            if self._path is not None:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(f"{self._path}{suffix}").unlink(missing_ok=True)
            self._keys.delete()
            self._open()

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._lock, Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    # ---- identity and sync progress -------------------------------------------------------

    def meta(self) -> SyncMetaView:
        """The device's sync identity and progress."""
        with self._tx() as s:
            m = _meta(s)
            return SyncMetaView(UUID(m.client_id), m.device_id, m.token, m.server_url, m.pull_cursor,
                                m.next_mutation_id, m.last_acked_mutation_id, m.last_success_at, m.last_error,
                                m.scope_epoch, m.revoked_at)

    def local_user(self) -> LocalUser | None:
        """The user who last logged in on this device, if any."""
        with self._tx() as s:
            row = s.scalars(select(LocalUserRow)).first()
            if row is None:
                return None
            return LocalUser(UUID(row.id), row.username, row.display_name, row.role, row.server_url)

    def save_login(self, user: LocalUser, *, token: str, device_id: str) -> None:
        """Remember the logged-in user and the device token."""
        with self._tx() as s:
            s.execute(delete(LocalUserRow))
            s.add(LocalUserRow(id=str(user.id), username=user.username, display_name=user.display_name,
                               role=user.role, server_url=user.server_url, logged_in_at=utcnow()))
            m = _meta(s)
            m.token, m.device_id, m.server_url = token, device_id, user.server_url

    def forget_user(self) -> list[str]:
        """Purge the user's data and sync identity (caller checked nothing is pending); returns photo files."""
        with self._tx() as s:
            files = [p for row in s.scalars(select(PhotoRow)) for p in (row.local_path, row.thumbnail_path)]
            for model in (InspectionRow, PlannedControlRow, ServerFlagRow, RejectionRow, LocalUserRow, OutboxRow,
                          ConflictRow):
                s.execute(delete(model))
            s.delete(_meta(s))
            s.flush()
            s.add(_fresh_meta())
            return files

    def record_sync(self, *, error: str | None) -> None:
        """Store the outcome of a sync round: success time, or the error key."""
        with self._tx() as s:
            m = _meta(s)
            m.last_error = error
            if error is None:
                m.last_success_at = utcnow()
            s.execute(delete(OutboxRow).where(OutboxRow.acked_at.is_not(None),
                                              OutboxRow.acked_at < utcnow() - self._history))

    def mark_revoked(self) -> None:
        """The server revoked this device: from now on the app only hands over its unsynced work, then wipes."""
        with self._tx() as s:
            meta = _meta(s)
            meta.revoked_at = meta.revoked_at or utcnow()

    def purge_synced(self) -> list[str]:
        """Delete everything the server already has (controls with nothing unsynced, planned controls, flags,
        comments, conflicts, rejections); keep the unsynced work, the token and the outbox for the handover.
        Returns the photo files to delete."""
        with self._tx() as s:
            unsynced = {str(i) for i in _unsynced_ids(s)}
            synced = [r for r in s.scalars(select(InspectionRow)) if r.id not in unsynced]
            files = [p for row in s.scalars(select(PhotoRow).where(PhotoRow.inspection_id.in_([r.id for r in synced])))
                     for p in (row.local_path, row.thumbnail_path)]
            for row in synced:
                s.delete(row)
            for model in (PlannedControlRow, ServerFlagRow, RejectionRow, ConflictRow):
                s.execute(delete(model))
            return files

    def purge_finished(self, finished_before: datetime) -> list[str]:
        """Delete controls finished before ``finished_before`` that the server holds in full: every change
        acknowledged, every photo uploaded, no open conflict. Drafts always stay. With them go their persons,
        answers, photos, the server's flag and settled conflicts. Returns the photo files to delete."""
        with self._tx() as s:
            unsynced = {str(i) for i in _unsynced_ids(s)}
            open_conflicts = set(s.scalars(select(ConflictRow.inspection_id).where(ConflictRow.status == "open")))
            expired = [r for r in s.scalars(select(InspectionRow).where(
                InspectionRow.status == InspectionStatus.FINISHED.value,
                InspectionRow.finished_at.is_not(None), InspectionRow.finished_at < finished_before))
                if r.id not in unsynced and r.id not in open_conflicts]
            ids = [r.id for r in expired]
            if not ids:
                return []
            photos = list(s.scalars(select(PhotoRow).where(PhotoRow.inspection_id.in_(ids))))
            kept = {p for row in s.execute(select(PhotoRow.local_path, PhotoRow.thumbnail_path)
                                           .where(PhotoRow.inspection_id.not_in(ids))) for p in row}
            files = sorted({p for row in photos for p in (row.local_path, row.thumbnail_path)
                            if p and p not in kept})
            for row in expired:
                s.delete(row)
            s.execute(delete(ServerFlagRow).where(ServerFlagRow.inspection_id.in_(ids)))
            s.execute(delete(ConflictRow).where(ConflictRow.inspection_id.in_(ids)))
            return files

    # ---- server data -----------------------------------------------------------------------

    def templates(self) -> list[Template]:
        """The newest version of each synced template."""
        with self._tx() as s:
            newest: dict[str, TemplateRow] = {}
            for row in s.scalars(select(TemplateRow).order_by(TemplateRow.id, TemplateRow.version)):
                newest[row.id] = row
            return [Template.model_validate(r.data) for r in newest.values()]

    def template(self, template_id: str, version: int | None = None) -> Template | None:
        """One template version, or the newest when ``version`` is None (parsed once: a version never changes)."""
        with self._tx() as s:
            query = select(TemplateRow.version).where(TemplateRow.id == template_id)
            if version is not None:
                query = query.where(TemplateRow.version == version)
            found = s.scalars(query.order_by(TemplateRow.version.desc()).limit(1)).first()
            if found is None:
                return None
            key = ("template", template_id, found)
            if key not in self._parsed:
                row = s.get(TemplateRow, (template_id, found))
                assert row is not None
                self._parsed[key] = Template.model_validate(row.data)
            parsed: Template = self._parsed[key]
            return parsed

    def catalogue(self) -> Catalogue | None:
        """The newest synced indicator catalogue (parsed once: a version never changes)."""
        with self._tx() as s:
            found = s.execute(select(CatalogueRow.id, CatalogueRow.version)
                              .order_by(CatalogueRow.version.desc()).limit(1)).first()
            if found is None:
                return None
            key = ("catalogue", found.id, found.version)
            if key not in self._parsed:
                row = s.get(CatalogueRow, (found.id, found.version))
                assert row is not None
                self._parsed[key] = Catalogue.model_validate(row.data)
            parsed: Catalogue = self._parsed[key]
            return parsed

    def planned_controls(self) -> list[tuple[PlannedControlRead, UUID | None]]:
        """Assigned controls by date, each with the local inspection started for it (if any)."""
        with self._tx() as s:
            rows = s.scalars(select(PlannedControlRow).order_by(PlannedControlRow.scheduled_on)).all()
            started = {r.planned_control_id: r.id for r in s.scalars(select(InspectionRow)) if r.planned_control_id}
            return [(PlannedControlRead.model_validate(r.data), _uuid_or_none(started.get(r.id))) for r in rows]

    def server_flag(self, inspection_id: UUID) -> ServerFlag | None:
        """The server's flag for an inspection, once synced."""
        with self._tx() as s:
            row = s.get(ServerFlagRow, str(inspection_id))
            if row is None:
                return None
            return ServerFlag(row.level, row.flag, row.photos_expected, row.photos_present)

    def rejections(self) -> list[Rejection]:
        """Mutations the server refused that the inspector has not fixed yet, oldest first."""
        with self._tx() as s:
            rows = s.scalars(select(RejectionRow).where(RejectionRow.resolved_at.is_(None))
                             .order_by(RejectionRow.mutation_id))
            return [Rejection(mutation_id=r.mutation_id, code=r.code, message=r.message) for r in rows]

    def apply_pull(self, changes: list[Change], cursor: int, last_mutation_id: int, *, reset: bool = False,
                   scope_epoch: int | None = None) -> None:
        """Apply one pulled page and its cursor in one transaction (all or nothing).

        ``reset``: the server starts over (scope changed, or it lost history): server-owned data is dropped
        first, in the same transaction. Inspector-owned data (inspections, outbox) is never touched."""
        self._parsed.clear()  # a version deleted or put again by the server is read afresh
        with self._tx() as s:
            if reset:
                for model in (TemplateRow, CatalogueRow, PlannedControlRow, ServerFlagRow, RejectionRow, ConflictRow):
                    s.execute(delete(model))
            for change in changes:
                apply_change(s, change)
            meta = _meta(s)
            meta.pull_cursor = cursor
            if scope_epoch is not None:
                meta.scope_epoch = scope_epoch
            _ack(s, last_mutation_id, [], keep_history=self._keeps_history)

    def conflicts(self, inspection_id: UUID | None = None) -> list[LocalConflict]:
        """Conflicts pulled from the server (open ones first), optionally of one inspection."""
        with self._tx() as s:
            query = select(ConflictRow)
            if inspection_id is not None:
                query = query.where(ConflictRow.inspection_id == str(inspection_id))
            rows = sorted(s.scalars(query), key=lambda r: (r.status != "open", r.id))
            return [_local_conflict(r) for r in rows]

    # ---- inspections -----------------------------------------------------------------------

    def create_inspection(self, *, inspection_id: UUID, template: Template, address: Address,
                          planned_control_id: UUID | None, started_at: datetime) -> None:
        """A new draft inspection and its ``inspection.create.v1`` mutation."""
        with self._tx() as s:
            s.add(InspectionRow(id=str(inspection_id), template_id=template.id, template_version=template.version,
                                control_type=template.control_type, address=address.model_dump(mode="json"),
                                planned_control_id=str(planned_control_id) if planned_control_id else None,
                                status=InspectionStatus.DRAFT.value, note="", started_at=started_at,
                                person_counter=0))
            _enqueue(s, "inspection.create.v1", inspection_id, {
                "template_id": template.id, "template_version": template.version,
                "control_type": template.control_type, "address": address.model_dump(mode="json"),
                "planned_control_id": str(planned_control_id) if planned_control_id else None,
                "started_at": started_at.isoformat(),
            })

    def inspection(self, inspection_id: UUID) -> InspectionRecord | None:
        """One inspection with its answers, persons and photos."""
        with self._tx() as s:
            row = s.get(InspectionRow, str(inspection_id))
            return None if row is None else _record(s, row)

    def list_inspections(self) -> list[InspectionRecord]:
        """All local inspections, newest first."""
        with self._tx() as s:
            rows = s.scalars(select(InspectionRow).order_by(InspectionRow.started_at.desc())).all()
            return [_record(s, r) for r in rows]

    def inspection_summaries(self) -> list[InspectionSummary]:
        """Every local control for the home list, newest first, in a fixed number of queries."""
        with self._tx() as s:
            return summaries(s)

    def save_levels(self, levels: dict[UUID, tuple[str, int | None]]) -> None:
        """Keep the tablet's own evaluations for the next home list (``store.home_list``)."""
        if levels:
            with self._tx() as s:
                save_levels(s, levels)

    def unsynced_inspection_ids(self) -> set[UUID]:
        """Inspections with outbox entries or photos the server has not acknowledged."""
        with self._tx() as s:
            return _unsynced_ids(s)

    def set_answer(self, inspection_id: UUID, question_id: str, value: AnswerValue,
                   person_id: str | None) -> None:
        """Save (or clear, for None) one answer with its ``answer.set.v1`` mutation.

        The inspector's every tap lands here (autosave), so it runs as plain SQL on the DBAPI connection
        (``autosave.AnswerWriter``: the same transaction, pragmas, sealing and errors as the session path, at a
        fraction of its CPU); ``benchmarks/autosave.py`` compares it with a bare SQLite insert+commit."""
        with self._lock:
            self._answers.save(inspection_id, question_id, value, person_id)

    def add_person(self, inspection_id: UUID) -> PersonRecord:
        """A new anonymous person record labelled 'Persoon N'."""
        with self._tx() as s:
            inspection = _draft(s, inspection_id)
            inspection.person_counter += 1
            person = PersonRow(id=str(uuid.uuid4()), inspection_id=str(inspection_id),
                               label=f"Persoon {inspection.person_counter}", ordinal=inspection.person_counter)
            s.add(person)
            _enqueue(s, "person.create.v1", inspection_id, {"person_id": person.id, "label": person.label})
            return PersonRecord(id=person.id, label=person.label)

    def remove_person(self, inspection_id: UUID, person_id: str) -> None:
        """Delete a person record and its answers."""
        with self._tx() as s:
            _draft(s, inspection_id)
            s.delete(_person(s, inspection_id, person_id))
            _enqueue(s, "person.delete.v1", inspection_id, {"person_id": person_id})

    def set_note(self, inspection_id: UUID, text: str) -> None:
        """Replace the inspection's note."""
        with self._tx() as s:
            _draft(s, inspection_id).note = text
            _enqueue(s, "inspection.update.v1", inspection_id, {"note": text})

    def add_photo(self, inspection_id: UUID, photo: NewPhoto) -> PhotoItem:
        """Record a photo whose files are already on disk, with its ``photo.attach.v1`` mutation."""
        with self._tx() as s:
            _draft(s, inspection_id)
            s.add(PhotoRow(id=str(photo.id), inspection_id=str(inspection_id), sha256=photo.sha256, size=photo.size,
                           width=photo.width, height=photo.height, caption=photo.caption,
                           local_path=photo.local_path, thumbnail_path=photo.thumbnail_path, uploaded=False,
                           created_at=utcnow()))
            _enqueue(s, "photo.attach.v1", inspection_id, {"photo_id": str(photo.id), "sha256": photo.sha256,
                                                           "size": photo.size, "caption": photo.caption})
            return PhotoItem(photo.id, photo.sha256, photo.caption, photo.thumbnail_path, False)

    def finish(self, inspection_id: UUID, finished_at: datetime) -> None:
        """Mark the inspection finished (the caller checked the required answers)."""
        with self._tx() as s:
            row = _draft(s, inspection_id)
            row.status, row.finished_at = InspectionStatus.FINISHED.value, finished_at
            _enqueue(s, "inspection.finish.v1", inspection_id, {"finished_at": finished_at.isoformat()})

    # ---- outbox and photos -----------------------------------------------------------------

    def pending_mutations(self, limit: int, after: int = 0) -> list[Mutation]:
        """The oldest unacknowledged mutations (with an id above ``after``), in id order."""
        with self._tx() as s:
            rows = s.scalars(select(OutboxRow).where(OutboxRow.acked_at.is_(None), OutboxRow.mutation_id > after)
                             .order_by(OutboxRow.mutation_id).limit(limit))
            return [Mutation(id=r.mutation_id, name=r.name, entity_id=UUID(r.entity_id),
                             base_version=r.base_version, args=r.args) for r in rows]

    def mark_attempt(self, mutation_ids: list[int], error: str | None) -> None:
        """Count a push attempt on these outbox rows."""
        with self._tx() as s:
            for row in s.scalars(select(OutboxRow).where(OutboxRow.mutation_id.in_(mutation_ids))):
                row.attempts += 1
                row.last_error = error

    def ack(self, last_mutation_id: int, rejections: list[Rejection]) -> int:
        """Drop outbox rows the server acknowledged and keep its rejections; returns rows dropped."""
        with self._tx() as s:
            return _ack(s, last_mutation_id, rejections, keep_history=self._keeps_history)

    @property
    def _keeps_history(self) -> bool:
        return self._history > timedelta(0)

    def outbox_count(self) -> int:
        """Mutations not yet acknowledged."""
        with self._tx() as s:
            return s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.acked_at.is_(None))) or 0

    def photos_to_upload(self) -> list[PendingPhoto]:
        """Photo files the server does not have yet, one per hash."""
        with self._tx() as s:
            rows = s.scalars(select(PhotoRow).where(PhotoRow.uploaded.is_(False)).order_by(PhotoRow.created_at))
            seen: dict[str, PendingPhoto] = {}
            started = set[str]()
            for r in rows:
                seen.setdefault(r.sha256, PendingPhoto(r.sha256, r.size, r.local_path, False))
                if r.upload_started:
                    started.add(r.sha256)
            return [PendingPhoto(p.sha256, p.size, p.local_path, p.sha256 in started) for p in seen.values()]

    def mark_upload_started(self, sha256s: list[str]) -> None:
        """Uploads of these contents are about to begin (one transaction for the whole list)."""
        if not sha256s:
            return
        with self._tx() as s:
            s.execute(update(PhotoRow).where(PhotoRow.sha256.in_(sha256s), PhotoRow.upload_started.is_(False))
                      .values(upload_started=True))

    def mark_photo_uploaded(self, sha256: str) -> None:
        """The server holds this content."""
        self.mark_photos_uploaded([sha256])

    def mark_photos_uploaded(self, sha256s: list[str]) -> None:
        """The server confirmed each of these contents (one transaction for the whole list)."""
        if not sha256s:
            return
        with self._tx() as s:
            for row in s.scalars(select(PhotoRow).where(PhotoRow.sha256.in_(sha256s))):
                row.uploaded = True
                row.upload_started = True
                row.confirmed_at = row.confirmed_at or utcnow()

    def pending_photo_count(self) -> int:
        """Photos whose content has not reached the server."""
        with self._tx() as s:
            query = select(func.count()).select_from(PhotoRow).where(PhotoRow.uploaded.is_(False))
            return s.scalar(query) or 0

    def purge_photos(self, confirmed_before: datetime) -> list[str]:
        """Mark full-size photos the server confirmed before ``confirmed_before`` as purged; returns their
        files for the caller to delete (thumbnails stay for the lists). A file shared by a photo that is
        not yet confirmed is kept."""
        with self._tx() as s:
            rows = list(s.scalars(select(PhotoRow).where(PhotoRow.purged.is_(False))))
            keep = {r.local_path for r in rows if r.confirmed_at is None or r.confirmed_at >= confirmed_before}
            files: list[str] = []
            for r in rows:
                if r.confirmed_at is not None and r.confirmed_at < confirmed_before:
                    r.purged = True
                    if r.local_path not in keep and r.local_path not in files:
                        files.append(r.local_path)
            return files


def _uuid_or_none(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def database_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL (None for an in-memory store)."""
    if url in (MEMORY_URL, "sqlite:///:memory:") or not url.startswith("sqlite:///"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def _fresh_meta() -> SyncMeta:
    return SyncMeta(id=1, client_id=str(uuid.uuid4()), server_url="", pull_cursor=0, next_mutation_id=1,
                    last_acked_mutation_id=0, key_check=KEY_CHECK)


def _unsynced_ids(s: Session) -> set[UUID]:
    ids = set(s.scalars(select(OutboxRow.entity_id).where(OutboxRow.acked_at.is_(None)).distinct()))
    ids |= set(s.scalars(select(PhotoRow.inspection_id).where(PhotoRow.uploaded.is_(False))))
    return {UUID(i) for i in ids}


def _meta(s: Session) -> SyncMeta:
    meta = s.get(SyncMeta, 1)
    assert meta is not None, "sync_meta row is created when the store opens"
    return meta


def _enqueue(s: Session, name: str, entity_id: UUID, args: dict[str, Any]) -> int:
    """Take the next gap-free mutation id and add the outbox row, inside the caller's transaction.

    Two statements, no objects loaded, both built once (``_TAKE_MUTATION_ID``, ``_ADD_MUTATION``: building them on
    every call cost more CPU than running them): the id is taken by ``UPDATE … RETURNING`` (a loaded ``SyncMeta`` in
    the session is flushed first and its counter expired, so it never writes back a stale one)."""
    s.flush()
    next_id, pull_cursor = s.execute(_TAKE_MUTATION_ID).one()
    loaded = s.identity_map.get(identity_key(SyncMeta, 1))
    if loaded is not None:
        s.expire(loaded, ["next_mutation_id"])
    mutation_id = int(next_id) - 1
    s.execute(_ADD_MUTATION, {"mutation_id": mutation_id, "name": name, "entity_id": str(entity_id),
                              "base_version": pull_cursor, "args": args, "schema_version": SCHEMA_VERSION,
                              "created_at": utcnow(), "attempts": 0})
    return mutation_id


def _ack(s: Session, last_mutation_id: int, rejections: list[Rejection], *, keep_history: bool) -> int:
    """Delete acknowledged rows (or move them into history); a server *behind* our last ack lost them: queue the
    history again."""
    meta = _meta(s)
    for r in rejections:
        sent = s.get(OutboxRow, r.mutation_id)
        put_rejection(s, r, name=sent.name if sent else None, inspection_id=sent.entity_id if sent else None,
                      args=sent.args if sent else None)
    if last_mutation_id < meta.last_acked_mutation_id:
        _requeue_after(s, last_mutation_id)
        return 0
    meta.last_acked_mutation_id = last_mutation_id
    acked = (OutboxRow.mutation_id <= last_mutation_id, OutboxRow.acked_at.is_(None))
    if keep_history:
        result = s.execute(update(OutboxRow).where(*acked).values(acked_at=utcnow()))
    else:
        result = s.execute(delete(OutboxRow).where(*acked))
    return int(getattr(result, "rowcount", 0) or 0)


def _requeue_after(s: Session, last_mutation_id: int) -> None:
    """The server was restored from a backup: send history after ``last_mutation_id`` again, and re-check
    every photo the server had confirmed (its files may predate the backup too)."""
    meta = _meta(s)
    s.execute(update(OutboxRow).where(OutboxRow.mutation_id > last_mutation_id).values(acked_at=None, attempts=0))
    meta.last_acked_mutation_id = last_mutation_id
    s.execute(update(PhotoRow).where(PhotoRow.purged.is_(False)).values(uploaded=False, upload_started=True))


def _draft(s: Session, inspection_id: UUID) -> InspectionRow:
    row = s.get(InspectionRow, str(inspection_id))
    if row is None:
        raise AppError("inspection_not_found", str(inspection_id))
    if row.status != InspectionStatus.DRAFT.value:
        raise AnswerError("inspection_finished", str(inspection_id))
    return row


def _person(s: Session, inspection_id: UUID, person_id: str) -> PersonRow:
    row = s.get(PersonRow, person_id)
    if row is None or row.inspection_id != str(inspection_id):
        raise AnswerError("answer_invalid", f"unknown person {person_id}")
    return row


def _record(s: Session, row: InspectionRow) -> InspectionRecord:
    answers = s.scalars(select(AnswerRow).where(AnswerRow.inspection_id == row.id)).all()
    persons = s.scalars(select(PersonRow).where(PersonRow.inspection_id == row.id).order_by(PersonRow.ordinal))
    photos = s.scalars(select(PhotoRow).where(PhotoRow.inspection_id == row.id).order_by(PhotoRow.created_at))
    by_scope: dict[str, dict[str, AnswerValue]] = {}
    for a in answers:
        by_scope.setdefault(a.scope_key, {})[a.question_id] = a.value
    return InspectionRecord(
        id=UUID(row.id), template_id=row.template_id, template_version=row.template_version,
        control_type=row.control_type, address=Address.model_validate(row.address),
        planned_control_id=UUID(row.planned_control_id) if row.planned_control_id else None,
        status=InspectionStatus(row.status), note=row.note, started_at=row.started_at, finished_at=row.finished_at,
        answers=by_scope.get("", {}),
        persons=[PersonRecord(id=p.id, label=p.label, answers=by_scope.get(p.id, {})) for p in persons],
        photos=[PhotoItem(UUID(p.id), p.sha256, p.caption, p.thumbnail_path, p.uploaded) for p in photos],
    )


def _local_conflict(r: ConflictRow) -> LocalConflict:
    d = r.data
    return LocalConflict(UUID(r.id), UUID(r.inspection_id), str(d.get("field", "")), d.get("person_id"),
                         d.get("question_id"), d.get("device_value"), str(d.get("winner", "")), d.get("winner_value"),
                         r.status, d.get("office_value"))


