"""Push and pull (DESIGN §3, research/sync.md §2.4-2.6).

Push: one transaction; the sync counter is locked first; mutations with ids <= last_mutation_id are
skipped (idempotent replay), a gap stops the batch, a permanent failure becomes a rejection (synced back
to the user) without undoing the rest, and last_mutation_id still advances past it. The v1 handlers reject
only before their first write, so they run without a savepoint (one round trip less per mutation); any other
handler runs in a savepoint so its rejection rolls back only that mutation.
Flags of touched finished inspections are recomputed at the end, and the photo arrivals owed meanwhile
(uploads do not wait for the lock: ``blobs.service.record``) are announced.
Pull: changes after the cursor in the caller's scopes, read in the same transaction as last_mutation_id,
projected to the entities the client's schema version can parse (and templates and catalogues of a data format it
reads: ``schemas.sync.readable_asset``). A pull starts over (``reset``) when the
caller's scopes changed since the last pull (the scope epoch goes up), when the client sends another epoch,
or when its cursor is beyond anything this server ever served it (the server was restored from a backup).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.inputs import INT_MAX, UNSTORABLE, clean, cleaned
from schemas.sync import (
    MIN_SUPPORTED_SCHEMA_VERSION,
    SCHEMA_VERSION,
    Change,
    Mutation,
    PullRequest,
    PullResponse,
    PushRequest,
    PushResponse,
    Rejection,
    entities_for,
    readable_asset,
)
from sync_server.auth import tokens
from sync_server.auth.schemas import Principal
from sync_server.blobs import service as blobs
from sync_server.errors import REJECTIONS, ApiError
from sync_server.inspections import service as inspections
from sync_server.inspections.mutations import MutationContext, Rejected
from sync_server.sync import changes
from sync_server.sync.models import ChangeLog, Quarantine, SyncClient
from sync_server.sync.registry import CHECKS_BEFORE_WRITING, HANDLERS


def effective_schema_version(body_version: int | None, header_version: int | None) -> int | None:
    """The lower of the two versions a client states (either may be missing)."""
    given = [v for v in (body_version, header_version) if v is not None]
    return min(given) if given else None


def in_window(version: int | None) -> bool:
    return version is not None and MIN_SUPPORTED_SCHEMA_VERSION <= version <= SCHEMA_VERSION


def scopes_for(user: Principal) -> list[str]:
    """The change-log scopes a caller may read; decided by the server, never by the client. The organisation
    and team scopes carry no changes (yet): they are here so a move to another team or organisation changes
    the scope key, and the next pull starts over. The role scope is per organisation, like everything else."""
    org = user.organisation_id
    return ["all", f"org:{org}", f"team:{user.team_id}", changes.user_scope(user.user_id, org),
            f"role:{user.role.value}@{org}"]


def _client(session: Session, user: Principal, client_id: uuid.UUID, schema_version: int,
            *, create: bool) -> SyncClient | None:
    """The caller's sync client row (registered on first use); refuses a client_id of another user."""
    client = session.get(SyncClient, client_id)
    if client is not None and client.user_id != user.user_id:
        raise ApiError("client_id_taken")
    if user.client_id is None:  # a device that logged in without its client id is bound to it now
        tokens.bind_client(session=session, device_id=user.device_id, client_id=client_id)
    elif user.client_id != client_id:
        raise ApiError("client_id_mismatch")
    now = datetime.now(UTC)
    if client is None:
        if not create:
            return None
        client = SyncClient(client_id=client_id, user_id=user.user_id, device_id=user.device_id,
                            last_mutation_id=0, schema_version=schema_version, created_at=now, last_seen=now)
        session.add(client)
        session.flush()
    return client


def quarantine(*, session: Session, user: Principal, payload: dict[str, Any], schema_version: int | None,
               max_bytes: int, quota_bytes: int) -> PushResponse:
    """Store a push from outside the schema window raw, and acknowledge it so the device keeps nothing stuck.

    Up to ``max_bytes`` per push and ``quota_bytes`` for all of the user's quarantined pushes (raw data nobody
    validates must not fill the disk): past either, 413 ``quarantine_full``; the app keeps its outbox and sends
    it again once it is updated."""
    changes.lock(session=session)
    stored = cleaned(payload)
    size = len(json.dumps(stored, separators=(",", ":"), ensure_ascii=False, default=str).encode())
    kept = session.scalar(select(func.coalesce(func.sum(Quarantine.size), 0))
                          .where(Quarantine.user_id == user.user_id, Quarantine.reason == "schema")) or 0
    if size > max_bytes or int(kept) + size > quota_bytes:
        raise ApiError("quarantine_full", detail=f"{size} bytes; {int(kept)} of {quota_bytes} kept")
    client_raw = clean(str(payload.get("client_id", ""))[:64])
    storable_version = schema_version if schema_version is not None and 0 <= schema_version < 2**31 else None
    session.add(Quarantine(user_id=user.user_id, client_id=client_raw, schema_version=storable_version,
                           payload=stored, received_at=datetime.now(UTC), size=size))
    mutations = payload.get("mutations")
    ids = [m.get("id") for m in (mutations if isinstance(mutations, list) else []) if isinstance(m, dict)]
    top = max((i for i in ids if isinstance(i, int) and not isinstance(i, bool) and 0 < i <= INT_MAX), default=0)
    try:
        client_id = uuid.UUID(client_raw)
    except ValueError:
        return PushResponse(last_mutation_id=top)
    client = _client(session, user, client_id, storable_version or 0, create=True)
    assert client is not None
    client.last_mutation_id = max(client.last_mutation_id, top)
    return PushResponse(last_mutation_id=client.last_mutation_id)


