"""``/blobs/{sha256}``: HEAD for the resume offset, PATCH to append a chunk, GET to download.

Every answer is within the caller's organisation: a hash another organisation holds is "not here" (HEAD 404
with offset 0) and is uploaded again, so no organisation learns which photos another holds.

Only an inspecteur uploads (HEAD and PATCH; 403 for every other role), and every inspecteur uploads every byte of
a photo themselves, also when a colleague's copy is stored already (dedupe per uploader: ``BlobHolder``). So a
hash is never a download key: a control shows, and lets download, only the photos its own inspector uploaded.
A photo travels apart from its record and may arrive first: one that no control of the uploader references yet
is accepted up to ``upload_unreferenced_quota_bytes`` per inspector (counted over ``upload_expiry_hours``), and
unfinished uploads on disk up to ``upload_in_flight_quota_bytes``; past either the answer is 429
``upload_quota_exceeded`` and the tablet tries again at its next round (its file stays until the server has it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse, StreamingResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from sync_server.auth.deps import CurrentUser, require_roles
from sync_server.auth.schemas import Principal, Role
from sync_server.blobs import service
from sync_server.blobs.store import SHA256, BlobStore
from sync_server.config import Settings
from sync_server.db import READ_ONLY, SessionDep
from sync_server.errors import ApiError
from sync_server.review import audit

router = APIRouter(prefix="/blobs", tags=["blobs"])
Inspecteur = Annotated[Principal, Depends(require_roles(Role.INSPECTEUR))]
DIGITS = re.compile(r"[0-9]{1,18}")


def _sha(sha256: str) -> str:
    if not SHA256.fullmatch(sha256):  # fullmatch: "$" alone lets a trailing newline through
        raise ApiError("invalid_sha256")
    return sha256


def _int_header(request: Request, name: str) -> int:
    """A byte count from a header: ASCII digits only ("²" passes ``str.isdigit`` but not ``int``), at most 18."""
    raw = request.headers.get(name, "")
    if not DIGITS.fullmatch(raw):
        raise ApiError("upload_headers_invalid", detail=name)
    return int(raw)


def _holds(request: Request, user: Principal, sha256: str) -> bool:
    """Whether the caller has uploaded this photo completely (a read that never waits for SQLite's writer)."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        session.connection(execution_options=READ_ONLY)
        return service.holds(session=session, user=user, sha256=sha256)


def _record(request: Request, user: Principal, sha256: str, size: int) -> None:
    """Note the arrival in its own transaction, and have the announcer announce it after the commit when the
    sync lock was busy (``service.record``): the upload is answered without waiting for a push."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session, session.begin():
        owed = service.record(session=session, organisation_id=user.organisation_id, sha256=sha256, size=size,
                              uploaded_by=user.user_id)
    if owed:
        request.app.state.announcer.kick()


def _check_quota(request: Request, user: Principal, sha256: str, *, offset: int, length: int, chunk: int) -> None:
    """429 ``upload_quota_exceeded`` when this chunk would take the caller's unfinished uploads past their quota,
    or when a new upload (offset 0) of a photo no control of theirs references would take their unreferenced
    photos past theirs."""
    settings: Settings = request.app.state.settings
    store: BlobStore = request.app.state.blob_store
    if store.in_flight_bytes(user.organisation_id, user.user_id) + chunk > settings.upload_in_flight_quota_bytes:
        raise ApiError("upload_quota_exceeded", detail="unfinished uploads")
    if offset != 0:
        return
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    since = datetime.now(UTC) - timedelta(hours=settings.upload_expiry_hours)
    with factory() as session:
        session.connection(execution_options=READ_ONLY)
        if service.referenced_by_own_control(session=session, user=user, sha256=sha256):
            return
        waiting = service.unreferenced_bytes(session=session, user=user, since=since)
    if waiting + length > settings.upload_unreferenced_quota_bytes:
        raise ApiError("upload_quota_exceeded", detail="photos no control of yours references yet")


@router.head("/{sha256}")
def head_blob(sha256: str, request: Request, user: Inspecteur) -> Response:
    """200 when the caller has uploaded this photo completely; 404 with ``Upload-Offset`` (the bytes of the
    caller's own upload so far) otherwise, also when a colleague's copy is stored: the caller sends it themselves.

    After a restore of the database from an older backup than the photo files, a photo the database no longer
    knows the caller uploaded is uploaded again (the tablet re-checks every photo after a restore)."""
    store: BlobStore = request.app.state.blob_store
    sha, org = _sha(sha256), user.organisation_id
    if store.present(org, sha) and _holds(request, user, sha):
        return Response(status_code=200)
    return Response(status_code=404, headers={"Upload-Offset": str(store.offset(org, sha, user.user_id))})


async def _read_chunk(request: Request, limit: int, code: str) -> bytes:
    """The request body, refused with ``code`` as soon as it passes ``limit`` bytes."""
    parts: list[bytes] = []
    total = 0
    async for part in request.stream():
        total += len(part)
        if total > limit:
            raise ApiError(code)
        parts.append(part)
    return b"".join(parts)


@router.patch("/{sha256}", status_code=204)
async def patch_blob(sha256: str, request: Request, user: Inspecteur) -> Response:
    """Append the body at ``Upload-Offset``; 204 partial, 201 stored, 409 offset mismatch, 422 hash mismatch,
    429 quota (see the module docstring)."""
    settings: Settings = request.app.state.settings
    store: BlobStore = request.app.state.blob_store
    sha = _sha(sha256)
    offset, length = _int_header(request, "upload-offset"), _int_header(request, "upload-length")
    if length > settings.max_blob_bytes:
        raise ApiError("blob_too_large")
    if length == 0 or offset > length:
        raise ApiError("upload_headers_invalid")
    remaining = length - offset
    too_much = "upload_too_long" if remaining <= settings.max_chunk_bytes else "blob_too_large"
    chunk = await _read_chunk(request, min(settings.max_chunk_bytes, remaining), too_much)
    org = user.organisation_id
    if store.present(org, sha) and await run_in_threadpool(_holds, request, user, sha):
        return Response(status_code=201, headers={"Upload-Offset": str(length)})  # theirs already
    await run_in_threadpool(_check_quota, request, user, sha, offset=offset, length=length, chunk=len(chunk))
    result = await run_in_threadpool(store.append, org, sha, offset=offset, length=length, chunk=chunk,
                                     owner=user.user_id)
    headers = {"Upload-Offset": str(result.offset)}
    if result.status == "partial":
        return Response(status_code=204, headers=headers)
    if result.status == "complete":
        await run_in_threadpool(_record, request, user, sha, result.offset)
        return Response(status_code=201, headers=headers)
    raise ApiError(result.status, headers=headers)


@router.get("/{sha256}")
def get_blob(sha256: str, request: Request, user: CurrentUser, session: SessionDep) -> Response:
    """The stored photo, for reviewers and for the inspector whose inspection references it."""
    store: BlobStore = request.app.state.blob_store
    sha = _sha(sha256)
    org = user.organisation_id
    if not store.present(org, sha) or not service.may_download(session=session, user=user, sha256=sha):
        raise ApiError("not_found")
    audit.record(session=session, user=user, action="download_photo", object_type="photo", object_id=sha)
    local = store.local_path(org, sha)
    if local is not None:
        return FileResponse(local, media_type="image/jpeg")
    return StreamingResponse(_chunks(store.open(org, sha)), media_type="image/jpeg")  # S3: read through


def _chunks(source: IO[bytes], size: int = 256 * 1024) -> Iterator[bytes]:
    with source:
        while chunk := source.read(size):
            yield chunk
