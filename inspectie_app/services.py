"""``InspectorService``: what the inspector's views call (``contract.InspectorServiceProtocol``).

It enforces the rules (valid answers, no edits after finishing, required questions before finishing,
anonymous person labels), evaluates the flag locally with the synced catalogue — the same engine the
server runs — and keeps syncing in the background: every local change nudges the sync loop, and a
failed round only records its status, because the outbox keeps the work until the server has it.
Blocking work (SQLite, Pillow, file writes) runs in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import httpx

from inspectie_app.config import database_url, photos_dir
from inspectie_app.contract import (
    AnswerError,
    AppError,
    AssignedControl,
    ConflictNotice,
    FinishError,
    InspectionListItem,
    InspectionState,
    InspectorServiceProtocol,
    LocalIdentifier,
    LocalUser,
    LoginError,
    PhotoItem,
    SyncStatus,
)
from inspectie_app.photos import LONG_EDGE, process_photo, store_photo
from inspectie_app.store import InspectionRecord, InspectorStore, NewPhoto, SqliteStore, rejections, review_store
from inspectie_app.store.crypto import StoreKeyError
from inspectie_app.sync_client import CHUNK_SIZE, SyncClient, SyncError
from schemas.catalogue import Guidance
from schemas.engine import FlagResult, evaluate
from schemas.identifiers import IdentifierKind, problem
from schemas.records import Address, InspectionStatus, PersonRecord
from schemas.review import CommentRead
from schemas.templates import AnswerValue, Question, QuestionType, Scope, Template, check_answer, missing_required

log = logging.getLogger(__name__)

INSPECTOR_ROLE = "inspecteur"


def _now() -> datetime:
    """The device clock, for information only (started/finished times); sync never orders by it."""
    return datetime.now(UTC)


class InspectorService:
    """The inspector app's service over a local store and a sync client."""

    def __init__(self, *, store: InspectorStore, client: SyncClient, photos_dir: Path,
                 photo_long_edge: int = LONG_EDGE, device_name: str = "tablet") -> None:
        self._store = store
        self._client = client
        self._photos_dir = photos_dir
        self._photo_long_edge = photo_long_edge
        self._device_name = device_name
        self._sync_lock = asyncio.Lock()
        self._nudge = asyncio.Event()
        self._syncing = False
        self._autosync: asyncio.Task[None] | None = None
        self._refused_controls: set[UUID] = set()  # controls with open rejections (from the last ``sync_status``)

    # ---- user ----------------------------------------------------------------------------------

    async def current_user(self) -> LocalUser | None:
        """The user who logged in on this device (also offline)."""
        return await asyncio.to_thread(self._store.local_user)

    async def login(self, username: str, password: str) -> LocalUser:
        """Log in at the server (needs a connection), remember the user, then sync once. The same user logging in
        again (their token expired) keeps this tablet's device and its outbox. A user whose password was reset
        gets ``must_change_password``: nothing syncs until ``change_password``."""
        previous = await asyncio.to_thread(self._store.local_user)
        meta = await asyncio.to_thread(self._store.meta)
        again = previous is not None and previous.username == username.strip().lower()
        try:
            reply = await self._client.login(username, password, self._device_name,
                                             client_id=meta.client_id if again else None)
        except LoginError as exc:
            if exc.code == "login_device_revoked":  # this tablet was revoked while its user was logged out
                async with self._sync_lock:
                    await self._retire()
            raise
        if reply.user.role != INSPECTOR_ROLE:
            await self._client.logout(reply.token)  # the token the server just issued is of no use here
            raise LoginError("login_wrong_role", reply.user.role)
        user = LocalUser(reply.user.id, reply.user.username, reply.user.display_name, reply.user.role,
                         self._client.server_url, reply.must_change_password)
        async with self._sync_lock:
            previous = await asyncio.to_thread(self._store.local_user)
            if previous is not None and previous.id != user.id:
                await self._forget_user()
            await asyncio.to_thread(self._store.save_login, user, token=reply.token, device_id=str(reply.device_id))
        if not reply.must_change_password:
            await self.sync_now()
        return user

    async def change_password(self, current: str, new: str) -> None:
        """Replace a reset password at the server, then sync."""
        await self._client.change_password(current, new)
        await self.sync_now()

    async def logout(self) -> None:
        """End the token at the server (when reachable) and forget the user and their data on this device; refused
        while work is unsynced."""
        async with self._sync_lock:
            status = await self.sync_status()
            if status.pending_changes or status.pending_photos:
                raise AppError("logout_pending", f"{status.pending_changes} changes, {status.pending_photos} photos")
            await self._client.logout()
            await self._forget_user()

    async def _forget_user(self) -> None:
        status = await self.sync_status()
        if status.pending_changes or status.pending_photos:
            raise AppError("logout_pending", f"{status.pending_changes} changes, {status.pending_photos} photos")
        files = await asyncio.to_thread(self._store.forget_user)
        await asyncio.to_thread(_delete_files, files)

    async def _retire(self) -> None:
        """The server revoked this device (the caller holds the sync lock). Delete what the server already has,
        hand the unsynced work over (into quarantine on the server), then delete the database, the photos and the
        key. When the handover cannot finish now (offline), the unsynced work stays, encrypted, the app stays
        locked, and the next contact tries again: nothing is lost and nothing else stays readable."""
        await asyncio.to_thread(self._store.mark_revoked)
        await asyncio.to_thread(_delete_files, await asyncio.to_thread(self._store.purge_synced))
        try:
            handed = await self._client.hand_over()
        except SyncError as exc:
            log.info("revoked device: handover not finished (%s); kept encrypted, retried later", exc)
            await asyncio.to_thread(self._store.record_sync, error="sync_device_revoked")
            return
        token = (await asyncio.to_thread(self._store.meta)).token
        await asyncio.to_thread(self._store.wipe)
        await asyncio.to_thread(shutil.rmtree, self._photos_dir, True)
        if token:
            await self._client.confirm_wiped(token)
        await asyncio.to_thread(self._store.record_sync, error="sync_device_wiped")
        log.warning("revoked device: %d unsynced changes handed over; local data, photos and key deleted", handed)

    # ---- lists ---------------------------------------------------------------------------------

    async def assigned_controls(self) -> list[AssignedControl]:
        """Planned controls assigned to this inspector that are still to do, by date (one whose control the
        inspector finished is listed with their controls instead)."""
        return await asyncio.to_thread(self._assigned)

    def _assigned(self) -> list[AssignedControl]:
        finished = {r.id for r in self._store.inspection_summaries() if r.status is InspectionStatus.FINISHED}
        return [AssignedControl(pc.id, pc.control_type, pc.template_id, pc.scheduled_on, pc.address,
                                list(pc.partners), pc.briefing, inspection_id, start_time=pc.start_time,
                                establishment_name=pc.establishment_name)
                for pc, inspection_id in self._store.planned_controls() if inspection_id not in finished]

    async def inspections(self) -> list[InspectionListItem]:
        """Local inspections, newest first, with the server's level once synced (else the local one)."""
        return await asyncio.to_thread(self._list_items)

    def _list_items(self) -> list[InspectionListItem]:
        """The server's level for a synced control, else the tablet's own — kept with a fingerprint of what it was
        computed from (``store.home_list``), so only a control changed since the last list is evaluated again."""
        unsynced = self._store.unsynced_inspection_ids()
        items: list[InspectionListItem] = []
        computed: dict[UUID, tuple[str, int | None]] = {}
        for r in self._store.inspection_summaries():
            level: int | None
            if r.server_level is not None and r.id not in unsynced:
                level = r.server_level
            elif r.cached_level is not None and r.cached_level[0] == r.fingerprint:
                level = r.cached_level[1]
            else:
                record = self._store.inspection(r.id)
                level = None if record is None else self._local_level(record)
                computed[r.id] = (r.fingerprint, level)
            items.append(InspectionListItem(r.id, r.control_type, r.address, r.status, r.started_at, r.finished_at,
                                            level, r.id in unsynced))
        self._store.save_levels(computed)
        return items

    def _local_level(self, record: InspectionRecord) -> int | None:
        template = self._store.template(record.template_id, record.template_version)
        catalogue = self._store.catalogue()
        if template is None or catalogue is None:
            return None
        return evaluate(template, catalogue, record.answers, record.persons).level

    async def urgent_guidance(self) -> Guidance | None:
        """The synced catalogue's urgent guidance (shown at level 3), or None before the first sync."""
        catalogue = await asyncio.to_thread(self._store.catalogue)
        return None if catalogue is None else catalogue.urgent_guidance

    async def templates(self) -> list[Template]:
        """The newest synced version of each template."""
        return await asyncio.to_thread(self._store.templates)

    # ---- one inspection ------------------------------------------------------------------------

    async def start_inspection(self, *, template_id: str, address: Address,
                               planned_control_id: UUID | None = None) -> UUID:
        """Start a draft with the newest template version (or return the one already started for a plan)."""
        return await asyncio.to_thread(self._start, template_id, address, planned_control_id)

    def _start(self, template_id: str, address: Address, planned_control_id: UUID | None) -> UUID:
        if planned_control_id is not None:
            for pc, inspection_id in self._store.planned_controls():
                if pc.id == planned_control_id and inspection_id is not None:
                    return inspection_id
        template = self._store.template(template_id)
        if template is None:
            raise AppError("template_unknown", template_id)
        inspection_id = uuid.uuid4()
        self._store.create_inspection(inspection_id=inspection_id, template=template, address=address,
                                      planned_control_id=planned_control_id, started_at=_now())
        self._nudge.set()
        return inspection_id

    async def inspection(self, inspection_id: UUID) -> InspectionState:
        """Everything the checklist screen shows, with the locally evaluated flag."""
        return await asyncio.to_thread(self._state, inspection_id)

    def _state(self, inspection_id: UUID) -> InspectionState:
        record, template = self._load(inspection_id)
        server = self._store.server_flag(inspection_id)
        return InspectionState(record.id, template, record.address, record.status, record.note, record.answers,
                               record.persons, record.photos, self._flag(template, record),
                               server.level if server else None)

    def _load(self, inspection_id: UUID) -> tuple[InspectionRecord, Template]:
        record = self._store.inspection(inspection_id)
        if record is None:
            raise AppError("inspection_not_found", str(inspection_id))
        template = self._store.template(record.template_id, record.template_version)
        if template is None:
            raise AppError("template_unknown", f"{record.template_id}@{record.template_version}")
        return record, template

    def _flag(self, template: Template, record: InspectionRecord) -> FlagResult:
        catalogue = self._store.catalogue()
        if catalogue is None:  # nothing synced yet: no signals can be computed, show none
            return FlagResult(level=0, profile=None, catalogue="", template=template.key, subjects=[], findings=[],
                              urgent=False)
        return evaluate(template, catalogue, record.answers, record.persons)

    async def set_answer(self, inspection_id: UUID, question_id: str, value: AnswerValue,
                         person_id: str | None = None) -> InspectionState:
        """Validate and save one answer (with its outbox entry); returns the re-evaluated state."""
        await asyncio.to_thread(self._set_answer, inspection_id, question_id, value, person_id)
        self._nudge.set()
        return await self.inspection(inspection_id)

    def _set_answer(self, inspection_id: UUID, question_id: str, value: AnswerValue, person_id: str | None) -> None:
        record, template = self._load(inspection_id)
        _require_draft(record)
        if person_id is not None and all(p.id != person_id for p in record.persons):
            raise AnswerError("answer_invalid", f"unknown person {person_id}")
        question = template.question(question_id, Scope.PREMISES if person_id is None else Scope.PERSON)
        if question is None:
            raise AnswerError("answer_invalid", f"unknown question {question_id}")
        problem = check_answer(question, value)
        if problem is not None:
            raise AnswerError("answer_invalid", problem)
        self._store.set_answer(inspection_id, question_id, value, person_id)
        if inspection_id in self._refused_controls:  # a refused answer given again: that rejection is fixed
            rejections.resolve_answer(self._store, inspection_id, question_id, person_id)  # type: ignore[arg-type]

    async def add_person(self, inspection_id: UUID) -> PersonRecord:
        """Add an anonymous person record ('Persoon N')."""
        person = await asyncio.to_thread(self._store.add_person, inspection_id)
        self._nudge.set()
        return person

    async def remove_person(self, inspection_id: UUID, person_id: str) -> None:
        """Remove a person record and its answers."""
        await asyncio.to_thread(self._store.remove_person, inspection_id, person_id)
        self._nudge.set()

    async def set_note(self, inspection_id: UUID, text: str) -> None:
        """Replace the inspection's free-text note."""
        if len(text) > 10_000:
            raise AnswerError("answer_invalid", "note longer than 10000 characters")
        await asyncio.to_thread(self._store.set_note, inspection_id, text)
        self._nudge.set()

    async def comments(self, inspection_id: UUID) -> list[CommentRead]:
        """The team lead's comments on a control (arrive by sync)."""
        return await asyncio.to_thread(review_store.comments, self._store, inspection_id)  # type: ignore[arg-type]

    async def identifiers(self, inspection_id: UUID) -> list[LocalIdentifier]:
        """The identifiers recorded on a control, oldest first."""
        return await asyncio.to_thread(review_store.identifiers, self._store, inspection_id)  # type: ignore[arg-type]

    async def add_identifier(self, inspection_id: UUID, kind: IdentifierKind, value: str,
                             question_id: str | None = None) -> LocalIdentifier:
        """Record a phone number, URL, intermediary, landlord, KvK number or plate on a control (with its outbox
        entry), from the Kenmerken panel or from the identifier question ``question_id``."""
        ident = await asyncio.to_thread(self._add_identifier, inspection_id, kind, value, question_id)
        self._nudge.set()
        return ident

    def _add_identifier(self, inspection_id: UUID, kind: IdentifierKind, value: str,
                        question_id: str | None) -> LocalIdentifier:
        record, template = self._load(inspection_id)
        _require_draft(record)
        refused = identifier_problem(kind, value)
        if refused is not None:
            raise AnswerError(refused, kind.value)
        if question_id is not None:
            question = template.question(question_id, Scope.PREMISES) or template.question(question_id, Scope.PERSON)
            if question is None or question.type is not QuestionType.IDENTIFIER or question.identifier_kind != kind:
                raise AnswerError("answer_invalid", f"{question_id} is not an identifier question for {kind.value}")
        return review_store.add_identifier(self._store, inspection_id, kind, value,  # type: ignore[arg-type]
                                           question_id=question_id)

    async def remove_identifier(self, inspection_id: UUID, identifier_id: UUID) -> None:
        """Remove an identifier of a control (queues ``identifier.remove.v1``): any of a draft, and on a finished
        control the one the server refused (it cannot be linked, and the sync bar would list it for ever)."""
        await asyncio.to_thread(self._change_identifier, inspection_id, identifier_id, None)
        self._nudge.set()

    async def correct_identifier(self, inspection_id: UUID, identifier_id: UUID, value: str) -> LocalIdentifier:
        """Replace an identifier's value, checked by the server's rule first (``schemas.identifiers.problem``):
        a value it would refuse raises AnswerError with that code and changes nothing."""
        ident = await asyncio.to_thread(self._change_identifier, inspection_id, identifier_id, value)
        self._nudge.set()
        assert ident is not None
        return ident

    def _change_identifier(self, inspection_id: UUID, identifier_id: UUID, value: str | None) -> LocalIdentifier | None:
        record, _template = self._load(inspection_id)
        store = self._store
        current = review_store.identifier(store, inspection_id, identifier_id)  # type: ignore[arg-type]
        if current is None:
            raise AppError("identifier_not_found", str(identifier_id))
        if current.refused is None:
            _require_draft(record)
        if value is None:
            review_store.remove_identifier(store, inspection_id, identifier_id)  # type: ignore[arg-type]
            return None
        refused = identifier_problem(current.kind, value)
        if refused is not None:
            raise AnswerError(refused, current.kind.value)
        return review_store.correct_identifier(store, inspection_id, identifier_id, value)  # type: ignore[arg-type]

    async def dismiss_rejection(self, mutation_id: int) -> None:
        """The inspector has seen a refused change that has no item to fix; the sync bar stops listing it."""
        await asyncio.to_thread(rejections.resolve, self._store, mutation_id)  # type: ignore[arg-type]

    async def thumbnail(self, photo: PhotoItem) -> bytes | None:
        """The photo's thumbnail, decrypted (None when its file is gone or unreadable)."""
        try:
            return await asyncio.to_thread(self._store.open_file, photo.thumbnail_path)
        except (OSError, StoreKeyError):
            return None

    async def add_photo(self, inspection_id: UUID, data: bytes, caption: str = "") -> PhotoItem:
        """Strip and store a photo, then record it; raises ``PhotoError`` for unusable input."""
        record, _template = await asyncio.to_thread(self._load, inspection_id)
        _require_draft(record)
        if len(caption) > 500:
            raise AnswerError("answer_invalid", "caption longer than 500 characters")
        processed = await asyncio.to_thread(process_photo, data, long_edge=self._photo_long_edge)
        stored = await asyncio.to_thread(store_photo, self._photos_dir, processed, self._store.seal_file)
        photo = NewPhoto(uuid.uuid4(), processed.sha256, len(processed.jpeg), processed.width, processed.height,
                         caption, str(stored.path), str(stored.thumbnail_path))
        item = await asyncio.to_thread(self._store.add_photo, inspection_id, photo)
        self._nudge.set()
        return item

    async def finish(self, inspection_id: UUID) -> FlagResult:
        """Finish the inspection; refused while visible required questions are unanswered."""
        flag = await asyncio.to_thread(self._finish, inspection_id)
        self._nudge.set()
        return flag

    def _finish(self, inspection_id: UUID) -> FlagResult:
        record, template = self._load(inspection_id)
        _require_draft(record)
        missing = missing_questions(template, record)
        if missing:
            raise FinishError(missing)
        self._store.finish(inspection_id, _now())
        return self._flag(template, record)

    # ---- sync ----------------------------------------------------------------------------------

    async def sync_now(self) -> SyncStatus:
        """Run one sync round now (waits for a running one); failures only show in the status."""
        async with self._sync_lock:
            self._syncing = True
            try:
                meta = await asyncio.to_thread(self._store.meta)
                if meta.revoked_at is not None:
                    await self._retire()  # the handover did not finish last time: try again
                elif meta.token is None:
                    pass  # nobody logged in (after a logout or a wipe): nothing to sync, the last message stays
                elif await self._client.sync() == "sync_device_revoked":
                    await self._retire()
            except Exception:  # a bug must not stop syncing for good; the outbox keeps the work
                log.exception("sync round failed unexpectedly")
                await asyncio.to_thread(self._store.record_sync, error="sync_server_error")
            finally:
                self._syncing = False
        return await self.sync_status()

    async def sync_status(self) -> SyncStatus:
        """Pending changes and photos, the last success and the last error."""
        return await asyncio.to_thread(self._status)

    def _status(self) -> SyncStatus:
        meta = self._store.meta()
        conflicts = [ConflictNotice(c.inspection_id, c.field, c.question_id, c.person_id, c.device_value,
                                    c.winner_value, c.status, c.office_value)
                     for c in self._store.conflicts() if c.status == "open"]
        refused = rejections.notices(self._store)  # type: ignore[arg-type]
        self._refused_controls = {r.inspection_id for r in refused if r.inspection_id is not None}
        return SyncStatus(pending_changes=self._store.outbox_count(),
                          pending_photos=self._store.pending_photo_count(),
                          last_success_at=meta.last_success_at, last_error=meta.last_error, syncing=self._syncing,
                          rejections=[r.message for r in self._store.rejections()], refused=refused,
                          conflicts=conflicts,
                          revoked=meta.revoked_at is not None)

    def start_autosync(self, interval: float = 10.0) -> asyncio.Task[None]:
        """Sync in the background every ``interval`` seconds and soon after every local change."""
        if self._autosync is None or self._autosync.done():
            self._autosync = asyncio.create_task(self._autosync_loop(interval), name="inspectie-autosync")
        return self._autosync

    async def stop_autosync(self) -> None:
        """Stop the background sync (a running round is cancelled; the outbox keeps its work)."""
        task, self._autosync = self._autosync, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _autosync_loop(self, interval: float) -> None:
        while True:
            self._nudge.clear()
            await self.sync_now()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._nudge.wait(), timeout=interval)

    async def aclose(self) -> None:
        """Stop syncing and release the HTTP client and the database."""
        await self.stop_autosync()
        await self._client.aclose()
        await asyncio.to_thread(self._store.close)


