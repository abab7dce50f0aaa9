"""``POST /sync/push`` and ``POST /sync/pull``; a revoked tablet's last handover (``POST /sync/handover``,
``PUT /sync/handover/photos/{sha256}``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from schemas.sync import SCHEMA_VERSION, PullRequest, PullResponse, PushRequest, PushResponse
from sync_server.auth.deps import CurrentUser, RevokedDevice
from sync_server.auth.schemas import Principal
from sync_server.blobs import service as blobs
from sync_server.blobs.store import SHA256, BlobStore
from sync_server.config import Settings
from sync_server.db import SessionDep
from sync_server.errors import ApiError
from sync_server.sync import handover as handover_service
from sync_server.sync import service

router = APIRouter(prefix="/sync", tags=["sync"])


class HandoverReceipt(BaseModel):
    received: int  # mutations kept in quarantine from this batch

SchemaHeader = Annotated[int | None, Header(alias="X-Schema-Version", ge=0, le=1_000_000)]


@router.post("/push", response_model=PushResponse)
async def push(payload: Annotated[dict[str, Any], Body(description="a PushRequest")], user: CurrentUser,
               session: SessionDep, http_request: Request, x_schema_version: SchemaHeader = None) -> PushResponse:
    """Apply the device's outbox; a push from outside the schema window is quarantined (within its limits: 413
    ``quarantine_full``) and acknowledged.

    Why ``async`` with the work in one worker thread: a push takes the sync lock and holds it until the request's
    session commits, after the response is serialized. A plain ``def`` endpoint's response is serialized in another
    worker thread, so with every thread of the pool taken by requests waiting for the lock, the holder could never
    get one to finish: all of them waited until the connection pool's timeout broke it with errors (the 500s of
    50 tablets at once, issue 13). Here the thread is released before the lock's holder needs anything more: the
    answer is serialized on the event loop, and the commit runs outside the thread pool's limit (FastAPI's exit of
    a dependency)."""
    return await run_in_threadpool(_push, payload, user, session, http_request, x_schema_version)


def _push(payload: dict[str, Any], user: Principal, session: Session, http_request: Request,
          x_schema_version: int | None) -> PushResponse:
    raw_version = payload.get("schema_version")
    body_version = raw_version if isinstance(raw_version, int) and not isinstance(raw_version, bool) else None
    version = service.effective_schema_version(body_version, x_schema_version)
    if version is not None and not service.in_window(version):
        settings: Settings = http_request.app.state.settings
        return service.quarantine(session=session, user=user, payload=payload, schema_version=version,
                                  max_bytes=settings.quarantine_max_push_bytes,
                                  quota_bytes=settings.quarantine_quota_bytes)
    try:
        request = PushRequest.model_validate(payload)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10])
        raise ApiError("validation_error", detail=detail) from None
    return service.push(session=session, user=user, request=request)


@router.post("/pull", response_model=PullResponse)
def pull(body: PullRequest, user: CurrentUser, session: SessionDep,
         x_schema_version: SchemaHeader = None) -> PullResponse:
    """Changes since the cursor for this user; 426 ``schema_unsupported`` for an app below the window."""
    version = service.effective_schema_version(body.schema_version, x_schema_version)
    if version is not None and version > SCHEMA_VERSION:
        raise ApiError("schema_too_new")
    if not service.in_window(version):
        raise ApiError("schema_unsupported")
    return service.pull(session=session, user=user, request=body, schema_version=version)


@router.post("/handover", response_model=HandoverReceipt)
def handover(payload: Annotated[dict[str, Any], Body(description="a PushRequest")], device: RevokedDevice,
             session: SessionDep, http_request: Request) -> HandoverReceipt:
    """A revoked device's unsynced mutations, kept raw in quarantine for a person to replay (``sync.handover``), up to
    the device's handover quota (413 ``handover_full``)."""
    settings: Settings = http_request.app.state.settings
    return HandoverReceipt(received=handover_service.receive(session=session, device=device, payload=payload,
                                                             quota_bytes=settings.handover_quota_bytes))


@router.put("/handover/photos/{sha256}", status_code=204)
async def handover_photo(sha256: str, request: Request, device: RevokedDevice) -> Response:
    """A photo the revoked device's handed-over (or already applied) work refers to, whole in one body."""
    if not SHA256.match(sha256):
        raise ApiError("invalid_sha256")
    settings: Settings = request.app.state.settings
    data = bytearray()
    async for part in request.stream():
        data += part
        if len(data) > settings.max_blob_bytes:
            raise ApiError("blob_too_large")
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        if not handover_service.expects_photo(session=session, device=device, sha256=sha256):
            raise ApiError("not_found")
    store: BlobStore = request.app.state.blob_store
    result = await run_in_threadpool(handover_service.store_photo, store, device.organisation_id, sha256,
                                     bytes(data))
    if result.status != "complete":
        raise ApiError(result.status)
    with factory() as session, session.begin():
        owed = blobs.record(session=session, organisation_id=device.organisation_id, sha256=sha256,
                            size=len(data), uploaded_by=device.user_id)
    if owed:
        request.app.state.announcer.kick()
    return Response(status_code=204)