def push(*, session: Session, user: Principal, request: PushRequest) -> PushResponse:
    """Apply a batch of mutations in order; see the module docstring."""
    ctx = MutationContext(session=session, user=user, client_id=str(request.client_id))
    ctx.parse(request.mutations)  # pure checks, before the lock
    changes.lock(session=session)
    client = _client(session, user, request.client_id, request.schema_version, create=True)
    assert client is not None
    client.schema_version = request.schema_version
    client.last_seen = datetime.now(UTC)
    ctx.prefetch([m for m in request.mutations if m.id > client.last_mutation_id])
    rejections: list[Rejection] = []
    last = client.last_mutation_id  # written back once, after the loop
    for mutation in request.mutations:
        if mutation.id <= last:
            continue
        if mutation.id != last + 1:
            break
        rejection = _apply(ctx, mutation)
        if rejection is not None:
            rejections.append(rejection)
            _emit_rejection(session, user, request.client_id, mutation, rejection)
        last = mutation.id
    client.last_mutation_id = last
    ctx.apply_bumps()
    known = ctx.findings()  # the flags' inputs from the push's own rows, not read back
    ctx.write_answers()
    sent = inspections.refresh_flags(session=session, inspection_ids=ctx.touched, known=known)
    blobs.announce_arrivals(session=session, sent=sent)  # photos that arrived while this push held the lock
    return PushResponse(last_mutation_id=client.last_mutation_id, rejections=rejections)


def _apply(ctx: MutationContext, mutation: Mutation) -> Rejection | None:
    handler = HANDLERS.get(mutation.name)
    if handler is None:
        return _rejection(mutation, "unknown_mutation", mutation.name)
    unstorable = ctx.problem(mutation)
    if unstorable is not None:  # refused before any handler reads it: this mutation only, the queue goes on
        return _rejection(mutation, UNSTORABLE, unstorable)
    if mutation.name in CHECKS_BEFORE_WRITING:
        try:
            handler(ctx, mutation)  # a rejection comes before any write: nothing to roll back
        except Rejected as exc:
            return _rejection(mutation, exc.code, exc.detail)
        return None
    touched_before, bumps_before = set(ctx.touched), ctx.bumps.copy()
    try:
        with ctx.session.begin_nested():
            handler(ctx, mutation)
    except Rejected as exc:
        ctx.touched, ctx.bumps = touched_before, bumps_before
        return _rejection(mutation, exc.code, exc.detail)
    return None


def _rejection(mutation: Mutation, code: str, detail: str) -> Rejection:
    nl, _en = REJECTIONS[code]
    return Rejection(mutation_id=mutation.id, code=code, message=f"{nl} ({clean(detail)})" if detail else nl)


def _emit_rejection(session: Session, user: Principal, client_id: uuid.UUID, mutation: Mutation,
                    rejection: Rejection) -> None:
    data = {**rejection.model_dump(mode="json"), "message_en": REJECTIONS[rejection.code][1],
            "client_id": str(client_id), "mutation_name": clean(mutation.name),
            "inspection_id": str(mutation.entity_id)}
    changes.emit(session=session, entity="rejection", entity_id=f"{client_id}:{mutation.id}",
                 scope=changes.user_scope(user.user_id, user.organisation_id), data=data)


def pull(*, session: Session, user: Principal, request: PullRequest,
         schema_version: int | None = None) -> PullResponse:
    """Changes after the cursor in the caller's scopes, one page, with the client's last_mutation_id."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    scopes = scopes_for(user)
    client = _client(session, user, request.client_id, request.schema_version, create=True)
    assert client is not None
    reset = _needs_reset(client, request, scope_key=",".join(sorted(scopes)))
    since = 0 if reset else request.cursor
    version = schema_version or request.schema_version
    entities = entities_for(version)
    stmt = (select(ChangeLog).where(ChangeLog.seq > since, ChangeLog.scope.in_(scopes),
                                    ChangeLog.entity.in_(entities))
            .order_by(ChangeLog.seq).limit(request.limit + 1))
    rows = list(session.scalars(stmt))
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    out = [Change(seq=r.seq, entity=r.entity, entity_id=r.entity_id, op=r.op, data=r.data)
           for r in rows if readable_asset(r.entity, r.data, version)]
    cursor = rows[-1].seq if rows else (since if has_more else max(since, changes.current_seq(session=session)))
    client.served_cursor = max(client.served_cursor, cursor)
    client.last_seen = datetime.now(UTC)
    return PullResponse(changes=out, cursor=cursor, has_more=has_more, last_mutation_id=client.last_mutation_id,
                        reset=reset, scope_epoch=client.scope_epoch)


def _needs_reset(client: SyncClient, request: PullRequest, *, scope_key: str) -> bool:
    """Whether this pull must start over; bumps the scope epoch when the caller's scopes changed."""
    reset = False
    if client.scope_key != scope_key:
        if client.scope_key:  # not the first pull of this client
            client.scope_epoch += 1
            reset = True
        client.scope_key = scope_key
    if request.scope_epoch is not None and request.scope_epoch != client.scope_epoch:
        reset = True
    if request.cursor > client.served_cursor:
        reset = True  # this server never served that cursor: it lost history (restored from a backup)
    return reset and request.cursor > 0
