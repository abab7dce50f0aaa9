"""Links between controls through identifiers recorded on them (DESIGN §4).

Decision: the server never stores an identifier in plain text. On ingest (mutation ``identifier.add.v1``)
the value is normalised and hashed with HMAC-SHA256 under the server's ``identifier_key``; only the
digest and a masked hint (``06••••••78``) are kept, so the database alone reveals no phone number, URL,
name or plate, and a digest cannot be brute-forced without the key. A ketenregisseur who must check a
known value asks ``POST /links/lookup``: it is hashed the same way, matched, and the lookup is audited.
Identifiers match only within one organisation (each row carries the organisation of its control), and a
viewer sees only linked controls they may see themselves (``tenancy.access``).
The one exception is the KvK number of an uitzendbureau: a public company register number, not personal
data, which the uitzendbureau overview must name; it is kept in ``public_value`` and reading it is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.records import Address
from schemas.review import Cluster, IdentifierKind, LinkedControl
from sync_server.auth.schemas import Principal
from sync_server.inspections import service as inspections
from sync_server.inspections.models import Inspection
from sync_server.links.models import Identifier
from sync_server.links.normalise import hint, normalise
from sync_server.tenancy import access

KEY_INFO = "identifier_key"


def digest(*, key: str, kind: IdentifierKind, canonical: str) -> str:
    """HMAC-SHA256 of ``kind:canonical`` under ``key`` (hex)."""
    return hmac.new(key.encode(), f"{kind.value}:{canonical}".encode(), hashlib.sha256).hexdigest()


def session_key(session: Session) -> str:
    """The identifier key the app factory put on the session (``session.info``)."""
    key = session.info.get(KEY_INFO)
    if not isinstance(key, str) or not key:
        raise RuntimeError("identifier_key missing from session.info; build sessions with the app factory")
    return key


def add(*, session: Session, identifier_id: uuid.UUID, inspection: Inspection, kind: IdentifierKind,
        value: str) -> bool:
    """Store one identifier of a control as its keyed hash; False when the value normalises to nothing."""
    canonical = normalise(kind, value)
    if not canonical:
        return False
    session.add(Identifier(id=identifier_id, inspection_id=inspection.id, organisation_id=inspection.organisation_id,
                           kind=kind.value,
                           digest=digest(key=session_key(session), kind=kind, canonical=canonical),
                           hint=hint(kind, canonical),
                           public_value=canonical if kind is IdentifierKind.UITZENDBUREAU else None,
                           created_at=datetime.now(UTC)))
    session.flush()
    return True


def _control(inspection: Inspection, kinds: set[str]) -> LinkedControl:
    return LinkedControl(inspection_id=inspection.id, address=Address.model_validate(inspection.address),
                         control_type=inspection.control_type, started_at=inspection.started_at,
                         level=inspection.level, kinds=sorted(IdentifierKind(k) for k in kinds))


def _visible(session: Session, ids: Iterable[uuid.UUID], viewer: Principal) -> list[Inspection]:
    """The controls among ``ids`` that ``viewer`` may see, in no particular order (one query per 500)."""
    return [i for chunk in inspections.chunks(list(ids))
            for i in session.scalars(select(Inspection).where(Inspection.id.in_(chunk),
                                                              access.inspection_clause(viewer)))]


def linked(*, session: Session, inspection: Inspection, viewer: Principal) -> list[LinkedControl]:
    """Other controls of the organisation sharing at least one identifier with this one (those ``viewer`` may
    see), and which kinds they share."""
    mine = list(session.execute(select(Identifier.kind, Identifier.digest)
                                .where(Identifier.inspection_id == inspection.id)))
    if not mine:
        return []
    shared: dict[uuid.UUID, set[str]] = defaultdict(set)
    for kind, dig in set(mine):
        rows = session.scalars(select(Identifier.inspection_id).where(
            Identifier.organisation_id == inspection.organisation_id, Identifier.kind == kind,
            Identifier.digest == dig, Identifier.inspection_id != inspection.id))
        for other in rows:
            shared[other].add(kind)
    out = [_control(i, shared[i.id]) for i in _visible(session, shared, viewer)]
    return sorted(out, key=lambda c: (c.started_at, str(c.inspection_id)))


def clusters(*, session: Session, viewer: Principal) -> list[Cluster]:
    """Connected groups of two or more controls of the viewer's organisation sharing identifiers, largest
    first."""
    rows = list(session.execute(select(Identifier.inspection_id, Identifier.kind, Identifier.digest,
                                       Identifier.hint)
                                .where(Identifier.organisation_id == viewer.organisation_id)))
    by_value: dict[tuple[str, str], set[uuid.UUID]] = defaultdict(set)
    hints: dict[tuple[str, str], str] = {}
    for iid, kind, dig, h in rows:
        by_value[(kind, dig)].add(iid)
        hints[(kind, dig)] = h
    parent: dict[uuid.UUID, uuid.UUID] = {}

    def find(x: uuid.UUID) -> uuid.UUID:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in by_value.values():
        first, *rest = sorted(members)
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for iid in {i for members in by_value.values() for i in members}:
        groups[find(iid)].add(iid)
    out = [_cluster(session, members, by_value, hints, viewer) for members in groups.values() if len(members) > 1]
    return sorted(out, key=lambda c: (-len(c.controls), c.id))


def _cluster(session: Session, members: set[uuid.UUID], by_value: dict[tuple[str, str], set[uuid.UUID]],
             hints: dict[tuple[str, str], str], viewer: Principal) -> Cluster:
    shared = [key for key, ids in by_value.items() if len(ids & members) > 1]
    kinds_of: dict[uuid.UUID, set[str]] = defaultdict(set)
    for kind, dig in shared:
        for iid in by_value[(kind, dig)] & members:
            kinds_of[iid].add(kind)
    controls = [_control(i, kinds_of[i.id]) for i in _visible(session, sorted(members), viewer)]
    controls.sort(key=lambda c: (c.started_at, str(c.inspection_id)))
    return Cluster(id=str(min(members))[:8], kinds=sorted({IdentifierKind(k) for k, _ in shared}),
                   hints=sorted({f"{k}: {hints[(k, d)]}" for k, d in shared}), controls=controls)


def lookup(*, session: Session, viewer: Principal, kind: IdentifierKind, value: str) -> list[LinkedControl]:
    """The controls of the viewer's organisation on which this exact identifier (after normalising) was
    recorded."""
    canonical = normalise(kind, value)
    if not canonical:
        return []
    dig = digest(key=session_key(session), kind=kind, canonical=canonical)
    ids = set(session.scalars(select(Identifier.inspection_id).where(
        Identifier.organisation_id == viewer.organisation_id, Identifier.kind == kind.value, Identifier.digest == dig)))
    out = [_control(i, {kind.value}) for i in _visible(session, ids, viewer)]
    return sorted(out, key=lambda c: (c.started_at, str(c.inspection_id)))
