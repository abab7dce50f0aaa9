"""The tablet's side of the sync protocol: push the outbox, upload photos, pull server changes.

Nothing is deleted before the server says so: outbox rows go only when a ``last_mutation_id`` (from
push or pull) covers them, and a photo counts as uploaded only on the server's 200/201. Every failure
is classified into one of four status keys the UI can show — ``sync_offline`` (no connection,
timeouts), ``sync_server_error`` (5xx or a reply that makes no sense), ``sync_unauthorized`` (401/403)
and ``sync_update_app`` (426, or pulled data this app version cannot read); ``sync_history_lost`` when a
server restored from an old backup needs mutations this tablet no longer keeps — and the next round simply
tries again. All database work runs in worker threads so Flet's event loop never blocks.

A server that reports a ``last_mutation_id`` below this tablet's last acknowledgement was restored from a
backup: the store queues its outbox history after that id again, and every photo is re-checked (HEAD) and
re-uploaded where the server lacks it; where the history does not reach back that far, every round ends in
``sync_history_lost`` (checked at each pull, also with nothing to send). Full-size photos are deleted only
``photo_purge_delay`` after the server confirmed them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import httpx
from pydantic import ValidationError

from inspectie_app.contract import AppError, LoginError
from inspectie_app.store import InspectorStore, PendingPhoto, PullDataError
from inspectie_app.store.crypto import StoreKeyError
from schemas.accounts import PasswordChange
from schemas.records import LoginRequest, LoginResponse
from schemas.sync import (
    MAX_MUTATIONS_PER_PUSH,
    SCHEMA_VERSION,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
)

log = logging.getLogger(__name__)

API = "/api/v1"
CHUNK_SIZE = 1024 * 1024
PULL_PAGE_SIZE = 500
MAX_UPLOAD_CONFLICTS = 5
PARALLEL_UPLOADS = 3
HANDOVER_BATCH = 50  # a revoked device's mutations per handover request: well within the server's body limit
CONFIRM_BATCH = 32

M = TypeVar("M", PushResponse, PullResponse)


class SyncError(AppError):
    """codes: sync_offline, sync_server_error, sync_unauthorized, sync_update_app, sync_history_lost; for a token
    the server no longer takes: sync_login_again (expired or ended: log in again, the work stays),
    sync_account_disabled, sync_password_change (a reset password must be replaced first), sync_device_revoked
    (hand over and wipe)"""


# the server's 401/403 codes for a token, and what the tablet makes of them
TOKEN_REFUSALS = {"token_expired": "sync_login_again", "session_ended": "sync_login_again",
                  "not_authenticated": "sync_login_again", "client_id_mismatch": "sync_login_again",
                  "account_disabled": "sync_account_disabled", "password_change_required": "sync_password_change",
                  "device_revoked": "sync_device_revoked"}
LOGIN_REFUSALS = {"account_disabled": "login_account_disabled", "device_revoked": "login_device_revoked"}
PASSWORD_REFUSALS = ("password_wrong", "password_too_short", "password_unchanged")


class SyncClient:
    """Talks to the server for one device; the httpx transport is injectable for tests."""

    def __init__(self, store: InspectorStore, server_url: str, transport: httpx.AsyncBaseTransport | None = None,
                 *, timeout: float = 30.0, chunk_size: int = CHUNK_SIZE,
                 photo_purge_delay: timedelta | None = timedelta(days=7),
                 control_keep: timedelta | None = timedelta(days=14)) -> None:
        self._store = store
        self._chunk_size = chunk_size
        self._purge_delay = photo_purge_delay
        self._control_keep = control_keep
        self._http = httpx.AsyncClient(base_url=server_url.rstrip("/"), transport=transport, timeout=timeout)

    @property
    def server_url(self) -> str:
        return str(self._http.base_url).rstrip("/")

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    # ---- login -------------------------------------------------------------------------------

    async def login(self, username: str, password: str, device_name: str = "tablet",
                    client_id: UUID | None = None) -> LoginResponse:
        """Exchange credentials for a device token (``client_id``: this tablet logs in again as the same user and
        keeps its device); raises ``LoginError``."""
        try:
            body = LoginRequest(username=username, password=password, device_name=device_name, client_id=client_id)
        except ValidationError:  # e.g. a control character pasted into the name (schemas.inputs)
            raise LoginError("login_failed") from None
        try:
            resp = await self._http.post(f"{API}/auth/login", json=body.model_dump(mode="json"),
                                         headers={"X-Schema-Version": str(SCHEMA_VERSION)})
        except httpx.TransportError as exc:
            raise LoginError("login_offline", type(exc).__name__) from None
        if resp.status_code in (401, 403, 422):
            raise LoginError(LOGIN_REFUSALS.get(_server_code(resp), "login_failed"))
        if resp.status_code == 429:
            raise LoginError("login_rate_limited")
        if resp.status_code == 426:
            raise LoginError("sync_update_app")
        if resp.status_code != 200:
            raise LoginError("login_offline", f"HTTP {resp.status_code}")
        try:
            return LoginResponse.model_validate_json(resp.content)
        except ValidationError:
            raise LoginError("login_offline", "unexpected login response") from None

    async def logout(self, token: str | None = None) -> None:
        """End this device's token (or ``token``) on the server (best effort: offline, it expires by itself)."""
        with contextlib.suppress(SyncError):
            await self._call("POST", f"{API}/auth/logout", allowed=(204, 401, 403), token=token)

    async def change_password(self, current: str, new: str) -> None:
        """Set a new password (after a beheerder's reset); raises ``AppError`` password_wrong, password_too_short,
        password_unchanged, or a ``SyncError``."""
        try:
            body = PasswordChange(current_password=current, new_password=new).model_dump()
        except ValidationError:
            raise AppError("password_too_short") from None
        resp = await self._call("POST", f"{API}/auth/password", json=body, allowed=(204, 422))
        if resp.status_code == 422:
            code = _server_code(resp)
            raise AppError(code if code in PASSWORD_REFUSALS else "password_too_short")

    # ---- a revoked device's last contact ------------------------------------------------------

    async def hand_over(self) -> int:
        """Send every unacknowledged mutation into the server's quarantine and every photo it lacks (the revoked
        token is good for that only, ``sync_server.sync.handover``); returns how many mutations went. Raises
        ``SyncError`` when any of it fails: then nothing may be wiped yet."""
        meta = await asyncio.to_thread(self._store.meta)
        after = sent = 0
        while batch := await asyncio.to_thread(self._store.pending_mutations, HANDOVER_BATCH, after):
            body = PushRequest(client_id=meta.client_id, schema_version=SCHEMA_VERSION, mutations=batch)
            await self._call("POST", f"{API}/sync/handover", json=body.model_dump(mode="json"))
            sent, after = sent + len(batch), batch[-1].id
        for photo in await asyncio.to_thread(self._store.photos_to_upload):
            data = await asyncio.to_thread(_read_verified, photo, self._store.open_file)
            # 404: no handed-over or stored work refers to it (e.g. its attachment was refused): nothing to keep
            await self._call("PUT", f"{API}/sync/handover/photos/{photo.sha256}", content=data, allowed=(204, 404))
        return sent

    async def confirm_wiped(self, token: str) -> None:
        """Tell the server this revoked device deleted its data and keys (best effort)."""
        with contextlib.suppress(SyncError):
            await self._call("POST", f"{API}/auth/wiped", allowed=(204, 401, 403), token=token)

    # ---- one sync round ------------------------------------------------------------------------

    async def sync(self) -> str | None:
        """Push and upload photos side by side (a record never waits for its photos), then pull; records and
        returns the first error key (None on success).

        When the pull queued work again (a restored server), push and upload run once more."""
        errors: list[str] = []

        async def step(fn: Callable[[], Awaitable[object]]) -> None:
            try:
                await fn()
            except SyncError as exc:
                log.info("sync step %s failed: %s", getattr(fn, "__name__", fn), exc)
                errors.append(exc.code)

        await asyncio.gather(step(self.push), step(self.upload_photos))
        for follow_up in (self.pull, self._again, self.purge_photos, self.purge_finished):
            if any(code != "sync_server_error" for code in errors):
                break
            await step(follow_up)
        error = errors[0] if errors else None
        await asyncio.to_thread(self._store.record_sync, error=error)
        return error

    async def _again(self) -> None:
        if await asyncio.to_thread(self._store.outbox_count):
            await self.push()
        if await asyncio.to_thread(self._store.pending_photo_count):
            await self.upload_photos()

    async def purge_photos(self) -> int:
        """Delete full-size photo files the server confirmed more than ``photo_purge_delay`` ago."""
        if self._purge_delay is None:
            return 0
        files = await asyncio.to_thread(self._store.purge_photos, datetime.now(UTC) - self._purge_delay)
        await asyncio.to_thread(_delete_files, files)
        return len(files)

    async def purge_finished(self) -> int:
        """Delete controls finished more than ``control_keep`` ago that the server holds in full (the tablet's
        retention period: the office keeps the record); returns how many photo files went with them."""
        if self._control_keep is None:
            return 0
        files = await asyncio.to_thread(self._store.purge_finished, datetime.now(UTC) - self._control_keep)
        await asyncio.to_thread(_delete_files, files)
        return len(files)

    async def push(self) -> int:
        """Send the outbox in id order, in batches; returns how many mutations the server acknowledged."""
        acked, requeued = 0, False
        while batch := await asyncio.to_thread(self._store.pending_mutations, MAX_MUTATIONS_PER_PUSH):
            meta = await asyncio.to_thread(self._store.meta)
            body = PushRequest(client_id=meta.client_id, schema_version=SCHEMA_VERSION, mutations=batch)
            ids = [m.id for m in batch]
            try:
                resp = await self._call("POST", f"{API}/sync/push", json=body.model_dump(mode="json"))
                reply = _parse(PushResponse, resp)
            except SyncError as exc:
                await asyncio.to_thread(self._store.mark_attempt, ids, exc.code)
                raise
            acked += await asyncio.to_thread(self._store.ack, reply.last_mutation_id, reply.rejections)
            if reply.last_mutation_id < ids[-1]:
                if reply.last_mutation_id < meta.last_acked_mutation_id and not requeued:
                    requeued = True  # restored server: the store queued our history again; send it
                    continue
                if reply.last_mutation_id < ids[0] - 1:
                    raise SyncError("sync_history_lost", f"server at {reply.last_mutation_id}, outbox at {ids[0]}")
                await asyncio.to_thread(self._store.mark_attempt, ids, "not_acknowledged")
                break  # the server stopped early (e.g. it saw a gap); try again next round
        return acked

    async def pull(self) -> int:
        """Fetch changes after the cursor until ``has_more`` is false; each page applied atomically."""
        applied = 0
        while True:
            meta = await asyncio.to_thread(self._store.meta)
            body = PullRequest(client_id=meta.client_id, schema_version=SCHEMA_VERSION, cursor=meta.pull_cursor,
                               limit=PULL_PAGE_SIZE, scope_epoch=meta.scope_epoch)
            page = _parse(PullResponse, await self._call("POST", f"{API}/sync/pull", json=body.model_dump(mode="json")))
            try:
                await asyncio.to_thread(self._store.apply_pull, page.changes, page.cursor, page.last_mutation_id,
                                        reset=page.reset, scope_epoch=page.scope_epoch)
            except PullDataError as exc:
                raise SyncError("sync_update_app", str(exc)) from None
            applied += len(page.changes)
            if not page.has_more or (page.cursor <= meta.pull_cursor and not page.reset):
                await self._check_history(page.last_mutation_id)
                return applied

    async def _check_history(self, server_last: int) -> None:
        """``sync_history_lost`` while the server lacks mutations this tablet no longer keeps: the server knows up to
        ``server_last``, the tablet can send from its first pending mutation (or its next id) on. Checked at every
        pull, so a tablet with nothing left to send is told too (a restored server; docs/SYNC.md)."""
        pending = await asyncio.to_thread(self._store.pending_mutations, 1)
        first = pending[0].id if pending else (await asyncio.to_thread(self._store.meta)).next_mutation_id
        if server_last < first - 1:
            raise SyncError("sync_history_lost", f"server at {server_last}, this tablet can send from {first}")

    # ---- photos --------------------------------------------------------------------------------

    async def upload_photos(self) -> int:
        """Upload every photo the server lacks, ``PARALLEL_UPLOADS`` at a time; returns how many completed.
        A connection problem stops the round; a server error on one photo does not stop the others.

        Confirmations are written to the store in groups of ``CONFIRM_BATCH`` (one transaction each) and
        whatever is left when the round ends, also when it fails; a photo is only ever marked after the
        server's 200/201. Confirmations lost with a killed app cost one HEAD each next round."""
        photos = await asyncio.to_thread(self._store.photos_to_upload)
        if not photos:
            return 0
        token = await self._token()
        await asyncio.to_thread(self._store.mark_upload_started, [p.sha256 for p in photos if not p.started])
        failures: list[SyncError] = []
        confirmed: list[str] = []
        gate = asyncio.Semaphore(PARALLEL_UPLOADS)
        done = 0

        async def confirm(*, at_least: int) -> None:
            nonlocal done
            if confirmed and len(confirmed) >= at_least:
                batch = confirmed.copy()
                confirmed.clear()
                await asyncio.to_thread(self._store.mark_photos_uploaded, batch)
                done += len(batch)

        async def one(photo: PendingPhoto) -> None:
            async with gate:
                if any(f.code != "sync_server_error" for f in failures):
                    return
                try:
                    await self._send_photo(photo, token)
                except SyncError as exc:
                    failures.append(exc)
                    return
            confirmed.append(photo.sha256)
            await confirm(at_least=CONFIRM_BATCH)

        try:
            await asyncio.gather(*(one(p) for p in photos))
        finally:
            await confirm(at_least=1)
        hard = [f for f in failures if f.code != "sync_server_error"]
        if hard or failures:
            raise (hard or failures)[0]
        return done

    async def upload_photo(self, photo: PendingPhoto) -> None:
        """Upload one photo and record the server's confirmation."""
        token = await self._token()
        if not photo.started:
            await asyncio.to_thread(self._store.mark_upload_started, [photo.sha256])
        await self._send_photo(photo, token)
        await asyncio.to_thread(self._store.mark_photo_uploaded, photo.sha256)

    async def _send_photo(self, photo: PendingPhoto, token: str) -> None:
        """Resumable upload: a photo never tried before starts with a PATCH at offset 0, one tried before asks
        HEAD for the offset first; then 1 MiB chunks; on 409 resume from the offset the reply names (HEAD
        when it names none), restart on 410 (expired) and once on 422 (the bytes arrived damaged). A server
        that already holds the content answers the first PATCH with 201."""
        data = await asyncio.to_thread(_read_verified, photo, self._store.open_file)
        url = f"{API}/blobs/{photo.sha256}"
        offset = await self._blob_offset(url, token) if photo.started else 0
        restarted, conflicts = False, 0
        while offset is not None:
            if offset >= len(data):
                raise SyncError("sync_server_error", f"server offset {offset} for a {len(data)}-byte photo")
            resp = await self._call("PATCH", url, content=data[offset:offset + self._chunk_size], headers={
                "Upload-Offset": str(offset), "Upload-Length": str(len(data)),
                "Content-Type": "application/offset+octet-stream"}, allowed=(200, 201, 204, 409, 410, 422),
                token=token)
            if resp.status_code in (200, 201):
                offset = None
            elif resp.status_code == 204:
                offset = _offset_header(resp, default=offset + self._chunk_size)
            elif resp.status_code == 410:
                conflicts += 1
                if conflicts > MAX_UPLOAD_CONFLICTS:
                    raise SyncError("sync_server_error", "upload keeps expiring")
                offset = 0
            elif resp.status_code == 409:
                conflicts += 1
                if conflicts > MAX_UPLOAD_CONFLICTS:
                    raise SyncError("sync_server_error", "upload offset keeps conflicting")
                named = _offset_header(resp, default=-1)
                offset = named if named >= 0 else await self._blob_offset(url, token)
            elif restarted:
                raise SyncError("sync_server_error", "server reports a hash mismatch twice")
            else:
                restarted, offset = True, 0

    async def _blob_offset(self, url: str, token: str) -> int | None:
        """None when the server has the whole blob, else the offset to resume from."""
        resp = await self._call("HEAD", url, allowed=(200, 404), token=token)
        return None if resp.status_code == 200 else _offset_header(resp, default=0)

    # ---- HTTP --------------------------------------------------------------------------------------

    async def _token(self) -> str:
        meta = await asyncio.to_thread(self._store.meta)
        if not meta.token:
            raise SyncError("sync_unauthorized", "not logged in")
        return meta.token

    async def _call(self, method: str, url: str, *, json: Any = None, content: bytes | None = None,
                    headers: dict[str, str] | None = None, allowed: tuple[int, ...] = (200,),
                    token: str | None = None) -> httpx.Response:
        """One authorised request (``token`` read from the store unless given, e.g. once per upload round);
        maps connection problems and unexpected statuses to ``SyncError``."""
        token = token or await self._token()
        all_headers = {"Authorization": f"Bearer {token}", "X-Schema-Version": str(SCHEMA_VERSION),
                       **(headers or {})}
        try:
            resp = await self._http.request(method, url, json=json, content=content, headers=all_headers)
        except httpx.TransportError as exc:
            raise SyncError("sync_offline", f"{method} {url}: {type(exc).__name__}") from None
        if resp.status_code in allowed:
            return resp
        raise _status_error(method, url, resp)