def missing_questions(template: Template, record: InspectionRecord) -> list[tuple[str | None, Question]]:
    """Visible required questions without an answer: premises first, then each person."""
    missing: list[tuple[str | None, Question]] = [
        (None, q) for q in missing_required(template.questions(Scope.PREMISES), record.answers)]
    for person in record.persons:
        missing += [(person.id, q) for q in missing_required(template.questions(Scope.PERSON), person.answers)]
    return missing


identifier_problem = problem
"""Why a value cannot be recorded as an identifier (a message key), or None: the server's own rule
(``schemas.identifiers.problem``), so a value it would refuse never reaches the outbox."""


def _require_draft(record: InspectionRecord) -> None:
    if record.status is not InspectionStatus.DRAFT:
        raise AnswerError("inspection_finished", str(record.id))


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def build_service(data_dir: Path, server_url: str, transport: httpx.AsyncBaseTransport | None = None, *,
                  photo_long_edge: int = LONG_EDGE, device_name: str = "tablet", timeout: float = 30.0,
                  photo_purge_days: float | None = 7.0, outbox_history_days: float = 0.0,
                  control_keep_days: float | None = 14.0, chunk_size: int | None = None) -> InspectorService:
    """The app's service over ``<data_dir>/inspectie.db`` (migrated now) and ``<data_dir>/photos``.

    ``photo_purge_days``: delete a full-size photo this long after the server confirmed it (None: never).
    ``control_keep_days``: delete a finished control the server holds in full this long after it was finished
    (None: never).
    ``outbox_history_days``: keep acknowledged mutations this long, to re-send them to a restored server (default 0:
    deleted once acknowledged). The store's key: ``store.keys.key_store_for`` (``INSPECTIE_APP_KEY_STORE``)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(database_url(data_dir), history_days=outbox_history_days)
    purge = None if photo_purge_days is None else timedelta(days=photo_purge_days)
    keep = None if control_keep_days is None else timedelta(days=control_keep_days)
    client = SyncClient(store, server_url, transport, timeout=timeout, photo_purge_delay=purge, control_keep=keep,
                        chunk_size=chunk_size or CHUNK_SIZE)
    return InspectorService(store=store, client=client, photos_dir=photos_dir(data_dir),
                            photo_long_edge=photo_long_edge, device_name=device_name)


if TYPE_CHECKING:  # mypy checks that the service implements the views' contract
    _contract_check: type[InspectorServiceProtocol] = InspectorService
