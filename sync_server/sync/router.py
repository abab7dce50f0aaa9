"""``POST /sync/push`` and ``POST /sync/pull``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header
from pydantic import ValidationError

from schemas.sync import SCHEMA_VERSION, PullRequest, PullResponse, PushRequest, PushResponse
from sync_server.auth.deps import CurrentUser
from sync_server.db import SessionDep
from sync_server.errors import ApiError
from sync_server.sync import service

router = APIRouter(prefix="/sync", tags=["sync"])
SchemaHeader = Annotated[int | None, Header(alias="X-Schema-Version")]


@router.post("/push", response_model=PushResponse)
def push(payload: Annotated[dict[str, Any], Body(description="a PushRequest")], user: CurrentUser,
         session: SessionDep, x_schema_version: SchemaHeader = None) -> PushResponse:
    """Apply the device's outbox; a push from outside the schema window is quarantined and acknowledged."""
    raw_version = payload.get("schema_version")
    body_version = raw_version if isinstance(raw_version, int) and not isinstance(raw_version, bool) else None
    version = service.effective_schema_version(body_version, x_schema_version)
    if version is not None and not service.in_window(version):
        return service.quarantine(session=session, user=user, payload=payload, schema_version=version)
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
