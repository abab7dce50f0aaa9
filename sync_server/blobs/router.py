"""``/blobs/{sha256}``: HEAD for the resume offset, PATCH to append a chunk, GET to download.

Every answer is within the caller's organisation: a hash another organisation holds is "not here" (HEAD 404
with offset 0) and is uploaded again, so no organisation learns which photos another holds."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from sync_server.auth.deps import CurrentUser
from sync_server.auth.schemas import Principal
from sync_server.blobs import service
from sync_server.blobs.store import SHA256, BlobStore
from sync_server.config import Settings
from sync_server.db import READ_ONLY, SessionDep
from sync_server.errors import ApiError
from sync_server.review import audit

router = APIRouter(prefix="/blobs", tags=["blobs"])
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


def _record(request: Request, user: Principal, sha256: str, size: int, *, check_first: bool = False) -> None:
    """Note the arrival in its own transaction, and have the announcer announce it after the commit when the
    sync lock was busy (``service.record``): the upload is answered without waiting for a push. With
    ``check_first`` (HEAD, where the row is usually there) a read comes first, so SQLite's writer is not
    waited for to learn that nothing is to be written."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    if check_first:
        with factory() as session:
            session.connection(execution_options=READ_ONLY)
            if service.known(session=session, organisation_id=user.organisation_id, sha256=sha256):
                return
    with factory() as session, session.begin():
        owed = service.record(session=session, organisation_id=user.organisation_id, sha256=sha256, size=size,
                              uploaded_by=user.user_id)
    if owed:
        request.app.state.announcer.kick()


@router.head("/{sha256}")
def head_blob(sha256: str, request: Request, user: CurrentUser) -> Response:
    """200 when the blob is stored complete; 404 with ``Upload-Offset`` (bytes received so far) otherwise.

    A stored file without its database row (the database was restored from an older backup than the photo
    files) gets its row back here, so the control counts the photo as present again."""
    store: BlobStore = request.app.state.blob_store
    sha, org = _sha(sha256), user.organisation_id
    if store.present(org, sha):
        _record(request, user, sha, store.final_path(org, sha).stat().st_size, check_first=True)
        return Response(status_code=200)
    return Response(status_code=404, headers={"Upload-Offset": str(store.offset(org, sha))})


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
async def patch_blob(sha256: str, request: Request, user: CurrentUser) -> Response:
    """Append the body at ``Upload-Offset``; 204 partial, 201 stored, 409 offset mismatch, 422 hash mismatch."""
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
    result = await run_in_threadpool(store.append, org, sha, offset=offset, length=length, chunk=chunk)
    headers = {"Upload-Offset": str(result.offset)}
    if result.status == "partial":
        return Response(status_code=204, headers=headers)
    if result.status == "complete":
        await run_in_threadpool(_record, request, user, sha, result.offset)
        return Response(status_code=201, headers=headers)
    raise ApiError(result.status, headers=headers)


@router.get("/{sha256}")
def get_blob(sha256: str, request: Request, user: CurrentUser, session: SessionDep) -> FileResponse:
    """The stored photo, for reviewers and for the inspector whose inspection references it."""
    store: BlobStore = request.app.state.blob_store
    sha = _sha(sha256)
    org = user.organisation_id
    if not store.present(org, sha) or not service.may_download(session=session, user=user, sha256=sha):
        raise ApiError("not_found")
    audit.record(session=session, user=user, action="download_photo", object_type="photo", object_id=sha)
    return FileResponse(store.final_path(org, sha), media_type="image/jpeg")