def _server_code(resp: httpx.Response) -> str:
    """The error code in a server's reply ("" when it sent none)."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


def _status_error(method: str, url: str, resp: httpx.Response) -> SyncError:
    where = f"{method} {url}: HTTP {resp.status_code}"
    if resp.status_code in (401, 403):
        return SyncError(TOKEN_REFUSALS.get(_server_code(resp), "sync_unauthorized"), where)
    if resp.status_code == 426:
        return SyncError("sync_update_app", where)
    return SyncError("sync_server_error", where)


def _parse(model: type[M], resp: httpx.Response) -> M:
    try:
        return model.model_validate_json(resp.content)
    except ValidationError:
        raise SyncError("sync_server_error", f"unexpected {model.__name__}") from None


def _offset_header(resp: httpx.Response, *, default: int) -> int:
    try:
        return max(0, int(resp.headers["Upload-Offset"]))
    except (KeyError, ValueError):
        return default


def _delete_files(paths: list[str]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def _read_verified(photo: PendingPhoto, read: Callable[[str], bytes]) -> bytes:
    """The photo's bytes (decrypted by ``read``), checked against its hash (a damaged file would be refused by the
    server anyway)."""
    try:
        data = read(photo.local_path)
    except OSError as exc:
        raise SyncError("sync_server_error", f"photo file unreadable: {exc.strerror}") from None
    except StoreKeyError as exc:
        raise SyncError("sync_server_error", f"photo file {photo.sha256[:12]}: {exc}") from None
    if hashlib.sha256(data).hexdigest() != photo.sha256:
        raise SyncError("sync_server_error", f"photo file {photo.sha256[:12]} is damaged")
    return data
