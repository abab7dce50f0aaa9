"""The last work of a revoked tablet: handed over into quarantine before the tablet wipes itself.

Why: a beheerder revokes a tablet that was lost or stolen, or that its inspector no longer uses. Its outbox may
still hold work the server never received. Applying it as a normal push would let whoever holds the tablet now
write into live controls; dropping it would lose an inspector's work. So a revoked device's token is good for
exactly three things until it confirms its wipe (``POST /auth/wiped``): ``POST /sync/handover`` (its unsynced
mutations, kept raw in ``quarantine`` with reason ``device_revoked``), ``PUT /sync/handover/photos/{sha256}`` (the
photos those mutations, or controls the server already has, are waiting for; any other photo is refused) and the
wipe confirmation. A person reviews the quarantined work and replays it (``inspectie-server quarantine replay``):
it is then applied as the inspector's own push (same client id and mutation ids, so nothing is applied twice).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.inputs import clean, cleaned
from schemas.sync import PushRequest, PushResponse
from sync_server.auth.models import Device, User
from sync_server.auth.schemas import Principal, Role
from sync_server.blobs.store import AppendResult, BlobStore
from sync_server.errors import ApiError
from sync_server.inspections.models import Inspection, Photo
from sync_server.sync import service as sync
from sync_server.sync.models import Quarantine
from sync_server.tenancy import access
from sync_server.tenancy.models import Team

REASON = "device_revoked"


def receive(*, session: Session, device: Principal, payload: dict[str, Any], quota_bytes: int) -> int:
    """Keep one batch of a revoked device's unsynced mutations raw in quarantine; returns how many it held.

    Up to ``quota_bytes`` for all of the device's handed-over batches (whoever holds a revoked tablet must not fill
    the disk): past it, 413 ``handover_full``; the tablet then keeps its work, encrypted, and the beheerder sees the
    device as revoked without a confirmed wipe."""
    stored = cleaned(payload)
    size = len(json.dumps(stored, separators=(",", ":"), ensure_ascii=False, default=str).encode())
    kept = session.scalar(select(func.coalesce(func.sum(Quarantine.size), 0))
                          .where(Quarantine.device_id == device.device_id, Quarantine.reason == REASON)) or 0
    if int(kept) + size > quota_bytes:
        raise ApiError("handover_full", detail=f"{size} bytes; {int(kept)} of {quota_bytes} kept")
    mutations = payload.get("mutations")
    version = payload.get("schema_version")
    session.add(Quarantine(user_id=device.user_id, client_id=clean(str(payload.get("client_id", "")))[:64],
                           schema_version=version if isinstance(version, int) and 0 <= version < 2**31 else None,
                           payload=stored, received_at=datetime.now(UTC), reason=REASON,
                           device_id=device.device_id, size=size))
    return len(mutations) if isinstance(mutations, list) else 0


def expects_photo(*, session: Session, device: Principal, sha256: str) -> bool:
    """Whether the revoked device may hand over this photo: one of its quarantined mutations attaches it, or a
    control of its inspector already references it."""
    referenced = session.scalar(select(Photo.id).join(Inspection, Inspection.id == Photo.inspection_id)
                                .where(Photo.sha256 == sha256, Inspection.inspector_id == device.user_id,
                                       access.in_organisation(Inspection, device.organisation_id)).limit(1))
    if referenced is not None:
        return True
    payloads = session.scalars(select(Quarantine.payload).where(Quarantine.device_id == device.device_id,
                                                                Quarantine.reason == REASON))
    return any(_attaches(payload, sha256) for payload in payloads)


def _attaches(payload: Any, sha256: str) -> bool:
    mutations = payload.get("mutations") if isinstance(payload, dict) else None
    for m in mutations if isinstance(mutations, list) else []:
        args = m.get("args") if isinstance(m, dict) else None
        attach = str(m.get("name", "")).startswith("photo.attach")
        if attach and isinstance(args, dict) and args.get("sha256") == sha256:
            return True
    return False


def store_photo(store: BlobStore, organisation_id: uuid.UUID, sha256: str, data: bytes) -> AppendResult:
    """Store a whole photo (verified against its hash), continuing a partial upload the tablet began earlier."""
    result = store.append(organisation_id, sha256, offset=0, length=len(data), chunk=data)
    if result.status in ("upload_offset_mismatch", "upload_expired") and 0 < result.offset < len(data):
        result = store.append(organisation_id, sha256, offset=result.offset, length=len(data),
                              chunk=data[result.offset:])
    return result


def entries(*, session: Session, organisation_id: uuid.UUID | None = None) -> list[tuple[Quarantine, str, str]]:
    """Every quarantined push with its user's name and the device's name, oldest first."""
    stmt = (select(Quarantine, User.username, Device.name).join(User, User.id == Quarantine.user_id)
            .join(Team, Team.id == User.team_id).outerjoin(Device, Device.id == Quarantine.device_id)
            .order_by(Quarantine.received_at))
    if organisation_id is not None:
        stmt = stmt.where(access.in_organisation(Team, organisation_id))
    return [(q, username, device_name or "") for q, username, device_name in session.execute(stmt)]


def replay(*, session: Session, quarantine_id: uuid.UUID) -> PushResponse:
    """Apply a revoked device's quarantined push as its inspector's own push (after a person looked at it); the
    mutation ids make a second replay, or a replay of work that did arrive, change nothing."""
    entry = session.get(Quarantine, quarantine_id)
    if entry is None or entry.reason != REASON or entry.device_id is None:
        raise LookupError(f"no handed-over work with id {quarantine_id}")
    device, user = session.get(Device, entry.device_id), session.get(User, entry.user_id)
    assert device is not None and user is not None
    team = session.get(Team, user.team_id)
    assert team is not None
    principal = Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                          role=Role(user.role), device_id=device.id, team_id=user.team_id,
                          organisation_id=team.organisation_id, client_id=device.client_id)
    reply = sync.push(session=session, user=principal, request=PushRequest.model_validate(entry.payload))
    entry.replayed_at = datetime.now(UTC)
    return reply
